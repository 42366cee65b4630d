package io.sparknn.testing;

import static org.apache.spark.sql.functions.col;

import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StratifiedSplitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The bundled CSVs of {@code examples/data}, prepared as the README's quality table prepares them. */
public final class BundledData {
  private BundledData() {}

  /**
   * A bundled CSV split 80/20 (stratified, seed 42) and encoded: {train, test}, each with {@code features} and
   * {@code label}, cached. Categorical columns are indexed for embeddings, the other columns z-scored; the label is
   * string-indexed, or 1.0 where it equals {@code positive} when that is given.
   */
  public static Dataset<Row>[] prepared(SparkSession spark, String file, String label, String positive,
      String... categorical) {
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true")
        .csv("examples/data/" + file);
    raw = raw.toDF(Arrays.stream(raw.columns()).map(c -> c.replace('.', '_')).toArray(String[]::new));
    Dataset<Row> df = positive == null ? new StringIndexer().setInputCol(label).setOutputCol("label").fit(raw)
        .transform(raw) : raw.withColumn("label", col(label).equalTo(positive).cast("double"));
    String[] numeric = Arrays.stream(raw.columns()).filter(c -> !c.equals(label)
        && !Arrays.asList(categorical).contains(c)).toArray(String[]::new);
    Dataset<Row>[] parts = new StratifiedSplitter().setWeights(0.8, 0.2).setSeed(42).split(df);
    String[] indexed = Arrays.stream(categorical).map(c -> c + "_idx").toArray(String[]::new);
    String[] scaled = Arrays.stream(numeric).map(c -> c + "_z").toArray(String[]::new);
    List<PipelineStage> stages = new ArrayList<>();
    if (categorical.length > 0) {
      stages.add(new CategoricalEncoder().setInputCols(categorical).setOutputCols(indexed).setEncoding("index")
          .setHandleInvalid("keep"));
    }
    stages.add(new Standardizer().setInputCols(numeric).setOutputCols(scaled).setHandleInvalid("keep"));
    stages.add(new VectorAssembler().setInputCols(Stream.concat(Arrays.stream(indexed), Arrays.stream(scaled))
        .toArray(String[]::new)).setOutputCol("features"));
    PipelineModel prep = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(parts[0]);
    @SuppressWarnings("unchecked")
    Dataset<Row>[] out = new Dataset[] {prep.transform(parts[0]).select("features", "label").cache(),
        prep.transform(parts[1]).select("features", "label").cache()};
    return out;
  }

  /** letter.csv (20,000 rows, 16 numeric features, 26 classes): {train, test}. */
  public static Dataset<Row>[] letter(SparkSession spark) {
    return prepared(spark, "letter.csv", "lettr", null);
  }

  /** wa_churn.csv (7,043 rows, numeric and 10 categorical columns, churn = Yes positive): {train, test}. */
  public static Dataset<Row>[] churn(SparkSession spark) {
    return prepared(spark, "wa_churn.csv", "churn", "Yes", "multiple_lines", "internet_service",
        "online_security", "online_backup", "device_protection", "tech_support", "streaming_tv",
        "streaming_movies", "contract", "payment_method");
  }
}
