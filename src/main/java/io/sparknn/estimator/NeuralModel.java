package io.sparknn.estimator;

import io.sparknn.nn.Architecture;
import io.sparknn.nn.Network;
import io.sparknn.param.NeuralParams;
import io.sparknn.param.SharedParams;
import io.sparknn.train.History;
import java.util.List;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What the fitted neural models share ({@code NeuralClassificationModel}, a Spark
 * {@code ProbabilisticClassificationModel}, and {@code NeuralRegressionModel}, a Spark {@code RegressionModel}):
 * the {@link Architecture}, the float weights, the training {@link History}, batched scoring of batch and streaming
 * DataFrames, and persistence, all held by {@link FittedNetworks}.
 *
 * @param <M> the concrete model type
 */
public interface NeuralModel<M extends NeuralModel<M>> extends NeuralParams, MLWritable {
  /** The fitted networks (weights, histories) and their scoring. */
  FittedNetworks fitted();

  /** Scores {@code dataset}, batch or streaming: appends the output columns that have a name. */
  Dataset<Row> transform(Dataset<?> dataset);

  /** The output schema for {@code schema}; fails before any job on a missing or mistyped features column. */
  StructType transformSchema(StructType schema);

  /** Number of input features (the features vector's size). */
  int numFeatures();

  /**
   * The network's full shape: inputs, embeddings, input shape and the resolved layer stack (the
   * {@code architecture} param names only the family).
   */
  default Architecture networkSpec() {
    return fitted().architecture();
  }

  /**
   * Per-epoch training history, best epoch and fit diagnosis (of the first member when the model is a bagged
   * ensemble: {@link #memberSummaries()} has them all).
   */
  default History summary() {
    return fitted().histories().get(0);
  }

  /** The training history of every network of the model, in member order (one entry without an ensemble). */
  default List<History> memberSummaries() {
    return fitted().histories();
  }

  /**
   * Number of networks whose predictions the model averages: {@code ensembleFolds} as the fit resolved it (1 =
   * a single network).
   */
  default int ensembleSize() {
    return fitted().histories().size();
  }

  /**
   * The network with the fitted weights (float), for inspection or scoring outside Spark; the first member of an
   * ensemble ({@link #network(int)}).
   */
  default Network network() {
    return network(0);
  }

  /** Member {@code j} of the ensemble, in [0, {@link #ensembleSize()}), with its fitted weights. */
  default Network network(int j) {
    return fitted().network(uid(), j);
  }

  /**
   * The model's outputs from its members' outputs for the same {@code rows} rows ({@code k} values each): see
   * {@link FittedNetworks#combine}.
   */
  static double[] combine(double[][] members, int rows, int k, boolean classification) {
    return FittedNetworks.combine(members, rows, k, classification);
  }

  /** Sets a scoring param by name with validation, e.g. {@code setParam("engine", "nd4j")}; returns this. */
  @SuppressWarnings("unchecked")
  default M setParam(String name, Object value) {
    SharedParams.setChecked(this, name, value);
    return (M) this;
  }

  /** Sets the invalid-row policy for scoring: error, skip or keep (NaN outputs). */
  default M setHandleInvalid(String v) {
    return setParam("handleInvalid", v);
  }

  /** Sets the scoring engine: auto (default), jvm or nd4j; predictions agree across engines within float rounding. */
  default M setEngine(String v) {
    return setParam("engine", v);
  }

  /** Sets the features column to score (default: the one the model was trained on). */
  default M setFeaturesCol(String v) {
    return setParam("featuresCol", v);
  }

  /** Sets the prediction column (default prediction). */
  default M setPredictionCol(String v) {
    return setParam("predictionCol", v);
  }

  /** Sets the probability column of the classifier's output (default probability; ignored by the regressor). */
  default M setProbabilityCol(String v) {
    return setParam("probabilityCol", v);
  }

  /** Sets the logits column of the classifier's output (default rawPrediction; ignored by the regressor). */
  default M setRawPredictionCol(String v) {
    return setParam("rawPredictionCol", v);
  }

  /** Builds a model from its saved parts. */
  @FunctionalInterface
  interface Factory<T> {
    /** The model. */
    T create(String uid, Architecture architecture, float[] params, List<History> histories);
  }
}
