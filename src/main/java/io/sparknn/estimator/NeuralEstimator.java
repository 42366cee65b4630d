package io.sparknn.estimator;

import io.sparknn.param.NeuralParams;
import io.sparknn.param.SharedParams;
import io.sparknn.train.TrainingListener;
import java.util.List;
import org.apache.spark.sql.Dataset;

/**
 * What {@code NeuralClassifier} (a Spark {@code ProbabilisticClassifier}) and {@code NeuralRegressor} (a Spark
 * {@code Regressor}) share: the params with their validated setters, {@code fit}, and the training listeners. The
 * fit itself is {@link NeuralFit}, which each estimator holds.
 *
 * @param <M> the fitted model type
 * @param <E> the concrete estimator type (returned by the setters)
 */
public interface NeuralEstimator<M extends NeuralModel<M>, E extends NeuralEstimator<M, E>> extends NeuralParams {
  /** Trains a model on {@code dataset} (checks the schema and the params before any job). */
  M fit(Dataset<?> dataset);

  /** This estimator's fit (the training code and the listeners). */
  NeuralFit<M> neuralFit();

  /**
   * Adds a listener that hears every epoch of this estimator's fits (see {@link TrainingListener}; returning false
   * from {@code onEpoch} stops the fit with the best epoch so far); returns this.
   */
  @SuppressWarnings("unchecked")
  default E addTrainingListener(TrainingListener listener) {
    neuralFit().listeners().add(java.util.Objects.requireNonNull(listener, "listener"));
    return (E) this;
  }

  /** Removes a listener added with {@link #addTrainingListener}; returns this. */
  @SuppressWarnings("unchecked")
  default E removeTrainingListener(TrainingListener listener) {
    neuralFit().listeners().remove(listener);
    return (E) this;
  }

  /** The listeners added with {@link #addTrainingListener}, in order (read only). */
  default List<TrainingListener> trainingListeners() {
    return java.util.Collections.unmodifiableList(neuralFit().listeners());
  }

  /** Sets any param by name with validation, e.g. {@code setParam("learningRate", 0.01)}; returns this. */
  @SuppressWarnings("unchecked")
  default E setParam(String name, Object value) {
    SharedParams.setChecked(this, name, value);
    return (E) this;
  }

  /** Sets the features column (default "features"). */
  default E setFeaturesCol(String v) {
    return setParam("featuresCol", v);
  }

  /** Sets the label column (default "label"). */
  default E setLabelCol(String v) {
    return setParam("labelCol", v);
  }

  /**
   * Sets the hidden layer sizes (default [64, 64]; unless set, a small table of at most 5,000 rows uses [16], [32]
   * or [64, 64] by its rows).
   */
  default E setHiddenLayers(int... v) {
    return setParam("hiddenLayers", v);
  }

  /** Sets the activation spec (default relu). */
  default E setActivation(String v) {
    return setParam("activation", v);
  }

  /** Sets the base learning rate (default 1e-3). */
  default E setLearningRate(double v) {
    return setParam("learningRate", v);
  }

  /** Sets the batch size (default 256; unless set, 32 on a small table of at most 5,000 rows). */
  default E setBatchSize(int v) {
    return setParam("batchSize", v);
  }

  /** Sets the maximum number of epochs (default 100). */
  default E setMaxEpochs(int v) {
    return setParam("maxEpochs", v);
  }

  /** Sets the row-weight column (default none: every row weighs 1; weights >= 0). */
  default E setWeightCol(String v) {
    return setParam("weightCol", v);
  }

  /** Sets the boolean column marking validation rows (default none: a stratified validationFraction is held out). */
  default E setValidationIndicatorCol(String v) {
    return setParam("validationIndicatorCol", v);
  }

  /** Sets the model's prediction column (default prediction). */
  default E setPredictionCol(String v) {
    return setParam("predictionCol", v);
  }

  /** Sets the classifier model's probability column (default probability). */
  default E setProbabilityCol(String v) {
    return setParam("probabilityCol", v);
  }

  /** Sets the classifier model's logits column (default rawPrediction). */
  default E setRawPredictionCol(String v) {
    return setParam("rawPredictionCol", v);
  }

  /** Sets the dropout fraction after each hidden activation, in [0, 1) (default 0). */
  default E setDropout(double v) {
    return setParam("dropout", v);
  }

  /** Sets the normalization after each hidden layer: none (default), batch or layer. */
  default E setNormalization(String v) {
    return setParam("normalization", v);
  }

  /** Sets skip connections between equal-width hidden layers (default false). */
  default E setResidual(boolean v) {
    return setParam("residual", v);
  }

  /** Sets the width of every embedding; 0 (default) sizes each from its number of categories. */
  default E setEmbeddingDim(int v) {
    return setParam("embeddingDim", v);
  }

  /** Sets the mixup alpha; 0 (default) = off. */
  default E setMixup(double v) {
    return setParam("mixup", v);
  }

  /** Sets the standard deviation of Gaussian noise on dense inputs in training; 0 (default) = off. */
  default E setInputNoise(double v) {
    return setParam("inputNoise", v);
  }

  /** Sets the weight initialization: auto (default), he or xavier. */
  default E setWeightInit(String v) {
    return setParam("weightInit", v);
  }

  /** Sets the loss, e.g. crossEntropy, focal(2), hinge; mse, mae, huber(1.0). */
  default E setLoss(String v) {
    return setParam("loss", v);
  }

