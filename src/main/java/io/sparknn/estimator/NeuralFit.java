package io.sparknn.estimator;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;
import static io.sparknn.param.NeuralParams.MAX_CLASSES;
import static io.sparknn.param.NeuralParams.MAX_EMBEDDING_VALUES;
import static io.sparknn.param.NeuralParams.MAX_REGRESSION_LABEL;
import static io.sparknn.param.NeuralParams.SMALL_TABLE_BATCH_SIZE;
import static io.sparknn.param.NeuralParams.SMALL_TABLE_ENSEMBLE;
import static io.sparknn.param.NeuralParams.SMALL_TABLE_ROWS;

import io.sparknn.nn.Architecture;
import io.sparknn.util.SchemaChecks;
import io.sparknn.util.FeatureReader;
import io.sparknn.util.Rows;
import io.sparknn.nn.LayerStack;
import io.sparknn.nn.Shape;
import io.sparknn.nn.Loss;
import io.sparknn.param.NeuralParams;
import io.sparknn.train.History;
import io.sparknn.train.Trainer;
import io.sparknn.train.TrainingListener;
import io.sparknn.train.TrainingJob;
import io.sparknn.train.TrainingRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fit of {@code NeuralClassifier} and {@code NeuralRegressor}, held by each estimator: schema checks, the
 * conversion of the input into cached float blocks on the executors, the nominal-slot detection from the features
 * column's attribute metadata, the training job(s), and the estimator's training listeners. Not API: the
 * estimators are.
 *
 * @param <M> the fitted model type
 */
public final class NeuralFit<M extends NeuralModel<M>> {
  private static final Logger LOG = LoggerFactory.getLogger(NeuralFit.class);
  private final NeuralEstimator<M, ?> est;
  private final boolean classification;
  private final NeuralModel.Factory<M> factory;
  /** Driver-side epoch listeners: not params, not saved; copied by the estimator's {@code copy}. */
  private final List<TrainingListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The fit of {@code stage}, which builds its models with {@code factory}. */
  public NeuralFit(NeuralEstimator<M, ?> stage, boolean classification, NeuralModel.Factory<M> factory) {
    this.est = stage;
    this.classification = classification;
    this.factory = factory;
  }

  /** The estimator's training listeners (mutable; the estimator's methods add and remove them). */
  List<TrainingListener> listeners() {
    return listeners;
  }

  /** {@code copy} (a new instance of the estimator with its params) with this fit's listeners; returns it. */
  public <E extends NeuralEstimator<M, E>> E copy(E copy) {
    copy.neuralFit().listeners.addAll(listeners);
    return copy;
  }

