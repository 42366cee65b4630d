package io.sparknn.param;

import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.param.Params;

/** A stage with a {@code inputCols} param: input column names. */
public interface HasInputCols extends Params {
  /** The {@code inputCols} param: input column names. */
  StringArrayParam inputCols();

  /** The value of {@code inputCols} (or its default). */
  default String[] getInputCols() {
    return  getOrDefault(inputCols());
  }
}
