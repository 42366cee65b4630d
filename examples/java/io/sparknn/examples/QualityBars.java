package io.sparknn.examples;

import static org.apache.spark.sql.functions.col;

import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.evaluation.MetricsReport;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StratifiedSplitter;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.estimator.NeuralModel;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The neural estimators with default params on the four bundled data sets: stratified 80/20 split (seed 42),
 * categoricals index-encoded (embeddings), numerics z-scored, then NeuralClassifier or NeuralRegressor; prints the
 * test metric of each. Diamonds is trained on log(price) and scored (R², RMSE) on price.
 * With an architecture as third argument ({@code transformer}: the tabular FT-Transformer), the estimators use
 * that family with its default params.
 * Usage: {@code QualityBars [letter|diamonds|wa_churn|lending_club|all] [data dir] [architecture]}.
 */
public final class QualityBars {
  private QualityBars() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "all";
    String dir = args.length > 1 ? args[1] : "examples/data";
    String arch = args.length > 2 ? args[2] : "mlp";
    SparkSession spark = SparkSession.builder().master("local[2]").appName("sparknn-quality")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    StringBuilder table = new StringBuilder("| Data | Architecture | Metric (test, 20 %) | Epochs (best) | Fit seconds |\n"
        + "|---|---|---|---|---|\n");
    if (which.equals("all") || which.equals("letter")) {
      table.append(run(spark, dir + "/letter.csv", "lettr", new String[0], null, "accuracy", arch));
    }
    if (which.equals("all") || which.equals("diamonds")) {
      table.append(run(spark, dir + "/diamonds.csv", "price", new String[] {"cut", "color", "clarity"}, null,
          "r2", arch));
    }
    if (which.equals("all") || which.equals("wa_churn")) {
      table.append(run(spark, dir + "/wa_churn.csv", "churn", new String[] {"multiple_lines", "internet_service",
          "online_security", "online_backup", "device_protection", "tech_support", "streaming_tv",
          "streaming_movies", "contract", "payment_method"}, "Yes", "auc", arch));
    }
    if (which.equals("all") || which.equals("lending_club")) {
      table.append(run(spark, dir + "/lending_club.csv", "Class", Quickstart.CATEGORICAL, "bad", "auc", arch));
    }
    System.out.println();
    System.out.print(table);
    spark.stop();
  }

  /**
   * A bundled CSV with inferred types; dots in column names become underscores, because VectorAssembler cannot
   * read columns with dots in their names (letter's x.box, ...).
   */
  public static Dataset<Row> read(SparkSession spark, String csv) {
    Dataset<Row> loaded = spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
    return loaded.toDF(Arrays.stream(loaded.columns()).map(c -> c.replace('.', '_')).toArray(String[]::new));
  }

  /**
   * The preprocessing of the quality tables: categoricals index-encoded for embeddings (unknown and missing values
   * in their own bucket), numerics z-scored (missing values imputed with the mean), one {@code features} vector.
   */
  public static Pipeline preprocessing(String[] categorical, String[] numeric) {
    String[] indexed = Arrays.stream(categorical).map(c -> c + "_idx").toArray(String[]::new);
    String[] scaled = Arrays.stream(numeric).map(c -> c + "_z").toArray(String[]::new);
    java.util.List<PipelineStage> stages = new java.util.ArrayList<>();
    if (categorical.length > 0) {
      stages.add(new CategoricalEncoder().setInputCols(categorical).setOutputCols(indexed).setEncoding("index")
          .setHandleInvalid("keep"));
    }
    if (numeric.length > 0) {
      stages.add(new Standardizer().setInputCols(numeric).setOutputCols(scaled).setHandleInvalid("keep"));
    }
    String[] features = java.util.stream.Stream.concat(Arrays.stream(indexed), Arrays.stream(scaled))
        .toArray(String[]::new);
    stages.add(new VectorAssembler().setInputCols(features).setOutputCol("features"));
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }

  /** Splits, encodes, fits with default params and returns a Markdown table row with the test metric. */
  static String run(SparkSession spark, String csv, String label, String[] categorical, String positive,
      String metric, String arch) {
    Dataset<Row> raw = read(spark, csv);
    boolean regression = metric.equals("r2");
    Dataset<Row> df;
    if (regression) {
      df = raw.withColumn("label", functions.log(col(label)));
    } else if (positive != null) {
      df = raw.withColumn("label", col(label).equalTo(positive).cast("double"));
    } else {
      df = new org.apache.spark.ml.feature.StringIndexer().setInputCol(label).setOutputCol("label").fit(raw)
          .transform(raw);
    }
    String[] numeric = Arrays.stream(raw.columns()).filter(c -> !c.equals(label)
        && !Arrays.asList(categorical).contains(c)).toArray(String[]::new);
    Dataset<Row>[] parts = new StratifiedSplitter().setLabelCol(regression ? label : "label")
        .setWeights(0.8, 0.2).setSeed(42).split(df);
    PipelineModel prep = preprocessing(categorical, numeric).fit(parts[0]);
    Dataset<Row> train = prep.transform(parts[0]).cache();
    Dataset<Row> test = prep.transform(parts[1]).cache();
    long t0 = System.nanoTime();
    NeuralModel<?> model = regression ? new NeuralRegressor().setArchitecture(arch).fit(train)
        : new NeuralClassifier().setArchitecture(arch).fit(train);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Dataset<Row> scored = model.transform(test);
    if (regression) {
      scored = scored.withColumn("prediction", functions.exp(col("prediction"))).withColumn("label", col(label)
          .cast("double"));
    }
    MetricsReport report = new MetricsEvaluator().evaluateAll(scored);
    String name = csv.substring(csv.lastIndexOf('/') + 1);
    String value = regression ? String.format(Locale.ROOT, "R² %.4f, RMSE %.1f (on price; trained on log price)",
        report.metric("r2"), report.metric("rmse")) : String.format(Locale.ROOT, "%s %.4f", metric, report.metric(metric));
    System.out.printf("%s: %s%n%s%n", name, value, model.summary().diagnosis());
    return String.format(Locale.ROOT, "| %s | %s | %s | %d (%d) | %.1f |%n", name, arch, value,
        model.summary().epochs().size(), model.summary().bestEpoch(), seconds);
  }
}
