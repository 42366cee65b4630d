package io.sparknn.param;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Params;

/** A stage with a {@code numFolds} param: number of folds. */
public interface HasNumFolds extends Params {
  /** The {@code numFolds} param: number of folds. */
  IntParam numFolds();

  /** The value of {@code numFolds} (or its default). */
  default int getNumFolds() {
    return (Integer) getOrDefault(numFolds());
  }
}
