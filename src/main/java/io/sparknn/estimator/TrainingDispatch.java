package io.sparknn.estimator;

import io.sparknn.train.Checkpoint;
import io.sparknn.train.FitLoop;
import io.sparknn.train.History;
import io.sparknn.train.TaskResources;
import io.sparknn.train.Trainer;
import io.sparknn.train.TrainingJob;
import io.sparknn.train.TrainingRows;
import io.sparknn.util.SchemaChecks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a fit runs on Spark: the {@link FitLoop} on the driver, and its workers as Spark tasks — one per share of the
 * cached training blocks (the blocks are never collected and never all in one task when {@code numWorkers > 1}).
 * Every round is one ordinary Spark job: the state is broadcast, each task trains its share for the round's steps
 * and returns its state, and the states are averaged by {@code reduce}. A failed task is retried by Spark from the
 * round's broadcast state, and a lost executor only makes a round wait for a free slot, so a fit survives what
 * Spark survives; checkpoints ({@code checkpointDir}, {@code checkpointInterval}) outlive the driver.
 */
public final class TrainingDispatch {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingDispatch.class);
  /** Workers kept by executors between rounds: a cache only, rebuilt from the cached blocks when missing. */
  private static final Map<String, SoftReference<TrainingJob.Worker>> WORKERS = new ConcurrentHashMap<>();
  /** Seconds to wait for executors to register before the slot check fails. */
  private static final long SLOT_WAIT_SECONDS = 30;

  /**
   * Fault injection for tests: when set, a worker task fails when it accepts the task's round (with the worker
   * index filled in) and attempt number. Null in normal use.
   */
  public static volatile BiPredicate<Trainer.Pass, Integer> faultInjection;

  /** The fitted weights and history; {@code interrupted} when a listener or a cancelled job group ended the fit. */
  public record Fitted(float[] weights, History history, boolean interrupted) {}

  private final NeuralEstimator<?, ?> stage;
  private final TrainingJob job;
  private final JavaRDD<TrainingRows> shares;
  private final int features;
  private final int tasksPerExecutor;
  private final String fitId = UUID.randomUUID().toString();

  /**
   * A fit of {@code job} by {@code stage} over {@code shares} (one partition per worker), of which up to
   * {@code tasksPerExecutor} training tasks may share an executor's heap.
   */
  TrainingDispatch(NeuralEstimator<?, ?> stage, TrainingJob job, JavaRDD<TrainingRows> shares, int features,
      int tasksPerExecutor) {
    this.stage = stage;
    this.job = job;
    this.shares = shares;
    this.features = features;
    this.tasksPerExecutor = tasksPerExecutor;
  }

  /**
   * Training tasks that may run at once on one executor when {@code concurrent} run in the application: at most
   * the executor's task slots.
   */
  static int tasksPerExecutor(SparkContext sc, int concurrent) {
    int executors = sc.isLocal() ? 1 : Math.max(1, sc.statusTracker().getExecutorInfos().length - 1);
    return Math.max(1, Math.min(concurrent, slots(sc) / executors));
  }

  /**
   * Fails fast when the cluster cannot run {@code numWorkers} tasks at once (waiting up to 30 s for executors to
   * register), naming the slots there are and the settings to change.
   */
  static void checkSlots(NeuralEstimator<?, ?> stage, SparkContext sc) {
    int workers = stage.getNumWorkers();
    if (workers == 1) {
      return;
    }
    long deadline = System.nanoTime() + SLOT_WAIT_SECONDS * 1_000_000_000L;
    int slots = slots(sc);
    while (slots < workers && System.nanoTime() < deadline && !sc.isLocal()) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      slots = slots(sc);
    }
    if (slots < workers) {
      throw new IllegalArgumentException(SchemaChecks.where(stage, "numWorkers") + ": " + workers + " workers"
          + " train at once, but this Spark application offers " + slots + " concurrent task slot(s) (master "
          + sc.master() + ", spark.task.cpus=" + sc.getConf().get("spark.task.cpus", "1") + "). Set numWorkers <= "
          + slots + ", or give the application more cores (executors x spark.executor.cores, spark.cores.max, or"
          + " local[n]).");
    }
  }

  /** Task slots of the application's default resource profile (Spark's own count, as barrier stages use it). */
  static int slots(SparkContext sc) {
    return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
  }

  /** Runs the fit; the model's weights and history. */
  Fitted run() {
    SparkContext sc = shares.context();
    int workers = shares.getNumPartitions();
    String name = "sparknn " + stage.getClass().getSimpleName() + " fit";
    Spark spark = new Spark(JavaSparkContext.fromSparkContext(sc), job, shares, features, fitId, name,
        job.settings().maxEpochs(), tasksPerExecutor, stage);
    boolean ownGroup = sc.getLocalProperty("spark.jobGroup.id") == null;
    if (ownGroup) { // a group the caller set (to cancel it) is kept
      sc.setJobGroup("sparknn-" + stage.uid() + "-" + fitId.substring(0, 8), name + " (" + stage.uid() + ")", false);
    }
    LOG.info("{}: training jobs run in job group '{}'; cancelling it (SparkContext.cancelJobGroup) stops the fit"
        + " with the best epoch so far", stage.uid(), sc.getLocalProperty("spark.jobGroup.id"));
    Checkpoints checkpoints = checkpoints(sc);
    Checkpoint resume = resume(sc);
    String fingerprint = job.fingerprint(workers, stage.getSyncEvery());
    try {
      FitLoop.Result r = new FitLoop(job.settings(), job.classification(), job.networkSize(),
          stage.getSyncEvery(), checkpoints).fingerprint(fingerprint).trainable(job.trainableValues())
          .listeners(stage.uid(), stage.trainingListeners()).member(job.holdOut().fold(), job.holdOut().folds())
          .run(spark, job.initialState(), resume);
      if (checkpoints != null) {
        checkpoints.delete();
      }
      return new Fitted(job.modelWeights(r.weights(), spark.scale), r.history(), r.interrupted());
    } finally {
      spark.release();
      if (ownGroup) {
        sc.clearJobGroup();
      }
    }
  }

  /**
   * Where a fit of {@code stage} writes checkpoints: its {@code checkpointDir}, else the SparkContext's checkpoint
   * directory; empty when it writes none (neither is set, or {@code checkpointInterval} = -1).
   */
  static String checkpointDir(NeuralEstimator<?, ?> stage, SparkContext sc) {
    String dir = stage.getCheckpointDir().isEmpty() && sc.getCheckpointDir().isDefined()
        ? sc.getCheckpointDir().get() : stage.getCheckpointDir();
    return stage.getCheckpointInterval() < 0 ? "" : dir;
  }

  private Checkpoints checkpoints(SparkContext sc) {
    String dir = checkpointDir(stage, sc);
    if (dir.isEmpty() || job.holdOut().folds() > 1) {
      return null; // an ensemble's members are small fits and are not checkpointed (ensembleFolds)
    }
    Path path = new Path(new Path(dir), stage.uid() + "-" + fitId.substring(0, 8));
    LOG.info("{}: checkpoints every {} epoch(s) go to {}; an interrupted fit continues with resumeFrom={}",
        stage.uid(), stage.getCheckpointInterval(), path, path);
    return new Checkpoints(sc, path, stage.getCheckpointInterval());
  }

  private Checkpoint resume(SparkContext sc) {
    String from = stage.getResumeFrom();
    if (from.isEmpty()) {
      return null;
    }
    String where = SchemaChecks.where(stage, "resumeFrom") + ": '" + from + "'";
    try {
      Path path = new Path(from);
      FileSystem fs = path.getFileSystem(sc.hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new IllegalArgumentException(where + " does not exist");
      }
      if (fs.getFileStatus(path).isDirectory()) {
        FileStatus[] files = fs.listStatus(path, p -> p.getName().endsWith(".ckpt"));
        if (files.length == 0) {
          throw new IllegalArgumentException(where + " holds no checkpoint (*.ckpt); the interrupted fit wrote"
              + " none before it stopped (checkpointInterval " + stage.getCheckpointInterval() + ")");
        }
        path = Arrays.stream(files).map(FileStatus::getPath).max((a, b) -> a.getName().compareTo(b.getName()))
            .orElseThrow();
      }
      try (InputStream in = fs.open(path)) {
        Checkpoint c = Checkpoint.read(in, path.toString());
        LOG.info("{}: resuming from {} (epoch {})", stage.uid(), path, c.epoch());
        return c;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** Checkpoint files {@code epoch-NNNNNN.ckpt} in one directory per fit; the latest is kept. */
  private static final class Checkpoints implements FitLoop.Checkpoints {
    private final SparkContext sc;
    private final Path dir;
    private final int interval;

    Checkpoints(SparkContext sc, Path dir, int interval) {
      this.sc = sc;
      this.dir = dir;
      this.interval = interval;
    }

    @Override
    public int interval() {
      return interval;
    }

    @Override
    public void save(Checkpoint c) {
      Path file = new Path(dir, String.format(Locale.ROOT, "epoch-%06d.ckpt", c.epoch()));
      Path tmp = new Path(dir, "." + file.getName() + ".tmp");
      try {
        FileSystem fs = dir.getFileSystem(sc.hadoopConfiguration());
        try (OutputStream out = fs.create(tmp, true)) {
          c.write(out);
        }
        if (!fs.rename(tmp, file)) {
          throw new IOException("cannot rename " + tmp + " to " + file);
        }
        for (FileStatus f : fs.listStatus(dir, p -> p.getName().endsWith(".ckpt")
            && !p.getName().equals(file.getName()))) {
          fs.delete(f.getPath(), false);
        }
        LOG.info("checkpoint written: {}", file);
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the checkpoint " + file + ": " + e.getMessage()
            + "; check checkpointDir", e);
      }
    }

    void delete() {
      try {
        dir.getFileSystem(sc.hadoopConfiguration()).delete(dir, true);
      } catch (IOException e) {
        LOG.warn("cannot delete the finished fit's checkpoints in {}: {}", dir, e.toString());
      }
    }
  }

  /** The workers as Spark tasks over the shares' partitions. */
  private static final class Spark implements FitLoop.Workers {
    private final JavaSparkContext sc;
    private final TrainingJob job;
    private final JavaRDD<TrainingRows> shares;
    private final int features;
    private final String fitId;
    private final String name;
    private final int maxEpochs;
    private final int tasksPerExecutor;
    private final NeuralEstimator<?, ?> stage;
    private double[] scale = {0, 1, 1};

    Spark(JavaSparkContext sc, TrainingJob job, JavaRDD<TrainingRows> shares, int features, String fitId,
        String name, int maxEpochs, int tasksPerExecutor, NeuralEstimator<?, ?> stage) {
      this.name = name;
      this.tasksPerExecutor = tasksPerExecutor;
      this.stage = stage;
      this.maxEpochs = maxEpochs;
      this.sc = sc;
      this.job = job;
      this.shares = shares;
      this.features = features;
      this.fitId = fitId;
    }

    /**
     * Builds the workers, each from its share of the cached blocks, after checking that the share fits the heap
     * its task may fill ({@link TaskResources#heapBudget}); a share that does not fails the fit before training,
     * naming the settings to change, instead of an OutOfMemoryError that kills the executor.
     */
    @Override
    public FitLoop.Shares prepare() {
      TrainingJob job = this.job;
      String fitId = this.fitId;
      int features = this.features;
      int tasks = tasksPerExecutor;
      sc.setJobDescription(name + ": prepare " + shares.getNumPartitions() + " worker(s)");
      List<double[]> stats = shares.mapPartitionsWithIndex((i, it) -> {
        List<TrainingRows> blocks = drain(it);
        long rows = blocks.stream().mapToLong(TrainingRows::rows).sum();
        long[] budget = TaskResources.heapBudget(tasks);
        long need = rows * TrainingJob.workerRowBytes(features);
        if (need > budget[2] || rows * features > Integer.MAX_VALUE - 8) {
          return List.of(new double[] {-1, i, rows, need, budget[0], budget[1], budget[2], tasks}).iterator();
        }
        return List.of(worker(fitId, job, i, () -> blocks).stats()).iterator();
      }, false).collect();
      for (double[] s : stats) {
        if (s[0] < 0) {
          throw tooLarge(s, stats.stream().mapToLong(t -> (long) (t[0] < 0 ? t[2] : t[0] + t[4])).sum());
        }
      }
      double[] merged = stats.stream().map(s -> new double[] {s[0], s[1], s[2], s[3]})
          .reduce(TrainingJob::mergeStats).orElseThrow();
      scale = job.scale(merged);
      return new FitLoop.Shares(stats.stream().mapToInt(s -> (int) s[0]).toArray(),
          stats.stream().mapToInt(s -> (int) s[4]).toArray());
    }

    /** The error for a share that does not fit its task: {-1, worker, rows, need, heap, cached, budget, tasks}. */
    private IllegalArgumentException tooLarge(double[] s, long totalRows) {
      long rows = (long) s[2];
      if (rows * features > Integer.MAX_VALUE - 8) {
        return new IllegalArgumentException(SchemaChecks.where(stage, "numWorkers") + ": worker " + (int) s[1]
            + "'s share of " + String.format(Locale.ROOT, "%,d", rows) + " rows x " + features + " features"
            + " exceeds a Java array (2^31 floats). Set numWorkers to at least "
            + (rows * features * shares.getNumPartitions() / (Integer.MAX_VALUE - 8) + 1)
            + " so that each share is smaller, or sample the table.");
      }
      long mib = 1 << 20;
      long perTask = Math.max(1, (long) s[6]);
      long enough = (totalRows * TrainingJob.workerRowBytes(features) + perTask - 1) / perTask;
      return new IllegalArgumentException(String.format(Locale.ROOT, "%s: worker %d's share of %,d rows x %d"
          + " features needs %,d MiB of heap in its training task (4 x features + 64 bytes a row), but its executor"
          + " offers %,d MiB a task: (heap %,d MiB - %d MiB Spark reserves - %,d MiB of cached training blocks) / %d"
          + " training task(s) at once. Raise spark.executor.memory (spark.driver.memory with a local master), or"
          + " set numWorkers to %d or more so that each share fits executors like this one, or sample the table.",
          SchemaChecks.where(stage, "numWorkers"), (int) s[1], rows, features,
          (long) s[3] / mib, (long) s[6] / mib, (long) s[4] / mib, TaskResources.SPARK_RESERVED_BYTES / mib,
          (long) s[5] / mib, (int) s[7], enough));
    }

    @Override
    public FitLoop.RoundResult run(Trainer.Pass pass, boolean evaluate, float[] state) {
      TrainingJob job = this.job;
      String fitId = this.fitId;
      double[] scale = this.scale;
      Broadcast<float[]> b = sc.broadcast(state);
      sc.setJobDescription(String.format(Locale.ROOT, "%s: epoch %d/%d, steps %d-%d%s", name, pass.epoch() + 1,
          maxEpochs, pass.from(), pass.to(), evaluate ? ", validation" : ""));
      try {
        return shares.mapPartitionsWithIndex((i, it) -> {
          TaskResources.Binding binding = TaskResources.bind(job.engine());
          BiPredicate<Trainer.Pass, Integer> fault = faultInjection;
          if (fault != null && fault.test(new Trainer.Pass(i, pass.epoch(), pass.from(), pass.to(), 0, 0, 0),
              org.apache.spark.TaskContext.get().attemptNumber())) {
            throw new IllegalStateException("injected fault: worker " + i + ", epoch " + pass.epoch());
          }
          return List.of(worker(fitId, job, i, () -> drain(it)).run(pass, evaluate, b.value(), scale,
              binding.engine())).iterator();
        }, false).reduce(FitLoop.RoundResult::merge);
      } catch (Exception e) { // SparkException, checked to javac: a cancelled job group ends the fit cleanly
        if (e instanceof org.apache.spark.SparkException && String.valueOf(e.getMessage()).contains("cancelled")) {
          throw new FitLoop.Cancelled(e.getMessage());
        }
        throw TrainingDispatch.<RuntimeException>rethrow(e);
      } finally {
        b.destroy(false);
      }
    }

    @Override
    public double metricScale() {
      return scale[1];
    }

    /** Drops the executors' cached workers of this fit (best effort; the cache holds soft references). */
    void release() {
      String fitId = this.fitId;
      sc.setJobDescription(name + ": release workers");
      try {
        WORKERS.keySet().removeIf(k -> k.startsWith(fitId));
        shares.foreachPartition(it -> WORKERS.keySet().removeIf(k -> k.startsWith(fitId)));
      } catch (Exception e) { // e.g. the job group was cancelled with its future jobs: the soft refs expire
        LOG.debug("could not release the cached workers of fit {}: {}", fitId, e.toString());
      } finally {
        sc.setJobDescription(null);
      }
    }
  }

  /** Rethrows {@code e} unchanged (Spark's checked exceptions arrive from Scala undeclared). */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> T rethrow(Throwable e) throws T {
    throw (T) e;
  }

  /** Every block of a share: references to the cached blocks (those read back from disk are deserialized). */
  private static List<TrainingRows> drain(java.util.Iterator<TrainingRows> it) {
    List<TrainingRows> blocks = new java.util.ArrayList<>();
    it.forEachRemaining(blocks::add);
    return blocks;
  }

  /**
   * The cached worker {@code i} of a fit, or a new one built from its share; the share's blocks are read only when
   * the worker must be built.
   */
  private static TrainingJob.Worker worker(String fitId, TrainingJob job, int i,
      java.util.function.Supplier<List<TrainingRows>> blocks) {
    String key = fitId + "/" + i;
    SoftReference<TrainingJob.Worker> ref = WORKERS.get(key);
    TrainingJob.Worker w = ref == null ? null : ref.get();
    if (w == null) {
      // first round of this fit on this executor, or the cache was dropped (memory pressure, a lost executor)
      LOG.debug("building training worker {} of fit {} from its cached share", i, fitId);
      w = job.worker(i, blocks.get());
      WORKERS.put(key, new SoftReference<>(w));
    }
    return w;
  }
}