  /** Fits a model on {@code dataset}: the checks, the cached float blocks, the training job(s). */
  public M fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    if (Loss.parse(est.getLoss(), 0).classification() != classification) {
      throw new IllegalArgumentException(SchemaChecks.where(est, "loss") + ": '" + est.getLoss() + "' is a "
          + (classification ? "regression" : "classification") + " loss; this stage takes "
          + String.join(", ", classification ? Loss.CLASSIFICATION : Loss.REGRESSION) + ".");
    }
    String where = SchemaChecks.where(est, "featuresCol") + ": column '" + est.getFeaturesCol() + "'";
    TrainingDispatch.checkSlots(est, dataset.sparkSession().sparkContext());
    StructField field = dataset.schema().apply(est.getFeaturesCol());
    boolean sequences = FeatureReader.isSequence(field.dataType());
    FeatureReader reader = sequences ? FeatureReader.sequence(field, est.getInputShape(), where)
        : FeatureReader.vector(Rows.vectorSize(dataset, est.getFeaturesCol()));
    int d = reader.width();
    if (d == 0 || sequences && dataset.isEmpty()) {
      throw new IllegalArgumentException(where + ": the input DataFrame is empty (or every features vector is"
          + " null); there is nothing to fit.");
    }
    int[][] nominal = sequences ? new int[2][0] : nominalSlots(field, d);
    String w = est.getWeightCol();
    String v = est.getValidationIndicatorCol();
    Column[] cols = {col(est.getFeaturesCol()), col(est.getLabelCol()).cast("double"),
        w.isEmpty() ? lit(1.0) : col(w).cast("double"), v.isEmpty() ? lit(false) : col(v)};
    String[] names = {where, SchemaChecks.where(est, "labelCol") + ": column '" + est.getLabelCol() + "'",
        SchemaChecks.where(est, "weightCol") + ": column '" + w + "'"};
    int workers = est.getNumWorkers();
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
      double[] stats = beforeTraining(() -> blockStats(blocks, d, nominal, partitionRows));
      int outputs = classification ? numClasses(stats, names[1]) : 1;
      checkThresholds(outputs);
      if (!classification && stats[8] > MAX_REGRESSION_LABEL) {
        throw new IllegalArgumentException(names[1] + " has a label of magnitude " + stats[8] + ", beyond what"
            + " the float network predicts (|label| <= " + MAX_REGRESSION_LABEL + "). Rescale the label (divide"
            + " by a power of ten, or train on its log) and scale the predictions back.");
      }
      checkCategories(stats, nominal, where);
      Sizing size = sizing((long) stats[3],
          !TrainingDispatch.checkpointDir(est, dataset.sparkSession().sparkContext()).isEmpty());
      String body = body(d, nominal[0], where, sequences, size.hidden());
      int[] dims = embeddingDims(nominal[0], nominal[1], body);
      checkEmbeddingSize(nominal, dims, where);
      Architecture arch = new Architecture(d, nominal[0], nominal[1], dims, size.hidden(), est.getActivation(),
          est.getNormalization(), est.getResidual(), est.getDropout(), est.getWeightInit(), outputs, est.getInputShape(), body, sequences);
      int members = size.members();
      JavaRDD<TrainingRows> shares = workers == 1 ? blocks.coalesce(1)
          : slices ? BalancedShares.of(blocks, partitionRows, workers) : blocks;
      int slots = TrainingDispatch.slots(dataset.sparkSession().sparkContext());
      int inFlight = members == 1 ? 1 : Math.min(members, Math.max(1, slots / workers));
      int tasksPerExecutor = TrainingDispatch.tasksPerExecutor(dataset.sparkSession().sparkContext(),
          workers * inFlight);
      TrainingDispatch.Fitted[] fitted = new TrainingDispatch.Fitted[members];
      java.util.function.IntConsumer member = j -> {
        long seed = j == 0 ? est.getSeed() : Trainer.memberSeed(est.getSeed(), j);
        TrainingJob job = new TrainingJob(arch, new TrainingJob.Config(est.getLoss(), est.getLabelSmoothing(),
            est.getOptimizer(), est.getMomentum(), est.getNesterov(), est.getWeightDecay(), est.getL1(), size.l2(), est.getClipValue(),
            est.getClipNorm(), est.getLrSchedule(), est.getWarmupSteps(), new Trainer.Settings(size.batchSize(), est.getMaxEpochs(),
            est.getLearningRate(), est.getPatience(), est.getMinDelta(), seed), est.getValidationFraction(), !v.isEmpty(),
            est.getMixup(), est.getInputNoise(), est.getEngine(), new TrainingJob.HoldOut(est.getSeed(), j, members)));
        fitted[j] = new TrainingDispatch(est, job, shares, d, tasksPerExecutor).run();
      };
      if (members == 1) {
        member.accept(0);
      } else {
        Ensembles.train(est, members, slots / workers,
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
      M model = est.copyValues(factory.create(est.uid(), arch, concat(weights), histories), ParamMap.empty());
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
   * Runs the first job over the input (the block statistics) so that a bad row (a null or NaN vector, a null
   * label, a negative weight) fails the fit with its own message as an {@code IllegalArgumentException}, before any
   * training job, instead of as Spark's "Job aborted due to stage failure".
   */
  private static <T> T beforeTraining(java.util.function.Supplier<T> job) {
    try {
      return job.get();
    } catch (Exception e) { // Spark's SparkException is checked, and thrown undeclared
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof IllegalArgumentException bad) {
          throw new IllegalArgumentException(bad.getMessage(), e);
        }
      }
      // a task's exception that Spark reports only in its message ("... java.lang.IllegalArgumentException: m")
      String m = String.valueOf(e.getMessage());
      String marker = IllegalArgumentException.class.getName() + ": ";
      int at = m.indexOf(marker);
      if (at >= 0) {
        String first = m.substring(at + marker.length()).split("\n", 2)[0].trim();
        throw new IllegalArgumentException(first, e);
      }
      throw e;
    }
  }

