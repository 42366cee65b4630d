package io.sparknn.regression;

import io.sparknn.estimator.NeuralEstimator;
import io.sparknn.estimator.NeuralFit;
import io.sparknn.util.EarlyUid;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A neural-network regressor trained with mini-batch gradient descent, a Spark {@code Regressor}: the networks of
 * {@code NeuralClassifier} (embeddings for nominal slots, hidden blocks with normalization, dropout and residual
 * connections, or a cnn, recurrent or transformer {@code architecture}) with one linear output. Losses {@code mse}
 * (default), {@code mae}, {@code huber(δ)}. Targets are standardized for training (so learning rates and
 * {@code huber}'s δ are in standard deviations of the label) and the output layer is rescaled afterwards:
 * predictions are in the label's units. Any param can be set by name with {@link #setParam}.
 */
public final class NeuralRegressor extends Regressor<Vector, NeuralRegressor, NeuralRegressionModel>
    implements NeuralEstimator<NeuralRegressionModel, NeuralRegressor>, DefaultParamsWritable {
  private final String uid;
  private Defs defs; // no initializer: Spark's constructor may create it (through defs()) before ours runs
  private final NeuralFit<NeuralRegressionModel> fit = new NeuralFit<>(this, false, NeuralRegressionModel::new);

  /** A regressor with a random uid. */
  public NeuralRegressor() {
    this(Identifiable.randomUID("neuralRegressor"));
  }

  /** A regressor with the given uid. */
  public NeuralRegressor(String uid) {
    this(EarlyUid.hold(uid));
  }

  private NeuralRegressor(EarlyUid.Held uid) {
    super();
    this.uid = uid.release();
  }

  @Override
  public String uid() {
    return uid != null ? uid : EarlyUid.pending();
  }

  @Override
  public Defs defs() {
    return defs != null ? defs : (defs = new Defs(this, "mse"));
  }

  @Override
  public NeuralFit<NeuralRegressionModel> neuralFit() {
    return fit;
  }

  @Override
  public NeuralRegressionModel fit(Dataset<?> dataset) {
    return fit.fit(dataset).setParent(this);
  }

  /** Same as {@link #fit}: Spark's {@code Predictor} entry point, kept for code that calls it directly. */
  @Override
  public NeuralRegressionModel train(Dataset<?> dataset) {
    return fit.fit(dataset);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return fit.transformSchema(schema);
  }

  @Override
  public NeuralRegressor copy(ParamMap extra) {
    return fit.copy(defaultCopy(extra));
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
