package io.sparknn.train;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Serializable;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fit, as the driver runs it: epochs of synchronous rounds over the {@link Workers}, averaging, validation,
 * early stopping that keeps the best epoch's weights, the {@link History} and checkpoints.
 *
 * <p>A round hands every worker the same state (weights and optimizer moments); each worker takes {@code syncEvery}
 * steps ({@link #stepsPerRound}) on its own share of the rows, and the workers' states are combined: the trained
 * weights move by the sum of the workers' changes, Adam's moments and batch-norm running statistics are averaged
 * (local SGD; with one worker it is plain SGD, one round per epoch);
 * after the epoch's last round the averaged network is evaluated on every worker's validation share and the sums
 * are added, so early stopping watches the validation loss of the whole validation set. Every decision is taken
 * here from the last synchronised state, so a worker that fails and is retried repeats its round exactly.
 */
public final class FitLoop {
  private static final Logger LOG = LoggerFactory.getLogger(FitLoop.class);

  /** Rows per worker: training rows and validation rows. */
  public record Shares(int[] train, int[] validation) {}

  /**
   * What a round returns, already combined over the workers: the averaged state, the steps taken (the weight of
   * the average), the most optimizer updates one worker made, the learning rate of the last step, the weighted
   * training-loss sum and weight, and the validation sums ({@link Trainer#evaluationSums}; null when not asked).
   *
   * @param state weights and optimizer moments
   * @param steps steps taken over all workers
   * @param updates the most updates one worker made
   * @param rate learning rate of the last step
   * @param lossSum weighted training-loss sum
   * @param weightSum training weight
   * @param validation validation sums, or null
   */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record RoundResult(float[] state, double steps, long updates, double rate, double lossSum,
      double weightSum, double[] validation) implements Serializable {
    /** The two workers' results combined: states averaged by steps taken, sums added. */
    public static RoundResult merge(RoundResult a, RoundResult b) {
      float[] state;
      if (b.steps == 0) {
        state = a.state;
      } else if (a.steps == 0) {
        state = b.state;
      } else {
        state = new float[a.state.length];
        double wa = a.steps / (a.steps + b.steps);
        for (int i = 0; i < state.length; i++) {
          state[i] = (float) (a.state[i] * wa + b.state[i] * (1 - wa));
        }
      }
      double[] v = a.validation == null ? b.validation : b.validation == null ? a.validation
          : new double[] {a.validation[0] + b.validation[0], a.validation[1] + b.validation[1],
              a.validation[2] + b.validation[2]};
      return new RoundResult(state, a.steps + b.steps, Math.max(a.updates, b.updates), Math.max(a.rate, b.rate),
          a.lossSum + b.lossSum, a.weightSum + b.weightSum, v);
    }
  }

  /** The workers of a fit: in-process ({@link Local}) or Spark tasks. */
  public interface Workers {
    /** Prepares every worker (its rows, its validation hold-out) and returns the rows per worker. */
    Shares prepare();

    /**
     * Runs {@code pass} (its worker index is filled in by each worker) on every worker from {@code state}, then,
     * when {@code evaluate}, evaluates the resulting network on each validation share; returns the combination.
     */
    RoundResult run(Trainer.Pass pass, boolean evaluate, float[] state);

    /** The factor of the reported RMSE (the target's standard deviation), 1 for classification. */
    double metricScale();
  }

  /**
   * The best epoch's network values and the history; {@code interrupted} when a listener or a cancelled job group
   * ended the fit (not early stopping or {@code maxEpochs}).
   */
  public record Result(float[] weights, History history, boolean interrupted) {}

  /** Where checkpoints go. */
  public interface Checkpoints {
    /** Epochs between checkpoints. */
    int interval();

    /** Writes {@code c} (the latest one is what a resumed fit reads). */
    void save(Checkpoint c);
  }

  private final Trainer.Settings settings;
  private final boolean classification;
  private final int netSize;
  private final int syncEvery;
  private final Checkpoints checkpoints;
  private String fingerprint = "";
  private boolean[] trainable;
  private String stage = "fit";
  private java.util.List<TrainingListener> listeners = java.util.List.of(TrainingListener.LOG);
  private int member;
  private int members = 1;

  /**
   * A loop over epochs with {@code settings}; {@code netSize} values of the state are the network (the rest are
   * optimizer moments); {@code syncEvery} steps per round with several workers (0 = one round per epoch);
   * {@code checkpoints} may be null.
   */
  public FitLoop(Trainer.Settings settings, boolean classification, int netSize, int syncEvery,
      Checkpoints checkpoints) {
    this.settings = settings;
    this.classification = classification;
    this.netSize = netSize;
    this.syncEvery = syncEvery;
    this.checkpoints = checkpoints;
  }

  /**
   * Marks which of the network's values are trained weights (the rest, e.g. batch-norm running statistics, are
   * averaged, never extrapolated); returns this.
   */
  public FitLoop trainable(boolean[] values) {
    this.trainable = values;
    return this;
  }

  /**
   * The averaged state with every trained weight moved from {@code before} by the sum of the workers' changes
   * instead of their mean ({@code before + w·(mean − before)}): the round then advances the model as far as
   * {@code w} rounds of one worker would, so numWorkers does not divide the progress per epoch. Optimizer moments
   * and running statistics stay averaged.
   */
  private float[] sumOfDeltas(float[] before, float[] mean, int w) {
    for (int i = 0; i < netSize; i++) {
      if (trainable == null || trainable[i]) {
        mean[i] = (float) (before[i] + w * ((double) mean[i] - before[i]));
      }
    }
    return mean;
  }

  /**
   * Steps per round with {@code w} workers and {@code stepsPerEpoch}: {@code syncEvery}, or when it is 0 at least
   * 8 steps and at most 8 rounds per epoch.
   */
  static int stepsPerRound(int syncEvery, int w, int stepsPerEpoch) {
    if (w == 1) {
      return stepsPerEpoch;
    }
    int auto = Math.max(8, (stepsPerEpoch + 7) / 8);
    return Math.min(stepsPerEpoch, syncEvery > 0 ? syncEvery : auto);
  }

  /**
   * Names the fit ({@code stage}, the estimator's uid) and sets who hears about each epoch: {@link
   * TrainingListener#LOG} first, then {@code extra}; returns this.
   */
  public FitLoop listeners(String stage, java.util.List<TrainingListener> extra) {
    this.stage = stage;
    java.util.List<TrainingListener> all = new java.util.ArrayList<>();
    all.add(TrainingListener.LOG);
    all.addAll(extra);
    this.listeners = all;
    return this;
  }

  /** Marks the fit as member {@code j} of an ensemble of {@code k} networks (for listeners); returns this. */
  public FitLoop member(int j, int k) {
    this.member = j;
    this.members = k;
    return this;
  }

  /** Tags checkpoints with what must match for a resume (architecture and training params); returns this. */
  public FitLoop fingerprint(String f) {
    this.fingerprint = f;
    return this;
  }

  /** Runs the fit from {@code initial} (or from {@code resume}, a checkpoint of the same fit, when not null). */
  public Result run(Workers workers, float[] initial, Checkpoint resume) {
    Shares shares = workers.prepare();
    int w = shares.train().length;
    int batch = settings.batchSize();
    int stepsPerEpoch = 0;
    for (int rows : shares.train()) {
      stepsPerEpoch = Math.max(stepsPerEpoch, rows == 0 ? 0 : (rows + Math.min(batch, rows) - 1)
          / Math.min(batch, rows));
    }
    if (stepsPerEpoch == 0) {
      throw new IllegalArgumentException("no training rows left after holding out the validation rows");
    }
    boolean validation = Arrays.stream(shares.validation()).sum() > 0;
    long totalSteps = (long) stepsPerEpoch * settings.maxEpochs();
    int perRound = stepsPerRound(syncEvery, w, stepsPerEpoch);
    History history = new History(classification ? "accuracy" : "rmse");
    float[] state = initial;
    float[] best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = -1;
    long updates = 0;
    int first = 0;
    if (resume != null) {
      resume.check(fingerprint, state.length);
      state = resume.state();
      best = resume.best();
      bestLoss = resume.bestLoss();
      bestEpoch = resume.bestEpoch();
      updates = resume.updates();
      first = resume.epoch();
      history = History.restore(resume.metricName(), resume.bestEpoch(), Arrays.asList(resume.history()));
      LOG.info("resuming at epoch {} from a checkpoint (best epoch {})", first, bestEpoch);
    }
    boolean interrupted = false; // by a listener: the fit ends like early stopping, and says so
    for (int epoch = first; epoch < settings.maxEpochs(); epoch++) {
      long t0 = System.nanoTime();
      double lossSum = 0;
      double weightSum = 0;
      double rate = 0;
      double[] val = null;
      try {
        for (int from = 0; from < stepsPerEpoch; from += perRound) {
          int to = Math.min(stepsPerEpoch, from + perRound);
          boolean evaluate = validation && w == 1 && to == stepsPerEpoch;
          RoundResult r = workers.run(new Trainer.Pass(-1, epoch, from, to, (long) epoch * stepsPerEpoch,
              totalSteps, updates), evaluate, state);
          state = w > 1 && r.steps() > 0 ? sumOfDeltas(state, r.state(), w) : r.state();
          updates += r.updates();
          rate = r.rate();
          lossSum += r.lossSum();
          weightSum += r.weightSum();
          val = r.validation() != null ? r.validation() : val;
        }
        if (validation && val == null) { // several workers: evaluate the averaged network
          val = workers.run(new Trainer.Pass(-1, epoch, 0, 0, 0, totalSteps, updates), true, state).validation();
        }
      } catch (Cancelled c) {
        if (best == null) {
          throw new IllegalStateException(stage + ": the fit was cancelled before its first epoch ended: "
              + c.getMessage(), c);
        }
        LOG.info("{}: cancelled during epoch {}; keeping the best epoch, {}", stage, epoch + 1, bestEpoch + 1);
        return end(best, state, history, true);
      }
      if (weightSum == 0) {
        throw new IllegalArgumentException("every training row has weight 0 (weightCol); nothing to learn from");
      }
      double trainLoss = lossSum / weightSum;
      if (!Double.isFinite(trainLoss)) {
        throw new IllegalStateException("training diverged at epoch " + epoch + " (loss " + trainLoss
            + "); lower learningRate or set clipNorm");
      }
      double[] v = validation ? Trainer.finish(val, classification, workers.metricScale())
          : new double[] {Double.NaN, Double.NaN};
      double monitored = validation ? v[0] : trainLoss;
      boolean improved = monitored < bestLoss - settings.minDelta();
      if (improved) {
        bestLoss = monitored;
        bestEpoch = epoch;
        best = Arrays.copyOf(state, netSize);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      history.add(new History.Epoch(epoch, trainLoss, v[0], v[1], rate, seconds), improved);
      TrainingListener.Progress progress = new TrainingListener.Progress(stage, epoch, settings.maxEpochs(),
          trainLoss, v[0], v[1], history.metricName(), rate, w, Arrays.stream(shares.train()).sum() / seconds,
          seconds * (settings.maxEpochs() - epoch - 1), bestEpoch, member, members);
      boolean stop = settings.patience() > 0 && epoch - bestEpoch >= settings.patience();
      for (TrainingListener l : listeners) {
        boolean go;
        synchronized (l) { // an ensemble's members may train at once: calls to one listener never overlap
          go = l.onEpoch(progress);
        }
        if (!go && !stop) {
          LOG.info("{}: stopped by a training listener after epoch {}; keeping the best epoch, {}", stage,
              epoch + 1, bestEpoch + 1);
          stop = true;
          interrupted = true;
        }
      }
      if (checkpoints != null && !stop && epoch + 1 < settings.maxEpochs()
          && (epoch + 1) % checkpoints.interval() == 0) {
        checkpoints.save(new Checkpoint(fingerprint, epoch + 1, updates, state, best, bestLoss, bestEpoch,
            history.metricName(), history.table()));
      }
      if (stop) {
        break;
      }
    }
    return end(best, state, history, interrupted);
  }

  private Result end(float[] best, float[] state, History history, boolean interrupted) {
    for (TrainingListener l : listeners) {
      synchronized (l) {
        l.onEnd(history);
      }
    }
    return new Result(best != null ? best : Arrays.copyOf(state, netSize), history, interrupted);
  }

  /**
   * Thrown by {@link Workers#run} when the round was cancelled from outside (its Spark job group): the loop ends
   * the fit with the best epoch so far.
   */
  public static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A cancelled round, with Spark's reason. */
    public Cancelled(String reason) {
      super(reason);
    }
  }

  /** The loop's only worker is an in-process {@link Trainer} (tests, and {@link Trainer#fit}). */
  public static final class Local implements Workers {
    private final Trainer trainer;
    private final Trainer.Examples train;
    private final Trainer.Examples validation;
    private float[] last;

    /** A worker training {@code trainer} on {@code train}, validating on {@code validation} (may be null). */
    public Local(Trainer trainer, Trainer.Examples train, Trainer.Examples validation) {
      this.trainer = trainer;
      this.train = train;
      this.validation = validation;
    }

    @Override
    public Shares prepare() {
      return new Shares(new int[] {train.rows()}, new int[] {validation == null ? 0 : validation.rows()});
    }

    @Override
    public RoundResult run(Trainer.Pass pass, boolean evaluate, float[] state) {
      if (state != last) {
        trainer.load(state);
      }
      Trainer.Pass mine = new Trainer.Pass(0, pass.epoch(), pass.from(), pass.to(), pass.stepBase(),
          pass.totalSteps(), pass.updates());
      return last(trainer.round(train, validation, mine, evaluate));
    }

    private RoundResult last(RoundResult r) {
      last = r.state();
      return r;
    }

    @Override
    public double metricScale() {
      return trainer.metricScale();
    }
  }
}
