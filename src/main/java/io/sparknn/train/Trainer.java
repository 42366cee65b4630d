package io.sparknn.train;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sparknn.nn.Engine;
import io.sparknn.nn.Layer;
import io.sparknn.nn.Loss;
import io.sparknn.nn.Matrix;
import io.sparknn.nn.Network;
import java.util.Random;

/**
 * One worker's side of training: mini-batches over a seeded per-epoch shuffle, optional mixup and Gaussian input
 * noise, the optimizer and learning-rate schedule, run for the steps the {@link FitLoop} asks ({@link #run}), and
 * evaluation. Every random draw comes from (seed, worker, epoch, first step), so a round run twice — a task retried
 * by Spark, a fit resumed from a checkpoint — computes the same weights. {@link #fit} is the whole loop in-process.
 */
public final class Trainer {

  /**
   * Rows to train or validate on: features (row-major, {@code cols} per row), targets and row weights. Targets
   * are either one class index per row ({@link #classes}, read as one-hot rows of width {@code k}) or {@code k}
   * values per row (row-major: soft class probabilities, or the regression target), so a worker holds
   * 4 × cols + 16 bytes per classification row whatever the number of classes.
   *
   * @param x features, row-major
   * @param cols features per row
   * @param y class indices (one per row) when {@code indices}, else {@code k} target values per row
   * @param k target width (classes, or 1 for regression)
   * @param indices {@code y} holds class indices
   * @param w row weights
   */
  public record Examples(float[] x, int cols, double[] y, int k, boolean indices, double[] w) {
    /** Examples whose targets are the class indices {@code labels} of {@code k} classes. */
    public static Examples classes(float[] x, int cols, double[] labels, int k, double[] w) {
      return new Examples(x, cols, labels, k, true, w);
    }

    /** Examples whose targets are {@code k} values per row, row-major. */
    public static Examples targets(float[] x, int cols, double[] y, int k, double[] w) {
      return new Examples(x, cols, y, k, false, w);
    }

    /** Number of rows. */
    public int rows() {
      return w.length;
    }

    /** Writes row {@code r}'s {@code k} target values into {@code dest} from {@code at}. */
    public void target(int r, double[] dest, int at) {
      if (indices) {
        java.util.Arrays.fill(dest, at, at + k, 0);
        dest[at + (int) y[r]] = 1;
      } else {
        System.arraycopy(y, r * k, dest, at, k);
      }
    }

    /** Row {@code r}'s class: its index, or the largest target value's position. */
    int targetClass(int r) {
      if (indices) {
        return (int) y[r];
      }
      int best = 0;
      for (int j = 1; j < k; j++) {
        best = y[r * k + j] > y[r * k + best] ? j : best;
      }
      return best;
    }

    /** Every row's targets as k-wide rows. */
    double[][] targetRows() {
      double[][] out = new double[rows()][k];
      for (int r = 0; r < out.length; r++) {
        target(r, out[r], 0);
      }
      return out;
    }
  }

  /** Loop settings: batch size, epochs, base learning rate, early-stopping patience (0 = off) and min delta. */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Settings(int batchSize, int maxEpochs, double learningRate, int patience, double minDelta,
                         long seed) implements java.io.Serializable {}

