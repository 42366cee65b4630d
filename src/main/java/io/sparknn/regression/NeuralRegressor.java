package io.sparknn.regression;

import io.sparknn.nn.Architecture;
import io.sparknn.train.History;
import java.util.List;
import io.sparknn.estimator.NeuralEstimator;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * A neural-network regressor trained with mini-batch gradient descent: the network of {@code NeuralClassifier}
 * (embeddings for nominal slots, hidden blocks with normalization, dropout and residual connections) with one
 * linear output. Losses {@code mse} (default), {@code mae}, {@code huber(δ)}. Targets are standardized for
 * training (so learning rates and {@code huber}'s δ are in standard deviations of the label) and the output layer
 * is rescaled afterwards: predictions are in the label's units. Any param can be set by name with
 * {@link #setParam}.
 */
public final class NeuralRegressor extends NeuralEstimator<NeuralRegressionModel, NeuralRegressor> {
  /** A regressor with a random uid. */
  public NeuralRegressor() {
    this(Identifiable.randomUID("neuralRegressor"));
  }

  /** A regressor with the given uid. */
  public NeuralRegressor(String uid) {
    super(uid, "mse");
  }

  @Override
  protected boolean classification() {
    return false;
  }

  @Override
  protected NeuralRegressionModel model(String uid, Architecture a, float[] params, List<History> h) {
    return new NeuralRegressionModel(uid, a, params, h);
  }

  /** Reader for saved estimators. */
  public static MLReader<NeuralRegressor> read() {
    return new DefaultParamsReadable<NeuralRegressor>() {}.read();
  }

  /** Loads an estimator saved with {@code write().save(path)}. */
  public static NeuralRegressor load(String path) {
    return read().load(path);
  }
}
