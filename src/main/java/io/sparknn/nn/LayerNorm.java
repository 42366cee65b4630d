package io.sparknn.nn;

/** Layer normalization: each row is normalized over its units, in training and inference alike. */
public final class LayerNorm extends Normalization {
  /** Layer normalization over {@code width} units. */
  public LayerNorm(int width, boolean precise) {
    super(width, precise);
  }

  @Override
  boolean columnGroups() {
    return false;
  }

  @Override
  boolean statistics(Matrix x, Pass pass, double[][] stats) {
    double[][] m = groupMoments(x);
    stats[0] = m[0];
    stats[1] = m[1];
    return true;
  }
}