  /**
   * Data augmentation of training batches: mixup with λ ~ Beta(α, α) (0 = off) and N(0, σ²) noise (0 = off) on
   * the input slots marked dense (nominal slots keep their own row's category).
   */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Augmentation(double mixup, double inputNoise, boolean[] dense) implements java.io.Serializable {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, 0, null);
  }

  private final Network net;
  private final Loss loss;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final Settings settings;
  private Augmentation augmentation = Augmentation.NONE;
  private Matrix denseMask;
  /** d(loss)/d(output) of the current batch, a buffer kept from batch to batch. */
  private Matrix gradient;
  private double metricScale = 1;
  private int[] order;
  private int orderEpoch = -1;
  private double lastRate;

  /** A trainer of {@code net} with the given loss, optimizer, schedule and settings. */
  public Trainer(Network net, Loss loss, Optimizer optimizer, LearningRateSchedule schedule, Settings settings) {
    if (settings.batchSize() <= 0 || settings.maxEpochs() <= 0) {
      throw new IllegalArgumentException("batchSize and maxEpochs must be > 0, got " + settings.batchSize()
          + " and " + settings.maxEpochs());
    }
    this.net = net;
    this.loss = loss;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.settings = settings;
  }

  /** Augments training batches; returns this. */
  public Trainer augment(Augmentation a) {
    this.augmentation = a;
    return this;
  }

  /** Multiplies the reported regression metric (RMSE), for targets trained in standardized units; returns this. */
  public Trainer reportScale(double scale) {
    this.metricScale = scale;
    return this;
  }

  /**
   * Where a round of training steps sits in the fit, as the driver plans it: steps {@code [from, to)} of epoch
   * {@code epoch} of this worker's pass over its rows (batch {@code s} of an epoch always holds the same rows, so a
   * retried round repeats itself exactly), the global step of the epoch's first batch for the learning-rate
   * schedule, the schedule's total steps and the optimizer updates made so far (bias correction).
   *
   * @param worker this worker's index
   * @param epoch the epoch
   * @param from first step of the epoch to run
   * @param to end (exclusive); {@code from == to} runs nothing (an evaluation-only round)
   * @param stepBase global step of the epoch's first batch
   * @param totalSteps steps of the whole fit (schedule)
   * @param updates optimizer updates made before this round
   */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Pass(int worker, int epoch, int from, int to, long stepBase, long totalSteps, long updates)
      implements java.io.Serializable {}

  /**
   * Trains on {@code train}, validating on {@code validation} (may be null: then early stopping watches the
   * training loss), and leaves the best epoch's weights in the network: the {@link FitLoop} with this trainer as
   * its only worker.
   */
  public History fit(Examples train, Examples validation) {
    FitLoop.Result r = new FitLoop(settings, loss.classification(), net.size(), 0, null)
        .run(new FitLoop.Local(this, train, validation), state(), null);
    net.load(r.weights());
    return r.history();
  }

  /** Optimizer steps in one epoch over {@code rows} training rows. */
  public int stepsPerEpoch(int rows) {
    int batch = Math.min(settings.batchSize(), rows);
    return rows == 0 ? 0 : (rows + batch - 1) / batch;
  }

  /** A seed for (seed, worker, epoch, step): worker 0's epoch-0 stream starts from the seed itself. */
  /** The seed of member {@code j} ≥ 1 of a bagged ensemble (member 0 keeps the fit's seed). */
  public static long memberSeed(long seed, int j) {
    return seed(seed ^ 0x3C6EF372FE94F82AL, j, -1, -1);
  }

  static long seed(long seed, int worker, int epoch, int step) {
    long h = seed;
    for (long v : new long[] {worker, epoch, step}) {
      h = h * 0x9E3779B97F4A7C15L + v;
      h ^= h >>> 31;
    }
    return h;
  }

  /**
   * Runs the steps {@code pass} names over {@code train}: each batch is copied to the network's engine once;
   * augmentation, forward, loss, backward and the update run there. Returns {weighted loss sum, weight sum}.
   */
  public double[] run(Examples train, Pass pass) {
    int n = train.rows();
    if (pass.from() >= pass.to() || n == 0) {
      return new double[2];
    }
    int batch = Math.min(settings.batchSize(), n);
    if (orderEpoch != pass.epoch() || order == null || order.length != n) {
      order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      shuffle(order, new Random(seed(settings.seed(), pass.worker(), pass.epoch(), -1)));
      orderEpoch = pass.epoch();
    }
    Random rng = new Random(seed(settings.seed(), pass.worker(), pass.epoch(), pass.from()));
    Engine engine = net.engine();
    boolean precise = net.precise();
    if (denseMask == null && augmentation.dense() != null) {
      denseMask = denseMask(engine, train.cols(), precise);
    }
    double lossSum = 0;
    double weightSum = 0;
    int k = train.k();
    for (int s = pass.from(); s < pass.to(); s++) {
      int start = s * batch;
      if (start >= n) {
        break;
      }
      int rows = Math.min(n, start + batch) - start;
      float[] xs = new float[rows * train.cols()];
      double[] ys = new double[rows * k];
      double[] ws = new double[rows];
      double bw = 0;
      for (int i = 0; i < rows; i++) {
        int r = order[start + i];
        System.arraycopy(train.x(), r * train.cols(), xs, i * train.cols(), train.cols());
        train.target(r, ys, i * k);
        ws[i] = train.w()[r];
        bw += ws[i];
      }
      if (bw == 0) {
        continue;
      }
      double stepLr = schedule.at(pass.stepBase() + s, pass.totalSteps(), settings.learningRate());
      lastRate = stepLr;
      double batchLoss = engine.scoped(() -> {
        Matrix x = engine.fromFloats(xs, rows, train.cols(), precise);
        Matrix y = engine.fromDoubles(ys, rows, k, precise);
        Matrix w = engine.fromDoubles(ws, rows, 1, precise);
        augmentBatch(x, y, rng);
        Matrix out = net.forward(x, new Layer.Pass(true, rng));
        gradient = engine.reuse(gradient, out.rows, out.cols, precise);
        double value = loss.compute(out, y, w, gradient);
        // a subnormal float gradient slows every product it enters (~100 cycles per operation): flush it
        engine.map(gradient, Engine.Fn.FLUSH, 1e-30, gradient);
        net.backward(gradient);
        optimizer.step(net.params(), stepLr);
        return value;
      });
      lossSum += batchLoss * bw;
      weightSum += bw;
    }
    return new double[] {lossSum, weightSum};
  }

  /**
   * Runs {@code pass} on {@code train}, evaluates on {@code validation} when asked, and returns this worker's
   * part of the round.
   */
  public FitLoop.RoundResult round(Examples train, Examples validation, Pass pass, boolean evaluate) {
    optimizer.steps(pass.updates());
    double[] l = run(train, pass);
    long made = optimizer.steps() - pass.updates();
    return new FitLoop.RoundResult(state(), pass.to() - pass.from() > 0 ? made : 0, made, lastRate, l[0], l[1],
        evaluate ? evaluationSums(validation) : null);
  }

  /** The network's values and the optimizer's moments, in one array ({@link #load}). */
  public float[] state() {
    float[] w = net.toFloats();
    float[] m = optimizer.moments(net.params());
    float[] out = java.util.Arrays.copyOf(w, w.length + m.length);
    System.arraycopy(m, 0, out, w.length, m.length);
    return out;
  }

  /** Loads a {@link #state()}; a network-only array (no moments) resets the optimizer's moments to zero. */
  public void load(float[] state) {
    int size = net.size();
    net.load(size == state.length ? state : java.util.Arrays.copyOf(state, size));
    optimizer.loadMoments(net.params(), state, size);
  }

  /**
   * Applies mixup and input noise to a training batch in place, on the batch's engine: with a seeded partner
   * permutation p and λ' = max(λ, 1 − λ), x ← x + (1 − λ')·(x[p] − x) on dense slots and y ← λ'·y + (1 − λ')·y[p];
   * noise N(0, σ²) is added to dense slots.
   */
  private void augmentBatch(Matrix x, Matrix y, Random rng) {
    Augmentation a = augmentation;
    Engine e = x.engine();
    if (a.mixup() > 0 && x.rows > 1) {
      double lambda = beta(a.mixup(), rng);
      lambda = Math.max(lambda, 1 - lambda); // each row stays mostly itself, so its categories stay its own
      int[] partner = new int[x.rows];
      for (int i = 0; i < partner.length; i++) {
        partner[i] = i;
      }
      shuffle(partner, rng);
      Matrix delta = x.like(x.rows, x.cols);
      e.gatherRows(x, partner, delta);
      e.linear(1, delta, -1, x, delta);
      if (denseMask != null) {
        e.broadcast(delta, denseMask, true, delta);
      }
      e.linear(1, x, 1 - lambda, delta, x);
      Matrix mixed = y.like(y.rows, y.cols);
      e.gatherRows(y, partner, mixed);
      e.linear(lambda, y, 1 - lambda, mixed, y);
    }
    if (a.inputNoise() > 0) {
      Matrix noise = x.like(x.rows, x.cols);
      e.gaussian(noise, a.inputNoise(), rng.nextLong());
      if (denseMask != null) {
        e.broadcast(noise, denseMask, true, noise);
      }
      e.linear(1, x, 1, noise, x);
    }
  }

  /** 1 for the dense input slots, 0 for nominal ones (a row vector on the engine), or null when all are dense. */
  private Matrix denseMask(Engine engine, int cols, boolean precise) {
    boolean[] dense = augmentation.dense();
    if (dense == null) {
      return null;
    }
    double[] mask = new double[cols];
    for (int j = 0; j < cols; j++) {
      mask[j] = dense[j] ? 1 : 0;
    }
    return engine.fromDoubles(mask, 1, cols, precise); // made before any scope: it lasts the whole fit
  }

  /** A Beta(α, α) draw from two Gamma(α) draws (Marsaglia–Tsang). */
  static double beta(double alpha, Random rng) {
    double a = gamma(alpha, rng);
    double b = gamma(alpha, rng);
    return a + b == 0 ? 0.5 : a / (a + b);
  }

  private static double gamma(double alpha, Random rng) {
    if (alpha < 1) {
      return gamma(alpha + 1, rng) * Math.pow(rng.nextDouble(), 1 / alpha);
    }
    double d = alpha - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = rng.nextGaussian();
      double v = Math.pow(1 + c * z, 3);
      if (v > 0 && Math.log(rng.nextDouble()) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  /** The network's outputs for every row of {@code ex}, without dropout, in the engine's scoring batches. */
  public double[][] predict(Examples ex) {
    double[][] out = new double[ex.rows()][];
    int batch = net.scoringBatch();
    for (int start = 0; start < ex.rows(); start += batch) {
      int end = Math.min(ex.rows(), start + batch);
      double[] values = net.infer(ex.x(), start, end - start);
      for (int i = start; i < end; i++) {
        out[i] = java.util.Arrays.copyOfRange(values, (i - start) * net.outputs(), (i - start + 1) * net.outputs());
      }
    }
    return out;
  }

  /** Weighted loss and metric (accuracy, or RMSE times the report scale) of the network on {@code ex}. */
  public double[] evaluate(Examples ex) {
    return finish(evaluationSums(ex), loss.classification(), metricScale);
  }

  /**
   * {weighted loss sum, weighted metric sum (correct rows, or squared errors), weight sum} of the network on
   * {@code ex}: sums, so that workers' shares add up ({@link #finish}).
   */
  public double[] evaluationSums(Examples ex) {
    if (ex == null || ex.rows() == 0) {
      return new double[3];
    }
    double[][] out = predict(ex);
    double[][] g = new double[out.length][out[0].length];
    double[][] targets = ex.targetRows();
    double value = loss.compute(out, targets, ex.w(), g);
    double total = 0;
    double metric = 0;
    for (int i = 0; i < out.length; i++) {
      total += ex.w()[i];
      if (loss.classification()) {
        metric += Loss.argmax(out[i]) == ex.targetClass(i) ? ex.w()[i] : 0;
      } else {
        double e = out[i][0] - targets[i][0];
        metric += ex.w()[i] * e * e;
      }
    }
    return new double[] {value * total, metric, total};
  }

  /** {loss, metric} from {@link #evaluationSums} (NaN without weight). */
  static double[] finish(double[] sums, boolean classification, double metricScale) {
    if (!(sums[2] > 0)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {sums[0] / sums[2], classification ? sums[1] / sums[2]
        : Math.sqrt(sums[1] / sums[2]) * metricScale};
  }

  /** The network trained. */
  public Network network() {
    return net;
  }

  /** The factor applied to the reported RMSE. */
  double metricScale() {
    return metricScale;
  }

  /** The training settings. */
  Settings settings() {
    return settings;
  }

  private static void shuffle(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
