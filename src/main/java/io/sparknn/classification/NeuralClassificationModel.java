package io.sparknn.classification;

import io.sparknn.estimator.FittedNetworks;
import io.sparknn.estimator.NeuralModel;
import io.sparknn.nn.Architecture;
import io.sparknn.nn.Loss;
import io.sparknn.train.History;
import io.sparknn.util.EarlyUid;
import io.sparknn.util.SchemaChecks;
import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link NeuralClassifier}, a Spark {@code ProbabilisticClassificationModel}. {@code transform} appends
 * {@code rawPrediction} (the logits shifted to mean 0), {@code probability} (softmax) and {@code prediction} (the
 * most probable class, or the largest probability / threshold with {@code thresholds}) like Spark's classifiers,
 * for batch and streaming DataFrames, scoring batches inside each partition on the {@code engine} param's engine
 * with the weights broadcast once; an output column set to "" is left out. {@code predict},
 * {@code predictRaw} and {@code predictProbability} score one features vector on the driver. {@link #summary()} is
 * the training history and diagnosis, saved with the model.
 */
public final class NeuralClassificationModel extends ProbabilisticClassificationModel<Vector, NeuralClassificationModel>
    implements NeuralModel<NeuralClassificationModel> {
  private final String uid;
  private Defs defs; // no initializer: Spark's constructor may create it (through defs()) before ours runs
  private final FittedNetworks fitted;

  /** A model without networks, for Spark Connect's stage registry: load a saved model with {@link #load}. */
  public NeuralClassificationModel() {
    this(Identifiable.randomUID("neuralClassificationModel"));
  }

  /** A model without networks under {@code uid}, for Spark Connect: load a saved model with {@link #load}. */
  public NeuralClassificationModel(String uid) {
    this(EarlyUid.hold(uid), FittedNetworks.unfitted(true));
  }

  NeuralClassificationModel(String uid, Architecture architecture, float[] params, List<History> histories) {
    this(EarlyUid.hold(uid), new FittedNetworks(uid, architecture, params, histories, true));
  }

  private NeuralClassificationModel(EarlyUid.Held uid, FittedNetworks fitted) {
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
    return defs != null ? defs : (defs = new Defs(this, "crossEntropy"));
  }

  @Override
  public FittedNetworks fitted() {
    return fitted;
  }

  /** Number of classes. */
  @Override
  public int numClasses() {
    return fitted.architecture().outputs();
  }

  /** Number of input features (the features vector's size). */
  @Override
  public int numFeatures() {
    return fitted.architecture().inputs();
  }

  /**
   * The rawPrediction of one features vector (the logits shifted to mean 0; an ensemble's: the log of its members'
   * averaged probabilities, shifted), computed on this JVM.
   */
  @Override
  public Vector predictRaw(Vector features) {
    return Vectors.dense(fitted.predictRow(this, features));
  }

  /** The softmax of {@code rawPrediction}, in place. */
  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    if (rawPrediction instanceof DenseVector d) {
      double[] p = Loss.softmax(d.values());
      System.arraycopy(p, 0, d.values(), 0, p.length);
      return d;
    }
    return Vectors.dense(Loss.softmax(rawPrediction.toArray()));
  }

  /**
   * Sets per-class thresholds for the prediction: the class of largest probability / threshold, as in MLlib (one
   * per class, each >= 0, at most one 0); cleared with {@code clear(thresholds())}.
   */
  @Override
  public NeuralClassificationModel setThresholds(double[] v) {
    return setParam("thresholds", checkThresholds(v));
  }

  /** {@code t} if it has one threshold per class; fails otherwise. */
  private double[] checkThresholds(double[] t) {
    if (t.length != numClasses()) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "thresholds") + ": " + t.length + " thresholds,"
          + " but the model has " + numClasses() + " classes; give one threshold per class.");
    }
    return t;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return fitted.transformSchema(this, schema);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return fitted.transform(this, dataset, isDefined(thresholds()) ? checkThresholds(getThresholds()) : null);
  }

  @Override
  public NeuralClassificationModel copy(ParamMap extra) {
    return copyValues(new NeuralClassificationModel(uid, fitted.architecture(), fitted.params(),
        fitted.histories()), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return fitted.writer(this);
  }

  /**
   * Spark's summary lookup, declared here with a raw return type: Spark declares it in
   * {@code ClassificationModel} and overrides it in {@code ProbabilisticClassificationModel} with a covariant
   * {@code Tuple3}, which javac (no declaration-site variance) sees as two unrelated methods of one signature.
   */
  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  /** Reader for saved models. */
  public static MLReader<NeuralClassificationModel> read() {
    return FittedNetworks.reader(NeuralClassificationModel.class, NeuralClassificationModel::new);
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static NeuralClassificationModel load(String path) {
    return read().load(path);
  }
}
