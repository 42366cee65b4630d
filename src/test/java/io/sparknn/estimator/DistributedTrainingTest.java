package io.sparknn.estimator;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.regression.NeuralRegressionModel;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.BundledData;
import io.sparknn.testing.JobCounter;
import io.sparknn.testing.SparkTestBase;
import io.sparknn.train.Checkpoint;
import io.sparknn.train.TaskResources;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Data-parallel fits over Spark tasks: convergence, task retries, checkpoints and resume, slots, threads. */
class DistributedTrainingTest extends SparkTestBase {
  @Override
  protected String master() {
    return "local[2,2]"; // two slots; a failed task is retried once, as on a cluster
  }

  @AfterEach
  void noFaults() {
    TrainingDispatch.faultInjection = null;
  }

  private double metric(NeuralClassificationModel m, Dataset<Row> test, String name) {
    return new MetricsEvaluator().setMetricName(name).evaluate(m.transform(test));
  }

  @Test
  void twoWorkersReachTheOneWorkerMetricOnLetterAndChurnWithDefaultParams() {
    Dataset<Row>[] letter = BundledData.letter(spark);
    Dataset<Row>[] churn = BundledData.churn(spark);
    for (Object[] c : new Object[][] {{letter, "accuracy"}, {churn, "auc"}}) {
      @SuppressWarnings("unchecked")
      Dataset<Row>[] data = (Dataset<Row>[]) c[0];
      String name = (String) c[1];
      NeuralClassificationModel one = new NeuralClassifier().fit(data[0]);
      // 3 input partitions: the 2 workers' shares are balanced slices of the cached blocks (BalancedShares)
      NeuralClassificationModel two = new NeuralClassifier().setNumWorkers(2).fit(data[0].repartition(3).cache());
      double a = metric(one, data[1], name);
      double b = metric(two, data[1], name);
      System.out.printf("%s: 1 worker %.4f (%d epochs), 2 workers %.4f (%d epochs)%n", name, a,
          one.summary().epochs().size(), b, two.summary().epochs().size());
      assertTrue(b >= a - 0.01, name + ": 2 workers " + b + " vs 1 worker " + a);
      assertTrue(a > (name.equals("auc") ? 0.8 : 0.9), name + " " + a);
      // both workers' validation shares are evaluated: the history's metric is of the whole validation set
      assertTrue(two.summary().epochs().get(two.summary().bestEpoch()).validationMetric()
          > (name.equals("auc") ? 0.7 : 0.85), two.summary().epochs().toString());
    }
  }

