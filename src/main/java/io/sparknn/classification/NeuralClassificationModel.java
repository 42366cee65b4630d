package io.sparknn.classification;

import io.sparknn.nn.Architecture;
import io.sparknn.train.History;
import java.util.List;
import io.sparknn.estimator.NeuralModel;
import org.apache.spark.ml.util.MLReader;

/**
 * A fitted {@link NeuralClassifier}. {@code transform} appends {@code rawPrediction} (logits), {@code probability}
 * (softmax) and {@code prediction} (the most probable class) like Spark's classifiers, scoring batches inside
 * {@code mapPartitions} on the {@code engine} param's engine with the weights broadcast once. {@link #summary()} is the training history
 * and diagnosis, saved with the model.
 */
public final class NeuralClassificationModel extends NeuralModel<NeuralClassificationModel> {
  NeuralClassificationModel(String uid, Architecture architecture, float[] params, List<History> histories) {
    super(uid, "crossEntropy", architecture, params, histories);
  }

  /** Number of classes. */
  public int numClasses() {
    return networkSpec().outputs();
  }

  @Override
  protected NeuralClassificationModel create(String uid, Architecture a, float[] params, List<History> h) {
    return new NeuralClassificationModel(uid, a, params, h);
  }

  @Override
  protected boolean classification() {
    return true;
  }

  /** Reader for saved models. */
  public static MLReader<NeuralClassificationModel> read() {
    return reader(NeuralClassificationModel.class, NeuralClassificationModel::new);
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static NeuralClassificationModel load(String path) {
    return read().load(path);
  }
}
