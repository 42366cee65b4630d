package io.sparknn.param;

import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.param.Params;

/** A stage with a {@code outputCols} param: output column names. */
public interface HasOutputCols extends Params {
  /** The {@code outputCols} param: output column names. */
  StringArrayParam outputCols();

  /** The value of {@code outputCols} (or its default). */
  default String[] getOutputCols() {
    return  getOrDefault(outputCols());
  }
}
