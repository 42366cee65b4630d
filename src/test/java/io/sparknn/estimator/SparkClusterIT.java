package io.sparknn.estimator;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.testing.BundledData;
import io.sparknn.testing.JobCounter;
import io.sparknn.testing.StandaloneCluster;
import io.sparknn.train.TaskResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The library on a real multi-JVM Spark standalone cluster (Master + 2 Workers started from the Maven jars, each
 * Worker with 2 cores, 2 GB for its executor and 2 fake GPU addresses; the library reaches the executors only as
 * {@code target/*-with-deps.jar} through {@code spark.jars}). Run with {@code mvn -B verify -Pcluster}. The
 * tests run in order on one cluster: the Worker kill comes after the tests that need both Workers, and the
 * last test loads in a fresh local session what the first saved on the cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterIT {
  private Path dir;
  private StandaloneCluster cluster;
  private SparkSession spark;
  private double clusterAccuracy = Double.NaN;
  private float[] clusterWeights;
  /** Set when test 1 passed its assertions and saved the model and scored rows of this run. */
  private boolean savedByThisRun;

  @BeforeAll
  void startCluster() throws Exception {
    dir = Path.of(System.getProperty("sparknn.cluster.dir", "target/cluster-it")).toAbsolutePath();
    // each test reads only what this run wrote: a previous run's model and scored rows go first
    for (String old : List.of("letter-model", "letter-scored")) {
      org.apache.commons.io.FileUtils.deleteDirectory(dir.resolve(old).toFile());
    }
    cluster = new StandaloneCluster(dir.resolve("cluster"), 2, 2, "2g", 2);
  }

  @AfterAll
  void stopAll() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      cluster.close();
    }
  }

  /** A driver session on the cluster (executors: 2 cores, 2 GB, 2 GPUs; 1 GPU per task). */
  private SparkSession onCluster() {
    return onCluster("2g");
  }

  /** A driver session on the cluster whose executors have {@code memory} (2 cores, 2 GPUs; 1 GPU per task). */
  private SparkSession onCluster(String memory) {
    if (spark != null && spark.sparkContext().master().startsWith("spark://")
        && memory.equals(spark.sparkContext().getConf().get("spark.executor.memory"))) {
      return spark;
    }
    stopSession();
    String jars = System.getProperty("sparknn.cluster.jars");
    assertNotNull(jars, "sparknn.cluster.jars (set by the cluster profile) names the with-deps and test jars");
    for (String j : jars.split(",")) {
      assertTrue(Files.isRegularFile(Path.of(j)), j + " is missing: run through mvn -B verify -Pcluster");
    }
    spark = SparkSession.builder().master(cluster.masterUrl()).appName("SparkClusterIT")
        .config("spark.jars", jars)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.memory", memory)
        .config("spark.executor.cores", "2")
        .config("spark.cores.max", "4")
        .config("spark.executor.resource.gpu.amount", "2")
        .config("spark.task.resource.gpu.amount", "1")
        .config("spark.executorEnv.OMP_NUM_THREADS", "1")
        .config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
        .config("spark.executorEnv.OPENBLAS_CORETYPE", "auto")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .getOrCreate();
    return spark;
  }

  private SparkSession local() {
    if (spark != null && spark.sparkContext().master().startsWith("local")) {
      return spark;
    }
    stopSession();
    spark = SparkSession.builder().master("local[2]").appName("SparkClusterIT-local")
        .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer").getOrCreate();
    return spark;
  }

  private void stopSession() {
    if (spark != null) {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      spark = null;
    }
  }

  private static double accuracy(NeuralClassificationModel m, Dataset<Row> test) {
    return new MetricsEvaluator().setMetricName("accuracy").evaluate(m.transform(test));
  }

  /** The letter model test 1 saved in this run (the test is skipped when test 1 failed or did not get that far). */
  private NeuralClassificationModel savedModel() {
    Assumptions.assumeTrue(savedByThisRun, "needs the model and scored rows test 1 saves in this run");
    return NeuralClassificationModel.load(dir.resolve("letter-model").toString());
  }

  @Test
  @Order(1)
  void twoWorkersOnTheClusterReachTheLocalOneWorkerAccuracyOnLetter() throws Exception {
    Dataset<Row>[] local = BundledData.letter(local());
    double one = accuracy(new NeuralClassifier().fit(local[0]), local[1]);

    Dataset<Row>[] letter = BundledData.letter(onCluster());
    NeuralClassificationModel two = new NeuralClassifier().setNumWorkers(2).fit(letter[0]);
    clusterAccuracy = accuracy(two, letter[1]);
    clusterWeights = two.network().toFloats();
    System.out.printf("letter accuracy: local 1 worker %.4f, cluster 2 workers %.4f (%d epochs)%n", one,
        clusterAccuracy, two.summary().epochs().size());
    assertTrue(one > 0.94, "local one-worker accuracy " + one);
    assertTrue(Math.abs(clusterAccuracy - one) <= 0.01, "cluster " + clusterAccuracy + " vs local " + one);

    // for the last test: the model, the test rows and the cluster's predictions
    two.write().overwrite().save(dir.resolve("letter-model").toString());
    two.transform(letter[1]).select(col("features"), col("label"), col("probability").as("clusterProbability"),
        col("prediction").as("clusterPrediction")).write().mode("overwrite")
        .parquet(dir.resolve("letter-scored").toString());
    savedByThisRun = true;
  }

  @Test
  @Order(2)
  void concurrentTasksEachBindADistinctSparkAssignedGpuAddress() {
    SparkSession s = onCluster();
    scala.Function1<scala.collection.Iterator<Object>, scala.collection.Iterator<String>> probe =
        (scala.Function1<scala.collection.Iterator<Object>, scala.collection.Iterator<String>>
            & java.io.Serializable) it -> {
              TaskResources.Binding b = TaskResources.bind("nd4j");
              BarrierTaskContext task = BarrierTaskContext.get();
              task.barrier(); // all four tasks hold their binding at the same time
              String line = task.getTaskInfos().length + "," + org.apache.spark.SparkEnv.get().executorId() + ","
                  + b.gpu() + "," + b.threads() + "," + b.device();
              return scala.jdk.javaapi.CollectionConverters.asScala(List.of(line).iterator());
            };
    JavaRDD<Object> four = s.sparkContext().parallelize(
        scala.jdk.javaapi.CollectionConverters.asScala(List.<Object>of(0, 1, 2, 3)).toSeq(), 4,
        scala.reflect.ClassTag$.MODULE$.apply(Object.class)).toJavaRDD();
    List<String> bound = new JavaRDD<>(four.rdd().barrier().mapPartitions(probe, false,
        scala.reflect.ClassTag$.MODULE$.apply(String.class)), scala.reflect.ClassTag$.MODULE$.apply(String.class))
        .collect();
    System.out.println("barrier tasks (tasks, executor, gpu, threads, device): " + bound);
    Map<String, List<String>> byExecutor = new TreeMap<>();
    List<String> gpus = new ArrayList<>();
    for (String line : bound) {
      String[] f = line.split(",");
      assertEquals("4", f[0], "one barrier stage of four concurrent tasks");
      assertEquals("1", f[3], "one engine thread per task (spark.task.cpus = 1)");
      assertEquals("-1", f[4], "the CPU backend has no CUDA device: ND4J stays on the CPU");
      byExecutor.computeIfAbsent(f[1], k -> new ArrayList<>()).add(f[2]);
      gpus.add(f[2]);
    }
    assertEquals(List.of("0", "1", "2", "3"), gpus.stream().sorted().toList(), "four distinct addresses");
    assertEquals(2, byExecutor.size(), "two executors: " + byExecutor);
    for (List<String> a : byExecutor.values()) {
      assertEquals(2, a.size());
      // Worker i advertises addresses 2i and 2i+1: both tasks of an executor hold that Worker's pair
      assertEquals(Integer.parseInt(a.get(0)) / 2, Integer.parseInt(a.get(1)) / 2, byExecutor.toString());
    }
  }

  @Test
  @Order(3)
  void scoresTenMillionRowsWithTwoGigabyteExecutorsAndKeepsEveryRow() {
    SparkSession s = onCluster();
    NeuralClassificationModel model = savedModel();
    long n = 10_000_000L;
    Column[] xs = new Column[16];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = org.apache.spark.sql.functions.randn(i);
    }
    Dataset<Row> rows = s.range(0, n, 1, 40).withColumn("features",
        org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.array(xs)));
    Row r;
    double seconds;
    int failedTasks;
    try (JobCounter.Events events = JobCounter.Events.watch(s)) {
      long t0 = System.nanoTime();
      r = model.transform(rows).agg(count("*"), sum("id"),
          count(when(col("prediction").between(0, 25).and(col("probability").isNotNull()), true))).head();
      seconds = (System.nanoTime() - t0) / 1e9;
      events.close();
      failedTasks = events.failedTasks.get();
    }
    System.out.printf("scored %,d rows on 2 executors of 2 GB in %.1f s%n", r.getLong(0), seconds);
    assertEquals(n, r.getLong(0), "every input row is in the output");
    assertEquals(n * (n - 1) / 2, r.getLong(1), "each id exactly once (the sum of 0..n-1)");
    assertEquals(n, r.getLong(2), "every row has a prediction and probabilities");
    assertEquals(0, failedTasks, "no task failed (an OOM would have killed an executor and failed tasks)");
  }

  @Test
  @Order(4)
  void aFitSurvivesTheLossOfAWorkerJvmWithTheUninterruptedFitsWeights() throws Exception {
    Assumptions.assumeTrue(!Double.isNaN(clusterAccuracy), "needs the cluster accuracy of test 1");
    SparkSession s = onCluster();
    Dataset<Row>[] letter = BundledData.letter(s);
    letter[0].count();
    JobCounter.Events events = JobCounter.Events.watch(s);
    CompletableFuture<NeuralClassificationModel> fit = CompletableFuture.supplyAsync(
        () -> new NeuralClassifier().setNumWorkers(2).fit(letter[0]));
    long deadline = System.currentTimeMillis() + 300_000;
    while (events.rounds.get() < 30 && !fit.isDone() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(!fit.isDone(), "the fit ended before the kill: " + events.rounds.get() + " rounds");
    int roundsAtKill = events.rounds.get();
    List<ProcessHandle> executors = cluster.killWorker(1);
    System.out.println("killed Worker 1 (pid " + cluster.workers().get(1).pid() + ") and with it executor(s) "
        + executors.stream().map(ProcessHandle::pid).toList() + " after " + roundsAtKill + " training rounds");
    NeuralClassificationModel m;
    try {
      m = fit.get(10, TimeUnit.MINUTES);
    } catch (TimeoutException hang) {
      s.sparkContext().cancelAllJobs();
      fail("the fit neither finished nor failed within 10 minutes of the Worker's loss");
      return;
    } finally {
      events.close();
    }
    for (ProcessHandle e : executors) {
      assertTrue(e.onExit().get(60, TimeUnit.SECONDS) != null, "the lost Worker's executor exits");
    }
    double acc = accuracy(m, letter[1]);
    boolean same = java.util.Arrays.equals(m.network().toFloats(), clusterWeights);
    System.out.printf("after losing a Worker: accuracy %.4f (uninterrupted %.4f), %d rounds in all, %d executor(s)"
        + " removed, weights %s the uninterrupted fit's%n", acc, clusterAccuracy, events.rounds.get(),
        events.executorsRemoved.get(), same ? "identical to" : "differ from");
    assertTrue(events.executorsRemoved.get() >= 1, "Spark saw the executor go");
    assertTrue(events.rounds.get() > roundsAtKill, "training went on after the loss");
    // the rounds are deterministic (fixed seed, partition order, fixed-order averaging): the retried rounds
    // recompute the lost Worker's share exactly, so the weights are those of the uninterrupted fit
    assertTrue(same, "weights after the loss differ from the uninterrupted fit's (accuracy " + acc + " vs "
        + clusterAccuracy + ")");
    assertEquals(clusterAccuracy, acc, 0.0);
  }

  @Test
  @Order(5)
  void aModelSavedOnTheClusterScoresTheSameInAFreshLocalSession() {
    SparkSession s = local();
    NeuralClassificationModel m = savedModel();
    List<Row> rows = m.transform(s.read().parquet(dir.resolve("letter-scored").toString()))
        .select("clusterProbability", "probability", "clusterPrediction", "prediction").collectAsList();
    assertTrue(rows.size() > 3000, "the letter test split: " + rows.size());
    double worst = 0;
    for (Row r : rows) {
      Vector a = r.getAs(0);
      Vector b = r.getAs(1);
      for (int k = 0; k < a.size(); k++) {
        worst = Math.max(worst, Math.abs(a.apply(k) - b.apply(k)));
      }
      assertEquals(r.getDouble(2), r.getDouble(3), 0.0);
    }
    System.out.printf("%d rows: largest probability difference cluster vs local %.2e%n", rows.size(), worst);
    assertTrue(worst <= 1e-6, "largest probability difference " + worst);
  }

  @Test
  @Order(6)
  void aShareBeyondASmallExecutorsHeapFailsBeforeTrainingAndTheExecutorLives() {
    SparkSession s = onCluster("512m");
    int features = 40;
    Column[] xs = new Column[features];
    for (int i = 0; i < features; i++) {
      xs[i] = org.apache.spark.sql.functions.randn(100 + i);
    }
    Column label = xs[0].plus(xs[1]).gt(0).cast("double");
    Dataset<Row> rows = s.range(0, 1_000_000, 1, 8).select(col("id"), org.apache.spark.ml.functions
        .array_to_vector(org.apache.spark.sql.functions.array(xs)).as("features"), label.as("label"));
    Dataset<Row> big = rows.drop("id");
    NeuralClassifier est = new NeuralClassifier().setMaxEpochs(3);
    String message;
    try (JobCounter.Events events = JobCounter.Events.watch(s)) {
      long t0 = System.nanoTime();
      Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> est.fit(big));
      message = e.getMessage();
      System.out.printf("1,000,000 x %d on a 512 MB executor: failed after %.1f s, %d training rounds: %s%n",
          features, (System.nanoTime() - t0) / 1e9, events.rounds.get(), message);
      assertEquals(0, events.rounds.get(), "no training round ran");
      assertTrue(message.contains("1,000,000 rows x 40 features") && message.contains("spark.executor.memory")
          && message.contains("numWorkers"), message);
      // the same executor then trains a share that fits: 50,000 rows
      NeuralClassificationModel small = est.fit(rows.where(col("id").lt(50_000)));
      double acc = accuracy(small, rows.where(col("id").geq(990_000)));
      System.out.printf("50,000 rows on the same 512 MB executor: accuracy %.4f%n", acc);
      assertTrue(acc > 0.9, "accuracy " + acc);
      events.close();
      assertEquals(0, events.executorsRemoved.get(), "no executor was lost (an OOM kills it)");
      assertEquals(0, events.failedTasks.get(), "no task failed");
    }
  }
}
