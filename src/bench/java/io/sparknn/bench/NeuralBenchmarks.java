package io.sparknn.bench;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
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
  static final int[] EPOCHS = {1, 2, 3, 4, 6, 8, 12, 16};
  static final int[] ITERATIONS = {10, 20, 30, 50, 75, 100, 150, 200, 300};

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
        (org.apache.spark.api.java.function.MapPartitionsFunction<Long, Row>) it -> {
          Random r = null;
          java.util.List<Row> out = new java.util.ArrayList<>();
          while (it.hasNext()) {
            long id = it.next();
            if (r == null) {
              r = new Random(seed * 1_000_003 + id);
            }
            int cluster = r.nextInt(6);
            double[] x = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
              x[j] = c[cluster][j] + r.nextGaussian();
            }
            out.add(RowFactory.create((double) (cluster % 3), Vectors.dense(x)));
          }
          return out.iterator();
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

  static MultilayerPerceptronClassifier theirs(int iterations) {
    return new MultilayerPerceptronClassifier().setLayers(new int[] {FEATURES, HIDDEN[0], HIDDEN[1], 3})
        .setMaxIter(iterations).setSeed(42).setTol(0);
  }

  /** Time to {@value #TARGET} test accuracy: the smallest budget that reaches it, then its fit timed. */
  static void training(SparkSession spark, Bench bench, int rows) {
    Dataset<Row> train = synthetic(spark, rows, 1);
    Dataset<Row> test = synthetic(spark, 50_000, 2);
    String data = String.format(Locale.ROOT, "synthetic 3-class, %,d train / 50,000 test rows, 20-64-64-3,"
        + " to %.2f test accuracy", rows, TARGET);
    int epochs = -1;
    for (int e : EPOCHS) {
      double acc = accuracy(ours(e).fit(train).transform(test));
      System.out.printf(Locale.ROOT, "  NeuralClassifier maxEpochs %d: test accuracy %.4f%n", e, acc);
      if (acc >= TARGET) {
        epochs = e;
        break;
      }
    }
    int iterations = -1;
    for (int m : ITERATIONS) {
      double acc = accuracy(theirs(m).fit(train).transform(test));
      System.out.printf(Locale.ROOT, "  MultilayerPerceptronClassifier maxIter %d: test accuracy %.4f%n", m, acc);
      if (acc >= TARGET) {
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
        bench.time("MultilayerPerceptronClassifier, maxIter " + m + " (L-BFGS)", () -> theirs(m).fit(train))));
    train.unpersist();
    test.unpersist();
  }

  /** Scoring throughput of the same 20-64-64-3 network on {@code rows} cached rows. */
  static void scoring(SparkSession spark, Bench bench, int rows) {
    Dataset<Row> small = synthetic(spark, 20_000, 3);
    NeuralClassificationModel ours = ours(1).fit(small);
    MultilayerPerceptronClassificationModel theirs = theirs(5).fit(small);
    small.unpersist();
    Dataset<Row> df = synthetic(spark, rows, 4);
    String data = String.format(Locale.ROOT, "%,d cached rows, 20-64-64-3 network", rows);
    Bench.Row row = new Bench.Row("scoring " + String.format(Locale.ROOT, "%,d rows", rows), data,
        bench.time("NeuralClassificationModel.transform", () -> consume(ours.transform(df))),
        bench.time("MultilayerPerceptronClassificationModel.transform", () -> consume(theirs.transform(df))));
    bench.add(row);
    bench.note(String.format(Locale.ROOT, "scoring throughput: ours %,.0f rows/s, MLlib %,.0f rows/s (%s)",
        rows / row.ours().median(), rows / row.theirs().median(), data));
    df.unpersist();
  }

  /** Every output column computed, nothing collected. */
  static void consume(Dataset<Row> scored) {
    scored.select("prediction", "probability", "rawPrediction").write().format("noop").mode("overwrite").save();
  }

  /** Single-thread sgemm GFLOP/s (the limit of one training task) against a 512-512 MLP's training FLOP/s. */
  static void roofline(SparkSession spark, Bench bench) {
    int n = 512;
    int batch = 512;
    Matrix a = Matrix.zeros(batch, n, false).fill(0.5);
    Matrix b = Matrix.zeros(n, n, false).fill(0.25);
    Matrix c = Matrix.zeros(batch, n, false);
    for (int i = 0; i < 50; i++) {
      Matrix.gemm(a, false, b, false, c, 1, 0);
    }
    int reps = 400;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      Matrix.gemm(a, false, b, false, c, 1, 0);
    }
    double gflops = 2.0 * batch * n * n * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
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
