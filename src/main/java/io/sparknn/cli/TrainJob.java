package io.sparknn.cli;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.estimator.NeuralEstimator;
import io.sparknn.estimator.NeuralModel;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.evaluation.MetricsReport;
import io.sparknn.evaluation.Plots;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StratifiedKFold;
import io.sparknn.feature.StratifiedSplitter;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.train.History;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;

/**
 * The CLI's {@code train}: reads the table, splits it (stratified), builds encoder → standardizer → assembler →
 * neural estimator (→ label decoding) as one {@code Pipeline}, fits it (optionally inside a {@code CrossValidator}
 * whose folds come from {@link StratifiedKFold}), and writes {@code <output>/model} (the fitted
 * {@code PipelineModel}), {@code metrics.json} (every test metric, {@link MetricsReport#toJson()}) and
 * {@code summary.json} (rows, params, training history, diagnosis, cross-validation results).
 */
final class TrainJob {
  /** The label column the pipeline trains on (the config's label, indexed or cast to double). */
  static final String LABEL = "label_";
  private static final String VALIDATION = "is_validation_";
  /** The negative class's name in a {@code positiveLabel} model's labels: every value but the positive one. */
  static final String OTHER = "(other)";

  private final JobConfig config;
  private final PrintStream out;
  private final NeuralEstimator<?, ?> estimator;
  private final List<ParamMap> grid;

