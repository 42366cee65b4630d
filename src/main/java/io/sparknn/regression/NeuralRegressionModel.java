package io.sparknn.regression;

import io.sparknn.nn.Architecture;
import io.sparknn.train.History;
import java.util.List;
import io.sparknn.estimator.NeuralModel;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted {@link NeuralRegressor}. {@code transform} appends {@code prediction} (in the label's units), scoring
 * batches inside {@code mapPartitions} on the {@code engine} param's engine with the weights broadcast once. {@link #summary()} is the
 * training history (losses in standardized units, validation RMSE in the label's units) and diagnosis.
 */
public final class NeuralRegressionModel extends NeuralModel<NeuralRegressionModel> {
  NeuralRegressionModel(String uid, Architecture architecture, float[] params, List<History> histories) {
    super(uid, "mse", architecture, params, histories);
  }

  @Override
  protected NeuralRegressionModel create(String uid, Architecture a, float[] params, List<History> h) {
    return new NeuralRegressionModel(uid, a, params, h);
  }

  @Override
  protected boolean classification() {
    return false;
  }

  /** Reader for saved models. */
  public static MLReader<NeuralRegressionModel> read() {
    return reader(NeuralRegressionModel.class, NeuralRegressionModel::new);
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static NeuralRegressionModel load(String path) {
    return read().load(path);
  }
}
