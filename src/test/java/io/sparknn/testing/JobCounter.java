package io.sparknn.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
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
}
