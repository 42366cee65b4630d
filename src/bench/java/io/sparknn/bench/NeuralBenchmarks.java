package io.sparknn.bench;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.nn.Engine;
import io.sparknn.nn.Matrix;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Training, scoring and roofline comparisons of the neural classifier against MLlib's MLP. */
final class NeuralBenchmarks {
  static final int FEATURES = 20;
  static final int[] HIDDEN = {64, 64};
  static final double TARGET = 0.97;
  static final int[] EPOCHS = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};
  static final int[] ITERATIONS = {10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 600, 800};

  private NeuralBenchmarks() {}

  /**
   * {@code rows} rows of a 3-class, 20-feature synthetic set: two Gaussian clusters per class (unit noise,
   * centres N(0, 0.8²)), so the classes are not linearly separable; cached in 2 partitions.
   */
  static Dataset<Row> synthetic(SparkSession spark, long rows, long seed) {
    Random centres = new Random(2026);
    double[][] c = new double[6][FEATURES];
    for (double[] centre : c) {
      for (int j = 0; j < FEATURES; j++) {
        centre[j] = 0.8 * centres.nextGaussian();
      }
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
    Dataset<Row> df = spark.range(0, rows, 1, 2).mapPartitions(
        (org.apache.spark.api.java.function.MapPartitionsFunction<Long, Row>) it -> new java.util.Iterator<Row>() {
          private Random r;

          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Row next() {
            long id = it.next();
            if (r == null) {
              r = new Random(seed * 1_000_003 + id);
            }
            int cluster = r.nextInt(6);
            double[] x = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
              x[j] = c[cluster][j] + r.nextGaussian();
            }
            return RowFactory.create((double) (cluster % 3), Vectors.dense(x));
          }
        }, org.apache.spark.sql.Encoders.row(schema)).cache();
    df.count();
    return df;
  }

  static double accuracy(Dataset<Row> scored) {
    return new MetricsEvaluator().setMetricName("accuracy").evaluate(scored);
  }

  static NeuralClassifier ours(int epochs) {
    return new NeuralClassifier().setHiddenLayers(HIDDEN).setMaxEpochs(epochs).setBatchSize(128)
        .setLearningRate(0.003).setParam("validationFraction", 0.0).setParam("patience", 0);
  }

  static MultilayerPerceptronClassifier theirs(int iterations, int d, int k) {
    return new MultilayerPerceptronClassifier().setLayers(new int[] {d, HIDDEN[0], HIDDEN[1], k})
        .setMaxIter(iterations).setSeed(42).setTol(0);
  }

  /** Time to a target test accuracy on the synthetic set and on letter (real, 26 classes). */
  static void training(SparkSession spark, Bench bench, int rows) {
    Dataset<Row> train = synthetic(spark, rows, 1);
    Dataset<Row> test = synthetic(spark, 50_000, 2);
    timeToAccuracy(bench, train, test, FEATURES, 3, TARGET, String.format(Locale.ROOT, "synthetic 3-class,"
        + " %,d train / 50,000 test rows, 20-64-64-3, to %.2f test accuracy", rows, TARGET));
    train.unpersist();
    test.unpersist();
    Dataset<Row> letter = letter(spark);
    Dataset<Row>[] parts = new io.sparknn.feature.StratifiedSplitter().setWeights(0.8, 0.2).setSeed(42)
        .split(letter);
    parts[0].cache().count();
    parts[1].cache().count();
    timeToAccuracy(bench, parts[0], parts[1], 16, 26, 0.90, "letter (real), stratified 80/20, z-scored,"
        + " 16-64-64-26, to 0.90 test accuracy");
  }

  /** UCI letter from examples/data: label index 0..25, 16 z-scored features. */
  static Dataset<Row> letter(SparkSession spark) {
    Dataset<Row> raw = io.sparknn.examples.QualityBars.read(spark, "examples/data/letter.csv");
    String[] numeric = java.util.Arrays.stream(raw.columns()).filter(c -> !c.equals("lettr"))
        .toArray(String[]::new);
    Dataset<Row> indexed = new org.apache.spark.ml.feature.StringIndexer().setInputCol("lettr")
        .setOutputCol("label").fit(raw).transform(raw);
    Dataset<Row> assembled = new org.apache.spark.ml.feature.VectorAssembler().setInputCols(numeric)
        .setOutputCol("raw").transform(indexed);
    return new io.sparknn.feature.Standardizer().setInputCols("raw").setOutputCols("features").fit(assembled)
        .transform(assembled).select("label", "features").repartition(2);
  }

  /** The smallest budget of each side that reaches {@code target} test accuracy, then its fit timed. */
  static void timeToAccuracy(Bench bench, Dataset<Row> train, Dataset<Row> test, int d, int k, double target,
      String data) {
    int epochs = -1;
    for (int e : EPOCHS) {
      double acc = accuracy(ours(e).fit(train).transform(test));
      System.out.printf(Locale.ROOT, "  NeuralClassifier maxEpochs %d: test accuracy %.4f%n", e, acc);
      if (acc >= target) {
        epochs = e;
        break;
      }
    }
    int iterations = -1;
    for (int m : ITERATIONS) {
      double acc = accuracy(theirs(m, d, k).fit(train).transform(test));
      System.out.printf(Locale.ROOT, "  MultilayerPerceptronClassifier maxIter %d: test accuracy %.4f%n", m, acc);
      if (acc >= target) {
        iterations = m;
        break;
      }
    }
    if (epochs < 0 || iterations < 0) {
      System.out.println("  a side never reached the target; no training row");
      return;
    }
    int e = epochs;
    int m = iterations;
    bench.add(new Bench.Row("train to a target accuracy", data,
        bench.time("NeuralClassifier, " + e + " epochs (batch 128, adam 0.003)", () -> ours(e).fit(train)),
        bench.time("MultilayerPerceptronClassifier, maxIter " + m + " (L-BFGS)", () -> theirs(m, d, k)
            .fit(train))));
  }

  /**
   * Scoring throughput on {@code rows} cached rows for 20-64-64-3 and 20-512-512-3 networks: ours against MLlib's
   * MLP (all outputs), and ours against Spark's own ceiling ({@link #ceiling}: the same read, the same output
   * columns, constant values) with all outputs, probability only ({@code rawPredictionCol} = "") and prediction
   * only (both ""). The ceiling rows' "speed-up" is ours as a fraction of the ceiling.
   */
  static void scoring(SparkSession spark, Bench bench, int rows) {
    Dataset<Row> small = synthetic(spark, 20_000, 3);
    Dataset<Row> df = synthetic(spark, rows, 4);
    for (int width : new int[] {64, 512}) {
      NeuralClassificationModel ours = ours(1).setHiddenLayers(width, width).fit(small);
      MultilayerPerceptronClassificationModel theirs = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {FEATURES, width, width, 3}).setMaxIter(5).setSeed(42).fit(small);
      String net = String.format(Locale.ROOT, "20-%d-%d-3", width, width);
      String data = String.format(Locale.ROOT, "%,d cached rows, %s network", rows, net);
      Bench.Row row = new Bench.Row("scoring " + net + ", all outputs, vs MLlib", data,
          bench.time("NeuralClassificationModel.transform", 2, () -> consume(ours.transform(df), ALL)),
          bench.time("MultilayerPerceptronClassificationModel.transform", 2, () -> consume(theirs.transform(df),
              ALL)));
      bench.add(row);
      bench.note(String.format(Locale.ROOT, "scoring throughput %s: ours %,.0f rows/s, MLlib %,.0f rows/s (%s)",
          net, rows / row.ours().median(), rows / row.theirs().median(), data));
      String[][] outputs = {ALL, {"probability", "prediction"}, {"prediction"}};
      String[] names = {"all outputs", "probability only", "prediction only"};
      for (int o = 0; o < outputs.length; o++) {
        String[] cols = outputs[o];
        NeuralClassificationModel m = ours.copy(new org.apache.spark.ml.param.ParamMap())
            .setProbabilityCol(cols.length > 1 ? "probability" : "").setRawPredictionCol(cols.length > 2
                ? "rawPrediction" : "");
        bench.add(new Bench.Row("scoring " + net + ", " + names[o] + ", fraction of Spark's ceiling", data,
            bench.time("NeuralClassificationModel.transform", 2, () -> consume(m.transform(df), cols)),
            bench.time("pass-through (constant outputs)", 2, () -> consume(ceiling(df, 3, cols), cols))));
      }
    }
    small.unpersist();
    df.unpersist();
  }

  private static final String[] ALL = {"rawPrediction", "probability", "prediction"};

  /**
   * Spark's own cost of what our transform does: {@code df} with the output columns {@code outputs} (vectors of
   * {@code k} and a double, as our model writes them) appended through the same path ({@code Rows.mapPartitions}
   * over the internal rows, a joined output row), each row's features vector read into a float buffer as the
   * scorer does, and constant values instead of a network.
   */
  static Dataset<Row> ceiling(Dataset<Row> df, int k, String[] outputs) {
    org.apache.spark.sql.types.StructType schema = df.schema();
    for (String c : outputs) {
      schema = schema.add(c, c.equals("prediction") ? org.apache.spark.sql.types.DataTypes.DoubleType
          : new org.apache.spark.ml.linalg.VectorUDT(), false);
    }
    int at = df.schema().fieldIndex("features");
    int d = FEATURES;
    return io.sparknn.util.Rows.mapPartitions(df, it -> {
      io.sparknn.util.Rows.Joined joined = new io.sparknn.util.Rows.Joined();
      float[] x = new float[d];
      double[] constant = new double[k];
      java.util.Arrays.fill(constant, 1.0 / k);
      return new java.util.Iterator<org.apache.spark.sql.catalyst.InternalRow>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public org.apache.spark.sql.catalyst.InternalRow next() {
          org.apache.spark.sql.catalyst.InternalRow r = it.next();
          String bad = io.sparknn.util.Rows.copyVector(r, at, d, x, 0);
          if (bad != null) {
            throw new IllegalStateException(bad);
          }
          Object[] values = new Object[outputs.length];
          for (int c = 0; c < values.length; c++) {
            values[c] = outputs[c].equals("prediction") ? (Object) 0.0
                : io.sparknn.util.Rows.denseVector(constant);
          }
          return joined.of(r, values);
        }
      };
    }, schema);
  }

  /** Every output column computed, nothing collected. */
  static void consume(Dataset<Row> scored) {
    consume(scored, ALL);
  }

  /** The output columns {@code cols} computed, nothing collected. */
  static void consume(Dataset<Row> scored, String[] cols) {
    scored.selectExpr(cols).write().format("noop").mode("overwrite").save();
  }

  /** Single-thread sgemm GFLOP/s (the limit of one training task) against a 512-512 MLP's training FLOP/s. */
  static void roofline(SparkSession spark, Bench bench) {
    int n = 512;
    int batch = 512;
    Matrix a = Matrix.zeros(batch, n, false).fill(0.5);
    Matrix b = Matrix.zeros(n, n, false).fill(0.25);
    Matrix c = Matrix.zeros(batch, n, false);
    for (int i = 0; i < 50; i++) {
      Engine.jvm().gemm(a, false, b, false, c, 1, 0);
    }
    // the limit: the best of 5 trials of 100 products (other work on the machine only lowers a trial)
    System.gc();
    double gflops = 0;
    for (int trial = 0; trial < 5; trial++) {
      int reps = 100;
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        Engine.jvm().gemm(a, false, b, false, c, 1, 0);
      }
      gflops = Math.max(gflops, 2.0 * batch * n * n * reps / ((System.nanoTime() - t0) / 1e9) / 1e9);
    }
    int rows = 100_000;
    Dataset<Row> df = synthetic(spark, rows, 5);
    NeuralClassifier big = new NeuralClassifier().setHiddenLayers(512, 512).setMaxEpochs(1).setBatchSize(batch)
        .setParam("validationFraction", 0.0).setParam("patience", 0);
    big.fit(df);
    double[] seconds = new double[3];
    for (int i = 0; i < seconds.length; i++) {
      NeuralClassificationModel m = big.fit(df);
      seconds[i] = m.summary().epochs().get(0).seconds();
    }
    java.util.Arrays.sort(seconds);
    // forward x·W and backward xᵀ·g and g·Wᵀ: 3 gemms of 2·in·out FLOPs per row and layer
    double flopsPerRow = 3 * 2.0 * (FEATURES * 512 + 512 * 512 + 512 * 3);
    double ours = flopsPerRow * rows / seconds[1] / 1e9;
    bench.note(String.format(Locale.ROOT, "roofline: sgemm %d×%d×%d single thread %.1f GFLOP/s; 20-512-512-3 MLP"
        + " training epoch (batch %d, %,d rows, one task) %.1f GFLOP/s = %.0f%% of sgemm (epoch %.2f s median of 3)",
        batch, n, n, gflops, batch, rows, ours, 100 * ours / gflops, seconds[1]));
    df.unpersist();
  }
}