  /** Checks the estimator params and the grid against the estimator (no Spark job). */
  TrainJob(JobConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
    estimator = config.task.equals("regression") ? new NeuralRegressor() : new NeuralClassifier();
    for (Map.Entry<String, JsonNode> e : config.estimatorParams.entrySet()) {
      Param<Object> p = param("estimator." + e.getKey());
      try {
        estimator.setParam(e.getKey(), value(p, e.getValue(), "estimator." + e.getKey()));
      } catch (JobConfig.ConfigException ce) {
        throw ce;
      } catch (IllegalArgumentException bad) {
        throw config.error("estimator." + e.getKey(), e.getValue(), p.doc());
      }
    }
    ParamGridBuilder b = new ParamGridBuilder();
    for (Map.Entry<String, List<JsonNode>> e : config.grid.entrySet()) {
      String key = "crossValidation.grid." + e.getKey();
      Param<Object> p = param(key);
      List<Object> values = new ArrayList<>();
      for (JsonNode v : e.getValue()) {
        Object decoded = value(p, v, key);
        if (!p.isValid().apply(decoded).equals(Boolean.TRUE)) {
          throw config.error(key, v, p.doc());
        }
        values.add(decoded);
      }
      b.addGrid(p, scala.jdk.javaapi.CollectionConverters.asScala(values));
    }
    grid = config.numFolds > 0 ? Arrays.asList(b.build()) : List.of();
    if (config.numFolds > 0) {
      MetricsEvaluator ev = new MetricsEvaluator();
      try {
        ev.setMetricName(config.cvMetric);
      } catch (IllegalArgumentException bad) {
        throw config.error("crossValidation.metric", new ObjectMapper().getNodeFactory().textNode(config.cvMetric),
            ev.metricName().doc());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Param<Object> param(String key) {
    String name = key.substring(key.lastIndexOf('.') + 1);
    if (!estimator.hasParam(name)) {
      List<String> names = Arrays.stream(estimator.params()).map(Param::name).sorted().toList();
      throw new JobConfig.ConfigException(config.file() + ": unknown key '" + key + "': "
          + estimator.getClass().getSimpleName() + " has no param '" + name + "'. Its params: " + names);
    }
    return (Param<Object>) estimator.getParam(name);
  }

  private Object value(Param<Object> p, JsonNode v, String key) {
    try {
      if (p instanceof org.apache.spark.ml.param.DoubleParam && v.isIntegralNumber()) {
        return v.asDouble(); // 0 for 0.0, as a JSON user writes it
      }
      return p.jsonDecode(v.toString());
    } catch (Exception bad) { // json4s' MappingException is checked to javac
      throw config.error(key, v, "a value of the param's type: " + p.doc());
    }
  }

  /** Runs the job; returns the test metrics. */
  MetricsReport run(SparkSession spark, boolean overwrite) throws IOException {
    long t0 = System.nanoTime();
    org.apache.hadoop.fs.Path outDir = new org.apache.hadoop.fs.Path(config.output);
    FileSystem fs = outDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(outDir) && !overwrite) {
      throw new JobConfig.ConfigException(config.file() + ": output '" + config.output + "' exists; pass"
          + " --overwrite or choose another output");
    }
    Dataset<Row> raw = Tables.read(spark, config.inputPath, config.inputFormat, config.inputOptions, "input.path");
    raw = Main.underscored(raw);
    List<String> numeric = columns(raw);
    boolean regression = config.task.equals("regression");
    Dataset<Row> df;
    StringIndexerModel labels = null;
    String label = config.label.replace('.', '_');
    if (regression) {
      df = raw.withColumn(LABEL, config.labelTransform.equals("log") ? org.apache.spark.sql.functions.log(
          col(label).cast("double")) : col(label).cast("double"));
    } else if (config.positiveLabel != null) {
      df = raw.withColumn(LABEL, col(label).cast("string").equalTo(config.positiveLabel).cast("double"));
      if (df.filter(col(LABEL).equalTo(1.0)).limit(1).count() == 0) {
        throw config.error("positiveLabel", new ObjectMapper().getNodeFactory().textNode(config.positiveLabel),
            "a value of column '" + label + "' (no row has it)");
      }
    } else {
      labels = new StringIndexer().setInputCol(label).setOutputCol(LABEL).setStringOrderType("alphabetAsc")
          .fit(raw);
      df = labels.transform(raw);
    }
    Dataset<Row>[] parts = new StratifiedSplitter().setLabelCol(regression ? label : LABEL)
        .setWeights(config.splitWeights).setSeed(config.splitSeed).split(df);
    Dataset<Row> train = parts[0];
    Dataset<Row> test = parts[parts.length - 1];
    if (parts.length == 3) {
      train = parts[0].withColumn(VALIDATION, org.apache.spark.sql.functions.lit(false))
          .unionByName(parts[1].withColumn(VALIDATION, org.apache.spark.sql.functions.lit(true)));
      estimator.setParam("validationIndicatorCol", VALIDATION);
    }
    estimator.setParam("labelCol", LABEL);
    List<PipelineStage> stages = preprocessing(numeric);
    stages.add((PipelineStage) estimator);
    if (labels != null) {
      stages.add(new IndexToString().setInputCol("prediction").setOutputCol("predictedLabel")
          .setLabels(labels.labelsArray()[0]));
    }
    if (config.positiveLabel != null) {
      stages.add(new IndexToString().setInputCol("prediction").setOutputCol("predictedLabel")
          .setLabels(new String[] {OTHER, config.positiveLabel}));
    }
    if (config.labelTransform.equals("log")) {
      stages.add(new SQLTransformer().setStatement("SELECT *, exp(prediction) AS predictedValue FROM __THIS__"));
    }
    Pipeline pipeline = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
    train = train.cache();
    long rowsTrain = train.count();
    long tFit = System.nanoTime();
    PipelineModel model;
    double[] cvMetrics = null;
    if (config.numFolds > 0) {
      Dataset<Row> folded = new StratifiedKFold().setLabelCol(regression ? label : LABEL)
          .setNumFolds(config.numFolds).setSeed(config.splitSeed).setOutputCol("fold_").transform(train);
      CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline)
          .setEstimatorParamMaps(grid.toArray(new ParamMap[0]))
          .setEvaluator(new MetricsEvaluator().setMetricName(config.cvMetric).setLabelCol(LABEL))
          .setNumFolds(config.numFolds).setFoldCol("fold_").fit(folded);
      model = (PipelineModel) cv.bestModel();
      cvMetrics = cv.avgMetrics();
    } else {
      model = pipeline.fit(train);
    }
    double fitSeconds = (System.nanoTime() - tFit) / 1e9;
    Dataset<Row> scored = model.transform(test);
    MetricsEvaluator evaluator = new MetricsEvaluator().setLabelCol(LABEL);
    if (config.labelTransform.equals("log")) {
      scored = scored.withColumn(LABEL, col(label).cast("double"));
      evaluator.setPredictionCol("predictedValue");
    }
    MetricsReport report = evaluator.evaluateAll(scored);
    model.write().overwrite().save(new org.apache.hadoop.fs.Path(outDir, "model").toString());
    NeuralModel<?> fitted = neuralStage(model);
    Plots.write(Plots.trainingCurves(fitted.summary(), "Training curves: " + config.file(), Plots.WIDTH,
        Plots.HEIGHT), new org.apache.hadoop.fs.Path(outDir, "training-curves.png").toString(),
        spark.sparkContext().hadoopConfiguration());
    List<String> plots = plots(report, scored, regression ? label : LABEL, config.labelTransform.equals("log")
        ? "predictedValue" : "prediction", new org.apache.hadoop.fs.Path(outDir, "test").toString(), spark);
    write(fs, new org.apache.hadoop.fs.Path(outDir, "metrics.json"), report.toJson());
    long rowsTest = test.count();
    ObjectNode summary = summary(fitted, rowsTrain, rowsTest, fitSeconds, cvMetrics);
    write(fs, new org.apache.hadoop.fs.Path(outDir, "summary.json"),
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    History h = fitted.summary();
    out.printf(Locale.ROOT, "%s%n", config);
    out.printf(Locale.ROOT, "trained %s on %,d rows (train + validation) in %.1f s: %s%d epochs, best epoch %d; %s:"
        + " %s%n", estimator.getClass().getSimpleName(), rowsTrain, fitSeconds, fitted.ensembleSize() == 1 ? ""
        : "a bagged ensemble of " + fitted.ensembleSize() + " networks, the first ", h.epochs().size(),
        h.bestEpoch(), h.diagnosis().fit(), h.diagnosis().reason());
    if (cvMetrics != null) {
      out.printf(Locale.ROOT, "cross-validation (%d folds, %s): %s%n", config.numFolds, config.cvMetric,
          Arrays.toString(cvMetrics));
    }
    out.printf(Locale.ROOT, "test (%,d rows): %s%n", rowsTest, headline(report));
    out.printf(Locale.ROOT, "wrote %s/{model, metrics.json, summary.json, training-curves.png, %s} in %.1f s%n",
        config.output, String.join(", ", plots), (System.nanoTime() - t0) / 1e9);
    return report;
  }

  /** The input columns: numeric defaults to every other column; every named column must exist. */
  private List<String> columns(Dataset<Row> raw) {
    List<String> present = Arrays.asList(raw.columns());
    String label = config.label.replace('.', '_');
    check("label", List.of(label), present);
    check("categorical", config.categorical, present);
    check("exclude", config.exclude, present);
    List<String> numeric = config.numeric == null ? present.stream().filter(c -> !c.equals(label)
        && !config.categorical.contains(c) && !config.exclude.contains(c)).toList()
        : config.numeric.stream().map(c -> c.replace('.', '_')).toList();
    check("numeric", numeric, present);
    for (String c : numeric) {
      DataType t = raw.schema().apply(c).dataType();
      if (!(t instanceof NumericType)) {
        throw new JobConfig.ConfigException(config.file() + ": column '" + c + "' is " + t.simpleString()
            + ", not numeric: list it under 'categorical' or 'exclude'");
      }
    }
    if (numeric.isEmpty() && config.categorical.isEmpty()) {
      throw new JobConfig.ConfigException(config.file() + ": no input columns left (all are label or excluded)");
    }
    return numeric;
  }

  private void check(String key, List<String> names, List<String> present) {
    for (String n : names) {
      if (!present.contains(n.replace('.', '_'))) {
        throw new JobConfig.ConfigException(config.file() + ": key '" + key + "' names column '" + n
            + "', which the input does not have. Columns: " + present
            + " (dots in names become underscores)");
      }
    }
  }

  private List<PipelineStage> preprocessing(List<String> numeric) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> features = new ArrayList<>();
    if (!config.categorical.isEmpty()) {
      String[] in = config.categorical.stream().map(c -> c.replace('.', '_')).toArray(String[]::new);
      String[] encoded = Arrays.stream(in).map(c -> c + "_enc").toArray(String[]::new);
      CategoricalEncoder enc = new CategoricalEncoder().setInputCols(in).setOutputCols(encoded)
          .setEncoding(config.encoding).setHandleInvalid("keep");
      if (config.encoding.equals("target")) {
        enc.setLabelCol(LABEL);
      }
      stages.add(enc);
      features.addAll(Arrays.asList(encoded));
    }
    if (!numeric.isEmpty()) {
      if (config.standardize.equals("none")) {
        features.addAll(numeric);
      } else {
        String[] scaled = numeric.stream().map(c -> c + "_z").toArray(String[]::new);
        stages.add(new Standardizer().setInputCols(numeric.toArray(new String[0])).setOutputCols(scaled)
            .setMethod(config.standardize).setHandleInvalid("keep"));
        features.addAll(Arrays.asList(scaled));
      }
    }
    stages.add(new VectorAssembler().setInputCols(features.toArray(new String[0])).setOutputCol("features")
        .setHandleInvalid("keep"));
    return stages;
  }

  /** The neural stage of a pipeline written by {@code train}. */
  static NeuralModel<?> neuralStage(PipelineModel model) {
    for (Transformer t : model.stages()) {
      if (t instanceof NeuralModel<?> m) {
        return m;
      }
    }
    throw new IllegalArgumentException("the PipelineModel has no neural model stage; stages: "
        + Arrays.toString(Arrays.stream(model.stages()).map(s -> s.getClass().getSimpleName()).toArray()));
  }

  @SuppressWarnings("unchecked")
  private ObjectNode summary(NeuralModel<?> m, long trainRows, long testRows, double fitSeconds, double[] cv) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode s = json.createObjectNode();
    s.put("config", config.file());
    s.put("task", config.task);
    s.put("trainRows", trainRows);
    s.put("testRows", testRows);
    s.put("fitSeconds", fitSeconds);
    s.set("history", history(m.summary()));
    s.put("ensembleSize", m.ensembleSize());
    com.fasterxml.jackson.databind.node.ArrayNode best = s.putArray("memberBestEpochs");
    m.memberSummaries().forEach(h -> best.add(h.bestEpoch()));
    ObjectNode params = s.putObject("params");
    for (Param<?> p : m.params()) {
      if (m.isDefined(p)) {
        try {
          params.set(p.name(), json.readTree(((Param<Object>) p).jsonEncode(m.getOrDefault(p))));
        } catch (IOException e) {
          params.put(p.name(), String.valueOf(m.getOrDefault(p)));
        }
      }
    }
    if (cv != null) {
      ObjectNode c = s.putObject("crossValidation");
      c.put("numFolds", config.numFolds);
      c.put("metric", config.cvMetric);
      ArrayNode points = c.putArray("results");
      for (int i = 0; i < cv.length; i++) {
        ObjectNode point = points.addObject();
        for (org.apache.spark.ml.param.ParamPair<?> pp : grid.get(i).toList()) {
          @SuppressWarnings("unchecked")
          Param<Object> p = (Param<Object>) pp.param();
          try {
            point.set(p.name(), json.readTree(p.jsonEncode(pp.value())));
          } catch (IOException e) {
            point.put(p.name(), String.valueOf(pp.value()));
          }
        }
        point.put(config.cvMetric, cv[i]);
      }
    }
    return s;
  }

