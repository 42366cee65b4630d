package io.sparknn.estimator;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;

import io.sparknn.nn.Architecture;
import io.sparknn.util.SchemaChecks;
import io.sparknn.util.FeatureReader;
import io.sparknn.util.Rows;
import io.sparknn.nn.LayerStack;
import io.sparknn.nn.Shape;
import io.sparknn.nn.Loss;
import io.sparknn.param.NeuralParams;
import io.sparknn.param.SharedParams;
import io.sparknn.train.History;
import io.sparknn.train.Trainer;
import io.sparknn.train.TrainingListener;
import io.sparknn.train.TrainingJob;
import io.sparknn.train.TrainingRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code NeuralClassifier} and {@code NeuralRegressor} share: the params, schema checks, the conversion of
 * the input into cached float blocks on the executors, the nominal-slot detection from the features column's
 * attribute metadata, and the training job.
 *
 * @param <M> the fitted model type
 * @param <E> the concrete estimator type (returned by the setters)
 */
public abstract class NeuralEstimator<M extends NeuralModel<M>, E extends NeuralEstimator<M, E>> extends Estimator<M>
    implements NeuralParams, DefaultParamsWritable {
  private static final Logger LOG = LoggerFactory.getLogger(NeuralEstimator.class);
  private final String uid;
  private final Defs defs;
  /** Driver-side epoch listeners: not params, not saved; kept by {@link #copy}. */
  private transient List<TrainingListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** An estimator with the given uid and default loss. */
  protected NeuralEstimator(String uid, String defaultLoss) {
    this.uid = uid;
    this.defs = new Defs(this, defaultLoss);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Defs defs() {
    return defs;
  }

  @Override
  public E copy(ParamMap extra) {
    E copy = defaultCopy(extra);
    ((NeuralEstimator<?, ?>) copy).listeners().addAll(listeners());
    return copy;
  }

  private List<TrainingListener> listeners() {
    if (listeners == null) { // after Java deserialization
      listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    }
    return listeners;
  }

  /**
   * Adds a listener that hears every epoch of this estimator's fits (see {@link TrainingListener}; returning false
   * from {@code onEpoch} stops the fit with the best epoch so far); returns this.
   */
  @SuppressWarnings("unchecked")
  public E addTrainingListener(TrainingListener listener) {
    listeners().add(java.util.Objects.requireNonNull(listener, "listener"));
    return (E) this;
  }

  /** Removes a listener added with {@link #addTrainingListener}; returns this. */
  @SuppressWarnings("unchecked")
  public E removeTrainingListener(TrainingListener listener) {
    listeners().remove(listener);
    return (E) this;
  }

  /** The listeners added with {@link #addTrainingListener}, in order (read only). */
  public List<TrainingListener> trainingListeners() {
    return java.util.Collections.unmodifiableList(listeners());
  }

  /** True for the classifier. */
  protected abstract boolean classification();

  /** The fitted model. */
  protected abstract M model(String uid, Architecture architecture, float[] params, List<History> histories);

  /** Sets any param by name with validation, e.g. {@code setParam("learningRate", 0.01)}; returns this. */
  @SuppressWarnings("unchecked")
  public E setParam(String name, Object value) {
    SharedParams.setChecked(this, name, value);
    return (E) this;
  }

  /** Sets the features column (default "features"). */
  public E setFeaturesCol(String v) {
    return setParam("featuresCol", v);
  }

  /** Sets the label column (default "label"). */
  public E setLabelCol(String v) {
    return setParam("labelCol", v);
  }

  /** Sets the hidden layer sizes (default 64, 64). */
  public E setHiddenLayers(int... v) {
    return setParam("hiddenLayers", v);
  }

  /** Sets the activation spec (default relu). */
  public E setActivation(String v) {
    return setParam("activation", v);
  }

  /** Sets the base learning rate (default 1e-3). */
  public E setLearningRate(double v) {
    return setParam("learningRate", v);
  }

  /** Sets the batch size (default 256). */
  public E setBatchSize(int v) {
    return setParam("batchSize", v);
  }

  /** Sets the maximum number of epochs (default 100). */
  public E setMaxEpochs(int v) {
    return setParam("maxEpochs", v);
  }

  /** Sets the row-weight column (default none: every row weighs 1; weights >= 0). */
  public E setWeightCol(String v) {
    return setParam("weightCol", v);
  }

  /** Sets the boolean column marking validation rows (default none: a stratified validationFraction is held out). */
  public E setValidationIndicatorCol(String v) {
    return setParam("validationIndicatorCol", v);
  }

  /** Sets the model's prediction column (default prediction). */
  public E setPredictionCol(String v) {
    return setParam("predictionCol", v);
  }

  /** Sets the classifier model's probability column (default probability). */
  public E setProbabilityCol(String v) {
    return setParam("probabilityCol", v);
  }

  /** Sets the classifier model's logits column (default rawPrediction). */
  public E setRawPredictionCol(String v) {
    return setParam("rawPredictionCol", v);
  }

  /** Sets the dropout fraction after each hidden activation, in [0, 1) (default 0). */
  public E setDropout(double v) {
    return setParam("dropout", v);
  }

  /** Sets the normalization after each hidden layer: none (default), batch or layer. */
  public E setNormalization(String v) {
    return setParam("normalization", v);
  }

  /** Sets skip connections between equal-width hidden layers (default false). */
  public E setResidual(boolean v) {
    return setParam("residual", v);
  }

  /** Sets the width of every embedding; 0 (default) sizes each from its number of categories. */
  public E setEmbeddingDim(int v) {
    return setParam("embeddingDim", v);
  }

  /** Sets the mixup alpha; 0 (default) = off. */
  public E setMixup(double v) {
    return setParam("mixup", v);
  }

  /** Sets the standard deviation of Gaussian noise on dense inputs in training; 0 (default) = off. */
  public E setInputNoise(double v) {
    return setParam("inputNoise", v);
  }

  /** Sets the weight initialization: auto (default), he or xavier. */
  public E setWeightInit(String v) {
    return setParam("weightInit", v);
  }

  /** Sets the loss, e.g. crossEntropy, focal(2), hinge; mse, mae, huber(1.0). */
  public E setLoss(String v) {
    return setParam("loss", v);
  }

  /** Sets the label smoothing of crossEntropy, in [0, 1) (default 0). */
  public E setLabelSmoothing(double v) {
    return setParam("labelSmoothing", v);
  }

  /** Sets the optimizer: sgd, momentum, adam (default) or adamw. */
  public E setOptimizer(String v) {
    return setParam("optimizer", v);
  }

  /** Sets the momentum of the momentum optimizer, in [0, 1) (default 0.9). */
  public E setMomentum(double v) {
    return setParam("momentum", v);
  }

  /** Sets Nesterov momentum (default false). */
  public E setNesterov(boolean v) {
    return setParam("nesterov", v);
  }

  /** Sets the decoupled weight decay of adamw (default 0). */
  public E setWeightDecay(double v) {
    return setParam("weightDecay", v);
  }

  /** Sets the L1 penalty on weights and embeddings (default 0). */
  public E setL1(double v) {
    return setParam("l1", v);
  }

  /** Sets the L2 penalty on weights and embeddings (default 0). */
  public E setL2(double v) {
    return setParam("l2", v);
  }

  /** Sets the gradient clipping by global norm; 0 (default) = off. */
  public E setClipNorm(double v) {
    return setParam("clipNorm", v);
  }

  /** Sets the gradient clipping by value; 0 (default) = off. */
  public E setClipValue(double v) {
    return setParam("clipValue", v);
  }

  /** Sets the learning-rate schedule: constant (default), step(n, g), exponential(g), cosine(f), cyclic(n, m), oneCycle(p). */
  public E setLrSchedule(String v) {
    return setParam("lrSchedule", v);
  }

  /** Sets the linear warmup steps before the schedule (default 0). */
  public E setWarmupSteps(int v) {
    return setParam("warmupSteps", v);
  }

  /** Sets the stratified fraction held out for validation (default 0.1). */
  public E setValidationFraction(double v) {
    return setParam("validationFraction", v);
  }

  /** Sets the epochs without improvement before early stopping; 0 = never stop early (default 10). */
  public E setPatience(int v) {
    return setParam("patience", v);
  }

  /** Sets the smallest validation-loss decrease that counts as an improvement (default 0). */
  public E setMinDelta(double v) {
    return setParam("minDelta", v);
  }

  /** Sets the fitted model's policy for invalid rows at scoring: error (default), skip or keep. */
  public E setHandleInvalid(String v) {
    return setParam("handleInvalid", v);
  }

  /** Sets the compute engine: auto (default), jvm or nd4j. */
  public E setEngine(String v) {
    return setParam("engine", v);
  }

  /** Sets the network family: mlp (default), cnn, lstm, gru, rnn or transformer. */
  public E setArchitecture(String v) {
    return setParam("architecture", v);
  }

  /** Sets how a features vector is read: [channels, height, width], [time, features] or empty (flat). */
  public E setInputShape(int... v) {
    return setParam("inputShape", v);
  }

  /** Sets a custom layer stack, e.g. {@code "conv2d(32,3,1,1) relu maxpool(2) flatten dense(64) relu"}. */
  public E setLayers(String v) {
    return setParam("layers", v);
  }

  /** Sets the cnn filters per convolution block (default [32, 64]). */
  public E setFilters(int... v) {
    return setParam("filters", v);
  }

  /** Sets the cnn kernel size (default 3). */
  public E setKernelSize(int v) {
    return setParam("kernelSize", v);
  }

  /** Sets the recurrent hidden units per direction (default 128). */
  public E setHiddenSize(int v) {
    return setParam("hiddenSize", v);
  }

  /** Sets the number of stacked recurrent layers (default 1). */
  public E setNumLayers(int v) {
    return setParam("numLayers", v);
  }

  /** Sets whether recurrent layers read both directions (default false). */
  public E setBidirectional(boolean v) {
    return setParam("bidirectional", v);
  }

  /** Sets how recurrent states become one vector: last (default), mean or max. */
  public E setSequencePooling(String v) {
    return setParam("sequencePooling", v);
  }

  /** Sets the transformer token width (default 64). */
  public E setModelDim(int v) {
    return setParam("modelDim", v);
  }

  /** Sets the transformer attention heads (default 4). */
  public E setNumHeads(int v) {
    return setParam("numHeads", v);
  }

  /** Sets the number of Spark tasks that train in parallel (default 1). */
  public E setNumWorkers(int v) {
    return setParam("numWorkers", v);
  }

  /** Sets the steps between two synchronisations of the workers (default 0 = auto: max(8, steps per epoch / 8)). */
  public E setSyncEvery(int v) {
    return setParam("syncEvery", v);
  }

  /**
   * Sets the number of networks of a bagged ensemble (default 0 = auto: 5 on a table of 10 to 5,000 rows, else 1;
   * 1 = a single network).
   */
  public E setEnsembleFolds(int v) {
    return setParam("ensembleFolds", v);
  }

  /** Sets the checkpoint directory (default empty = the SparkContext's checkpoint directory, if set). */
  public E setCheckpointDir(String v) {
    return setParam("checkpointDir", v);
  }

  /** Sets the epochs between checkpoints (default 10; -1 = none). */
  public E setCheckpointInterval(int v) {
    return setParam("checkpointInterval", v);
  }

  /** Sets the checkpoint directory or file an interrupted fit continues from (default empty = start afresh). */
  public E setResumeFrom(String v) {
    return setParam("resumeFrom", v);
  }

  /** Sets the seed (default 42). */
  public E setSeed(long v) {
    return setParam("seed", v);
  }

  @Override
  public M fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    if (Loss.parse(getLoss(), 0).classification() != classification()) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "loss") + ": '" + getLoss() + "' is a "
          + (classification() ? "regression" : "classification") + " loss; this stage takes "
          + String.join(", ", classification() ? Loss.CLASSIFICATION : Loss.REGRESSION) + ".");
    }
    String where = SchemaChecks.where(this, "featuresCol") + ": column '" + getFeaturesCol() + "'";
    TrainingDispatch.checkSlots(this, dataset.sparkSession().sparkContext());
    StructField field = dataset.schema().apply(getFeaturesCol());
    boolean sequences = FeatureReader.isSequence(field.dataType());
    FeatureReader reader = sequences ? FeatureReader.sequence(field, getInputShape(), where)
        : FeatureReader.vector(Rows.vectorSize(dataset, getFeaturesCol()));
    int d = reader.width();
    if (d == 0 || sequences && dataset.isEmpty()) {
      throw new IllegalArgumentException(where + ": the input DataFrame is empty (or every features vector is"
          + " null); there is nothing to fit.");
    }
    int[][] nominal = sequences ? new int[2][0] : nominalSlots(field, d);
    String w = getWeightCol();
    String v = getValidationIndicatorCol();
    Column[] cols = {col(getFeaturesCol()), col(getLabelCol()).cast("double"),
        w.isEmpty() ? lit(1.0) : col(w).cast("double"), v.isEmpty() ? lit(false) : col(v)};
    String[] names = {where, SchemaChecks.where(this, "labelCol") + ": column '" + getLabelCol() + "'",
        SchemaChecks.where(this, "weightCol") + ": column '" + w + "'"};
    int workers = getNumWorkers();
    Dataset<?> selected = dataset.select(cols);
    // with at least numWorkers input partitions, the shares are balanced slices of the cached blocks (no shuffle)
    boolean slices = workers > 1 && Rows.internal(selected).getNumPartitions() >= workers;
    if (workers > 1 && !slices) {
      selected = selected.repartition(workers);
    }
    JavaRDD<TrainingRows> blocks = Rows.trainingBlocks(selected, reader, names)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long[] partitionRows = new long[blocks.getNumPartitions()];
      double[] stats = blockStats(blocks, d, nominal, partitionRows);
      int outputs = classification() ? numClasses(stats, names[1]) : 1;
      if (!classification() && stats[8] > MAX_REGRESSION_LABEL) {
        throw new IllegalArgumentException(names[1] + " has a label of magnitude " + stats[8] + ", beyond what"
            + " the float network predicts (|label| <= " + MAX_REGRESSION_LABEL + "). Rescale the label (divide"
            + " by a power of ten, or train on its log) and scale the predictions back.");
      }
      checkCategories(stats, nominal, where);
      Sizing size = sizing((long) stats[3]);
      String body = body(d, nominal[0], where, sequences, size.hidden());
      int[] dims = embeddingDims(nominal[0], nominal[1], body);
      checkEmbeddingSize(nominal, dims, where);
      Architecture arch = new Architecture(d, nominal[0], nominal[1], dims, size.hidden(), getActivation(),
          getNormalization(), getResidual(), getDropout(), getWeightInit(), outputs, getInputShape(), body, sequences);
      int members = size.members();
      JavaRDD<TrainingRows> shares = workers == 1 ? blocks.coalesce(1)
          : slices ? BalancedShares.of(blocks, partitionRows, workers) : blocks;
      int slots = TrainingDispatch.slots(dataset.sparkSession().sparkContext());
      int inFlight = members == 1 ? 1 : Math.min(members, Math.max(1, slots / workers));
      int tasksPerExecutor = TrainingDispatch.tasksPerExecutor(dataset.sparkSession().sparkContext(),
          workers * inFlight);
      TrainingDispatch.Fitted[] fitted = new TrainingDispatch.Fitted[members];
      java.util.function.IntConsumer member = j -> {
        long seed = j == 0 ? getSeed() : Trainer.memberSeed(getSeed(), j);
        TrainingJob job = new TrainingJob(arch, new TrainingJob.Config(getLoss(), getLabelSmoothing(),
            getOptimizer(), getMomentum(), getNesterov(), getWeightDecay(), getL1(), size.l2(), getClipValue(),
            getClipNorm(), getLrSchedule(), getWarmupSteps(), new Trainer.Settings(size.batchSize(), getMaxEpochs(),
            getLearningRate(), getPatience(), getMinDelta(), seed), getValidationFraction(), !v.isEmpty(),
            getMixup(), getInputNoise(), getEngine(), new TrainingJob.HoldOut(getSeed(), j, members)));
        fitted[j] = new TrainingDispatch(this, job, shares, d, tasksPerExecutor).run();
      };
      if (members == 1) {
        member.accept(0);
      } else {
        Ensembles.train(this, members, slots / workers,
            member, j -> fitted[j].interrupted());
      }
      List<History> histories = new ArrayList<>();
      List<float[]> weights = new ArrayList<>();
      for (TrainingDispatch.Fitted f : fitted) {
        if (f != null) {
          histories.add(f.history());
          weights.add(f.weights());
        }
      }
      M model = copyValues(model(uid, arch, concat(weights), histories), ParamMap.empty()).setParent(this);
      // the model's params say what it was trained with: the small-table values and the ensemble's size
      model.set(model.hiddenLayers(), size.hidden());
      model.set(model.batchSize(), size.batchSize());
      model.set(model.l2(), size.l2());
      model.set(model.ensembleFolds(), histories.size());
      return model;
    } finally {
      blocks.unpersist(false);
    }
  }

  /**
   * The values a fit of {@code rows} rows trains with: on a small table ({@link #SMALL_TABLE_ROWS} rows or fewer),
   * {@code hiddenLayers}, {@code batchSize} and {@code l2} take their small-table values unless set, and
   * {@code ensembleFolds} = auto bags; on a larger one, the params' values.
   */
  private Sizing sizing(long rows) {
    boolean small = rows <= SMALL_TABLE_ROWS;
    Sizing s = new Sizing(small && !isSet(hiddenLayers()) ? NeuralParams.smallTableHiddenLayers(rows)
        : getHiddenLayers(), small && !isSet(batchSize()) ? SMALL_TABLE_BATCH_SIZE : getBatchSize(),
        small && !isSet(l2()) ? NeuralParams.smallTableL2(rows) : getL2(), members(rows));
    if (small) {
      LOG.info("{}: {} rows is a small table (at most {}): batchSize {}, hiddenLayers {}, l2 {}, {} network(s) —"
          + " params you set are kept; set the others to pin them (e.g. so CrossValidator's folds and the final"
          + " refit train alike)", uid, rows, SMALL_TABLE_ROWS, s.batchSize(), Arrays.toString(s.hidden()), s.l2(),
          s.members());
    }
    return s;
  }

  /** The size-dependent values of one fit. */
  private record Sizing(int[] hidden, int batchSize, double l2, int members) {}

  /**
   * The number of networks to train ({@code ensembleFolds} resolved): auto = {@link #SMALL_TABLE_ENSEMBLE} on at
   * most {@link #SMALL_TABLE_ROWS} rows (and at least two per fold) without a validation column,
   * {@code checkpointDir} or {@code resumeFrom}, else 1. An explicit ensemble needs a validation fold per member
   * and is not checkpointed.
   */
  private int members(long rows) {
    int k = getEnsembleFolds();
    boolean indicator = !getValidationIndicatorCol().isEmpty();
    boolean resume = !getResumeFrom().isEmpty() || !getCheckpointDir().isEmpty();
    if (k == 0) {
      return rows <= SMALL_TABLE_ROWS && rows >= 2L * SMALL_TABLE_ENSEMBLE && !indicator && !resume
          ? SMALL_TABLE_ENSEMBLE : 1;
    }
    String where = SchemaChecks.where(this, "ensembleFolds") + " = " + k;
    if (k > 1 && indicator) {
      throw new IllegalArgumentException(where + " holds out its own validation folds, but validationIndicatorCol"
          + " is set to '" + getValidationIndicatorCol() + "'. Set ensembleFolds to 1 to validate on that column,"
          + " or clear validationIndicatorCol.");
    }
    if (k > 1 && resume) {
      String p = getResumeFrom().isEmpty() ? "checkpointDir" : "resumeFrom";
      throw new IllegalArgumentException(where + ": checkpoints continue one network's fit, and " + p + " is set ('"
          + (getResumeFrom().isEmpty() ? getCheckpointDir() : getResumeFrom()) + "'). Set ensembleFolds to 1 for a"
          + " resumable fit, or clear " + p + ".");
    }
    if (k > rows) {
      throw new IllegalArgumentException(where + " needs at least one validation row per member, but the fit has "
          + rows + " rows. Set ensembleFolds to at most " + rows + " (or 1).");
    }
    return k;
  }

  /** The members' weights end to end (the model's layout). */
  private static float[] concat(List<float[]> parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /**
   * The embedding width of each nominal slot: the token width of a tokenized table row, else {@code embeddingDim},
   * else a size from the slot's number of categories.
   */
  private int[] embeddingDims(int[] slots, int[] cardinalities, String body) {
    int[] dims = new int[slots.length];
    int tokens = LayerStack.tokenWidth(body);
    for (int s = 0; s < dims.length; s++) {
      dims[s] = tokens > 0 ? tokens : getEmbeddingDim() > 0 ? getEmbeddingDim()
          : Architecture.embeddingSize(cardinalities[s]);
    }
    return dims;
  }

  /**
   * The network body as a layer-stack spec: the {@code layers} param, or the {@code architecture} family's body for
   * the {@code inputShape} (empty for an MLP). Checked here, on the driver, by building it once: a shape that does
   * not fit fails before any job, with the param, the token and the numbers.
   */
  private String body(int d, int[] nominalSlots, String where, boolean sequences, int[] hidden) {
    String param = getLayers().isEmpty() ? "architecture" : "layers";
    try {
      Shape shape;
      try {
        shape = Architecture.shape(getInputShape(), sequences ? d - 1 : d);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "inputShape") + ": " + e.getMessage() + " ("
            + where + ")", e);
      }
      String body = !getLayers().isEmpty() ? getLayers() : new Architecture.Family(getArchitecture(), getFilters(),
          getKernelSize(), getHiddenSize(), getNumLayers(), getBidirectional(), getSequencePooling(), getModelDim(),
          getNumHeads(), hidden, getActivation(), getNormalization(), getDropout()).layers(shape);
      if (body.isEmpty() && sequences) {
        throw new IllegalArgumentException("a sequence column (" + where + ") needs a network over steps:"
            + " architecture lstm, gru, rnn, transformer or cnn, or a layers stack");
      }
      if (!body.isEmpty() && nominalSlots.length > 0 && LayerStack.tokenWidth(body) == 0) {
        throw new IllegalArgumentException("slots " + Arrays.toString(nominalSlots) + " of the features vector are"
            + " nominal (category indices, from the column's metadata); '" + body + "' reads raw values. Use"
            + " architecture mlp (embeddings), or encode those columns one-hot.");
      }
      if (!body.isEmpty()) {
        int[] ones = new int[nominalSlots.length];
        java.util.Arrays.fill(ones, 1);
        new Architecture(d, nominalSlots, ones, embeddingDims(nominalSlots, ones, body), hidden,
            getActivation(), getNormalization(), false, getDropout(), getWeightInit(), 1, getInputShape(), body,
            sequences).build(false, 0);
      }
      return body;
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith(SchemaChecks.where(this, ""))) {
        throw e;
      }
      throw new IllegalArgumentException(SchemaChecks.where(this, param) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The nominal slots of the features vector ({@code [0]}) and their numbers of categories ({@code [1]}), from
   * the column's Spark ML attribute metadata (as written by CategoricalEncoder(encoding=index) or StringIndexer
   * and kept by VectorAssembler).
   */
  private int[][] nominalSlots(StructField field, int d) {
    AttributeGroup group = AttributeGroup.fromStructField(field);
    List<int[]> found = new ArrayList<>();
    if (group.attributes().isDefined()) {
      Attribute[] attrs = group.attributes().get();
      for (int j = 0; j < Math.min(d, attrs.length); j++) {
        if (attrs[j] instanceof NominalAttribute a) {
          if (a.getNumValues().isDefined() && (Integer) a.getNumValues().get() > 0) {
            found.add(new int[] {j, (Integer) a.getNumValues().get()});
          } else {
            LOG.warn("{}: slot {} of '{}' is nominal without a number of values; it is used as a dense input",
                uid, j, field.name());
          }
        }
      }
    }
    return new int[][] {found.stream().mapToInt(a -> a[0]).toArray(), found.stream().mapToInt(a -> a[1])
        .toArray()};
  }

  /**
   * One pass over the cached blocks: {largest label, smallest label, a label that is not a class index (NaN if
   * none), rows, the first nominal slot holding no valid category index (−1 if none), its value, rows marked for
   * validation, training rows with a positive weight, the largest |label|}, and each partition's rows into
   * {@code partitionRows}. Fails on an empty input, and when the validation column or the weights leave no row to
   * train on (naming that param).
   */
  private double[] blockStats(JavaRDD<TrainingRows> blocks, int inputs, int[][] nominal, long[] partitionRows) {
    List<double[]> perBlock = blocks.map(b -> {
      long[] hw = b.heldAndWeighted();
      double[] s = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, b.rows(), -1, Double.NaN,
          hw[0], hw[1], 0, org.apache.spark.TaskContext.getPartitionId()};
      for (double y : b.labels()) {
        s[8] = Math.max(s[8], Math.abs(y));
        if (y < 0 || y != Math.rint(y) || y >= MAX_CLASSES) {
          s[2] = y;
        } else {
          s[0] = Math.max(s[0], y);
          s[1] = Math.min(s[1], y);
        }
      }
      for (int i = 0; i < b.rows() && s[4] < 0; i++) {
        int slot = Architecture.invalidSlot(b.values(), i, inputs, nominal[0], nominal[1]);
        if (slot >= 0) {
          s[4] = slot;
          s[5] = b.values()[i * inputs + slot];
        }
      }
      return s;
    }).collect();
    for (double[] b : perBlock) {
      partitionRows[(int) b[9]] += (long) b[3];
    }
    double[] stats = perBlock.stream().reduce((a, b) -> new double[] {Math.max(a[0], b[0]), Math.min(a[1], b[1]),
        Double.isNaN(a[2]) ? b[2] : a[2], a[3] + b[3], a[4] >= 0 ? a[4] : b[4], a[4] >= 0 ? a[5] : b[5],
        a[6] + b[6], a[7] + b[7], Math.max(a[8], b[8])}).orElse(new double[9]); // no block: no rows
    if (stats[3] == 0) {
      throw SchemaChecks.emptyInput(this, "labelCol", "fit");
    }
    long rows = (long) stats[3];
    if (stats[6] == rows) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "validationIndicatorCol") + ": column '"
          + getValidationIndicatorCol() + "' is true on all " + rows + " rows, so no row is left to train on. Mark"
          + " only the validation rows true, or clear validationIndicatorCol to hold out validationFraction.");
    }
    if (stats[7] == 0) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "weightCol") + ": column '" + getWeightCol()
          + "' is 0 on every training row (" + (long) (rows - stats[6]) + " rows" + (stats[6] > 0 ? ", besides "
          + (long) stats[6] + " validation rows" : "") + "); there is nothing to learn from. Give the rows"
          + " positive weights.");
    }
    return stats;
  }

  /**
   * Fails when the embeddings that the features' metadata asks for would hold more than {@link #MAX_EMBEDDING_VALUES}
   * values (a nominal slot's number of values decides its table's size), naming the largest slot.
   */
  private void checkEmbeddingSize(int[][] nominal, int[] dims, String where) {
    long total = 0;
    int largest = -1;
    for (int s = 0; s < dims.length; s++) {
      total += (long) nominal[1][s] * dims[s];
      largest = largest < 0 || nominal[1][s] > nominal[1][largest] ? s : largest;
    }
    if (total > MAX_EMBEDDING_VALUES) {
      throw new IllegalArgumentException(where + ": the embeddings of its nominal slots would hold " + total
          + " values, more than " + MAX_EMBEDDING_VALUES + "; slot " + nominal[0][largest] + " alone has "
          + nominal[1][largest] + " categories (its attribute metadata). Cap the categories (CategoricalEncoder"
          + " maxCategories, minFrequency), encode that column another way, or set embeddingDim lower.");
    }
  }

  /** Fails when a nominal slot holds something other than a category index of its embedding. */
  private void checkCategories(double[] stats, int[][] nominal, String where) {
    if (stats[4] >= 0) {
      int slot = (int) stats[4];
      int categories = nominal[1][java.util.Arrays.binarySearch(nominal[0], slot)];
      throw new IllegalArgumentException(where + ": slot " + slot + " is nominal with " + categories
          + " categories (attribute metadata) but holds " + stats[5] + "; nominal slots must hold category"
          + " indices 0.." + (categories - 1) + ". Encode with CategoricalEncoder(encoding=index,"
          + " handleInvalid=keep) so unseen values get the unknown bucket.");
    }
  }

  /** Number of classes (largest label + 1); labels must be class indices and at least two classes present. */
  private int numClasses(double[] stats, String where) {
    if (!Double.isNaN(stats[2])) {
      throw new IllegalArgumentException(where + " has the label " + stats[2] + " but labels must be class"
          + " indices 0, 1, ..., k-1 with k <= " + MAX_CLASSES + " (the output layer and every row's target have"
          + " k entries). Index string labels with StringIndexer or CategoricalEncoder first.");
    }
    if (stats[0] == stats[1]) {
      throw new IllegalArgumentException(where + " has a single class (" + (int) stats[0] + "); a classifier"
          + " needs at least two.");
    }
    return (int) stats[0] + 1;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructField f = SchemaChecks.requireColumn(this, "featuresCol", schema, getFeaturesCol());
    if (!SchemaChecks.isVector(f.dataType()) && !FeatureReader.isSequence(f.dataType())) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "featuresCol") + ": column '" + f.name()
          + "' has type " + SchemaChecks.typeName(f.dataType()) + " but must be a vector (assemble the inputs with"
          + " VectorAssembler) or a sequence: array<double> or array<array<double>> with inputShape [maxSteps,"
          + " features].");
    }
    SchemaChecks.requireNumeric(this, "labelCol", SchemaChecks.requireColumn(this, "labelCol", schema,
        getLabelCol()));
    if (!getWeightCol().isEmpty()) {
      SchemaChecks.requireNumeric(this, "weightCol", SchemaChecks.requireColumn(this, "weightCol", schema,
          getWeightCol()));
    }
    if (!getValidationIndicatorCol().isEmpty()) {
      StructField vf = SchemaChecks.requireColumn(this, "validationIndicatorCol", schema,
          getValidationIndicatorCol());
      if (!(vf.dataType() instanceof BooleanType)) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "validationIndicatorCol") + ": column '"
            + vf.name() + "' has type " + SchemaChecks.typeName(vf.dataType()) + " but must be boolean.");
      }
    }
    return NeuralModel.outputSchema(this, schema, classification(), 0);
  }
}
