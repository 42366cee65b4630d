package io.sparknn.evaluation;

import io.sparknn.util.Rows;
import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Validates and accumulates one scored row {@code (label, prediction, scores, weight)}. Every failure names the
 * stage, the param and the column, the value found and what is expected.
 */
final class RowCheck implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String label;
  private final String prediction;
  private final String weight;
  private final String scores;
  private final int k;
  private final boolean isProbability;

  RowCheck(String label, String prediction, String weight) {
    this(label, prediction, weight, "", 0, false);
  }

  private RowCheck(String label, String prediction, String weight, String scores, int k, boolean isProbability) {
    this.label = label;
    this.prediction = prediction;
    this.weight = weight;
    this.scores = scores;
    this.k = k;
    this.isProbability = isProbability;
  }

  /** The same checks plus a score vector column of size {@code k} (0: no score column). */
  RowCheck withScores(String where, int size, boolean probability) {
    if (size > MetricsEvaluator.MAX_CLASSES) {
      throw new IllegalArgumentException(where + " holds " + size + " class scores per row, but classification"
          + " metrics take at most " + MetricsEvaluator.MAX_CLASSES + " classes (a dense confusion matrix per"
          + " task). Evaluate fewer classes, e.g. the top ones after grouping the rest into one class.");
    }
    return new RowCheck(label, prediction, weight, where, size, probability);
  }

  private double number(InternalRow r, int i, String where, String what) {
    if (r.isNullAt(i) || !Double.isFinite(r.getDouble(i))) {
      throw new IllegalArgumentException(where + " has a " + (r.isNullAt(i) ? "null " + what
          : "non-finite " + what + " (" + r.getDouble(i) + ")") + "; every row needs a finite one. Drop or fix those"
          + " rows first.");
    }
    return r.getDouble(i);
  }

  private int classIndex(InternalRow r, int i, String where, String what) {
    double v = number(r, i, where, what);
    if (v < 0 || v != Math.rint(v) || (k > 0 && v >= k)) {
      throw new IllegalArgumentException(where + " has " + what + " " + v + " but classes must be indices 0.."
          + (k > 0 ? (k - 1) + " (the score vectors have " + k + " entries)" : "k-1")
          + ". Index string labels with StringIndexer first.");
    }
    if (v >= MetricsEvaluator.MAX_CLASSES) {
      throw new IllegalArgumentException(where + " has " + what + " " + v + " but classification metrics take"
          + " class indices 0.." + (MetricsEvaluator.MAX_CLASSES - 1) + " (at most " + MetricsEvaluator.MAX_CLASSES
          + " classes: a dense confusion matrix per task). Evaluate fewer classes, or index the labels so the"
          + " classes present are 0..k-1.");
    }
    return (int) v;
  }

  private double weight(InternalRow r) {
    double w = number(r, r.numFields() - 1, weight.isEmpty() ? "the weight" : weight, "weight");
    if (w < 0) {
      throw new IllegalArgumentException(weight + " has the negative weight " + w + "; weights must be >= 0.");
    }
    return w;
  }

  /** Checks one classification row and adds it to {@code acc}. */
  ClassAcc add(ClassAcc acc, InternalRow r) {
    int y = classIndex(r, 0, label, "label");
    int p = classIndex(r, 1, prediction, "prediction");
    double w = weight(r);
    double[] prob = null;
    if (k > 0) {
      Vector v = Rows.vector(r, 2);
      if (v == null || v.size() != k) {
        throw new IllegalArgumentException(scores + " has a " + (v == null ? "null score vector" : "vector of size "
            + v.size()) + " but the column holds " + k + " class scores per row.");
      }
      prob = v.toArray();
      for (double x : prob) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException(scores + " has a score vector with " + x + ": " + v);
        }
      }
    }
    acc.ensure(Math.max(y, p) + 1);
    ClassCounts.add(acc.counts, acc.k, y, p, isProbability ? prob : null, w);
    return acc;
  }

  /**
   * Checks one regression row {@code (label, prediction, weight)} and adds it to {@code a = [weight, weighted
   * squared error, weighted absolute error, weighted label mean, weighted label M2, rows]}.
   */
  double[] addRegression(double[] a, InternalRow r) {
    double y = number(r, 0, label, "label");
    double p = number(r, 1, prediction, "prediction");
    double w = weight(r);
    double e = y - p;
    a[0] += w;
    a[1] += w * e * e;
    a[2] += w * Math.abs(e);
    if (a[0] > 0) { // weighted Welford update of the label's mean and squared deviations
      double d = y - a[3];
      a[3] += w * d / a[0];
      a[4] += w * d * (y - a[3]);
    }
    a[5] += 1;
    return a;
  }

  /** Merges two regression accumulators (Chan et al. for the label moments). */
  static double[] mergeRegression(double[] a, double[] b) {
    double total = a[0] + b[0];
    if (total > 0) {
      double d = b[3] - a[3];
      a[4] += b[4] + d * d * a[0] * b[0] / total;
      a[3] += d * b[0] / total;
    }
    a[0] = total;
    a[1] += b[1];
    a[2] += b[2];
    a[5] += b[5];
    return a;
  }
}
