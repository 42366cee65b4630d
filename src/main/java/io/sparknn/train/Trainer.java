package io.sparknn.train;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sparknn.nn.Engine;
import io.sparknn.nn.Layer;
import io.sparknn.nn.Loss;
import io.sparknn.nn.Matrix;
import io.sparknn.nn.Network;
import java.util.Locale;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: mini-batches over a seeded per-epoch shuffle, optional mixup and Gaussian input noise, the
 * optimizer and learning-rate schedule, validation after every epoch, early stopping that restores the best
 * epoch's weights, and the {@link History}. Each batch is copied to the network's engine once; augmentation,
 * forward, loss, backward and the update run there.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /**
   * Rows to train or validate on: features (row-major, {@code cols} per row), targets (one-hot or soft class
   * probabilities, or one value per row) and row weights.
   */
  public record Examples(float[] x, int cols, double[][] y, double[] w) {
    /** Number of rows. */
    public int rows() {
      return y.length;
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
   * Trains on {@code train}, validating on {@code validation} (may be null: then early stopping watches the
   * training loss), and leaves the best epoch's weights in the network.
   */
  public History fit(Examples train, Examples validation) {
    int n = train.rows();
    int batch = Math.min(settings.batchSize(), n);
    long stepsPerEpoch = (n + batch - 1) / batch;
    long totalSteps = stepsPerEpoch * settings.maxEpochs();
    Random rng = new Random(settings.seed());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    History history = new History(loss.classification() ? "accuracy" : "rmse");
    Engine engine = net.engine();
    boolean precise = net.precise();
    gradient = null;
    denseMask = denseMask(engine, train.cols(), precise);
    float[] best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = -1;
    long step = 0;
    for (int epoch = 0; epoch < settings.maxEpochs(); epoch++) {
      long t0 = System.nanoTime();
      shuffle(order, rng);
      double lossSum = 0;
      double weightSum = 0;
      double lr = 0;
      for (int start = 0; start < n; start += batch) {
        int end = Math.min(n, start + batch);
        int rows = end - start;
        int k = train.y()[0].length;
        float[] xs = new float[rows * train.cols()];
        double[] ys = new double[rows * k];
        double[] ws = new double[rows];
        double bw = 0;
        for (int i = 0; i < rows; i++) {
          int r = order[start + i];
          System.arraycopy(train.x(), r * train.cols(), xs, i * train.cols(), train.cols());
          System.arraycopy(train.y()[r], 0, ys, i * k, k);
          ws[i] = train.w()[r];
          bw += ws[i];
        }
        if (bw == 0) {
          continue;
        }
        // one host-to-engine copy per batch; everything after it runs on the engine, in one scratch scope
        double stepLr = schedule.at(step++, totalSteps, settings.learningRate());
        lr = stepLr;
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
      double trainLoss = lossSum / weightSum;
      if (!Double.isFinite(trainLoss)) {
        throw new IllegalStateException("training diverged at epoch " + epoch + " (loss " + trainLoss
            + "); lower learningRate or set clipNorm");
      }
      double[] val = validation == null ? new double[] {Double.NaN, Double.NaN} : evaluate(validation);
      double monitored = validation == null ? trainLoss : val[0];
      boolean improved = monitored < bestLoss - settings.minDelta();
      if (improved) {
        bestLoss = monitored;
        bestEpoch = epoch;
        best = net.toFloats();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      history.add(new History.Epoch(epoch, trainLoss, val[0], val[1], lr, seconds), improved);
      LOG.info(String.format(Locale.ROOT, "epoch %d: train loss %.5f, validation loss %.5f, %s %.5f,"
          + " lr %.3g, %.0f rows/s", epoch, trainLoss, val[0], history.metricName(), val[1], lr, n / seconds));
      if (settings.patience() > 0 && epoch - bestEpoch >= settings.patience()) {
        break;
      }
    }
    if (best != null) {
      net.load(best);
    }
    return history;
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
    double[][] out = predict(ex);
    double[][] g = new double[out.length][out[0].length];
    double value = loss.compute(out, ex.y(), ex.w(), g);
    double total = 0;
    double metric = 0;
    for (int i = 0; i < out.length; i++) {
      total += ex.w()[i];
      if (loss.classification()) {
        metric += Loss.argmax(out[i]) == Loss.argmax(ex.y()[i]) ? ex.w()[i] : 0;
      } else {
        double e = out[i][0] - ex.y()[i][0];
        metric += ex.w()[i] * e * e;
      }
    }
    return new double[] {value, loss.classification() ? metric / total : Math.sqrt(metric / total) * metricScale};
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
