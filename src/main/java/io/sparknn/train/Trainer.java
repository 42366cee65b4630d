package io.sparknn.train;

import io.sparknn.nn.Loss;
import io.sparknn.nn.Network;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: mini-batches over a seeded per-epoch shuffle, the optimizer and learning-rate schedule,
 * validation after every epoch, early stopping that restores the best epoch's weights, and the {@link History}.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /** Rows to train or validate on: features (rows × inputs), targets (one-hot or one value per row), weights. */
  public record Examples(INDArray x, double[][] y, double[] w) {
    /** Number of rows. */
    public int rows() {
      return y.length;
    }
  }

  /** Loop settings: batch size, epochs, base learning rate, early-stopping patience (0 = off) and min delta. */
  public record Settings(int batchSize, int maxEpochs, double learningRate, int patience, double minDelta,
                         long seed) implements java.io.Serializable {}

  private final Network net;
  private final Loss loss;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final Settings settings;

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
    INDArray mask = net.weightMask();
    History history = new History(loss.classification() ? "accuracy" : "rmse");
    INDArray best = null;
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
        int[] rows = java.util.Arrays.copyOfRange(order, start, end);
        double[][] y = new double[rows.length][];
        double[] w = new double[rows.length];
        double bw = 0;
        for (int i = 0; i < rows.length; i++) {
          y[i] = train.y()[rows[i]];
          w[i] = train.w()[rows[i]];
          bw += w[i];
        }
        if (bw == 0) {
          continue;
        }
        INDArray out = net.forward(train.x().getRows(rows), true, rng);
        double[][] g = new double[rows.length][out.columns()];
        double batchLoss = loss.compute(out.toDoubleMatrix(), y, w, g);
        lossSum += batchLoss * bw;
        weightSum += bw;
        net.backward(Nd4j.create(g).castTo(out.dataType()));
        lr = schedule.at(step++, totalSteps, settings.learningRate());
        optimizer.step(net.params(), net.grads(), lr, mask);
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
        best = net.params().dup();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      history.add(new History.Epoch(epoch, trainLoss, val[0], val[1], lr, seconds), improved);
      LOG.info(String.format(java.util.Locale.ROOT, "epoch %d: train loss %.5f, validation loss %.5f, %s %.5f,"
          + " lr %.3g, %.0f rows/s", epoch, trainLoss, val[0], history.metricName(), val[1], lr, n / seconds));
      if (settings.patience() > 0 && epoch - bestEpoch >= settings.patience()) {
        break;
      }
    }
    if (best != null) {
      net.params().assign(best);
    }
    return history;
  }

  /** Weighted loss and metric (accuracy or RMSE) of the network on {@code ex}, without dropout. */
  public double[] evaluate(Examples ex) {
    double[][] out = net.forward(ex.x(), false, null).toDoubleMatrix();
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
    return new double[] {value, loss.classification() ? metric / total : Math.sqrt(metric / total)};
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
