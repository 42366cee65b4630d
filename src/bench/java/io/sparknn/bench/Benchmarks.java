package io.sparknn.bench;

import static org.apache.spark.sql.functions.lit;

import io.sparknn.examples.Quickstart;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark suite: each comparison runs ours and Spark MLlib's on the same cached data in the same JVM, with
 * the same threads (local[2], OMP/OpenBLAS pinned to 1 per task). Prints a Markdown table and writes
 * {@code target/bench/results.json}. Arguments: {@code [rows (default 1000000)] [repeats (default 3)]}.
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
    preprocessing(spark, bench, rows);
    System.out.println();
    System.out.print(bench.markdown());
    bench.writeJson(Path.of("target/bench/results.json"), machine);
    System.out.println("\nJSON: target/bench/results.json");
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

  /** Computes the features column of every row without collecting it. */
  static void consume(Dataset<Row> df) {
    df.select("features").withColumn("one", lit(1)).write().format("noop").mode("overwrite").save();
  }

  static String[] concat(String[] a, String[] b) {
    return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }
}
