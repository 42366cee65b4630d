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

  /** Batch normalization over {@code width} units on {@code engine}. */
  public BatchNorm(int width, Engine engine, boolean precise) {
    super(width, engine, precise);
    runningMean = new Param("runningMean", engine.zeros(1, width, precise), null, false);
    runningVariance = new Param("runningVariance", engine.zeros(1, width, precise).fill(1), null, false);
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
  boolean statistics(Matrix x, Pass pass, Matrix mean, Matrix variance) {
    if (!pass.training()) {
      mean.assign(runningMean.value());
      variance.assign(runningVariance.value());
      return false;
    }
    groupMoments(x, mean, variance);
    Engine e = x.engine();
    double unbiased = x.rows > 1 ? x.rows / (x.rows - 1.0) : 1;
    e.linear(1 - MOMENTUM, runningMean.value(), MOMENTUM, mean, runningMean.value());
    e.linear(1 - MOMENTUM, runningVariance.value(), MOMENTUM * unbiased, variance, runningVariance.value());
    return true;
  }
}
