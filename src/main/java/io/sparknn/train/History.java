package io.sparknn.train;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Per-epoch training record — train loss, validation loss and metric, learning rate, seconds — with the best
 * epoch and a fit diagnosis computed from the curves, as the seed describes: training loss falling while validation
 * loss rises is overfitting; both high and flat is underfitting.
 */
public final class History implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One epoch; validation values are NaN without a validation set. */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Epoch(int epoch, double trainLoss, double validationLoss, double validationMetric,
                      double learningRate, double seconds) implements Serializable {}

  /** The verdict of {@link #diagnosis()}. */
  public enum Fit { OVERFITTING, UNDERFITTING, GOOD_FIT, INCONCLUSIVE }

  /** A verdict with the numbers behind it. */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Diagnosis(Fit fit, String reason) implements Serializable {}

  private final List<Epoch> epochs = new ArrayList<>();
  private final String metricName;
  private int bestEpoch = -1;

  /** An empty history whose validation metric is called {@code metricName}. */
  public History(String metricName) {
    this.metricName = metricName;
  }

  /** Rebuilds a saved history from rows {epoch, trainLoss, validationLoss, validationMetric, lr, seconds}. */
  public static History restore(String metricName, int bestEpoch, List<double[]> rows) {
    History h = new History(metricName);
    for (double[] r : rows) {
      h.epochs.add(new Epoch((int) r[0], r[1], r[2], r[3], r[4], r[5]));
    }
    h.bestEpoch = bestEpoch;
    return h;
  }

  /** The epochs as rows {epoch, trainLoss, validationLoss, validationMetric, lr, seconds} ({@link #restore}). */
  public double[][] table() {
    return epochs.stream().map(e -> new double[] {e.epoch(), e.trainLoss(), e.validationLoss(),
        e.validationMetric(), e.learningRate(), e.seconds()}).toArray(double[][]::new);
  }

  void add(Epoch e, boolean best) {
    epochs.add(e);
    if (best) {
      bestEpoch = e.epoch();
    }
  }

  /** Every epoch, in order. */
  public List<Epoch> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** The epoch whose weights the model keeps (lowest monitored loss), or -1 before training. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** Name of the validation metric (accuracy or rmse). */
  public String metricName() {
    return metricName;
  }

  /**
   * The fit verdict. Needs at least 3 epochs with validation. OVERFITTING: validation loss at the end is more
   * than 10 % above its best while training loss kept falling after the best epoch. UNDERFITTING: training loss
   * fell less than 10 % from the first epoch and validation loss is within 10 % of it (both high and flat).
   * GOOD_FIT otherwise.
   */
  public Diagnosis diagnosis() {
    if (epochs.size() < 3 || Double.isNaN(epochs.get(0).validationLoss())) {
      return new Diagnosis(Fit.INCONCLUSIVE, epochs.size() < 3 ? "fewer than 3 epochs"
          : "no validation set: set validationFraction or validationIndicatorCol");
    }
    Epoch first = epochs.get(0);
    Epoch last = epochs.get(epochs.size() - 1);
    Epoch best = epochs.stream().min((a, b) -> Double.compare(a.validationLoss(), b.validationLoss())).orElseThrow();
    if (last.validationLoss() > best.validationLoss() * 1.1 && last.trainLoss() < best.trainLoss()) {
      return new Diagnosis(Fit.OVERFITTING, String.format(Locale.ROOT, "validation loss rose from %.4g (epoch %d)"
          + " to %.4g while training loss fell from %.4g to %.4g", best.validationLoss(), best.epoch(),
          last.validationLoss(), best.trainLoss(), last.trainLoss()));
    }
    double trainDrop = (first.trainLoss() - last.trainLoss()) / first.trainLoss();
    if (trainDrop < 0.1 && Math.abs(last.validationLoss() - last.trainLoss()) <= 0.1 * last.trainLoss()) {
      return new Diagnosis(Fit.UNDERFITTING, String.format(Locale.ROOT, "training loss fell only %.1f %% (%.4g →"
          + " %.4g) and validation loss %.4g is as high", 100 * trainDrop, first.trainLoss(), last.trainLoss(),
          last.validationLoss()));
    }
    return new Diagnosis(Fit.GOOD_FIT, String.format(Locale.ROOT, "validation loss %.4g at epoch %d, %.4g at the"
        + " end; training loss %.4g", best.validationLoss(), best.epoch(), last.validationLoss(), last.trainLoss()));
  }
}
