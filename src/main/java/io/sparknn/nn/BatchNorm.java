package io.sparknn.nn;

import java.util.List;

/**
 * Batch normalization: in training each unit is normalized with the batch's mean and variance, and running
 * estimates (momentum 0.1, unbiased variance) are updated; at inference the running estimates are used, so a row's
 * output never depends on the other rows of its batch. The running statistics are saved with the model.
 */
public final class BatchNorm extends Normalization {
  private static final double MOMENTUM = 0.1;
  private final Param runningMean;
  private final Param runningVariance;

  /** Batch normalization over {@code width} units. */
  public BatchNorm(int width, boolean precise) {
    super(width, precise);
    runningMean = new Param("runningMean", Matrix.zeros(1, width, precise), null, false);
    runningVariance = new Param("runningVariance", Matrix.zeros(1, width, precise).fill(1), null, false);
  }

  @Override
  boolean columnGroups() {
    return true;
  }

  @Override
  public List<Param> params() {
    List<Param> all = super.params();
    all.add(runningMean);
    all.add(runningVariance);
    return all;
  }

  @Override
  boolean statistics(Matrix x, Pass pass, double[][] stats) {
    if (!pass.training()) {
      for (int j = 0; j < x.cols; j++) {
        stats[0][j] = runningMean.value().get(j);
        stats[1][j] = runningVariance.value().get(j);
      }
      return false;
    }
    double[][] m = groupMoments(x);
    double unbiased = x.rows > 1 ? x.rows / (x.rows - 1.0) : 1;
    for (int j = 0; j < x.cols; j++) {
      stats[0][j] = m[0][j];
      stats[1][j] = m[1][j];
      Matrix mean = runningMean.value();
      Matrix variance = runningVariance.value();
      mean.set(j, (1 - MOMENTUM) * mean.get(j) + MOMENTUM * m[0][j]);
      variance.set(j, (1 - MOMENTUM) * variance.get(j) + MOMENTUM * m[1][j] * unbiased);
    }
    return true;
  }
}