  @Test
  void balancedSharesHoldEveryRowOnceAndDifferByAtMostOneRow() {
    // 4 partitions of 7, 0, 3 and 12 rows (blocks of up to 5 rows), whose labels are the row numbers 0..21
    int[] sizes = {7, 0, 3, 12};
    int next = 0;
    List<io.sparknn.train.TrainingRows> blocks = new java.util.ArrayList<>();
    for (int size : sizes) {
      for (int from = 0; from < size; from += 5) {
        int n = Math.min(5, size - from);
        double[] label = new double[n];
        for (int i = 0; i < n; i++) {
          label[i] = next++;
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
          x[i] = (float) label[i];
        }
        blocks.add(new io.sparknn.train.TrainingRows(1, x, label, new double[n], new boolean[n]));
      }
    }
    org.apache.spark.api.java.JavaSparkContext jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
        spark.sparkContext());
    // partition p holds its blocks: 2 + 0 + 1 + 3 blocks
    int[] blocksPer = {2, 0, 1, 3};
    org.apache.spark.api.java.JavaRDD<io.sparknn.train.TrainingRows> rdd = jsc.parallelize(
        java.util.Arrays.asList(0, 1, 2, 3), 4).mapPartitionsWithIndex((p, it) -> {
          int start = 0;
          for (int q = 0; q < p; q++) {
            start += blocksPer[q];
          }
          return blocks.subList(start, start + blocksPer[p]).iterator();
        }, true);
    for (int workers : new int[] {2, 3, 5}) {
      List<List<Double>> shares = BalancedShares.of(rdd, new long[] {7, 0, 3, 12}, workers).glom().map(l -> {
        List<Double> ids = new java.util.ArrayList<>();
        for (io.sparknn.train.TrainingRows b : l) {
          for (double v : b.labels()) {
            ids.add(v);
          }
          assertEquals(b.rows(), b.values().length, "features sliced with the rows");
        }
        return ids;
      }).collect();
      assertEquals(workers, shares.size());
      List<Double> all = shares.stream().flatMap(List::stream).toList();
      assertEquals(java.util.stream.IntStream.range(0, 22).mapToObj(i -> (double) i).toList(), all,
          workers + " workers: every row once, in order");
      int min = shares.stream().mapToInt(List::size).min().orElseThrow();
      int max = shares.stream().mapToInt(List::size).max().orElseThrow();
      assertTrue(max - min <= 1, workers + " workers: share sizes " + min + ".." + max);
    }
  }

  /** Counts training rounds (jobs) and failed tasks while {@code fit} runs. */
  private int[] jobsAndFailures(Runnable fit) {
    try (JobCounter.Events events = JobCounter.Events.watch(spark)) {
      fit.run();
      events.close();
      return new int[] {events.rounds.get(), events.failedTasks.get()};
    }
  }

  /** Three Gaussian blobs in 4-D (two informative dimensions), labels 0..2, in 3 partitions. */
  private Dataset<Row> blobs(int n) {
    return new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d"}).setOutputCol("features")
        .transform(spark.range(0, n, 1, 3).selectExpr("cast(id % 3 as double) as label", "id")
            .selectExpr("label", "4 * cast(label = 1 as double) + randn(1) as a",
                "4 * cast(label = 2 as double) + randn(2) as b", "randn(3) as c", "randn(4) as d"))
        .select("features", "label").cache();
  }

  @Test
  void aFailedWorkerTaskIsRetriedFromTheLastSynchronisedStateNotFromScratch() {
    Dataset<Row> train = blobs(3000);
    NeuralClassifier est = new NeuralClassifier().setEnsembleFolds(1).setBatchSize(256).setNumWorkers(2)
        .setSyncEvery(4).setMaxEpochs(5).setParam("patience", 0).setHiddenLayers(16);
    NeuralClassificationModel[] clean = new NeuralClassificationModel[1];
    int[] cleanRun = jobsAndFailures(() -> clean[0] = est.fit(train));
    TrainingDispatch.faultInjection = (p, attempt) -> p.worker() == 1 && p.epoch() == 3 && p.from() == 4
        && attempt == 0;
    NeuralClassificationModel[] faulty = new NeuralClassificationModel[1];
    int[] faultyRun = jobsAndFailures(() -> faulty[0] = est.fit(train));
    assertEquals(0, cleanRun[1]);
    assertEquals(1, faultyRun[1], "one task failed and was retried");
    // per epoch: 1,350 training rows per worker = 6 steps of 256 = rounds [0, 4) and [4, 6), then validation
    assertEquals(5 * 3, cleanRun[0]);
    assertEquals(cleanRun[0], faultyRun[0], "the same rounds: nothing was restarted");
    assertArrayEquals(clean[0].network().toFloats(), faulty[0].network().toFloats(), "the retried round repeated itself exactly");
    assertEquals(5, faulty[0].summary().epochs().size());
  }

  @Test
  void anInterruptedFitResumesFromItsCheckpointToTheSameWeights() throws Exception {
    Dataset<Row> train = blobs(2000);
    Path dir = tmp.resolve("checkpoints");
    NeuralClassifier est = new NeuralClassifier().setNumWorkers(2).setMaxEpochs(7).setParam("patience", 0)
        .setHiddenLayers(16).setParam("dropout", 0.2).setCheckpointDir(dir.toString()).setCheckpointInterval(2)
        .setSeed(5);
    NeuralClassificationModel whole = est.fit(train);
    assertTrue(!Files.exists(dir) || listCheckpoints(dir).isEmpty(), "a finished fit leaves no checkpoints");
    // every attempt of epoch 5 fails: the fit stops after the checkpoint of epochs 0-3
    TrainingDispatch.faultInjection = (p, attempt) -> p.epoch() == 5;
    NeuralClassifier failing = est.copy(new org.apache.spark.ml.param.ParamMap());
    assertThrows(Exception.class, () -> failing.fit(train)); // SparkException: the job aborted
    TrainingDispatch.faultInjection = null;
    List<Path> left = listCheckpoints(dir);
    assertEquals(1, left.size(), "the latest checkpoint is kept: " + left);
    assertEquals("epoch-000004.ckpt", left.get(0).getFileName().toString());
    try (InputStream in = Files.newInputStream(left.get(0))) {
      Checkpoint c = Checkpoint.read(in, left.get(0).toString());
      assertEquals(4, c.epoch());
      assertEquals(4, c.history().length);
    }
    NeuralClassificationModel resumed = est.copy(new org.apache.spark.ml.param.ParamMap())
        .setResumeFrom(left.get(0).getParent().toString()).fit(train);
    assertArrayEquals(whole.network().toFloats(), resumed.network().toFloats(), "resumed fit = uninterrupted fit");
    assertEquals(7, resumed.summary().epochs().size());
    assertEquals(whole.summary().epochs().get(6).trainLoss(), resumed.summary().epochs().get(6).trainLoss(), 0);
    // a checkpoint of another configuration is refused with the reason
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> est.copy(
        new org.apache.spark.ml.param.ParamMap()).setHiddenLayers(8).setResumeFrom(left.get(0).toString())
        .fit(train));
    assertTrue(e.getMessage().contains("written by another fit"), e.getMessage());
  }

  private static List<Path> listCheckpoints(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ckpt")).toList();
    }
  }

  @Test
  void regressionAcrossWorkersUsesTheTargetScaleOfAllRows() {
    Dataset<Row> df = spark.range(0, 4000).selectExpr("cast(id % 97 as double) / 97 as x",
        "cast(id % 13 as double) / 13 as z").selectExpr("x", "z", "100 + 50 * x - 20 * z as label");
    Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"x", "z"}).setOutputCol("features")
        .transform(df).cache();
    NeuralRegressionModel m = new NeuralRegressor().setEnsembleFolds(1).setNumWorkers(2).setMaxEpochs(40).fit(data);
    double rmse = new MetricsEvaluator().setMetricName("rmse").evaluate(m.transform(data));
    assertTrue(rmse < 2.0, "rmse " + rmse + " on a target with std ~16");
    io.sparknn.train.History last = m.summary();
    assertTrue(last.epochs().get(last.bestEpoch()).validationMetric() < 2.0, last.epochs().toString());
  }

  @Test
  void moreWorkersThanSlotsFailsFastNamingTheSlots() {
    Dataset<Row> train = blobs(300);
    long t0 = System.nanoTime();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NeuralClassifier().setNumWorkers(3).fit(train));
    assertTrue((System.nanoTime() - t0) / 1e9 < 5, "fails fast");
    assertTrue(e.getMessage().contains("numWorkers") && e.getMessage().contains("offers 2 concurrent task slot")
        && e.getMessage().contains("local[n]"), e.getMessage());
  }

  @Test
  void tasksRunTheEngineWithTheirTaskCpusAndNoGpuOnThisMachine() {
    List<String> bound = spark.range(0, 2, 1, 2).javaRDD().map(x -> {
      TaskResources.Binding b = TaskResources.bind("auto");
      return b.engine().name() + "," + b.threads() + "," + b.gpu() + "," + b.device();
    }).collect();
    assertEquals(List.of("jvm,1,null,-1", "jvm,1,null,-1"), bound);
    assertEquals("jvm", TaskResources.bind("auto").engine().name(), "on the driver: no task, no change");
  }
}
