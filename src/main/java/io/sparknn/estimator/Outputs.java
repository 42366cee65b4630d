package io.sparknn.estimator;

import io.sparknn.nn.Loss;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;

/**
 * The output column values of one scored row in Spark's internal format, laid out like Spark's classifiers and
 * regressors. Vectors are written as the struct of Spark's VectorUDT (type 1 = dense, values) directly, without a
 * {@code DenseVector} in between.
 */
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
    return new Object[] {dense(out), dense(nan ? out : Loss.softmax(out)), nan ? Double.NaN
        : (double) Loss.argmax(out)};
  }

  /**
   * A dense vector as the internal struct of VectorUDT: {type, size, indices, values}. The values are set one by
   * one: {@code UnsafeArrayData.fromPrimitiveArray}'s bulk copy costs more than the few values of an output row.
   */
  private static InternalRow dense(double[] values) {
    UnsafeArrayData a = UnsafeArrayData.createFreshArray(values.length, Double.BYTES);
    for (int i = 0; i < values.length; i++) {
      a.setDouble(i, values[i]);
    }
    return new GenericInternalRow(new Object[] {(byte) 1, null, null, a});
  }
}
