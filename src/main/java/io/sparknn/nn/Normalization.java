package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared math of {@link BatchNorm} and {@link LayerNorm}: values are normalized within groups — a column over
 * the batch's rows, or a row over its units — to {@code x̂ = (x − μ)/√(σ² + ε)}, then scaled and shifted per unit,
 * {@code γ·x̂ + β}. The subclass says how groups are laid out and where μ and σ² come from.
 */
abstract class Normalization extends Layer {
  static final double EPSILON = 1e-5;
  final Param gain;
  final Param shift;
  private Matrix normalized;
  private double[] invStd;
  private boolean batchStatistics;

  Normalization(int width, boolean precise) {
    gain = new Param("gain", Matrix.zeros(1, width, precise).fill(1), Matrix.zeros(1, width, precise), false);
    shift = new Param("shift", Matrix.zeros(1, width, precise), Matrix.zeros(1, width, precise), false);
  }

  /** True when a group is a column (statistics over rows), false when it is a row. */
  abstract boolean columnGroups();

  /**
   * Mean and variance of each group ({@code stats[0]}, {@code stats[1]}), and whether they came from {@code x}
   * itself (then the backward pass differentiates through them).
   */
  abstract boolean statistics(Matrix x, Pass pass, double[][] stats);

  @Override
  public int outputs() {
    return gain.value().cols;
  }

  @Override
  public List<Param> params() {
    return new ArrayList<>(List.of(gain, shift));
  }

  /** Mean and biased variance of each group of {@code x}. */
  final double[][] groupMoments(Matrix x) {
    int groups = columnGroups() ? x.cols : x.rows;
    int length = columnGroups() ? x.rows : x.cols;
    double[][] m = new double[2][groups];
    for (int g = 0; g < groups; g++) {
      double sum = 0;
      double squares = 0;
      for (int k = 0; k < length; k++) {
        double v = x.get(index(x, g, k));
        sum += v;
        squares += v * v;
      }
      double mean = sum / length;
      m[0][g] = mean;
      m[1][g] = Math.max(0, squares / length - mean * mean);
    }
    return m;
  }

  private int index(Matrix x, int group, int k) {
    return columnGroups() ? k * x.cols + group : group * x.cols + k;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    int groups = columnGroups() ? x.cols : x.rows;
    double[][] stats = new double[2][groups];
    batchStatistics = statistics(x, pass, stats);
    invStd = new double[groups];
    for (int g = 0; g < groups; g++) {
      invStd[g] = 1 / Math.sqrt(stats[1][g] + EPSILON);
    }
    normalized = x.like(x.rows, x.cols);
    Matrix out = x.like(x.rows, x.cols);
    int length = columnGroups() ? x.rows : x.cols;
    for (int g = 0; g < groups; g++) {
      for (int k = 0; k < length; k++) {
        int i = index(x, g, k);
        double h = (x.get(i) - stats[0][g]) * invStd[g];
        normalized.set(i, h);
        int unit = i % x.cols;
        out.set(i, gain.value().get(unit) * h + shift.value().get(unit));
      }
    }
    return out;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    gain.grad().fill(0);
    shift.grad().fill(0);
    Matrix dh = g.like(g.rows, g.cols);
    for (int i = 0; i < g.size(); i++) {
      int unit = i % g.cols;
      gain.grad().add(unit, g.get(i) * normalized.get(i));
      shift.grad().add(unit, g.get(i));
      dh.set(i, g.get(i) * gain.value().get(unit));
    }
    if (!inputGradient) {
      return null;
    }
    int groups = columnGroups() ? g.cols : g.rows;
    int length = columnGroups() ? g.rows : g.cols;
    Matrix dx = g.like(g.rows, g.cols);
    for (int grp = 0; grp < groups; grp++) {
      double sum = 0;
      double dot = 0;
      for (int k = 0; k < length; k++) {
        int i = index(g, grp, k);
        sum += dh.get(i);
        dot += dh.get(i) * normalized.get(i);
      }
      for (int k = 0; k < length; k++) {
        int i = index(g, grp, k);
        double v = batchStatistics ? dh.get(i) - sum / length - normalized.get(i) * dot / length : dh.get(i);
        dx.set(i, v * invStd[grp]);
      }
    }
    return dx;
  }
}
