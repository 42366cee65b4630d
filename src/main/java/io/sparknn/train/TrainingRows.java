package io.sparknn.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A block of training rows as primitive arrays — features (row-major float), label, weight and validation flag —
 * built once per partition and cached, so every epoch reads floats instead of Spark rows.
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

  /** All blocks of a partition in one. */
  public static TrainingRows concat(Iterator<TrainingRows> blocks, int features) {
    List<TrainingRows> all = new ArrayList<>();
    long n = 0;
    while (blocks.hasNext()) {
      TrainingRows b = blocks.next();
      all.add(b);
      n += b.rows();
    }
    if (n * features > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(n + " rows x " + features + " features exceed one training task's"
          + " array limit; sample the data or wait for distributed training");
    }
    float[] x = new float[(int) (n * features)];
    double[] y = new double[(int) n];
    double[] w = new double[(int) n];
    boolean[] v = new boolean[(int) n];
    int at = 0;
    for (TrainingRows b : all) {
      System.arraycopy(b.x, 0, x, at * features, b.x.length);
      System.arraycopy(b.label, 0, y, at, b.rows());
      System.arraycopy(b.weight, 0, w, at, b.rows());
      System.arraycopy(b.validation, 0, v, at, b.rows());
      at += b.rows();
    }
    return new TrainingRows(features, x, y, w, v);
  }
}
