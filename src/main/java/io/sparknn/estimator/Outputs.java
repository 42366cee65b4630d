package io.sparknn.estimator;

import io.sparknn.nn.Loss;
import java.io.Serializable;

/**
 * The output column values of one scored row in Spark's internal format, laid out like Spark's classifiers and
 * regressors. Vectors are written as the struct of Spark's VectorUDT (type 1 = dense, values) directly, without a
 * {@code DenseVector} in between. The classifier's rawPrediction is the network's logits shifted to mean 0: the
 * softmax (probability) is unchanged, and for two classes it is {@code [-m/2, m/2]} with {@code m} the log-odds,
 * so margins compare across models (what {@code OneVsRest} does with its members' {@code rawPrediction(1)}).
 */
final class Outputs {
  private Outputs() {}

  /**
   * Which outputs a scored row has: the classifier's rawPrediction, probability and prediction (each may be left
   * out, as MLlib does for an empty column name) or the regressor's prediction; {@code thresholds} (null = none)
   * pick the prediction as the largest probability / threshold.
   */
  record Layout(boolean classification, boolean raw, boolean probability, boolean prediction,
      double[] thresholds) implements Serializable {
    /** Number of output columns. */
    int columns() {
      return (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0);
    }
  }

  /** The values of the layout's columns for one row's network outputs; NaN outputs (handleInvalid=keep) give NaN. */
  static Object[] of(double[] out, Layout l) {
    if (!l.classification()) {
      return new Object[] {out[0]};
    }
    boolean nan = false;
    for (double v : out) {
      nan |= Double.isNaN(v);
    }
    Object[] values = new Object[l.columns()];
    int c = 0;
    if (l.raw()) {
      values[c++] = io.sparknn.util.Rows.denseVector(nan ? out : centered(out));
    }
    double[] p = nan || !l.probability() && l.thresholds() == null ? null : Loss.softmax(out);
    if (l.probability()) {
      values[c++] = io.sparknn.util.Rows.denseVector(nan ? out : p);
    }
    if (l.prediction()) {
      values[c] = nan ? Double.NaN : l.thresholds() == null ? (double) Loss.argmax(out) : prediction(p,
          l.thresholds());
    }
    return values;
  }

  /** The logits shifted to mean 0 (the same softmax). */
  static double[] centered(double[] logits) {
    double mean = 0;
    for (double v : logits) {
      mean += v / logits.length;
    }
    double[] c = new double[logits.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = logits[i] - mean;
    }
    return c;
  }

  /** MLlib's thresholded prediction: the class of largest p / t (a 0 threshold counts as infinitely large). */
  static double prediction(double[] p, double[] t) {
    int best = 0;
    double top = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < p.length; i++) {
      double s = t[i] == 0 ? Double.POSITIVE_INFINITY : p[i] / t[i];
      if (s > top) {
        top = s;
        best = i;
      }
    }
    return best;
  }
}
