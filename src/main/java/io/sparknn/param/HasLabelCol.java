package io.sparknn.param;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** A stage with a {@code labelCol} param: label column name. */
public interface HasLabelCol extends Params {
  /** The {@code labelCol} param: label column name. */
  Param<String> labelCol();

  /** The value of {@code labelCol} (or its default). */
  default String getLabelCol() {
    return  getOrDefault(labelCol());
  }
}
