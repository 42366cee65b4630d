package io.sparknn.util;

import io.sparknn.nn.Loss;
import org.apache.spark.ml.linalg.Vectors;

/** The output column values of one scored row, laid out like Spark's classifiers and regressors. */
final class Outputs {
  private Outputs() {}

  /**
   * Classifier: {rawPrediction (logits), probability (softmax), prediction (argmax)}; regressor: {prediction}.
   * NaN outputs (rows kept by handleInvalid=keep) give NaN everywhere.
   */
  static Object[] of(double[] out, boolean classification) {
    if (!classification) {
      return new Object[] {out[0]};
    }
    boolean nan = false;
    for (double v : out) {
      nan |= Double.isNaN(v);
    }
    return new Object[] {Vectors.dense(out), Vectors.dense(nan ? out : Loss.softmax(out)),
        nan ? Double.NaN : (double) Loss.argmax(out)};
  }
}