  /** A model's history as JSON: metric name, best epoch, diagnosis and one object per epoch. */
  static ObjectNode history(History h) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("metric", h.metricName());
    o.put("bestEpoch", h.bestEpoch());
    o.put("diagnosis", h.diagnosis().fit().name());
    o.put("reason", h.diagnosis().reason());
    ArrayNode epochs = o.putArray("epochs");
    for (History.Epoch e : h.epochs()) {
      ObjectNode row = epochs.addObject();
      row.put("epoch", e.epoch());
      row.put("trainLoss", e.trainLoss());
      row.put("validationLoss", e.validationLoss());
      row.put("validationMetric", e.validationMetric());
      row.put("learningRate", e.learningRate());
      row.put("seconds", e.seconds());
    }
    return o;
  }

  /**
   * The class index of a string label under a trained pipeline's {@code labels} (its IndexToString stage): the
   * position in {@code labels}, or, for a {@code positiveLabel} model ({@link #OTHER}, positive), 1 for the
   * positive value and 0 for any other. A label the model does not know becomes −1.
   */
  static org.apache.spark.sql.Column labelIndex(org.apache.spark.sql.Column label, String[] labels) {
    if (labels.length == 2 && labels[0].equals(OTHER)) {
      return label.cast("string").equalTo(labels[1]).cast("double");
    }
    org.apache.spark.sql.Column idx = org.apache.spark.sql.functions.lit(-1.0);
    for (int i = labels.length - 1; i >= 0; i--) {
      idx = org.apache.spark.sql.functions.when(label.cast("string").equalTo(labels[i]), (double) i).otherwise(idx);
    }
    return idx;
  }

  /**
   * Writes the report's pictures as {@code <prefix>-<name>.png}: ROC, precision-recall and confusion matrix for a
   * classification report with scores; predicted-vs-actual and residuals for regression. Returns the file names.
   */
  static List<String> plots(MetricsReport r, Dataset<Row> scored, String label, String prediction, String prefix,
      SparkSession spark) throws IOException {
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> names = new ArrayList<>();
    java.util.Map<String, byte[]> images = new java.util.LinkedHashMap<>();
    if (r.task() == MetricsReport.Task.CLASSIFICATION) {
      images.put("confusion", Plots.confusionMatrix(r, "Confusion matrix", Plots.WIDTH, Plots.HEIGHT));
      if (r.curveCount() > 0) {
        images.put("roc", Plots.roc(r, "ROC", Plots.WIDTH, Plots.HEIGHT));
        images.put("pr", Plots.precisionRecall(r, "Precision-recall", Plots.WIDTH, Plots.HEIGHT));
      }
    } else {
      images.put("predicted-vs-actual", Plots.predictedVsActual(scored, label, prediction, 5000,
          "Predicted vs actual", Plots.WIDTH, Plots.HEIGHT));
      images.put("residuals", Plots.residuals(scored, label, prediction, 5000, "Residuals", Plots.WIDTH,
          Plots.HEIGHT));
    }
    for (Map.Entry<String, byte[]> e : images.entrySet()) {
      String file = prefix + "-" + e.getKey() + ".png";
      Plots.write(e.getValue(), file, conf);
      names.add(new org.apache.hadoop.fs.Path(file).getName());
    }
    return names;
  }

  /** The report's main numbers on one line. */
  static String headline(MetricsReport r) {
    StringBuilder b = new StringBuilder();
    for (String k : List.of("accuracy", "f1_macro", "auc", "auc_macro", "logLoss", "rmse", "mae", "r2")) {
      Double v = r.metrics().get(k);
      if (v != null && !v.isNaN()) {
        b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.4f", v));
      }
    }
    return b.toString();
  }

  static void write(FileSystem fs, org.apache.hadoop.fs.Path file, String text) throws IOException {
    try (FSDataOutputStream o = fs.create(file, true)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