  /** Sets the label smoothing of crossEntropy, in [0, 1) (default 0). */
  default E setLabelSmoothing(double v) {
    return setParam("labelSmoothing", v);
  }

  /** Sets the optimizer: sgd, momentum, adam (default) or adamw. */
  default E setOptimizer(String v) {
    return setParam("optimizer", v);
  }

  /** Sets the momentum of the momentum optimizer, in [0, 1) (default 0.9). */
  default E setMomentum(double v) {
    return setParam("momentum", v);
  }

  /** Sets Nesterov momentum (default false). */
  default E setNesterov(boolean v) {
    return setParam("nesterov", v);
  }

  /** Sets the decoupled weight decay of adamw (default 0). */
  default E setWeightDecay(double v) {
    return setParam("weightDecay", v);
  }

  /** Sets the L1 penalty on weights and embeddings (default 0). */
  default E setL1(double v) {
    return setParam("l1", v);
  }

  /** Sets the L2 penalty on weights and embeddings (default 0; unless set, 2.5 / rows on a small table). */
  default E setL2(double v) {
    return setParam("l2", v);
  }

  /** Sets the gradient clipping by global norm; 0 (default) = off. */
  default E setClipNorm(double v) {
    return setParam("clipNorm", v);
  }

  /** Sets the gradient clipping by value; 0 (default) = off. */
  default E setClipValue(double v) {
    return setParam("clipValue", v);
  }

  /** Sets the learning-rate schedule: constant (default), step(n, g), exponential(g), cosine(f), cyclic(n, m), oneCycle(p). */
  default E setLrSchedule(String v) {
    return setParam("lrSchedule", v);
  }

  /** Sets the linear warmup steps before the schedule (default 0). */
  default E setWarmupSteps(int v) {
    return setParam("warmupSteps", v);
  }

  /** Sets the stratified fraction held out for validation (default 0.1). */
  default E setValidationFraction(double v) {
    return setParam("validationFraction", v);
  }

  /** Sets the epochs without improvement before early stopping; 0 = never stop early (default 10). */
  default E setPatience(int v) {
    return setParam("patience", v);
  }

  /** Sets the smallest validation-loss decrease that counts as an improvement (default 0). */
  default E setMinDelta(double v) {
    return setParam("minDelta", v);
  }

  /** Sets the fitted model's policy for invalid rows at scoring: error (default), skip or keep. */
  default E setHandleInvalid(String v) {
    return setParam("handleInvalid", v);
  }

  /** Sets the compute engine: auto (default), jvm or nd4j. */
  default E setEngine(String v) {
    return setParam("engine", v);
  }

  /** Sets the network family: mlp (default), cnn, lstm, gru, rnn or transformer. */
  default E setArchitecture(String v) {
    return setParam("architecture", v);
  }

  /** Sets how a features vector is read: [channels, height, width], [time, features] or empty (flat). */
  default E setInputShape(int... v) {
    return setParam("inputShape", v);
  }

  /** Sets a custom layer stack, e.g. {@code "conv2d(32,3,1,1) relu maxpool(2) flatten dense(64) relu"}. */
  default E setLayers(String v) {
    return setParam("layers", v);
  }

  /** Sets the cnn filters per convolution block (default [32, 64]). */
  default E setFilters(int... v) {
    return setParam("filters", v);
  }

  /** Sets the cnn kernel size (default 3). */
  default E setKernelSize(int v) {
    return setParam("kernelSize", v);
  }

  /** Sets the recurrent hidden units per direction (default 128). */
  default E setHiddenSize(int v) {
    return setParam("hiddenSize", v);
  }

  /** Sets the number of stacked recurrent layers (default 1). */
  default E setNumLayers(int v) {
    return setParam("numLayers", v);
  }

  /** Sets whether recurrent layers read both directions (default false). */
  default E setBidirectional(boolean v) {
    return setParam("bidirectional", v);
  }

  /** Sets how recurrent states become one vector: last (default), mean or max. */
  default E setSequencePooling(String v) {
    return setParam("sequencePooling", v);
  }

  /** Sets the transformer token width (default 64). */
  default E setModelDim(int v) {
    return setParam("modelDim", v);
  }

  /** Sets the transformer attention heads (default 4). */
  default E setNumHeads(int v) {
    return setParam("numHeads", v);
  }

  /** Sets the number of Spark tasks that train in parallel (default 1). */
  default E setNumWorkers(int v) {
    return setParam("numWorkers", v);
  }

  /** Sets the steps between two synchronisations of the workers (default 0 = auto: max(8, steps per epoch / 8)). */
  default E setSyncEvery(int v) {
    return setParam("syncEvery", v);
  }

  /**
   * Sets the number of networks of a bagged ensemble (default 0 = auto: 5 on a table of 10 to 5,000 rows, else 1;
   * 1 = a single network).
   */
  default E setEnsembleFolds(int v) {
    return setParam("ensembleFolds", v);
  }

  /** Sets the checkpoint directory (default empty = the SparkContext's checkpoint directory, if set). */
  default E setCheckpointDir(String v) {
    return setParam("checkpointDir", v);
  }

  /** Sets the epochs between checkpoints (default 10; -1 = none). */
  default E setCheckpointInterval(int v) {
    return setParam("checkpointInterval", v);
  }

  /** Sets the checkpoint directory or file an interrupted fit continues from (default empty = start afresh). */
  default E setResumeFrom(String v) {
    return setParam("resumeFrom", v);
  }

  /** Sets the seed (default 42). */
  default E setSeed(long v) {
    return setParam("seed", v);
  }

}
