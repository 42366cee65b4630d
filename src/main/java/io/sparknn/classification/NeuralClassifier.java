package io.sparknn.classification;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;

import io.sparknn.param.NeuralParams;
import io.sparknn.param.SharedParams;
import io.sparknn.train.Trainer;
import io.sparknn.train.TrainingJob;
import io.sparknn.train.TrainingRows;
import io.sparknn.util.Rows;
import io.sparknn.util.SchemaChecks;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A multilayer-perceptron classifier trained with mini-batch gradient descent: {@code hiddenLayers} with one
 * {@code activation}, dropout, softmax output; losses crossEntropy (label smoothing), focal, hinge; optimizers sgd,
 * momentum (Nesterov), adam, adamw with L1/L2 and gradient clipping; learning-rate schedules with warmup; a
 * stratified validation split with early stopping that restores the best epoch. Labels are class indices
 * {@code 0..k-1} (index strings with StringIndexer or CategoricalEncoder first).
 *
 * <p>The data are read on the executors, converted once into float blocks and cached; training currently runs in
 * one Spark task over those blocks.
 */
public final class NeuralClassifier extends Estimator<NeuralClassificationModel>
    implements NeuralParams, DefaultParamsWritable {
  private final String uid;
  private final Defs defs;

  /** A classifier with a random uid. */
  public NeuralClassifier() {
    this(Identifiable.randomUID("neuralClassifier"));
  }

  /** A classifier with the given uid. */
  public NeuralClassifier(String uid) {
    this.uid = uid;
    this.defs = new Defs(this, "crossEntropy");
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Defs defs() {
    return defs;
  }

  /** Sets any param by name with validation, e.g. {@code set("learningRate", 0.01)}; returns this. */
  public NeuralClassifier setParam(String name, Object value) {
    @SuppressWarnings("unchecked")
    org.apache.spark.ml.param.Param<Object> p = (org.apache.spark.ml.param.Param<Object>) getParam(name);
    set(p, SharedParams.checked(this, p, value));
    return this;
  }

  /** Sets the features column (default "features"). */
  public NeuralClassifier setFeaturesCol(String v) {
    return setParam("featuresCol", v);
  }

  /** Sets the label column (default "label"). */
  public NeuralClassifier setLabelCol(String v) {
    return setParam("labelCol", v);
  }

  /** Sets the hidden layer sizes (default 64, 64). */
  public NeuralClassifier setHiddenLayers(int... v) {
    return setParam("hiddenLayers", v);
  }

  /** Sets the activation spec (default relu). */
  public NeuralClassifier setActivation(String v) {
    return setParam("activation", v);
  }

  /** Sets the base learning rate (default 1e-3). */
  public NeuralClassifier setLearningRate(double v) {
    return setParam("learningRate", v);
  }

  /** Sets the batch size (default 256). */
  public NeuralClassifier setBatchSize(int v) {
    return setParam("batchSize", v);
  }

  /** Sets the maximum number of epochs (default 50). */
  public NeuralClassifier setMaxEpochs(int v) {
    return setParam("maxEpochs", v);
  }

  /** Sets the seed (default 42). */
  public NeuralClassifier setSeed(long v) {
    return setParam("seed", v);
  }

  @Override
  public NeuralClassificationModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    String where = SchemaChecks.where(this, "featuresCol") + ": column '" + getFeaturesCol() + "'";
    int d = Rows.vectorSize(dataset, getFeaturesCol());
    if (d == 0) {
      throw new IllegalArgumentException(where + ": the input DataFrame is empty (or every features vector is"
          + " null); there is nothing to fit.");
    }
    String w = getWeightCol();
    String v = getValidationIndicatorCol();
    Column[] cols = {col(getFeaturesCol()), col(getLabelCol()).cast("double"),
        w.isEmpty() ? lit(1.0) : col(w).cast("double"), v.isEmpty() ? lit(false) : col(v)};
    String[] names = {where, SchemaChecks.where(this, "labelCol") + ": column '" + getLabelCol() + "'",
        SchemaChecks.where(this, "weightCol") + ": column '" + w + "'"};
    JavaRDD<TrainingRows> blocks = Rows.trainingBlocks(dataset.select(cols), d, names)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int k = numClasses(blocks, names[1]);
      int[] hidden = getHiddenLayers();
      int[] sizes = new int[hidden.length + 2];
      sizes[0] = d;
      System.arraycopy(hidden, 0, sizes, 1, hidden.length);
      sizes[sizes.length - 1] = k;
      TrainingJob job = new TrainingJob(sizes, getActivation(), getDropout(), getWeightInit(), getLoss(),
          getLabelSmoothing(), getOptimizer(), getMomentum(), getNesterov(), getWeightDecay(), getL1(), getL2(),
          getClipValue(), getClipNorm(), getLrSchedule(), getWarmupSteps(), new Trainer.Settings(getBatchSize(),
          getMaxEpochs(), getLearningRate(), getPatience(), getMinDelta(), getSeed()), getValidationFraction(),
          !v.isEmpty());
      TrainingJob.Result result = blocks.coalesce(1)
          .mapPartitions(it -> List.of(job.run(TrainingRows.concat(it, d))).iterator()).collect().get(0);
      return copyValues(new NeuralClassificationModel(uid, sizes, getActivation(), result.params(),
          result.history()), ParamMap.empty()).setParent(this);
    } finally {
      blocks.unpersist(false);
    }
  }

  /** Number of classes (largest label + 1); labels must be class indices and at least two classes present. */
  private int numClasses(JavaRDD<TrainingRows> blocks, String where) {
    // per block: {largest label, smallest label, an invalid label (NaN if none), rows}
    double[] stats = blocks.map(b -> {
      double[] s = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, b.rows()};
      for (double y : b.labels()) {
        if (y < 0 || y != Math.rint(y) || y > 1_000_000) {
          s[2] = y;
        } else {
          s[0] = Math.max(s[0], y);
          s[1] = Math.min(s[1], y);
        }
      }
      return s;
    }).collect().stream().reduce((a, b) -> new double[] {Math.max(a[0], b[0]), Math.min(a[1], b[1]),
        Double.isNaN(a[2]) ? b[2] : a[2], a[3] + b[3]}).orElseThrow();
    if (stats[3] == 0) {
      throw SchemaChecks.emptyInput(this, "labelCol", "fit");
    }
    if (!Double.isNaN(stats[2])) {
      throw new IllegalArgumentException(where + " has the label " + stats[2] + " but labels must be class"
          + " indices 0, 1, ..., k-1. Index string labels with StringIndexer or CategoricalEncoder first.");
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
    if (!SchemaChecks.isVector(f.dataType())) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "featuresCol") + ": column '" + f.name()
          + "' has type " + SchemaChecks.typeName(f.dataType()) + " but must be a vector; assemble the inputs with"
          + " VectorAssembler.");
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
    return NeuralClassificationModel.outputSchema(this, schema, 0);
  }

  @Override
  public NeuralClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
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