  /** Fails when the classifier's {@code thresholds} are set and their number is not the number of classes. */
  private void checkThresholds(int classes) {
    if (classification && est.hasParam("thresholds") && est.isDefined(est.getParam("thresholds"))) {
      double[] t = (double[]) est.getOrDefault(est.getParam("thresholds"));
      if (t.length != classes) {
        throw new IllegalArgumentException(SchemaChecks.where(est, "thresholds") + ": " + t.length + " thresholds,"
            + " but the labels make " + classes + " classes (0.." + (classes - 1) + "); give one threshold per"
            + " class.");
      }
    }
  }

  /**
   * The values a fit of {@code rows} rows trains with: on a small table ({@link #SMALL_TABLE_ROWS} rows or fewer),
   * {@code hiddenLayers}, {@code batchSize} and {@code l2} take their small-table values unless set, and
   * {@code ensembleFolds} = auto bags (unless the fit writes checkpoints); on a larger one, the params' values.
   */
  private Sizing sizing(long rows, boolean checkpointing) {
    boolean small = rows <= SMALL_TABLE_ROWS;
    Sizing s = new Sizing(small && !est.isSet(est.hiddenLayers()) ? NeuralParams.smallTableHiddenLayers(rows)
        : est.getHiddenLayers(), small && !est.isSet(est.batchSize()) ? SMALL_TABLE_BATCH_SIZE : est.getBatchSize(),
        small && !est.isSet(est.l2()) ? NeuralParams.smallTableL2(rows) : est.getL2(), members(rows, checkpointing));
    if (small) {
      LOG.info("{}: {} rows is a small table (at most {}): batchSize {}, hiddenLayers {}, l2 {}, {} network(s) —"
          + " params you set are kept; set the others to pin them (e.g. so CrossValidator's folds and the final"
          + " refit train alike)", est.uid(), rows, SMALL_TABLE_ROWS, s.batchSize(), Arrays.toString(s.hidden()), s.l2(),
          s.members());
    }
    return s;
  }

  /** The size-dependent values of one fit. */
  private record Sizing(int[] hidden, int batchSize, double l2, int members) {}

