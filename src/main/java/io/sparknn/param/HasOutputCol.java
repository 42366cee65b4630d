package io.sparknn.param;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** A stage with a {@code outputCol} param: name of the output column. */
public interface HasOutputCol extends Params {
  /** The {@code outputCol} param: name of the output column. */
  Param<String> outputCol();

  /** The value of {@code outputCol} (or its default). */
  default String getOutputCol() {
    return  getOrDefault(outputCol());
  }
}
