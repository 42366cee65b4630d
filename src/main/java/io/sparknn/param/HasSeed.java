package io.sparknn.param;

import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Params;

/** A stage with a {@code seed} param: random seed. */
public interface HasSeed extends Params {
  /** The {@code seed} param: random seed. */
  LongParam seed();

  /** The value of {@code seed} (or its default). */
  default long getSeed() {
    return (Long) getOrDefault(seed());
  }
}
