package io.sparknn.train;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sparknn.nn.Architecture;
import io.sparknn.nn.Engine;
import io.sparknn.nn.Layer;
import io.sparknn.nn.Loss;
import io.sparknn.nn.Matrix;
import io.sparknn.nn.Network;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Everything one training task needs, as plain values: it turns the cached blocks into examples, holds out the
 * validation rows, builds the network, loss, optimizer and schedule, runs the {@link Trainer} and returns the
 * weights with the history. Regression targets are standardized for training and the output layer is rescaled
 * afterwards, so the returned network predicts in the label's units. Runs inside a Spark task; the estimators build
 * it from their params.
 */
public final class TrainingJob implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What training returns to the driver: every parameter and state value (float) and the history. */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Result(float[] params, History history) implements Serializable {}

  /**
   * The training knobs of the neural params, one field per param (see {@code NeuralParams} for meanings).
   *
   * @param loss loss spec
   * @param labelSmoothing crossEntropy label smoothing
   * @param optimizer update rule
   * @param momentum momentum coefficient
   * @param nesterov Nesterov momentum
   * @param weightDecay adamw decoupled weight decay
   * @param l1 L1 penalty
   * @param l2 L2 penalty
   * @param clipValue clip gradient entries (0 = off)
   * @param clipNorm clip the gradient norm (0 = off)
   * @param schedule learning-rate schedule spec
   * @param warmupSteps linear warmup steps
   * @param settings the loop settings
   * @param validationFraction held-out fraction when there is no indicator column
   * @param hasIndicator validation rows come from the indicator column
   * @param mixup mixup α (0 = off)
   * @param inputNoise Gaussian input noise σ (0 = off)
   * @param engine compute engine name: auto, jvm or nd4j (resolved in the training task)
   */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Config(String loss, double labelSmoothing, String optimizer, double momentum, boolean nesterov,
      double weightDecay, double l1, double l2, double clipValue, double clipNorm, String schedule, int warmupSteps,
      Trainer.Settings settings, double validationFraction, boolean hasIndicator, double mixup, double inputNoise,
      String engine) implements Serializable {}

  private final Architecture architecture;
  private final Config config;

  /** A job training {@code architecture} as {@code config} says. */
  public TrainingJob(Architecture architecture, Config config) {
    this.architecture = architecture;
    this.config = config;
  }

  /** Trains on all rows of {@code data}. */
  public Result run(TrainingRows data) {
    Config c = config;
    Loss lossFn = Loss.parse(c.loss(), c.labelSmoothing());
    boolean classification = lossFn.classification();
    boolean[] validation = c.hasIndicator() ? data.validation : stratifiedHoldOut(data.label, classification);
    double[] scale = classification ? new double[] {0, 1} : targetScale(data, validation);
    Trainer.Examples train = examples(data, validation, false, classification, scale);
    Trainer.Examples val = examples(data, validation, true, classification, scale);
    if (train.rows() == 0) {
      throw new IllegalArgumentException("no training rows left after holding out the validation rows");
    }
    Network net = architecture.build(Engine.of(c.engine()), false, c.settings().seed());
    Optimizer opt = new Optimizer(c.optimizer(), c.momentum(), c.nesterov(), 0.9, 0.999, 1e-8, c.weightDecay(),
        c.l1(), c.l2(), c.clipValue(), c.clipNorm());
    boolean[] dense = new boolean[architecture.inputs()];
    java.util.Arrays.fill(dense, true);
    for (int s : architecture.nominalSlots()) {
      dense[s] = false;
    }
    if (architecture.masked()) {
      dense[dense.length - 1] = false; // a sequence's length: mixup and noise leave it alone
    }
    Trainer trainer = new Trainer(net, lossFn, opt, LearningRateSchedule.parse(c.schedule(), c.warmupSteps()),
        c.settings()).augment(new Trainer.Augmentation(c.mixup(), c.inputNoise(), dense)).reportScale(scale[1]);
    History history = trainer.fit(train, val.rows() == 0 ? null : val);
    if (!classification) {
      List<Layer.Param> p = net.params();
      Matrix w = p.get(p.size() - 2).value();
      Matrix b = p.get(p.size() - 1).value();
      w.engine().affine(w, scale[1], 0, w);
      b.engine().affine(b, scale[1], scale[0], b);
    }
    return new Result(net.toFloats(), history);
  }

  /** Weighted mean and standard deviation of the training targets (std 1 when they are constant). */
  private static double[] targetScale(TrainingRows d, boolean[] validation) {
    double sw = 0;
    double mean = 0;
    double m2 = 0;
    for (int i = 0; i < d.rows(); i++) {
      double w = d.weight[i];
      if (validation[i] || w == 0) {
        continue;
      }
      sw += w;
      double delta = d.label[i] - mean;
      mean += delta * w / sw;
      m2 += w * delta * (d.label[i] - mean);
    }
    double std = sw > 0 ? Math.sqrt(m2 / sw) : 0;
    return new double[] {mean, std > 0 ? std : 1};
  }

  /** Per class (or over all rows for regression), a seeded random {@code validationFraction} of the rows. */
  private boolean[] stratifiedHoldOut(double[] label, boolean classification) {
    boolean[] out = new boolean[label.length];
    if (config.validationFraction() <= 0) {
      return out;
    }
    java.util.Map<Double, List<Integer>> groups = new java.util.TreeMap<>();
    for (int i = 0; i < label.length; i++) {
      groups.computeIfAbsent(classification ? label[i] : 0.0, k -> new ArrayList<>()).add(i);
    }
    Random rng = new Random(config.settings().seed() ^ 0x5DEECE66DL);
    for (List<Integer> rows : groups.values()) {
      java.util.Collections.shuffle(rows, rng);
      long take = Math.round(rows.size() * config.validationFraction());
      for (int i = 0; i < take; i++) {
        out[rows.get(i)] = true;
      }
    }
    return out;
  }

  private Trainer.Examples examples(TrainingRows d, boolean[] validation, boolean wanted, boolean classification,
      double[] scale) {
    int n = 0;
    for (boolean v : validation) {
      n += v == wanted ? 1 : 0;
    }
    int f = d.features;
    float[] x = new float[n * f];
    double[][] y = new double[n][];
    double[] w = new double[n];
    int at = 0;
    for (int i = 0; i < d.rows(); i++) {
      if (validation[i] != wanted) {
        continue;
      }
      System.arraycopy(d.x, i * f, x, at * f, f);
      if (classification) {
        y[at] = new double[architecture.outputs()];
        y[at][(int) d.label[i]] = 1;
      } else {
        y[at] = new double[] {(d.label[i] - scale[0]) / scale[1]};
      }
      w[at] = d.weight[i];
      at++;
    }
    return new Trainer.Examples(x, f, y, w);
  }
}
