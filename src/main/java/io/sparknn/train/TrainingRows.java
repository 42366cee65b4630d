package io.sparknn.train;

import java.io.Serializable;

/**
 * A block of training rows as primitive arrays — features (row-major float), label, weight and validation flag —
 * built in blocks of a few MiB per partition and cached, so every epoch reads floats instead of Spark rows.
 */
public final class TrainingRows implements Serializable {
  private static final long serialVersionUID = 1L;

  final int features;
  final float[] x;
  final double[] label;
  final double[] weight;
  final boolean[] validation;

  /** A block of {@code label.length} rows with {@code features} features each. */
  public TrainingRows(int features, float[] x, double[] label, double[] weight, boolean[] validation) {
    this.features = features;
    this.x = x;
    this.label = label;
    this.weight = weight;
    this.validation = validation;
  }

  /** Rows [from, to) of this block, copied. */
  public TrainingRows slice(int from, int to) {
    return new TrainingRows(features, java.util.Arrays.copyOfRange(x, from * features, to * features),
        java.util.Arrays.copyOfRange(label, from, to), java.util.Arrays.copyOfRange(weight, from, to),
        java.util.Arrays.copyOfRange(validation, from, to));
  }

  /** Number of rows. */
  public int rows() {
    return label.length;
  }

  /** The features, row-major. */
  public float[] values() {
    return x;
  }

  /** {rows marked for validation by the indicator column, rows with a positive weight among the others}. */
  public long[] heldAndWeighted() {
    long held = 0;
    long weighted = 0;
    for (int i = 0; i < label.length; i++) {
      held += validation[i] ? 1 : 0;
      weighted += !validation[i] && weight[i] > 0 ? 1 : 0;
    }
    return new long[] {held, weighted};
  }

  /** The labels (class indices or target values). */
  public double[] labels() {
    return label;
  }
}
