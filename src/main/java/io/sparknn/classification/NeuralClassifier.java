package io.sparknn.classification;

import io.sparknn.nn.Architecture;
import io.sparknn.train.History;
import java.util.List;
import io.sparknn.estimator.NeuralEstimator;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * A neural-network classifier trained with mini-batch gradient descent. Network: learned embeddings for the
 * nominal slots of the features vector (from its attribute metadata), {@code hiddenLayers} of one
 * {@code activation} (or PReLU) with optional batch/layer normalization, dropout and residual connections, and a
 * softmax output over {@code numClasses} (largest label + 1). Training: losses crossEntropy (label smoothing),
 * focal, hinge; optimizers sgd, momentum (Nesterov), adam, adamw with L1/L2 and gradient clipping; learning-rate
 * schedules with warmup; mixup and input noise; a stratified validation split with early stopping that restores
 * the best epoch. Labels are class indices {@code 0..k-1} (index strings with StringIndexer or CategoricalEncoder
 * first). Any param can be set by name with {@link #setParam}.
 *
 * <p>The data are read on the executors, converted once into float blocks and cached; training currently runs in
 * one Spark task over those blocks.
 */
public final class NeuralClassifier extends NeuralEstimator<NeuralClassificationModel, NeuralClassifier> {
  /** A classifier with a random uid. */
  public NeuralClassifier() {
    this(Identifiable.randomUID("neuralClassifier"));
  }

  /** A classifier with the given uid. */
  public NeuralClassifier(String uid) {
    super(uid, "crossEntropy");
  }

  @Override
  protected boolean classification() {
    return true;
  }

  @Override
  protected NeuralClassificationModel model(String uid, Architecture a, float[] params, List<History> h) {
    return new NeuralClassificationModel(uid, a, params, h);
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