  /**
   * The number of networks to train ({@code ensembleFolds} resolved): auto = {@link #SMALL_TABLE_ENSEMBLE} on at
   * most {@link #SMALL_TABLE_ROWS} rows (and at least two per fold) without a validation column, checkpoints
   * ({@code checkpointDir} or the SparkContext's checkpoint directory: {@code checkpointing}) or
   * {@code resumeFrom}, else 1. An explicit ensemble needs a validation fold per member and is not checkpointed.
   */
  private int members(long rows, boolean checkpointing) {
    int k = est.getEnsembleFolds();
    boolean indicator = !est.getValidationIndicatorCol().isEmpty();
    boolean resume = !est.getResumeFrom().isEmpty() || !est.getCheckpointDir().isEmpty();
    if (k == 0) {
      return rows <= SMALL_TABLE_ROWS && rows >= 2L * SMALL_TABLE_ENSEMBLE && !indicator && !resume
          && !checkpointing ? SMALL_TABLE_ENSEMBLE : 1;
    }
    String where = SchemaChecks.where(est, "ensembleFolds") + " = " + k;
    if (k > 1 && indicator) {
      throw new IllegalArgumentException(where + " holds out its own validation folds, but validationIndicatorCol"
          + " is set to '" + est.getValidationIndicatorCol() + "'. Set ensembleFolds to 1 to validate on that column,"
          + " or clear validationIndicatorCol.");
    }
    if (k > 1 && resume) {
      String p = est.getResumeFrom().isEmpty() ? "checkpointDir" : "resumeFrom";
      throw new IllegalArgumentException(where + ": checkpoints continue one network's fit, and " + p + " is set ('"
          + (est.getResumeFrom().isEmpty() ? est.getCheckpointDir() : est.getResumeFrom()) + "'). Set ensembleFolds to 1 for a"
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
      dims[s] = tokens > 0 ? tokens : est.getEmbeddingDim() > 0 ? est.getEmbeddingDim()
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
    String param = est.getLayers().isEmpty() ? "architecture" : "layers";
    try {
      Shape shape;
      try {
        shape = Architecture.shape(est.getInputShape(), sequences ? d - 1 : d);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(SchemaChecks.where(est, "inputShape") + ": " + e.getMessage() + " ("
            + where + ")", e);
      }
      String body = !est.getLayers().isEmpty() ? est.getLayers() : new Architecture.Family(est.getArchitecture(), est.getFilters(),
          est.getKernelSize(), est.getHiddenSize(), est.getNumLayers(), est.getBidirectional(), est.getSequencePooling(), est.getModelDim(),
          est.getNumHeads(), hidden, est.getActivation(), est.getNormalization(), est.getDropout()).layers(shape);
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
            est.getActivation(), est.getNormalization(), false, est.getDropout(), est.getWeightInit(), 1, est.getInputShape(), body,
            sequences).build(false, 0);
      }
      return body;
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith(SchemaChecks.where(est, ""))) {
        throw e;
      }
      throw new IllegalArgumentException(SchemaChecks.where(est, param) + ": " + e.getMessage(), e);
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
                est.uid(), j, field.name());
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
      throw SchemaChecks.emptyInput(est, "labelCol", "fit", est.getLabelCol());
    }
    long rows = (long) stats[3];
    if (stats[6] == rows) {
      throw new IllegalArgumentException(SchemaChecks.where(est, "validationIndicatorCol") + ": column '"
          + est.getValidationIndicatorCol() + "' is true on all " + rows + " rows, so no row is left to train on. Mark"
          + " only the validation rows true, or clear validationIndicatorCol to hold out validationFraction.");
    }
    if (stats[7] == 0) {
      throw new IllegalArgumentException(SchemaChecks.where(est, "weightCol") + ": column '" + est.getWeightCol()
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
      double bad = stats[2];
      throw new IllegalArgumentException(where + " has the " + (bad < 0 ? "negative label " + bad
          : bad != Math.rint(bad) ? "label " + bad + ", not a whole number," : "label " + bad) + " but labels must be class"
          + " indices 0, 1, ..., k-1 with k <= " + MAX_CLASSES + " (the output layer and every row's target have"
          + " k entries). Index string labels with StringIndexer or CategoricalEncoder first.");
    }
    if (stats[0] == stats[1]) {
      throw new IllegalArgumentException(where + " has a single class (" + (int) stats[0] + "); a classifier"
          + " needs at least two.");
    }
    return (int) stats[0] + 1;
  }

  /** The estimator's {@code transformSchema}: the input columns checked, the output columns added. */
  public StructType transformSchema(StructType schema) {
    StructField f = SchemaChecks.requireColumn(est, "featuresCol", schema, est.getFeaturesCol());
    if (!SchemaChecks.isVector(f.dataType()) && !FeatureReader.isSequence(f.dataType())) {
      throw new IllegalArgumentException(SchemaChecks.where(est, "featuresCol") + ": column '" + f.name()
          + "' has type " + SchemaChecks.typeName(f.dataType()) + " but must be a vector (assemble the inputs with"
          + " VectorAssembler) or a sequence: array<double> or array<array<double>> with inputShape [maxSteps,"
          + " features].");
    }
    SchemaChecks.requireNumeric(est, "labelCol", SchemaChecks.requireColumn(est, "labelCol", schema,
        est.getLabelCol()));
    if (!est.getWeightCol().isEmpty()) {
      SchemaChecks.requireNumeric(est, "weightCol", SchemaChecks.requireColumn(est, "weightCol", schema,
          est.getWeightCol()));
    }
    if (!est.getValidationIndicatorCol().isEmpty()) {
      StructField vf = SchemaChecks.requireColumn(est, "validationIndicatorCol", schema,
          est.getValidationIndicatorCol());
      if (!(vf.dataType() instanceof BooleanType)) {
        throw new IllegalArgumentException(SchemaChecks.where(est, "validationIndicatorCol") + ": column '"
            + vf.name() + "' has type " + SchemaChecks.typeName(vf.dataType()) + " but must be boolean.");
      }
    }
    return FittedNetworks.outputSchema(est, schema, classification, 0);
  }
}
