package io.sparknn.evaluation;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sparknn.param.HasLabelCol;
import io.sparknn.param.SharedParams;
import io.sparknn.util.Rows;
import io.sparknn.util.SchemaChecks;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One evaluator for classification and regression that computes every metric of the task in one aggregation
 * over the scored data — plus, for ROC AUC and average precision, one Spark SQL sort of the distinct scores (a
 * second read of the input: cache a scored frame that is expensive to recompute) — and drops into
 * {@code CrossValidator} and {@code TrainValidationSplit}. Reads the columns Spark's classifiers write
 * ({@code label}, {@code prediction}, {@code probability} or else {@code rawPrediction}); optional row weights.
 *
 * <p>ROC AUC is exact with ties (trapezoids between distinct thresholds, as scikit-learn's {@code roc_auc_score}),
 * not Spark's binned approximation; multiclass AUC is one-vs-rest, macro or prevalence-weighted. {@code prAuc} is
 * the average precision of scikit-learn's {@code average_precision_score} (a step sum, not a trapezoid).
 * {@code logLoss} clips probabilities to [1e-15, 1 - 1e-15] and renormalizes, as scikit-learn does. Classes are
 * indices {@code 0..k-1}; {@code k} is the probability vector's size (or the largest class seen plus one).
 * Invalid rows (null/NaN label, prediction or score, a probability vector of the wrong size, labels outside
 * {@code [0, k)}, negative weights) fail with a message naming the column; so do more than {@link #MAX_CLASSES}
 * classes.
 */
public final class MetricsEvaluator extends Evaluator implements HasLabelCol, DefaultParamsWritable {
  static final Set<String> CLASSIFICATION = Set.of("accuracy", "precision", "recall", "f1", "auc", "prAuc",
      "logLoss");
  static final Set<String> REGRESSION = Set.of("rmse", "mse", "mae", "r2");
  /** Largest number of points kept per ROC or PR curve. */
  public static final int MAX_CURVE_POINTS = 1000;

  /**
   * Most classes a classification metric takes: the counts are a dense k × k confusion matrix per task (1,000
   * classes = 8 MB), so a class index (or a score vector) beyond it fails with this limit instead of an
   * overflowing allocation.
   */
  public static final int MAX_CLASSES = 1000;

  private final String uid;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;
  private final Param<String> weightCol;
  private final Param<String> metricName;
  private final Param<String> averaging;
  private final IntParam positiveLabel;
  private final Param<String> task;

  /** An evaluator with a random uid. */
  public MetricsEvaluator() {
    this(Identifiable.randomUID("metricsEvaluator"));
  }

  /** An evaluator with the given uid. */
  public MetricsEvaluator(String uid) {
    this.uid = uid;
    labelCol = SharedParams.labelCol(this);
    predictionCol = SharedParams.string(this, "predictionCol", "predicted class index or value");
    probabilityCol = SharedParams.string(this, "probabilityCol", "class probability vector (used when present)");
    rawPredictionCol = SharedParams.string(this, "rawPredictionCol",
        "raw score vector, used for AUC when there is no probability column");
    weightCol = SharedParams.optionalString(this, "weightCol", "row weight column (>= 0); empty = every row 1");
    metricName = SharedParams.choice(this, "metricName", "metric returned by evaluate.",
        "accuracy", "precision", "recall", "f1", "auc", "prAuc", "logLoss", "rmse", "mse", "mae", "r2");
    averaging = SharedParams.choice(this, "averaging", "how per-class precision, recall, f1, auc and prAuc are"
        + " combined: macro = mean over classes, weighted = by support (auc: prevalence), binary = the positive"
        + " class (two classes only).", "macro", "weighted", "binary");
    positiveLabel = SharedParams.intAtLeast(this, "positiveLabel", "class index of the positive class for"
        + " binary metrics", 0);
    task = SharedParams.choice(this, "task", "auto = the metric's task when metricName is set and in evaluate();"
        + " else (evaluateAll) classification when a probability or raw prediction column is present, regression"
        + " otherwise.", "auto", "classification", "regression");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
    setDefault(weightCol, "");
    setDefault(metricName, "f1");
    setDefault(averaging, "weighted");
    setDefault(positiveLabel, 1);
    setDefault(task, "auto");
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Param<String> labelCol() {
    return labelCol;
  }

  /** Predicted class index (classification) or value (regression); default "prediction". */
  public Param<String> predictionCol() {
    return predictionCol;
  }

  /** Class probability vector; default "probability". */
  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  /** Raw score vector, used for ranking metrics when there is no probability column; default "rawPrediction". */
  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  /** Optional row weight column; default "" (every row weighs 1). */
  public Param<String> weightCol() {
    return weightCol;
  }

  /** Metric returned by {@link #evaluate}; default "f1". */
  public Param<String> metricName() {
    return metricName;
  }

  /** Averaging of per-class metrics: macro, weighted (default) or binary. */
  public Param<String> averaging() {
    return averaging;
  }

  /** Positive class index for binary metrics; default 1. */
  public IntParam positiveLabel() {
    return positiveLabel;
  }

  /** Task: auto (default), classification or regression. */
  public Param<String> task() {
    return task;
  }

  /** Sets the label column. */
  public MetricsEvaluator setLabelCol(String v) {
    set(labelCol, SharedParams.checked(this, labelCol, v));
    return this;
  }

  /** Sets the prediction column. */
  public MetricsEvaluator setPredictionCol(String v) {
    set(predictionCol, SharedParams.checked(this, predictionCol, v));
    return this;
  }

  /** Sets the probability column. */
  public MetricsEvaluator setProbabilityCol(String v) {
    set(probabilityCol, SharedParams.checked(this, probabilityCol, v));
    return this;
  }

  /** Sets the raw prediction column. */
  public MetricsEvaluator setRawPredictionCol(String v) {
    set(rawPredictionCol, SharedParams.checked(this, rawPredictionCol, v));
    return this;
  }

  /** Sets the weight column ("" for none). */
  public MetricsEvaluator setWeightCol(String v) {
    set(weightCol, SharedParams.checked(this, weightCol, v));
    return this;
  }

  /** Sets the metric returned by {@link #evaluate}. */
  public MetricsEvaluator setMetricName(String v) {
    set(metricName, SharedParams.checked(this, metricName, v));
    return this;
  }

  /** Sets the averaging: macro, weighted or binary. */
  public MetricsEvaluator setAveraging(String v) {
    set(averaging, SharedParams.checked(this, averaging, v));
    return this;
  }

  /** Sets the positive class index for binary metrics. */
  public MetricsEvaluator setPositiveLabel(int v) {
    set(positiveLabel, SharedParams.checked(this, positiveLabel, v));
    return this;
  }

  /** Sets the task: auto, classification or regression. */
  public MetricsEvaluator setTask(String v) {
    set(task, SharedParams.checked(this, task, v));
    return this;
  }

  /** The value of {@code predictionCol}: the prediction column. */
  public String getPredictionCol() {
    return (String) getOrDefault(predictionCol());
  }

  /** The value of {@code probabilityCol}: the probability column (used when present). */
  public String getProbabilityCol() {
    return (String) getOrDefault(probabilityCol());
  }

  /** The value of {@code rawPredictionCol}: the raw score column (AUC without probabilities). */
  public String getRawPredictionCol() {
    return (String) getOrDefault(rawPredictionCol());
  }

  /** The value of {@code weightCol}: the row-weight column (empty = unweighted). */
  public String getWeightCol() {
    return (String) getOrDefault(weightCol());
  }

  /** The value of {@code metricName}: the metric that evaluate returns. */
  public String getMetricName() {
    return (String) getOrDefault(metricName());
  }

  /** The value of {@code averaging}: how per-class precision, recall, F1 and AUC are averaged. */
  public String getAveraging() {
    return (String) getOrDefault(averaging());
  }

  /** The value of {@code positiveLabel}: the positive class of binary metrics. */
  public int getPositiveLabel() {
    return (Integer) getOrDefault(positiveLabel());
  }

  /** The value of {@code task}: classification, regression or auto. */
  public String getTask() {
    return (String) getOrDefault(task());
  }

  @Override
  public boolean isLargerBetter() {
    return !Set.of("logLoss", "rmse", "mse", "mae").contains(getOrDefault(metricName));
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    String m = getOrDefault(metricName);
    MetricsReport r = compute(dataset, m.equals("auc") || m.equals("prAuc"), true);
    return r.metric(reportName(m, r));
  }

  /** Every metric of the task, with confusion matrix, per-class table and curves, in one pass (plus one sort). */
  public MetricsReport evaluateAll(Dataset<?> dataset) {
    return compute(dataset, true, false);
  }

  /** The report's name of {@code metric} under the current averaging. */
  private String reportName(String metric, MetricsReport r) {
    if (REGRESSION.contains(metric) || metric.equals("accuracy") || metric.equals("logLoss")) {
      return metric;
    }
    String avg = getOrDefault(averaging);
    int k = r.perClass().length;
    if (avg.equals("binary") && k != 2) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "averaging") + ": 'binary' needs two classes but"
          + " the data has " + k + ". Use 'macro' or 'weighted'.");
    }
    if (metric.equals("auc") || metric.equals("prAuc")) {
      return k == 2 ? metric : metric + "_" + (avg.equals("binary") ? "macro" : avg);
    }
    return metric + "_" + avg;
  }

  /**
   * The task: {@code task} if set; else the metric's task when {@code metricName} is set or one metric is asked
   * for ({@code evaluate}: the default f1 on a (label, prediction) frame is a classification metric, as with
   * MLlib's MulticlassClassificationEvaluator); else classification when a probability or raw prediction column is
   * present.
   */
  private boolean isClassification(StructType schema, boolean oneMetric) {
    String t = getOrDefault(task);
    if (!t.equals("auto")) {
      return t.equals("classification");
    }
    if (isSet(metricName) || oneMetric) {
      return CLASSIFICATION.contains(getOrDefault(metricName));
    }
    List<String> names = Arrays.asList(schema.fieldNames());
    return names.contains(getOrDefault(probabilityCol)) || names.contains(getOrDefault(rawPredictionCol));
  }

  private MetricsReport compute(Dataset<?> dataset, boolean curves, boolean oneMetric) {
    StructType schema = dataset.schema();
    SchemaChecks.requireNumeric(this, "labelCol", SchemaChecks.requireColumn(this, "labelCol", schema,
        getLabelCol()));
    SchemaChecks.requireNumeric(this, "predictionCol", SchemaChecks.requireColumn(this, "predictionCol", schema,
        getOrDefault(predictionCol)));
    String w = getOrDefault(weightCol);
    Column weight = w.isEmpty() ? lit(1.0) : col(w).cast("double");
    if (!w.isEmpty()) {
      SchemaChecks.requireNumeric(this, "weightCol", SchemaChecks.requireColumn(this, "weightCol", schema, w));
    }
    RowCheck check = new RowCheck(SchemaChecks.where(this, "labelCol") + ": column '" + getLabelCol() + "'",
        SchemaChecks.where(this, "predictionCol") + ": column '" + getOrDefault(predictionCol) + "'",
        w.isEmpty() ? "" : SchemaChecks.where(this, "weightCol") + ": column '" + w + "'");
    Column label = col(getLabelCol()).cast("double");
    Column prediction = col(getOrDefault(predictionCol)).cast("double");
    return isClassification(schema, oneMetric)
        ? classification(dataset, schema, label, prediction, weight, check, curves)
        : regression(dataset, label, prediction, weight, check);
  }

  /**
   * The total weight, which must be positive: over rows whose weights sum to 0 no metric is defined (scikit-learn
   * raises too), so this fails naming weightCol instead of returning NaN.
   */
  private double requireWeight(double total, long rows) {
    if (!(total > 0)) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "weightCol") + ": the weights of the " + rows
          + " row(s) in column '" + getOrDefault(weightCol) + "' sum to " + total + "; no metric is defined over"
          + " zero total weight. Give some rows a positive weight, or clear weightCol.");
    }
    return total;
  }

  private void requireRows(double rows) {
    if (rows == 0) {
      throw SchemaChecks.emptyInput(this, "labelCol", "evaluate", getLabelCol());
    }
  }

  /** The score vector column (probability, else raw prediction) or null, checked to be a vector. */
  private String scoreColumn(StructType schema) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (Param<String> p : List.of(probabilityCol, rawPredictionCol)) {
      String c = getOrDefault(p);
      if (names.contains(c)) {
        StructField f = schema.apply(c);
        if (!SchemaChecks.isVector(f.dataType())) {
          throw new IllegalArgumentException(SchemaChecks.where(this, p.name()) + ": column '" + c + "' has type "
              + SchemaChecks.typeName(f.dataType()) + " but must be a vector of class scores.");
        }
        return c;
      }
    }
    return null;
  }

  private MetricsReport classification(Dataset<?> dataset, StructType schema, Column label, Column prediction,
      Column weight, RowCheck check, boolean curves) {
    String score = scoreColumn(schema);
    boolean isProbability = score != null && score.equals(getOrDefault(probabilityCol));
    int k = score == null ? 0 : Rows.vectorSize(dataset, score);
    String scoreWhere = score == null ? "" : SchemaChecks.where(this, isProbability ? "probabilityCol"
        : "rawPredictionCol") + ": column '" + score + "'";
    RowCheck rc = check.withScores(scoreWhere, k, isProbability);
    Dataset<Row> rows = dataset.select(label, prediction, score == null ? lit(null) : col(score), weight);
    int pos = (Integer) getOrDefault(positiveLabel);
    if (k == 2 && pos > 1) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "positiveLabel") + ": " + pos
          + " is not a class of this binary data (0 or 1).");
    }
    ClassAcc acc = Rows.internal(rows).aggregate(new ClassAcc(k), rc::add, ClassAcc::merge);
    if (!curves || score == null) {
      return classificationReport(acc.k, acc.counts, null, isProbability, pos);
    }
    requireRows(acc.counts[ClassCounts.rowsAt(acc.k)]);
    // The sort exact AUC needs: weighted positives and negatives per distinct (class, score), best first.
    int groups = k == 2 ? 1 : k;
    Dataset<Row> cells = rows.toDF("y", "p", "s", "w").filter(col("w").gt(0))
        .select(col("y"), col("w"), posexplode(org.apache.spark.ml.functions.vector_to_array(col("s"), "float64")));
    if (groups == 1) {
      cells = cells.filter(col("pos").equalTo(pos)).withColumn("pos", lit(0));
    }
    Column positive = groups == 1 ? col("y").equalTo(pos) : col("y").equalTo(col("pos"));
    Dataset<Row> sorted = cells.groupBy(col("pos").as("g"), col("col").as("score"))
        .agg(sum(when(positive, col("w")).otherwise(0.0)), sum(when(positive, 0.0).otherwise(col("w"))))
        .orderBy(col("g").asc(), col("score").desc());
    RankingCurves.Result[] c = RankingCurves.compute(Rows.internal(sorted), groups, MAX_CURVE_POINTS);
    return classificationReport(k, acc.counts, c, isProbability, pos);
  }

  private MetricsReport classificationReport(int k, double[] counts, RankingCurves.Result[] curves,
      boolean isProbability, int pos) {
    Map<String, Double> m = new LinkedHashMap<>();
    long rows = (long) counts[ClassCounts.rowsAt(k)];
    requireRows(rows);
    double total = requireWeight(counts[ClassCounts.weightAt(k)], rows);
    double[][] confusion = new double[k][k];
    double correct = 0;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        confusion[t][p] = counts[t * k + p];
      }
      correct += confusion[t][t];
    }
    double[][] perClass = new double[k][4];
    double[] macro = new double[3];
    double[] weighted = new double[3];
    int present = 0;
    for (int c = 0; c < k; c++) {
      double support = 0;
      double predicted = 0;
      for (int i = 0; i < k; i++) {
        support += confusion[c][i];
        predicted += confusion[i][c];
      }
      double precision = predicted > 0 ? confusion[c][c] / predicted : 0;
      double recall = support > 0 ? confusion[c][c] / support : 0;
      double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
      perClass[c] = new double[] {precision, recall, f1, support};
      if (support > 0 || predicted > 0) { // scikit-learn averages over the labels present in y_true or y_pred
        present++;
        for (int i = 0; i < 3; i++) {
          macro[i] += perClass[c][i];
          weighted[i] += perClass[c][i] * support;
        }
      }
    }
    m.put("accuracy", total > 0 ? correct / total : Double.NaN);
    String[] names = {"precision", "recall", "f1"};
    for (int i = 0; i < 3; i++) {
      if (k == 2) {
        m.put(names[i] + "_binary", perClass[pos][i]);
      }
      m.put(names[i] + "_macro", present > 0 ? macro[i] / present : Double.NaN);
      m.put(names[i] + "_weighted", total > 0 ? weighted[i] / total : Double.NaN);
    }
    if (isProbability && rows > 0) {
      m.put("logLoss", counts[ClassCounts.logLossAt(k)] / total);
    }
    double[][][] roc = new double[0][][];
    double[][][] pr = new double[0][][];
    if (curves != null) {
      roc = new double[curves.length][][];
      pr = new double[curves.length][][];
      for (int g = 0; g < curves.length; g++) {
        RankingCurves.Result r = curves[g];
        if (r.positives() == 0 || r.negatives() == 0) {
          throw new IllegalArgumentException(SchemaChecks.where(this, "labelCol") + ": ROC AUC is undefined"
              + " because class " + (curves.length == 1 ? pos : g) + " has " + (r.positives() == 0 ? "no"
              : "only") + " rows (every row " + (r.positives() == 0 ? "is another class" : "is this class")
              + "). Evaluate on data with both outcomes, or use another metric.");
        }
        roc[g] = r.roc();
        pr[g] = r.pr();
      }
      if (curves.length == 1) {
        m.put("auc", curves[0].auc());
        m.put("prAuc", curves[0].averagePrecision());
      } else {
        double aucMacro = 0;
        double aucWeighted = 0;
        double apMacro = 0;
        double apWeighted = 0;
        for (int g = 0; g < curves.length; g++) {
          double prevalence = perClass[g][3] / total;
          aucMacro += curves[g].auc() / curves.length;
          aucWeighted += curves[g].auc() * prevalence;
          apMacro += curves[g].averagePrecision() / curves.length;
          apWeighted += curves[g].averagePrecision() * prevalence;
        }
        m.put("auc_macro", aucMacro);
        m.put("auc_weighted", aucWeighted);
        m.put("prAuc_macro", apMacro);
        m.put("prAuc_weighted", apWeighted);
      }
    }
    return new MetricsReport(MetricsReport.Task.CLASSIFICATION, rows, total, m, confusion, perClass, roc, pr);
  }

  private MetricsReport regression(Dataset<?> dataset, Column label, Column prediction, Column weight,
      RowCheck check) {
    double[] a = Rows.internal(dataset.select(label, prediction, weight)).aggregate(new double[6],
        check::addRegression, RowCheck::mergeRegression);
    requireRows(a[5]);
    double total = requireWeight(a[0], (long) a[5]);
    Map<String, Double> m = new LinkedHashMap<>();
    double mse = a[1] / total;
    m.put("rmse", Math.sqrt(mse));
    m.put("mse", mse);
    m.put("mae", a[2] / total);
    m.put("r2", a[4] > 0 ? 1 - a[1] / a[4] : Double.NaN);
    return new MetricsReport(MetricsReport.Task.REGRESSION, (long) a[5], total, m, new double[0][],
        new double[0][], new double[0][][], new double[0][][]);
  }

  @Override
  public MetricsEvaluator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reader for saved evaluators (for example inside a saved CrossValidatorModel). */
  public static MLReader<MetricsEvaluator> read() {
    return new DefaultParamsReadable<MetricsEvaluator>() {}.read();
  }

  /** Loads an evaluator saved with {@code write().save(path)}. */
  public static MetricsEvaluator load(String path) {
    return read().load(path);
  }
}
