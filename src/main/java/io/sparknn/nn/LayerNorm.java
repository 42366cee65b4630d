package io.sparknn.nn;

/** Layer normalization: each row is normalized over its units, in training and inference alike. */
public final class LayerNorm extends Normalization {
  /** Layer normalization over {@code width} units on {@code engine}. */
  public LayerNorm(int width, Engine engine, boolean precise) {
    super(width, engine, precise);
  }

  @Override
  boolean columnGroups() {
    return false;
  }

  @Override
  boolean statistics(Matrix x, Pass pass, Matrix mean, Matrix variance) {
    groupMoments(x, mean, variance);
    return true;
  }
}
