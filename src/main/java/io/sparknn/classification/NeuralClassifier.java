package io.sparknn.classification;

import io.sparknn.estimator.NeuralEstimator;
import io.sparknn.estimator.NeuralFit;
import io.sparknn.util.EarlyUid;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A neural-network classifier trained with mini-batch gradient descent, usable wherever Spark takes a
 * {@code ProbabilisticClassifier} ({@code OneVsRest}, {@code thresholds}, Pipelines, {@code CrossValidator}).
 * Network: learned embeddings for the nominal slots of the features vector (from its attribute metadata),
 * {@code hiddenLayers} of one {@code activation} (or PReLU) with optional batch/layer normalization, dropout and
 * residual connections, or a cnn, recurrent or transformer {@code architecture}, and a softmax output over
 * {@code numClasses} (largest label + 1). Training: losses crossEntropy (label smoothing), focal, hinge; optimizers
 * sgd, momentum (Nesterov), adam, adamw with L1/L2 and gradient clipping; learning-rate schedules with warmup;
 * mixup and input noise; a stratified validation split with early stopping that restores the best epoch; bagged
 * ensembles and data-parallel training over {@code numWorkers} Spark tasks. Labels are class indices
 * {@code 0..k-1} (index strings with StringIndexer or CategoricalEncoder first). Any param can be set by name with
 * {@link #setParam}.
 */
public final class NeuralClassifier extends ProbabilisticClassifier<Vector, NeuralClassifier, NeuralClassificationModel>
    implements NeuralEstimator<NeuralClassificationModel, NeuralClassifier>, DefaultParamsWritable {
  private final String uid;
  private Defs defs; // no initializer: Spark's constructor may create it (through defs()) before ours runs
  private final NeuralFit<NeuralClassificationModel> fit = new NeuralFit<>(this, true, NeuralClassificationModel::new);

  /** A classifier with a random uid. */
  public NeuralClassifier() {
    this(Identifiable.randomUID("neuralClassifier"));
  }

  /** A classifier with the given uid. */
  public NeuralClassifier(String uid) {
    this(EarlyUid.hold(uid));
  }

  private NeuralClassifier(EarlyUid.Held uid) {
    super();
    this.uid = uid.release();
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
  public NeuralFit<NeuralClassificationModel> neuralFit() {
    return fit;
  }

  @Override
  public NeuralClassificationModel fit(Dataset<?> dataset) {
    return fit.fit(dataset).setParent(this);
  }

  /** Same as {@link #fit}: Spark's {@code Predictor} entry point, kept for code that calls it directly. */
  @Override
  public NeuralClassificationModel train(Dataset<?> dataset) {
    return fit.fit(dataset);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return fit.transformSchema(schema);
  }

  @Override
  public NeuralClassifier copy(ParamMap extra) {
    return fit.copy(defaultCopy(extra));
  }

  /**
   * Sets per-class thresholds for the model's prediction (default none: the most probable class): the prediction is
   * the class of largest probability / threshold, as in MLlib; one threshold per class, each >= 0, at most one 0.
   */
  @Override
  public NeuralClassifier setThresholds(double[] v) {
    return setParam("thresholds", v);
  }

  /** Reader for saved estimators. */
  public static MLReader<NeuralClassifier> read() {
    return new DefaultParamsReadable<NeuralClassifier>() {}.read();
  }

  /** Loads an estimator saved with {@code write().save(path)}. */
  public static NeuralClassifier load(String path) {
    return read().load(path);
  }
}
