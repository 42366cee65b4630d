package io.sparknn.regression;

import io.sparknn.estimator.FittedNetworks;
import io.sparknn.estimator.NeuralModel;
import io.sparknn.nn.Architecture;
import io.sparknn.train.History;
import io.sparknn.util.EarlyUid;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link NeuralRegressor}, a Spark {@code RegressionModel}. {@code transform} appends {@code prediction}
 * (in the label's units) to batch and streaming DataFrames, scoring batches inside each partition on the
 * {@code engine} param's engine with the weights broadcast once; {@code predict} scores one features vector on the
 * driver. {@link #summary()} is the training history (losses in standardized units, validation RMSE in the label's
 * units) and diagnosis.
 */
public final class NeuralRegressionModel extends RegressionModel<Vector, NeuralRegressionModel>
    implements NeuralModel<NeuralRegressionModel> {
  private final String uid;
  private Defs defs; // no initializer: Spark's constructor may create it (through defs()) before ours runs
  private final FittedNetworks fitted;

  /** A model without networks, for Spark Connect's stage registry: load a saved model with {@link #load}. */
  public NeuralRegressionModel() {
    this(Identifiable.randomUID("neuralRegressionModel"));
  }

  /** A model without networks under {@code uid}, for Spark Connect: load a saved model with {@link #load}. */
  public NeuralRegressionModel(String uid) {
    this(EarlyUid.hold(uid), FittedNetworks.unfitted(false));
  }

  NeuralRegressionModel(String uid, Architecture architecture, float[] params, List<History> histories) {
    this(EarlyUid.hold(uid), new FittedNetworks(uid, architecture, params, histories, false));
  }

  private NeuralRegressionModel(EarlyUid.Held uid, FittedNetworks fitted) {
    super();
    this.uid = uid.release();
    this.fitted = fitted;
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
  public FittedNetworks fitted() {
    return fitted;
  }

  /** Number of input features (the features vector's size). */
  @Override
  public int numFeatures() {
    return fitted.architecture().inputs();
  }

  /** The prediction for one features vector, computed on this JVM (an ensemble's: its members' mean). */
  @Override
  public double predict(Vector features) {
    return fitted.predictRow(this, features)[0];
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return fitted.transformSchema(this, schema);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return fitted.transform(this, dataset, null);
  }

  @Override
  public NeuralRegressionModel copy(ParamMap extra) {
    return copyValues(new NeuralRegressionModel(uid, fitted.architecture(), fitted.params(), fitted.histories()),
        extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return fitted.writer(this);
  }

  /** Reader for saved models. */
  public static MLReader<NeuralRegressionModel> read() {
    return FittedNetworks.reader(NeuralRegressionModel.class, NeuralRegressionModel::new);
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static NeuralRegressionModel load(String path) {
    return read().load(path);
  }
}
