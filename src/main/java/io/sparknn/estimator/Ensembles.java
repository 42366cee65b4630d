package io.sparknn.estimator;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the members of a bagged ensemble ({@code ensembleFolds}): as many at once as the cluster has free task slots
 * for (each member is its own fit, with its own Spark jobs), in member order. A member ended by a training listener
 * or a cancelled job group stops the ensemble: members not yet started are skipped.
 */
final class Ensembles {
  private static final Logger LOG = LoggerFactory.getLogger(Ensembles.class);

  private Ensembles() {}

  /**
   * Runs {@code fit} for members 0..k-1 on up to {@code parallel} driver threads (at least 1); {@code interrupted}
   * tells whether member j's fit was ended from outside. Threads inherit the caller's Spark local properties (job
   * group, scheduler pool), so cancelling the caller's job group cancels every member.
   */
  static void train(NeuralEstimator<?, ?> stage, int k, int parallel, IntConsumer fit, IntPredicate interrupted) {
    int threads = Math.max(1, Math.min(k, parallel));
    LOG.info("{}: training a bagged ensemble of {} networks (ensembleFolds), {} at a time; member j validates on"
        + " fold j", stage.uid(), k, threads);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "sparknn-ensemble-" + stage.uid());
      t.setDaemon(true);
      return t;
    });
    try {
      Future<?>[] futures = new Future<?>[k];
      for (int j = 0; j < k; j++) {
        int member = j;
        futures[j] = pool.submit(() -> {
          if (stop.get()) {
            return;
          }
          try {
            fit.accept(member);
          } catch (RuntimeException | Error e) {
            stop.set(true); // no new members after a failure; the first failure is what fit throws
            throw e;
          }
          if (interrupted.test(member)) {
            LOG.info("{}: member {} was stopped from outside; members not started yet are skipped", stage.uid(),
                member + 1);
            stop.set(true);
          }
        });
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw TrainingDispatch.<RuntimeException>rethrow(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(stage.uid() + ": interrupted while training the ensemble", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
