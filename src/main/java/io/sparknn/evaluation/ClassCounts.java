package io.sparknn.evaluation;

/**
 * Weighted classification counts packed in one {@code double[]} so partitions merge by adding arrays: a k×k
 * confusion matrix (rows true, columns predicted), the total weight, the weighted log-loss sum and the row count.
 */
final class ClassCounts {
  private ClassCounts() {}

  static int length(int k) {
    return k * k + 3;
  }

  static int weightAt(int k) {
    return k * k;
  }

  static int logLossAt(int k) {
    return k * k + 1;
  }

  static int rowsAt(int k) {
    return k * k + 2;
  }

  /**
   * Log loss of one row as scikit-learn computes it: clip to [eps, 1 - eps], renormalize, take -log p[label].
   * With two classes only P(class 1) is used (clipped, then P(class 0) = 1 - P(class 1)), as scikit-learn does
   * with the usual one-column binary scores.
   */
  static double logLoss(double[] p, int label) {
    final double eps = 1e-15;
    if (p.length == 2) {
      double p1 = Math.min(Math.max(p[1], eps), 1 - eps);
      double[] q = {1 - p1, p1};
      return -Math.log(q[label] / (q[0] + q[1]));
    }
    double sum = 0;
    for (double x : p) {
      sum += Math.min(Math.max(x, eps), 1 - eps);
    }
    return -Math.log(Math.min(Math.max(p[label], eps), 1 - eps) / sum);
  }

  /** Adds one row: true class, predicted class, probabilities (or null), weight. */
  static void add(double[] acc, int k, int label, int prediction, double[] probability, double w) {
    acc[label * k + prediction] += w;
    acc[weightAt(k)] += w;
    if (probability != null) {
      acc[logLossAt(k)] += w * logLoss(probability, label);
    }
    acc[rowsAt(k)] += 1;
  }
}
