package io.sparknn.train;

/**
 * Follows a fit epoch by epoch on the driver; register one with {@code NeuralClassifier.addTrainingListener} (or
 * the regressor's). {@link #onEpoch} returning false stops the fit cleanly: the model keeps the best epoch so far
 * and the history up to that epoch, as when early stopping ends a fit (in a bagged ensemble, {@code ensembleFolds},
 * the members that have not started are skipped and the model keeps the members trained so far). The per-epoch log
 * line is one such listener ({@link #LOG}). Listeners run on the driver, on the thread of the fit (of the member:
 * an ensemble's members may train at once); calls to one listener never overlap. They are not saved with the
 * estimator and are kept by {@code copy} (so a {@code CrossValidator}'s copies report too).
 */
public interface TrainingListener {
  /**
   * One finished epoch.
   *
   * @param stage the estimator's uid
   * @param epoch the epoch index (0-based)
   * @param maxEpochs the {@code maxEpochs} param
   * @param trainLoss the mean training loss of the epoch
   * @param validationLoss the validation loss (NaN without validation rows)
   * @param validationMetric the validation metric ({@code metricName}; NaN without validation rows)
   * @param metricName accuracy (classification) or rmse (regression)
   * @param learningRate the learning rate at the end of the epoch
   * @param workers the number of workers that trained
   * @param rowsPerSecond training rows per second over the epoch (all workers)
   * @param secondsLeft estimated seconds until {@code maxEpochs} at this epoch's pace (early stopping may end
   *     sooner)
   * @param bestEpoch the best epoch so far
   * @param member the network of a bagged ensemble this epoch trained, in [0, members) (0 without an ensemble)
   * @param members the ensemble's number of networks (1 without an ensemble)
   */
  record Progress(String stage, int epoch, int maxEpochs, double trainLoss, double validationLoss,
      double validationMetric, String metricName, double learningRate, int workers, double rowsPerSecond,
      double secondsLeft, int bestEpoch, int member, int members) {}

  /** Called after every epoch; return false to stop the fit now (the default returns true). */
  default boolean onEpoch(Progress p) {
    return true;
  }

  /** Called once when the fit ends (finished, early-stopped, stopped by a listener or cancelled). */
  default void onEnd(History history) {}

  /** The per-epoch INFO line of {@code io.sparknn.train.FitLoop}: every fit has it. */
  TrainingListener LOG = new TrainingListener() {
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FitLoop.class);

    @Override
    public boolean onEpoch(Progress p) {
      log.info(String.format(java.util.Locale.ROOT, "%s%s epoch %d/%d: train loss %.5f, validation loss %.5f, %s %.5f,"
          + " lr %.3g, %d worker(s), %.0f rows/s, ETA %.0f s", p.stage(), p.members() > 1 ? " member " + (p.member()
          + 1) + "/" + p.members() : "", p.epoch() + 1, p.maxEpochs(), p.trainLoss(),
          p.validationLoss(), p.metricName(), p.validationMetric(), p.learningRate(), p.workers(), p.rowsPerSecond(),
          p.secondsLeft()));
      return true;
    }
  };
}
