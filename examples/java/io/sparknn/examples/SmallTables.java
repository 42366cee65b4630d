package io.sparknn.examples;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.estimator.NeuralModel;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.regression.NeuralRegressor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;

/**
 * The default estimators on the twelve small tables of {@code examples/data/small} (208–4,331 rows; see its
 * README for provenance and protocol), on their five fixed 80/20 splits ({@code rep0}…{@code rep4}), against
 * scikit-learn's logistic/ridge regression, MLP and gradient boosting on the same splits
 * ({@code references.jsonl}). Prints one Markdown row per table: mean ± sd over the five splits, whether the bar
 * of issue 12 holds (≥ MLP − 0.01 and ≥ linear − 0.005) and the mean fit seconds.
 * Usage: {@code SmallTables [table.csv ...] [param=value ...]} (default: all twelve tables, default params; a
 * {@code param=value} argument sets that estimator param by name, to try other settings on the same splits).
 */
public final class SmallTables {
  private SmallTables() {}

  /** A table: its label, task ({@code binary}, {@code multiclass}, {@code regression}) and positive class. */
  record Table(String file, String label, String task, String positive) {}

  /** Estimator params from the command line (name to JSON value), applied to every fit. */
  static final Map<String, String> PARAMS = new java.util.LinkedHashMap<>();

  static final List<Table> TABLES = List.of(
      new Table("pima.csv", "diabetes", "binary", "pos"),
      new Table("sonar.csv", "Class", "binary", "M"),
      new Table("ionosphere.csv", "Class", "binary", "bad"),
      new Table("breast_cancer.csv", "Class", "binary", "malignant"),
      new Table("vehicle.csv", "Class", "multiclass", null),
      new Table("glass.csv", "Type", "multiclass", null),
      new Table("cells.csv", "class", "binary", "PS"),
      new Table("hpc_data.csv", "class", "multiclass", null),
      new Table("concrete.csv", "compressive_strength", "regression", null),
      new Table("sacramento.csv", "price", "regression", null),
      new Table("penguins.csv", "species", "multiclass", null),
      new Table("ad_data.csv", "Class", "binary", "Impaired"));

  public static void main(String[] args) throws Exception {
    String dir = "examples/data/small";
    List<String> only = Arrays.stream(args).filter(a -> !a.contains("=")).toList();
    for (String a : args) {
      if (a.contains("=")) {
        PARAMS.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
    }
    Map<String, double[]> refs = new HashMap<>(); // "file/model" -> {mean, sd}
    for (String line : Files.readAllLines(Path.of(dir, "references.jsonl"))) {
      JsonNode r = new ObjectMapper().readTree(line);
      double[] per = new double[r.get("per_repeat").size()];
      for (int i = 0; i < per.length; i++) {
        per[i] = r.get("per_repeat").get(i).asDouble();
      }
      refs.put(r.get("data").asText() + "/" + r.get("model").asText(), meanSd(per));
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("sparknn-small-tables")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    StringBuilder out = new StringBuilder("| Data | Rows | Metric | sparknn defaults | Logistic / ridge | MLP (sklearn)"
        + " | Gradient boosting | Bar | Fit s |\n|---|---|---|---|---|---|---|---|---|\n");
    int held = 0;
    int n = 0;
    for (Table t : TABLES) {
      if (!only.isEmpty() && !only.contains(t.file())) {
        continue;
      }
      double[] ours = run(spark, dir + "/" + t.file(), t);
      double[] stats = meanSd(Arrays.copyOf(ours, 5));
      double[] lin = refs.get(t.file() + "/" + (t.task().equals("regression") ? "ridge" : "logreg"));
      double[] mlp = refs.get(t.file() + "/mlp");
      double[] gb = refs.get(t.file() + "/hgb");
      boolean bar = stats[0] >= mlp[0] - 0.01 && stats[0] >= lin[0] - 0.005;
      held += bar ? 1 : 0;
      n++;
      String metric = t.task().equals("binary") ? "AUC" : t.task().equals("regression") ? "R²" : "accuracy";
      String row = String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %.1f |%n", t.file(),
          (long) ours[6], metric, pm(stats), pm(lin), pm(mlp), pm(gb), bar ? "holds" : "**misses**", ours[5]);
      System.out.print(row);
      out.append(row);
    }
    System.out.println();
    System.out.print(out);
    System.out.printf(Locale.ROOT, "%nThe bar holds on %d of %d tables.%n", held, n);
    spark.stop();
  }

  /** The five repeats' metrics, the mean fit seconds and the row count. */
  static double[] run(SparkSession spark, String csv, Table t) {
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
    List<String> categorical = new ArrayList<>();
    List<String> numeric = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : raw.schema().fields()) {
      if (f.name().equals(t.label()) || f.name().matches("rep[0-4]")) {
        continue;
      }
      (f.dataType() instanceof NumericType ? numeric : categorical).add(f.name());
    }
    Dataset<Row> df;
    if (t.task().equals("binary")) {
      df = raw.withColumn("label", col(t.label()).equalTo(t.positive()).cast("double"));
    } else if (t.task().equals("multiclass")) {
      df = new StringIndexer().setInputCol(t.label()).setOutputCol("label").fit(raw).transform(raw);
    } else {
      df = raw.withColumn("label", col(t.label()).cast("double"));
    }
    df = df.cache();
    double[] out = new double[7];
    double seconds = 0;
    for (int k = 0; k < 5; k++) {
      Dataset<Row> train = df.filter(col("rep" + k).equalTo(0));
      Dataset<Row> test = df.filter(col("rep" + k).equalTo(1));
      PipelineModel prep = QualityBars.preprocessing(categorical.toArray(new String[0]),
          numeric.toArray(new String[0])).fit(train);
      Dataset<Row> tr = prep.transform(train).select("features", "label").cache();
      Dataset<Row> te = prep.transform(test).select("features", "label").cache();
      tr.count();
      long t0 = System.nanoTime();
      io.sparknn.estimator.NeuralEstimator<?, ?> est = t.task().equals("regression") ? new NeuralRegressor()
          : new NeuralClassifier();
      PARAMS.forEach((name, json) -> est.setParam(name, est.getParam(name).jsonDecode(json)));
      NeuralModel<?> m = est.fit(tr);
      seconds += (System.nanoTime() - t0) / 1e9;
      String metric = t.task().equals("binary") ? "auc" : t.task().equals("regression") ? "r2" : "accuracy";
      out[k] = new MetricsEvaluator().setMetricName(metric).evaluate(m.transform(te));
      tr.unpersist();
      te.unpersist();
    }
    out[5] = seconds / 5;
    out[6] = df.count();
    df.unpersist();
    return out;
  }

  static double[] meanSd(double[] v) {
    double mean = Arrays.stream(v).average().orElse(Double.NaN);
    double ss = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
    return new double[] {mean, Math.sqrt(ss / v.length)}; // population sd, as in the references' README
  }

  static String pm(double[] ms) {
    return String.format(Locale.ROOT, "%.4f ± %.3f", ms[0], ms[1]);
  }
}
