package io.sparknn.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Counts how many times a piece of code reads its input: the number of submitted stages that have no parent
 * stage (a stage with parents reads shuffle output, not the source). Adaptive execution splits one query into
 * several jobs, so counting jobs would overstate the passes; counting source stages does not.
 */
public final class JobCounter {
  private JobCounter() {}

  /** Runs {@code body} and returns how many stages read the source data. */
  public static int sourcePasses(SparkSession spark, Runnable body) throws java.util.concurrent.TimeoutException {
    AtomicInteger passes = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted e) {
        if (e.stageInfo().parentIds().isEmpty()) {
          passes.incrementAndGet();
        }
      }
    };
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().addSparkListener(listener);
    try {
      body.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return passes.get();
  }

  /**
   * Counts, while registered, the training rounds of sparknn fits (jobs described "sparknn … fit: epoch …"), failed
   * task attempts and removed executors. {@link #close} waits for the listener bus and unregisters.
   */
  public static final class Events extends SparkListener implements AutoCloseable {
    /** Training rounds started. */
    public final AtomicInteger rounds = new AtomicInteger();
    /** Descriptions and job groups of the training rounds, in order ("description | group"). */
    public final java.util.List<String> descriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Task attempts that did not succeed. */
    public final AtomicInteger failedTasks = new AtomicInteger();
    /** Executors the driver removed. */
    public final AtomicInteger executorsRemoved = new AtomicInteger();
    private final SparkSession spark;

    private Events(SparkSession spark) {
      this.spark = spark;
    }

    /** Starts counting on {@code spark}'s listener bus. */
    public static Events watch(SparkSession spark) {
      Events e = new Events(spark);
      spark.sparkContext().addSparkListener(e);
      return e;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
      if (d != null && d.startsWith("sparknn ") && d.contains(" fit: epoch ")) {
        rounds.incrementAndGet();
        descriptions.add(d + " | " + e.properties().getProperty("spark.jobGroup.id"));
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      if (!e.taskInfo().successful()) {
        failedTasks.incrementAndGet();
      }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      executorsRemoved.incrementAndGet();
    }

    @Override
    public void close() {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      } finally {
        spark.sparkContext().removeSparkListener(this);
      }
    }
  }
}
