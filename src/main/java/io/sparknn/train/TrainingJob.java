package io.sparknn.train;

import io.sparknn.nn.Activation;
import io.sparknn.nn.Loss;
import io.sparknn.nn.Network;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything one training task needs, as plain values: it turns the cached blocks into examples, holds out the
 * validation rows, builds the network, loss, optimizer and schedule, runs the {@link Trainer} and returns the
 * weights with the history. Runs inside a Spark task; the estimators build it from their params.
 */
public final class TrainingJob implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What training returns to the driver: the flat weights (float) and the history. */
  public record Result(float[] params, History history) implements Serializable {}

  private final int[] sizes;
  private final String activation;
  private final double dropout;
  private final String weightInit;
  private final String loss;
  private final double labelSmoothing;
  private final String optimizer;
  private final double[] optimizerArgs; // momentum, beta1, beta2, eps, weightDecay, l1, l2, clipValue, clipNorm
  private final boolean nesterov;
  private final String schedule;
  private final int warmupSteps;
  private final Trainer.Settings settings;
  private final double validationFraction;
  private final boolean hasIndicator;

  /** A job; {@code sizes} = {inputs, hidden..., outputs}; classes = outputs for classification losses. */
  public TrainingJob(int[] sizes, String activation, double dropout, String weightInit, String loss,
      double labelSmoothing, String optimizer, double momentum, boolean nesterov, double weightDecay, double l1,
      double l2, double clipValue, double clipNorm, String schedule, int warmupSteps, Trainer.Settings settings,
      double validationFraction, boolean hasIndicator) {
    this.sizes = sizes.clone();
    this.activation = activation;
    this.dropout = dropout;
    this.weightInit = weightInit;
    this.loss = loss;
    this.labelSmoothing = labelSmoothing;
    this.optimizer = optimizer;
    this.optimizerArgs = new double[] {momentum, 0.9, 0.999, 1e-8, weightDecay, l1, l2, clipValue, clipNorm};
    this.nesterov = nesterov;
    this.schedule = schedule;
    this.warmupSteps = warmupSteps;
    this.settings = settings;
    this.validationFraction = validationFraction;
    this.hasIndicator = hasIndicator;
  }

  /** Trains on all rows of {@code data}. */
  public Result run(TrainingRows data) {
    Loss lossFn = Loss.parse(loss, labelSmoothing);
    boolean[] validation = hasIndicator ? data.validation : stratifiedHoldOut(data.label, lossFn.classification());
    Trainer.Examples train = examples(data, validation, false, lossFn.classification());
    Trainer.Examples val = examples(data, validation, true, lossFn.classification());
    if (train.rows() == 0) {
      throw new IllegalArgumentException("no training rows left after holding out the validation rows");
    }
    Network net = new Network(sizes, Activation.parse(activation), dropout, weightInit, DataType.FLOAT,
        settings.seed());
    double[] a = optimizerArgs;
    Optimizer opt = new Optimizer(optimizer, a[0], nesterov, a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
    Trainer trainer = new Trainer(net, lossFn, opt, LearningRateSchedule.parse(schedule, warmupSteps), settings);
    History history = trainer.fit(train, val.rows() == 0 ? null : val);
    return new Result(net.params().toFloatVector(), history);
  }

  /** Per class (or over all rows for regression), a seeded random {@code validationFraction} of the rows. */
  private boolean[] stratifiedHoldOut(double[] label, boolean classification) {
    boolean[] out = new boolean[label.length];
    if (validationFraction <= 0) {
      return out;
    }
    java.util.Map<Double, List<Integer>> groups = new java.util.TreeMap<>();
    for (int i = 0; i < label.length; i++) {
      groups.computeIfAbsent(classification ? label[i] : 0.0, k -> new ArrayList<>()).add(i);
    }
    Random rng = new Random(settings.seed() ^ 0x5DEECE66DL);
    for (List<Integer> rows : groups.values()) {
      java.util.Collections.shuffle(rows, rng);
      long take = Math.round(rows.size() * validationFraction);
      for (int i = 0; i < take; i++) {
        out[rows.get(i)] = true;
      }
    }
    return out;
  }

  private Trainer.Examples examples(TrainingRows d, boolean[] validation, boolean wanted, boolean classification) {
    int n = 0;
    for (boolean v : validation) {
      n += v == wanted ? 1 : 0;
    }
    int f = d.features;
    float[] x = new float[n * f];
    double[][] y = new double[n][];
    double[] w = new double[n];
    int at = 0;
    int outputs = sizes[sizes.length - 1];
    for (int i = 0; i < d.rows(); i++) {
      if (validation[i] != wanted) {
        continue;
      }
      System.arraycopy(d.x, i * f, x, at * f, f);
      if (classification) {
        y[at] = new double[outputs];
        y[at][(int) d.label[i]] = 1;
      } else {
        y[at] = new double[] {d.label[i]};
      }
      w[at] = d.weight[i];
      at++;
    }
    return new Trainer.Examples(n == 0 ? null : Nd4j.create(x, new long[] {n, f}, DataType.FLOAT), y, w);
  }
}
