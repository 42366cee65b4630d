package io.sparknn.param;

import io.sparknn.nn.Activation;
import io.sparknn.nn.Architecture;
import io.sparknn.nn.Engine;
import io.sparknn.nn.Loss;
import io.sparknn.train.LearningRateSchedule;
import io.sparknn.train.Optimizer;
import java.util.Arrays;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Params of the neural estimators and their models: columns, network shape, loss, optimizer, schedule and the
 * training loop. Defined once in {@link Defs}; each stage creates its {@code Defs} in its constructor.
 */
public interface NeuralParams extends HasLabelCol, HasSeed, HasHandleInvalid,
    org.apache.spark.ml.param.shared.HasWeightCol {
  /** Most classes a classifier takes (labels 0..k-1): the output layer and every row's target have k entries. */
  int MAX_CLASSES = 10_000;

  /**
   * Largest |label| a regressor trains on: the network computes in float (±3.4e38), and the output layer's scale
   * and the target's variance must stay finite.
   */
  double MAX_REGRESSION_LABEL = 1e30;

  /** Most values the embeddings of a network may hold in total (nominal slots' categories × widths): 200 MB. */
  long MAX_EMBEDDING_VALUES = 50_000_000;

  /**
   * Largest fit (rows, training + validation) that is a small table: there, params left unset take the
   * {@code SMALL_TABLE_*} values and the fitted model's params show them.
   */
  long SMALL_TABLE_ROWS = 5_000;

  /** Networks in the bagged ensemble that {@code ensembleFolds} = 0 (auto) trains on a small table. */
  int SMALL_TABLE_ENSEMBLE = 5;

  /** {@code batchSize} of a small table, unless set. */
  int SMALL_TABLE_BATCH_SIZE = 32;

  /**
   * {@code l2} of a small table of {@code rows} rows, unless set: a fixed prior strength spread over the rows,
   * {@value #SMALL_TABLE_PRIOR} / rows (0.01 at 250 rows, 0.0005 at 5,000).
   */
  static double smallTableL2(long rows) {
    return SMALL_TABLE_PRIOR / Math.max(1, rows);
  }

  /** The prior strength of {@link #smallTableL2}. */
  double SMALL_TABLE_PRIOR = 2.5;

  /**
   * {@code hiddenLayers} of a small table of {@code rows} rows, unless set: capacity that grows with the rows, one
   * layer of 16 units below 256 rows and of 32 below 512, two layers of 64 from 512 rows.
   */
  static int[] smallTableHiddenLayers(long rows) {
    return rows < 256 ? new int[] {16} : rows < 512 ? new int[] {32} : new int[] {64, 64};
  }

  /** The param definitions of this stage. */
  Defs defs();

  /** The {@code featuresCol} param. */
  default Param<String> featuresCol() {
    return defs().featuresCol;
  }

  /** The value of {@code featuresCol}. */
  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  @Override
  default Param<String> labelCol() {
    return defs().labelCol;
  }

  /** The {@code weightCol} param (Spark's {@code HasWeightCol}, so MLlib code that matches on it sees it). */
  @Override
  default Param<String> weightCol() {
    return defs().weightCol;
  }

  /** Spark's trait initializer hook for {@code weightCol}; unused: {@link #weightCol()} is defined in {@link Defs}. */
  @Override
  default void org$apache$spark$ml$param$shared$HasWeightCol$_setter_$weightCol_$eq(Param<String> p) {}

  /** The value of {@code weightCol}. */
  @Override
  default String getWeightCol() {
    return getOrDefault(weightCol());
  }

  /** The {@code validationIndicatorCol} param. */
  default Param<String> validationIndicatorCol() {
    return defs().validationIndicatorCol;
  }

  /** The value of {@code validationIndicatorCol}. */
  default String getValidationIndicatorCol() {
    return getOrDefault(validationIndicatorCol());
  }

  /** The {@code predictionCol} param. */
  default Param<String> predictionCol() {
    return defs().predictionCol;
  }

  /** The value of {@code predictionCol}. */
  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  /** The {@code probabilityCol} param. */
  default Param<String> probabilityCol() {
    return defs().probabilityCol;
  }

  /** The value of {@code probabilityCol}. */
  default String getProbabilityCol() {
    return getOrDefault(probabilityCol());
  }

  /** The {@code rawPredictionCol} param. */
  default Param<String> rawPredictionCol() {
    return defs().rawPredictionCol;
  }

  /** The value of {@code rawPredictionCol}. */
  default String getRawPredictionCol() {
    return getOrDefault(rawPredictionCol());
  }

  /** The {@code hiddenLayers} param. */
  default IntArrayParam hiddenLayers() {
    return defs().hiddenLayers;
  }

  /** The value of {@code hiddenLayers}. */
  default int[] getHiddenLayers() {
    return getOrDefault(hiddenLayers());
  }

  /** The {@code activation} param. */
  default Param<String> activation() {
    return defs().activation;
  }

  /** The value of {@code activation}. */
  default String getActivation() {
    return getOrDefault(activation());
  }

  /** The {@code dropout} param. */
  default DoubleParam dropout() {
    return defs().dropout;
  }

  /** The value of {@code dropout}. */
  default double getDropout() {
    return (Double) getOrDefault(dropout());
  }

  /** The {@code normalization} param. */
  default Param<String> normalization() {
    return defs().normalization;
  }

  /** The value of {@code normalization}. */
  default String getNormalization() {
    return getOrDefault(normalization());
  }

  /** The {@code residual} param. */
  default BooleanParam residual() {
    return defs().residual;
  }

  /** The value of {@code residual}. */
  default boolean getResidual() {
    return (Boolean) getOrDefault(residual());
  }

  /** The {@code embeddingDim} param. */
  default IntParam embeddingDim() {
    return defs().embeddingDim;
  }

  /** The value of {@code embeddingDim}. */
  default int getEmbeddingDim() {
    return (Integer) getOrDefault(embeddingDim());
  }

  /** The {@code mixup} param. */
  default DoubleParam mixup() {
    return defs().mixup;
  }

  /** The value of {@code mixup}. */
  default double getMixup() {
    return (Double) getOrDefault(mixup());
  }

  /** The {@code inputNoise} param. */
  default DoubleParam inputNoise() {
    return defs().inputNoise;
  }

  /** The value of {@code inputNoise}. */
  default double getInputNoise() {
    return (Double) getOrDefault(inputNoise());
  }

  /** The {@code weightInit} param. */
  default Param<String> weightInit() {
    return defs().weightInit;
  }

  /** The value of {@code weightInit}. */
  default String getWeightInit() {
    return getOrDefault(weightInit());
  }

  /** The {@code loss} param. */
  default Param<String> loss() {
    return defs().loss;
  }

  /** The value of {@code loss}. */
  default String getLoss() {
    return getOrDefault(loss());
  }

  /** The {@code labelSmoothing} param. */
  default DoubleParam labelSmoothing() {
    return defs().labelSmoothing;
  }

  /** The value of {@code labelSmoothing}. */
  default double getLabelSmoothing() {
    return (Double) getOrDefault(labelSmoothing());
  }

  /** The {@code optimizer} param. */
  default Param<String> optimizer() {
    return defs().optimizer;
  }

  /** The value of {@code optimizer}. */
  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  /** The {@code learningRate} param. */
  default DoubleParam learningRate() {
    return defs().learningRate;
  }

  /** The value of {@code learningRate}. */
  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  /** The {@code momentum} param. */
  default DoubleParam momentum() {
    return defs().momentum;
  }

  /** The value of {@code momentum}. */
  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  /** The {@code nesterov} param. */
  default BooleanParam nesterov() {
    return defs().nesterov;
  }

  /** The value of {@code nesterov}. */
  default boolean getNesterov() {
    return (Boolean) getOrDefault(nesterov());
  }

  /** The {@code weightDecay} param. */
  default DoubleParam weightDecay() {
    return defs().weightDecay;
  }

  /** The value of {@code weightDecay}. */
  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  /** The {@code l1} param. */
  default DoubleParam l1() {
    return defs().l1;
  }

  /** The value of {@code l1}. */
  default double getL1() {
    return (Double) getOrDefault(l1());
  }

  /** The {@code l2} param. */
  default DoubleParam l2() {
    return defs().l2;
  }

  /** The value of {@code l2}. */
  default double getL2() {
    return (Double) getOrDefault(l2());
  }

  /** The {@code clipNorm} param. */
  default DoubleParam clipNorm() {
    return defs().clipNorm;
  }

  /** The value of {@code clipNorm}. */
  default double getClipNorm() {
    return (Double) getOrDefault(clipNorm());
  }

  /** The {@code clipValue} param. */
  default DoubleParam clipValue() {
    return defs().clipValue;
  }

  /** The value of {@code clipValue}. */
  default double getClipValue() {
    return (Double) getOrDefault(clipValue());
  }

  /** The {@code lrSchedule} param. */
  default Param<String> lrSchedule() {
    return defs().lrSchedule;
  }

  /** The value of {@code lrSchedule}. */
  default String getLrSchedule() {
    return getOrDefault(lrSchedule());
  }

  /** The {@code warmupSteps} param. */
  default IntParam warmupSteps() {
    return defs().warmupSteps;
  }

  /** The value of {@code warmupSteps}. */
  default int getWarmupSteps() {
    return (Integer) getOrDefault(warmupSteps());
  }

  /** The {@code batchSize} param. */
  default IntParam batchSize() {
    return defs().batchSize;
  }

  /** The value of {@code batchSize}. */
  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  /** The {@code maxEpochs} param. */
  default IntParam maxEpochs() {
    return defs().maxEpochs;
  }

  /** The value of {@code maxEpochs}. */
  default int getMaxEpochs() {
    return (Integer) getOrDefault(maxEpochs());
  }

  /** The {@code validationFraction} param. */
  default DoubleParam validationFraction() {
    return defs().validationFraction;
  }

  /** The value of {@code validationFraction}. */
  default double getValidationFraction() {
    return (Double) getOrDefault(validationFraction());
  }

  /** The {@code patience} param. */
  default IntParam patience() {
    return defs().patience;
  }

  /** The value of {@code patience}. */
  default int getPatience() {
    return (Integer) getOrDefault(patience());
  }

  /** The {@code minDelta} param. */
  default DoubleParam minDelta() {
    return defs().minDelta;
  }

  /** The value of {@code minDelta}. */
  default double getMinDelta() {
    return (Double) getOrDefault(minDelta());
  }

  /** The {@code engine} param. */
  default Param<String> engine() {
    return defs().engine;
  }

  /** The value of {@code engine}. */
  default String getEngine() {
    return getOrDefault(engine());
  }

  /** The {@code architecture} param. */
  default Param<String> architecture() {
    return defs().architecture;
  }

  /** The value of {@code architecture}. */
  default String getArchitecture() {
    return getOrDefault(architecture());
  }

  /** The {@code inputShape} param. */
  default IntArrayParam inputShape() {
    return defs().inputShape;
  }

  /** The value of {@code inputShape}. */
  default int[] getInputShape() {
    return getOrDefault(inputShape());
  }

  /** The {@code layers} param. */
  default Param<String> layers() {
    return defs().layers;
  }

  /** The value of {@code layers}. */
  default String getLayers() {
    return getOrDefault(layers());
  }

  /** The {@code filters} param. */
  default IntArrayParam filters() {
    return defs().filters;
  }

  /** The value of {@code filters}. */
  default int[] getFilters() {
    return getOrDefault(filters());
  }

  /** The {@code kernelSize} param. */
  default IntParam kernelSize() {
    return defs().kernelSize;
  }

  /** The value of {@code kernelSize}. */
  default int getKernelSize() {
    return (Integer) getOrDefault(kernelSize());
  }

  /** The {@code hiddenSize} param. */
  default IntParam hiddenSize() {
    return defs().hiddenSize;
  }

  /** The value of {@code hiddenSize}. */
  default int getHiddenSize() {
    return (Integer) getOrDefault(hiddenSize());
  }

  /** The {@code numLayers} param. */
  default IntParam numLayers() {
    return defs().numLayers;
  }

  /** The value of {@code numLayers}. */
  default int getNumLayers() {
    return (Integer) getOrDefault(numLayers());
  }

  /** The {@code bidirectional} param. */
  default BooleanParam bidirectional() {
    return defs().bidirectional;
  }

  /** The value of {@code bidirectional}. */
  default boolean getBidirectional() {
    return (Boolean) getOrDefault(bidirectional());
  }

  /** The {@code sequencePooling} param. */
  default Param<String> sequencePooling() {
    return defs().sequencePooling;
  }

  /** The value of {@code sequencePooling}. */
  default String getSequencePooling() {
    return getOrDefault(sequencePooling());
  }

  /** The {@code modelDim} param. */
  default IntParam modelDim() {
    return defs().modelDim;
  }

  /** The value of {@code modelDim}. */
  default int getModelDim() {
    return (Integer) getOrDefault(modelDim());
  }

  /** The {@code numHeads} param. */
  default IntParam numHeads() {
    return defs().numHeads;
  }

  /** The value of {@code numHeads}. */
  default int getNumHeads() {
    return (Integer) getOrDefault(numHeads());
  }

  /** The {@code numWorkers} param. */
  default IntParam numWorkers() {
    return defs().numWorkers;
  }

  /** The value of {@code numWorkers}. */
  default int getNumWorkers() {
    return (Integer) getOrDefault(numWorkers());
  }

  /** The {@code ensembleFolds} param. */
  default IntParam ensembleFolds() {
    return defs().ensembleFolds;
  }

  /** The value of {@code ensembleFolds}. */
  default int getEnsembleFolds() {
    return (Integer) getOrDefault(ensembleFolds());
  }

  /** The {@code syncEvery} param. */
  default IntParam syncEvery() {
    return defs().syncEvery;
  }

  /** The value of {@code syncEvery}. */
  default int getSyncEvery() {
    return (Integer) getOrDefault(syncEvery());
  }

  /** The {@code checkpointDir} param. */
  default Param<String> checkpointDir() {
    return defs().checkpointDir;
  }

  /** The value of {@code checkpointDir}. */
  default String getCheckpointDir() {
    return getOrDefault(checkpointDir());
  }

  /** The {@code checkpointInterval} param. */
  default IntParam checkpointInterval() {
    return defs().checkpointInterval;
  }

  /** The value of {@code checkpointInterval}. */
  default int getCheckpointInterval() {
    return (Integer) getOrDefault(checkpointInterval());
  }

  /** The {@code resumeFrom} param. */
  default Param<String> resumeFrom() {
    return defs().resumeFrom;
  }

  /** The value of {@code resumeFrom}. */
  default String getResumeFrom() {
    return getOrDefault(resumeFrom());
  }

  @Override
  default LongParam seed() {
    return defs().seed;
  }

  @Override
  default Param<String> handleInvalid() {
    return defs().handleInvalid;
  }

  /** Every neural param, with its default. */
  final class Defs {
    final Param<String> featuresCol;
    final Param<String> labelCol;
    final Param<String> weightCol;
    final Param<String> validationIndicatorCol;
    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    final Param<String> rawPredictionCol;
    final IntArrayParam hiddenLayers;
    final Param<String> activation;
    final DoubleParam dropout;
    final Param<String> weightInit;
    final Param<String> normalization;
    final BooleanParam residual;
    final IntParam embeddingDim;
    final DoubleParam mixup;
    final DoubleParam inputNoise;
    final Param<String> loss;
    final DoubleParam labelSmoothing;
    final Param<String> optimizer;
    final DoubleParam learningRate;
    final DoubleParam momentum;
    final BooleanParam nesterov;
    final DoubleParam weightDecay;
    final DoubleParam l1;
    final DoubleParam l2;
    final DoubleParam clipNorm;
    final DoubleParam clipValue;
    final Param<String> lrSchedule;
    final IntParam warmupSteps;
    final IntParam batchSize;
    final IntParam maxEpochs;
    final DoubleParam validationFraction;
    final IntParam patience;
    final DoubleParam minDelta;
    final LongParam seed;
    final Param<String> handleInvalid;
    final Param<String> engine;
    final Param<String> architecture;
    final IntArrayParam inputShape;
    final Param<String> layers;
    final IntArrayParam filters;
    final IntParam kernelSize;
    final IntParam hiddenSize;
    final IntParam numLayers;
    final BooleanParam bidirectional;
    final Param<String> sequencePooling;
    final IntParam modelDim;
    final IntParam numHeads;
    final IntParam numWorkers;
    final IntParam syncEvery;
    final IntParam ensembleFolds;
    final Param<String> checkpointDir;
    final IntParam checkpointInterval;
    final Param<String> resumeFrom;

    /** Defines the params with {@code p} as parent and sets the defaults; {@code defaultLoss} per task. */
    public Defs(NeuralParams p, String defaultLoss) {
      featuresCol = SharedParams.column(p, "featuresCol", "features vector column");
      labelCol = SharedParams.labelCol(p);
      weightCol = SharedParams.optionalString(p, "weightCol", "row weight column (>= 0); empty = every row 1");
      validationIndicatorCol = SharedParams.optionalString(p, "validationIndicatorCol", "boolean column, true for"
          + " validation rows; empty = a stratified validationFraction of the data");
      predictionCol = SharedParams.optionalString(p, "predictionCol", "prediction column (\"\" = none)");
      probabilityCol = SharedParams.optionalString(p, "probabilityCol", "class probability column (classifier;"
          + " \"\" = none)");
      rawPredictionCol = SharedParams.optionalString(p, "rawPredictionCol", "raw scores (logits shifted to mean 0)"
          + " column (classifier; \"\" = none)");
      hiddenLayers = new IntArrayParam(p, "hiddenLayers", "sizes of the hidden layers, e.g. [64, 64] (each >= 1;"
          + " empty = a linear model); unless set, a fit of at most " + SMALL_TABLE_ROWS + " rows uses [16] below"
          + " 256 rows, [32] below 512, else [64, 64]", (int[] v) -> Arrays.stream(v).allMatch(x -> x >= 1));
      activation = spec(p, "activation", "activation after every hidden layer: "
          + String.join(", ", Activation.NAMES) + ", prelu (learned slope); leakyRelu(a), elu(a), swish(b) take a"
          + " number", Architecture::checkActivation);
      dropout = new DoubleParam(p, "dropout", "fraction of hidden units dropped in training, in [0, 1)",
          ParamValidators.inRange(0, 1, true, false));
      weightInit = SharedParams.choice(p, "weightInit", "weight initialization: he, xavier, or auto (he for the"
          + " ReLU family, else xavier).", "auto", "he", "xavier");
      normalization = SharedParams.choice(p, "normalization", "normalization after each hidden dense layer: none,"
          + " batch (batch statistics in training, running statistics in inference) or layer.",
          Architecture.NORMALIZATIONS);
      residual = new BooleanParam(p, "residual", "skip connections around hidden blocks whose width equals their"
          + " input width");
      embeddingDim = SharedParams.intAtLeast(p, "embeddingDim", "embedding width of every nominal feature slot;"
          + " 0 = min(50, round(1.6 * categories^0.56)) per slot", 0);
      mixup = SharedParams.doubleAtLeast(p, "mixup", "mixup alpha: training batches are mixed with Beta(a, a)"
          + " weights; 0 = off", 0);
      inputNoise = SharedParams.doubleAtLeast(p, "inputNoise", "standard deviation of Gaussian noise added to"
          + " dense feature slots in training; 0 = off", 0);
      loss = spec(p, "loss", "training loss; classifier: " + String.join(", ", Loss.CLASSIFICATION) + " (focal(g));"
          + " regressor: " + String.join(", ", Loss.REGRESSION) + " (huber(d))", s -> Loss.parse(s, 0));
      labelSmoothing = new DoubleParam(p, "labelSmoothing", "label smoothing of crossEntropy, in [0, 1)",
          ParamValidators.inRange(0, 1, true, false));
      optimizer = SharedParams.choice(p, "optimizer", "update rule.", Optimizer.METHODS);
      learningRate = new DoubleParam(p, "learningRate", "base learning rate (> 0)", ParamValidators.gt(0));
      momentum = new DoubleParam(p, "momentum", "momentum of the momentum optimizer, in [0, 1)",
          ParamValidators.inRange(0, 1, true, false));
      nesterov = new BooleanParam(p, "nesterov", "Nesterov momentum");
      weightDecay = SharedParams.doubleAtLeast(p, "weightDecay", "decoupled weight decay of adamw", 0);
      l1 = SharedParams.doubleAtLeast(p, "l1", "L1 penalty on weights", 0);
      l2 = SharedParams.doubleAtLeast(p, "l2", "L2 penalty on weights; unless set, a fit of at most "
          + SMALL_TABLE_ROWS + " rows n uses " + SMALL_TABLE_PRIOR + " / n", 0);
      clipNorm = SharedParams.doubleAtLeast(p, "clipNorm", "clip the gradient to this norm; 0 = off", 0);
      clipValue = SharedParams.doubleAtLeast(p, "clipValue", "clip each gradient entry to +-this; 0 = off", 0);
      lrSchedule = spec(p, "lrSchedule", "learning-rate schedule: " + String.join(", ",
          LearningRateSchedule.NAMES) + ", e.g. step(1000, 0.5), cosine, oneCycle(0.3)",
          s -> LearningRateSchedule.parse(s, 0));
      warmupSteps = SharedParams.intAtLeast(p, "warmupSteps", "linear warmup steps before the schedule", 0);
      batchSize = SharedParams.intAtLeast(p, "batchSize", "rows per mini-batch; unless set, a fit of at most "
          + SMALL_TABLE_ROWS + " rows uses " + SMALL_TABLE_BATCH_SIZE, 1);
      maxEpochs = SharedParams.intAtLeast(p, "maxEpochs", "maximum passes over the training data", 1);
      validationFraction = new DoubleParam(p, "validationFraction", "stratified fraction held out for validation"
          + " when validationIndicatorCol is empty, in [0, 0.5]; 0 = none", ParamValidators.inRange(0, 0.5));
      patience = SharedParams.intAtLeast(p, "patience", "epochs without improvement before stopping; 0 = off", 0);
      minDelta = SharedParams.doubleAtLeast(p, "minDelta", "smallest validation loss decrease that counts", 0);
      seed = SharedParams.seed(p);
      handleInvalid = SharedParams.handleInvalid(p, "rows whose features are null or contain NaN/infinity when"
          + " scoring: error, skip (drop), keep (NaN prediction). Training always fails on them.", "error", "skip",
          "keep");
      engine = SharedParams.choice(p, "engine", "compute engine for training and scoring: jvm (Java arrays +"
          + " OpenBLAS, fastest on CPU), nd4j (ND4J ops: CPU with nd4j-native, GPU with the cuda build), or auto (nd4j"
          + " when ND4J's CUDA backend sees a device in the task, else jvm). Saved models do not depend on it.",
          Engine.NAMES);
      architecture = SharedParams.choice(p, "architecture", "network family: mlp (dense layers over a flat vector;"
          + " nominal slots through embeddings), cnn (convolution blocks: filters, kernelSize, 2 x 2 max pooling),"
          + " lstm, gru, rnn (numLayers recurrent layers of hiddenSize, bidirectional, sequencePooling) or"
          + " transformer (numLayers pre-LayerNorm encoder blocks of modelDim and numHeads over the sequence's"
          + " steps, or over a table row's slots as tokens: FT-Transformer). hiddenLayers, activation, normalization and dropout shape the dense head of every"
          + " family. cnn and the recurrent families read rows through inputShape. A non-empty layers param"
          + " replaces the family's body.", Architecture.FAMILIES);
      inputShape = new IntArrayParam(p, "inputShape", "how a features vector is read: [channels, height, width]"
          + " (an image stored channels first, e.g. [1, 28, 28]), [time, features] (a sequence stored step by"
          + " step), or empty = a flat vector; the product must equal the vector size",
          (int[] v) -> (v.length == 0 || v.length == 2 || v.length == 3) && Arrays.stream(v).allMatch(x -> x >= 1));
      layers = new Param<>(p, "layers", "a custom network body as one string of tokens, e.g. 'conv2d(32,3,1,1)"
          + " relu maxpool(2) flatten dense(128) relu dropout(0.3)'; the output layer is added. Empty = the body"
          + " of architecture. Tokens: " + io.sparknn.nn.LayerStack.TOKENS, (String v) -> {
            io.sparknn.nn.LayerStack.check(v); // throws a message that points at the bad token
            return true;
          });
      filters = new IntArrayParam(p, "filters", "cnn: filters of each convolution block (each >= 1)",
          (int[] v) -> v.length > 0 && Arrays.stream(v).allMatch(x -> x >= 1));
      kernelSize = SharedParams.intAtLeast(p, "kernelSize", "cnn: kernel size of the convolutions (same padding)",
          1);
      hiddenSize = SharedParams.intAtLeast(p, "hiddenSize", "lstm, gru, rnn: hidden units per direction", 1);
      numLayers = SharedParams.intAtLeast(p, "numLayers", "lstm, gru, rnn: stacked recurrent layers; transformer:"
          + " encoder blocks", 1);
      bidirectional = new BooleanParam(p, "bidirectional", "lstm, gru, rnn: read the sequence in both directions");
      sequencePooling = SharedParams.choice(p, "sequencePooling", "lstm, gru, rnn: how the states of all steps"
          + " become one vector: last (the final state of each direction), mean or max over the steps.", "last",
          "mean", "max");
      modelDim = SharedParams.intAtLeast(p, "modelDim", "transformer: token width (a multiple of numHeads)", 1);
      numHeads = SharedParams.intAtLeast(p, "numHeads", "transformer: attention heads per block", 1);
      numWorkers = SharedParams.intAtLeast(p, "numWorkers", "Spark tasks that train in parallel, each on its own"
          + " share of the rows (synchronous data-parallel: every syncEvery steps the weights move by the sum of the"
          + " workers' changes and optimizer moments are averaged); the cluster must offer this many concurrent task"
          + " slots", 1);
      syncEvery = SharedParams.intAtLeast(p, "syncEvery", "with numWorkers > 1: steps each worker takes between"
          + " two synchronisations (one Spark job per round); 0 = auto: max(8, steps per epoch / 8)", 0);
      ensembleFolds = SharedParams.intAtLeast(p, "ensembleFolds", "bagged early stopping: k >= 2 trains k"
          + " networks, network j early-stopped on fold j of a stratified k-fold split of the training rows and"
          + " trained on the other folds, and the model averages their predictions; 1 = one network with the"
          + " validationFraction hold-out; 0 = auto: " + SMALL_TABLE_ENSEMBLE + " when the fit has 10 to "
          + SMALL_TABLE_ROWS + " rows and no validationIndicatorCol, checkpoints (checkpointDir or the SparkContext's"
          + " checkpoint directory) or resumeFrom, else 1. Members"
          + " train at once as free task slots allow and are not checkpointed", 0);
      checkpointDir = SharedParams.optionalString(p, "checkpointDir", "Hadoop directory for training checkpoints"
          + " (weights, optimizer moments, epoch, history); empty = the SparkContext's checkpoint directory when"
          + " set, else no checkpoints");
      checkpointInterval = new IntParam(p, "checkpointInterval", "epochs between checkpoints (>= 1), or -1 = none",
          (Object v) -> (Integer) v == -1 || (Integer) v >= 1);
      resumeFrom = SharedParams.optionalString(p, "resumeFrom", "a checkpoint directory (or file) written by an"
          + " interrupted fit with the same params and data: the fit continues from its latest checkpoint; empty ="
          + " start afresh");
      p.setDefault(numWorkers, 1);
      p.setDefault(syncEvery, 0);
      p.setDefault(ensembleFolds, 0);
      p.setDefault(checkpointDir, "");
      p.setDefault(checkpointInterval, 10);
      p.setDefault(resumeFrom, "");
      p.setDefault(modelDim, 64);
      p.setDefault(numHeads, 4);
      p.setDefault(architecture, "mlp");
      p.setDefault(inputShape, new int[0]);
      p.setDefault(layers, "");
      p.setDefault(filters, new int[] {32, 64});
      p.setDefault(kernelSize, 3);
      p.setDefault(hiddenSize, 128);
      p.setDefault(numLayers, 1);
      p.setDefault(bidirectional, false);
      p.setDefault(sequencePooling, "last");
      p.setDefault(engine, "auto");
      p.setDefault(featuresCol, "features");
      p.setDefault(labelCol, "label");
      p.setDefault(weightCol, "");
      p.setDefault(validationIndicatorCol, "");
      p.setDefault(predictionCol, "prediction");
      p.setDefault(probabilityCol, "probability");
      p.setDefault(rawPredictionCol, "rawPrediction");
      p.setDefault(hiddenLayers, new int[] {64, 64});
      p.setDefault(activation, "relu");
      p.setDefault(dropout, 0.0);
      p.setDefault(weightInit, "auto");
      p.setDefault(normalization, "none");
      p.setDefault(residual, false);
      p.setDefault(embeddingDim, 0);
      p.setDefault(mixup, 0.0);
      p.setDefault(inputNoise, 0.0);
      p.setDefault(loss, defaultLoss);
      p.setDefault(labelSmoothing, 0.0);
      p.setDefault(optimizer, "adam");
      p.setDefault(learningRate, 1e-3);
      p.setDefault(momentum, 0.9);
      p.setDefault(nesterov, false);
      p.setDefault(weightDecay, 0.0);
      p.setDefault(l1, 0.0);
      p.setDefault(l2, 0.0);
      p.setDefault(clipNorm, 0.0);
      p.setDefault(clipValue, 0.0);
      p.setDefault(lrSchedule, "constant");
      p.setDefault(warmupSteps, 0);
      p.setDefault(batchSize, 256);
      p.setDefault(maxEpochs, 100);
      p.setDefault(validationFraction, 0.1);
      p.setDefault(patience, 10);
      p.setDefault(minDelta, 0.0);
      p.setDefault(seed, 42L);
      p.setDefault(handleInvalid, "error");
    }

    private interface Check {
      void run(String spec);
    }

    private static Param<String> spec(Params p, String name, String doc, Check check) {
      return new Param<>(p, name, doc, (String s) -> {
        try {
          check.run(s);
          return true;
        } catch (IllegalArgumentException e) {
          return false;
        }
      });
    }
  }
}
