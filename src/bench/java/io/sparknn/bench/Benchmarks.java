package io.sparknn.bench;

import static org.apache.spark.sql.functions.lit;

import io.sparknn.examples.Quickstart;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The benchmark suite: each comparison runs ours and Spark MLlib's on the same cached data in the same JVM, with
 * the same threads (local[2], OMP/OpenBLAS pinned to 1 per task). Prints a Markdown table and writes
 * {@code target/bench/results-<selection>.json}. Arguments: {@code [rows (default 1000000)] [repeats (default 3)]
 * [all|preprocessing|training|scoring|roofline|engines|evaluation|deep|distributed] [scored rows for evaluation (default 10000000)]
 * [training rows (default 200000)] [scoring rows (default 10000000)] [engine forward rows (default 1000000)]
 * [deep images (default 6000)]}; {@code deep} (the Fashion-MNIST CNN and LSTM against PyTorch) and {@code distributed}
 * (2 workers against 1 and MLlib) run only when named.
 */
public final class Benchmarks {
  static final String[] CATEGORICAL = Quickstart.CATEGORICAL;
  static final String[] NUMERIC = Quickstart.NUMERIC;

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("sparknn-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    String machine = Runtime.getRuntime().availableProcessors() + " cores, "
        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB heap, Java " + System.getProperty("java.version")
        + ", Spark " + spark.version() + ", local[2], OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS");
    System.out.println("Machine: " + machine);
    Bench bench = new Bench(repeats);
    String only = args.length > 2 ? args[2] : "all";
    if (only.equals("all") || only.equals("preprocessing")) {
      preprocessing(spark, bench, rows);
    }
    if (only.equals("all") || only.equals("roofline")) {
      NeuralBenchmarks.roofline(spark, bench);
    }
    if (only.equals("all") || only.equals("training")) {
      NeuralBenchmarks.training(spark, bench, args.length > 4 ? Integer.parseInt(args[4]) : 200_000);
    }
    if (only.equals("all") || only.equals("scoring")) {
      NeuralBenchmarks.scoring(spark, bench, args.length > 5 ? Integer.parseInt(args[5]) : 10_000_000);
    }
    if (only.equals("all") || only.equals("engines")) {
      EngineBenchmarks.run(spark, bench, args.length > 6 ? Integer.parseInt(args[6]) : 1_000_000);
    }
    if (only.equals("distributed")) { // data-parallel fits: run on its own
      DistributedBenchmarks.run(spark, bench, args.length > 4 ? Integer.parseInt(args[4]) : 200_000);
    }
    if (only.equals("deep")) { // minutes per round: run on its own
      DeepBenchmarks.run(spark, bench, args.length > 7 ? Integer.parseInt(args[7]) : 6_000);
    }
    if (only.equals("all") || only.equals("evaluation")) {
      evaluation(spark, bench, args.length > 3 ? Integer.parseInt(args[3]) : 10_000_000);
    }
    System.out.println();
    System.out.print(bench.markdown());
    Path json = Path.of("target/bench/results-" + only + ".json");
    bench.writeJson(json, machine);
    System.out.println("\nJSON: " + json);
    spark.stop();
  }

  /** lending_club replicated to {@code rows} rows, cached and materialized. */
  static Dataset<Row> lendingClub(SparkSession spark, int rows) {
    Dataset<Row> base = spark.read().option("header", "true").option("inferSchema", "true")
        .csv("examples/data/lending_club.csv");
    long n = base.count();
    int copies = (int) Math.ceil(rows / (double) n);
    Dataset<Row> big = spark.range(copies).crossJoin(base).drop("id").limit(rows).repartition(2).cache();
    System.out.printf("lending_club x %d = %,d rows (cached)%n", copies, big.count());
    return big;
  }

  /** Standardizer + CategoricalEncoder against StringIndexer -> OneHotEncoder -> VectorAssembler -> StandardScaler. */
  static void preprocessing(SparkSession spark, Bench bench, int rows) {
    Dataset<Row> df = lendingClub(spark, rows);
    String[] onehot = Arrays.stream(CATEGORICAL).map(c -> c + "_oh").toArray(String[]::new);
    String[] scaled = Arrays.stream(NUMERIC).map(c -> c + "_z").toArray(String[]::new);
    Pipeline ours = new Pipeline().setStages(new PipelineStage[] {
        new CategoricalEncoder().setInputCols(CATEGORICAL).setOutputCols(onehot).setHandleInvalid("keep"),
        new Standardizer().setInputCols(NUMERIC).setOutputCols(scaled).setHandleInvalid("keep"),
        new VectorAssembler().setInputCols(concat(onehot, scaled)).setOutputCol("features")});
    String[] indexed = Arrays.stream(CATEGORICAL).map(c -> c + "_idx").toArray(String[]::new);
    Pipeline theirs = new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCols(CATEGORICAL).setOutputCols(indexed).setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(indexed).setOutputCols(onehot).setHandleInvalid("keep"),
        new VectorAssembler().setInputCols(concat(onehot, NUMERIC)).setOutputCol("raw").setHandleInvalid("keep"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true).setWithStd(true)});
    String data = String.format("lending_club x %,d rows, 5 categorical + 17 numeric", rows);
    bench.add(new Bench.Row("preprocessing fit", data,
        bench.time("Standardizer + CategoricalEncoder", () -> ours.fit(df)),
        bench.time("StringIndexer → OneHotEncoder → VectorAssembler → StandardScaler", () -> theirs.fit(df))));
    PipelineModel o = ours.fit(df);
    PipelineModel t = theirs.fit(df);
    bench.add(new Bench.Row("preprocessing fit + transform", data,
        bench.time("Standardizer + CategoricalEncoder", () -> consume(ours.fit(df).transform(df))),
        bench.time("StringIndexer → OneHotEncoder → VectorAssembler → StandardScaler",
            () -> consume(theirs.fit(df).transform(df)))));
    bench.add(new Bench.Row("preprocessing transform", data,
        bench.time("Standardizer + CategoricalEncoder", () -> consume(o.transform(df))),
        bench.time("StringIndexer → OneHotEncoder → VectorAssembler → StandardScaler",
            () -> consume(t.transform(df)))));
    df.unpersist();
  }

  /** MetricsEvaluator.evaluateAll against Spark's evaluators on generated binary scores. */
  static void evaluation(SparkSession spark, Bench bench, int rows) {
    // label ~ Bernoulli(0.3); score = a noisy function of the label with continuous values (few ties)
    Dataset<Row> scored = spark.range(rows).repartition(2)
        .withColumn("label", functions.when(functions.rand(1).lt(0.3), 1.0).otherwise(0.0))
        .withColumn("score", functions.col("label").multiply(0.35).plus(functions.rand(2).multiply(0.65)))
        .withColumn("probability", org.apache.spark.ml.functions.array_to_vector(functions.array(
            functions.lit(1.0).minus(functions.col("score")), functions.col("score"))))
        .withColumn("prediction", functions.when(functions.col("score").gt(0.5), 1.0).otherwise(0.0))
        .drop("id", "score").cache();
    System.out.printf("generated %,d scored rows (cached)%n", scored.count());
    String data = String.format("%,d generated binary scores", rows);
    MetricsEvaluator ours = new MetricsEvaluator();
    BinaryClassificationEvaluator roc = new BinaryClassificationEvaluator().setMetricName("areaUnderROC")
        .setRawPredictionCol("probability");
    MulticlassClassificationEvaluator f1 = new MulticlassClassificationEvaluator().setMetricName("f1");
    MulticlassClassificationEvaluator acc = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    Bench.Timing all = bench.time("MetricsEvaluator.evaluateAll (every metric, exact AUC)",
        () -> ours.evaluateAll(scored));
    bench.add(new Bench.Row("all classification metrics", data, all,
        bench.time("BinaryClassificationEvaluator(areaUnderROC) + MulticlassClassificationEvaluator(f1, accuracy)",
            () -> {
              roc.evaluate(scored);
              f1.evaluate(scored);
              acc.evaluate(scored);
            })));
    bench.add(new Bench.Row("evaluateAll vs one AUC", data, all,
        bench.time("BinaryClassificationEvaluator(areaUnderROC)", () -> roc.evaluate(scored))));
    scored.unpersist();
  }

  /** Computes the features column of every row without collecting it. */
  static void consume(Dataset<Row> df) {
    df.select("features").withColumn("one", lit(1)).write().format("noop").mode("overwrite").save();
  }

  static String[] concat(String[] a, String[] b) {
    return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }
}
