package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared math of {@link BatchNorm} and {@link LayerNorm}: values are normalized within groups — a column over
 * the batch's rows, or a row over its units — to {@code x̂ = (x − μ)/√(σ² + ε)}, then scaled and shifted per unit,
 * {@code γ·x̂ + β}. The subclass says how groups are laid out and where μ and σ² come from. Statistics are a
 * 1 × units matrix for column groups and a rows × 1 matrix for row groups, so one broadcast serves both.
 */
abstract class Normalization extends Layer {
  static final double EPSILON = 1e-5;
  final Param gain;
  final Param shift;
  private Matrix normalized;
  private Matrix invStd;
  private Matrix output;
  private boolean batchStatistics;

  Normalization(int width, Engine engine, boolean precise) {
    gain = new Param("gain", engine.zeros(1, width, precise).fill(1), engine.zeros(1, width, precise), false);
    shift = new Param("shift", engine.zeros(1, width, precise), engine.zeros(1, width, precise), false);
  }

  /** True when a group is a column (statistics over rows), false when it is a row. */
  abstract boolean columnGroups();

  /**
   * Writes the mean and variance of each group into {@code mean} and {@code variance}; returns whether they came
   * from {@code x} itself (then the backward pass differentiates through them).
   */
  abstract boolean statistics(Matrix x, Pass pass, Matrix mean, Matrix variance);

  @Override
  public int outputs() {
    return gain.value().cols;
  }

  @Override
  public List<Param> params() {
    return new ArrayList<>(List.of(gain, shift));
  }

  /** A statistics matrix for groups of {@code x}. */
  private Matrix stats(Matrix x) {
    return columnGroups() ? x.like(1, x.cols) : x.like(x.rows, 1);
  }

  /** Group means of {@code x}: sums over the group, divided by its length. */
  private void means(Matrix x, Matrix out) {
    Engine e = x.engine();
    e.sum(x, columnGroups(), out);
    e.affine(out, 1.0 / (columnGroups() ? x.rows : x.cols), 0, out);
  }

  /** Mean and biased variance of each group of {@code x}. */
  final void groupMoments(Matrix x, Matrix mean, Matrix variance) {
    Engine e = x.engine();
    means(x, mean);
    Matrix centered = x.like(x.rows, x.cols);
    Matrix negative = mean.like(mean.rows, mean.cols);
    e.affine(mean, -1, 0, negative);
    e.broadcast(x, negative, false, centered);
    e.map(centered, Engine.Fn.SQUARE, 0, centered);
    means(centered, variance);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    Matrix mean = stats(x);
    invStd = stats(x);
    batchStatistics = statistics(x, pass, mean, invStd);
    e.map(invStd, Engine.Fn.RSQRT, EPSILON, invStd);
    e.affine(mean, -1, 0, mean);
    normalized = e.reuse(normalized, x.rows, x.cols, x.precise());
    e.broadcast(x, mean, false, normalized);
    e.broadcast(normalized, invStd, true, normalized);
    output = e.reuse(output, x.rows, x.cols, x.precise());
    e.broadcast(normalized, gain.value(), true, output);
    e.broadcast(output, shift.value(), false, output);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    Matrix dh = g.like(g.rows, g.cols);
    e.multiply(g, normalized, dh);
    e.sum(dh, true, gain.grad());
    e.sum(g, true, shift.grad());
    if (!inputGradient) {
      return null;
    }
    e.broadcast(g, gain.value(), true, dh);
    if (batchStatistics) {
      // dx = (dh − mean(dh) − x̂·mean(dh ∘ x̂)) / σ within each group
      Matrix meanDh = stats(g);
      means(dh, meanDh);
      Matrix product = g.like(g.rows, g.cols);
      e.multiply(dh, normalized, product);
      Matrix meanProduct = stats(g);
      means(product, meanProduct);
      e.affine(meanDh, -1, 0, meanDh);
      e.broadcast(dh, meanDh, false, dh);
      e.broadcast(normalized, meanProduct, true, product);
      e.linear(1, dh, -1, product, dh);
    }
    e.broadcast(dh, invStd, true, dh);
    return dh;
  }
}
