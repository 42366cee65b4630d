package io.sparknn.param;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** A stage with a {@code handleInvalid} param: how invalid values are handled. */
public interface HasHandleInvalid extends Params {
  /** The {@code handleInvalid} param: how invalid values are handled. */
  Param<String> handleInvalid();

  /** The value of {@code handleInvalid} (or its default). */
  default String getHandleInvalid() {
    return  getOrDefault(handleInvalid());
  }
}
