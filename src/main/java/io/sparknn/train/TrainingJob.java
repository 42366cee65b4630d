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
 * Everything a fit's workers need, as plain values (shipped to the tasks): the architecture and the training
 * params. It makes the {@link Worker}s — each turns its share of the cached blocks into examples, holds out its
 * validation rows and builds its network, loss, optimizer and schedule — and the driver-side values: the initial
 * state, the target scale, the model's weights. Regression targets are standardized for training and the output
 * layer is rescaled afterwards ({@link #modelWeights}), so the model predicts in the label's units.
 */
public final class TrainingJob implements Serializable {
  private static final long serialVersionUID = 1L;

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
   * @param validationFraction held-out fraction when there is no indicator column and {@code folds} is 1
   * @param hasIndicator validation rows come from the indicator column
   * @param mixup mixup α (0 = off)
   * @param inputNoise Gaussian input noise σ (0 = off)
   * @param engine compute engine name: auto, jvm or nd4j (resolved in the training task)
   * @param holdOut which rows are held out for validation when there is no indicator column
   */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  public record Config(String loss, double labelSmoothing, String optimizer, double momentum, boolean nesterov,
      double weightDecay, double l1, double l2, double clipValue, double clipNorm, String schedule, int warmupSteps,
      Trainer.Settings settings, double validationFraction, boolean hasIndicator, double mixup, double inputNoise,
      String engine, HoldOut holdOut) implements Serializable {}

  /**
   * The validation hold-out of a fit without an indicator column: each class's rows (all rows for regression) in
   * an order drawn from {@code seed}; {@code folds} = 1 holds out the first {@code validationFraction} of them,
   * {@code folds} = k ≥ 2 deals the rows to k folds round-robin, continuing from class to class (so per-class and
   * total fold sizes differ by at most one), and holds out fold {@code fold} (member {@code fold} of a bagged
   * ensemble; the same seed for every member, so the folds partition the rows).
   *
   * @param seed the seed of the order (the fit's seed, shared by an ensemble's members)
   * @param fold the slice held out, in [0, folds)
   * @param folds 1, or the ensemble's number of members
   */
  @DefaultSerializer(JavaSerializer.class)
  public record HoldOut(long seed, int fold, int folds) implements Serializable {}

  private final Architecture architecture;
  private final Config config;
  /** The network as the seed initializes it, built once on the driver (not shipped: tasks build their own). */
  private transient Network seeded;

  /** A job training {@code architecture} as {@code config} says. */
  public TrainingJob(Architecture architecture, Config config) {
    this.architecture = architecture;
    this.config = config;
  }

  /** The network's values plus the optimizer's moments. */
  public int stateSize() {
    return initialState().length;
  }

  /**
   * The state every worker starts from: the network initialized from the seed (on the {@code jvm} engine, which
   * the seed's draws do not depend on) and zero optimizer moments.
   */
  public float[] initialState() {
    return trainer(seeded(), 1).state();
  }

  /** The seed's network on the {@code jvm} engine, read only (its values are copied out, never trained). */
  private Network seeded() {
    if (seeded == null) {
      seeded = architecture.build(Engine.jvm(), false, config.settings().seed());
    }
    return seeded;
  }

  /** For each network value, whether it is a trained weight (false for running statistics). */
  public boolean[] trainableValues() {
    Network net = seeded();
    boolean[] out = new boolean[net.size()];
    int at = 0;
    for (Layer.Param p : net.params()) {
      java.util.Arrays.fill(out, at, at + p.value().size(), p.trainable());
      at += p.value().size();
    }
    return out;
  }

  /** Number of network values in a state (the rest are optimizer moments). */
  public int networkSize() {
    return seeded().size();
  }

  private Trainer trainer(Network net, double metricScale) {
    Config c = config;
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
    return new Trainer(net, Loss.parse(c.loss(), c.labelSmoothing()), opt, LearningRateSchedule.parse(c.schedule(),
        c.warmupSteps()), c.settings()).augment(new Trainer.Augmentation(c.mixup(), c.inputNoise(), dense))
        .reportScale(metricScale);
  }

  /** Worker {@code index} of a fit, training on {@code blocks} (its share of the rows). */
  public Worker worker(int index, List<TrainingRows> blocks) {
    return new Worker(index, blocks);
  }

  /**
   * Heap bytes a worker needs per row of its share while it trains: its copy of the features (4 × features), its
   * targets and weights (16), and what building them takes for a moment (48: labels, hold-out lists, the shuffle).
   */
  public static long workerRowBytes(int features) {
    return 4L * features + 64;
  }

  /**
   * The best weights as the model keeps them: for regression, the output layer rescaled by the target's
   * {@code scale} = {mean, standard deviation}, so the network predicts in the label's units.
   */
  public float[] modelWeights(float[] weights, double[] scale) {
    if (classification()) {
      return weights;
    }
    Network net = architecture.build(Engine.jvm(), false, config.settings().seed()).load(weights);
    List<Layer.Param> p = net.params();
    Matrix w = p.get(p.size() - 2).value();
    Matrix b = p.get(p.size() - 1).value();
    w.engine().affine(w, scale[1], 0, w);
    b.engine().affine(b, scale[1], scale[0], b);
    return net.toFloats();
  }

  /** True when the loss is a classification loss. */
  public boolean classification() {
    return Loss.parse(config.loss(), config.labelSmoothing()).classification();
  }

  /** The loop settings. */
  public Trainer.Settings settings() {
    return config.settings();
  }

  /** Which rows the workers hold out for validation (and which ensemble member this job trains). */
  public HoldOut holdOut() {
    return config.holdOut();
  }

  /** The {@code engine} param value (resolved in each task). */
  public String engine() {
    return config.engine();
  }

  /**
   * What a checkpoint must match to be resumed by this fit: the architecture, every training param and the
   * worker layout.
   */
  public String fingerprint(int workers, int syncEvery) {
    StringBuilder b = new StringBuilder();
    for (java.lang.reflect.RecordComponent c : Architecture.class.getRecordComponents()) {
      try {
        Object v = c.getAccessor().invoke(architecture);
        b.append(c.getName()).append('=').append(v instanceof int[] a ? java.util.Arrays.toString(a)
            : String.valueOf(v)).append(", ");
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    String c = config.toString().replaceAll("@[0-9a-f]+", "");
    return b + c + ", workers=" + workers + ", syncEvery=" + syncEvery;
  }

  /**
   * Training-target statistics {rows, weight, mean, M2} of two workers combined (Chan et al.'s parallel update);
   * {@link #scale} turns them into {mean, standard deviation}.
   */
  public static double[] mergeStats(double[] a, double[] b) {
    double w = a[1] + b[1];
    if (w == 0) {
      return new double[] {a[0] + b[0], 0, 0, 0};
    }
    double delta = b[2] - a[2];
    return new double[] {a[0] + b[0], w, a[2] + delta * b[1] / w, a[3] + b[3] + delta * delta * a[1] * b[1] / w};
  }

  /**
   * {mean, standard deviation, mean row weight} of merged target statistics ({0, 1, w} for classification; std 1
   * if constant). Workers divide their row weights by the mean weight, so weights scaled by any constant train
   * the same (bit-identical) network: the float weight of each row is the same whatever the scale.
   */
  public double[] scale(double[] stats) {
    double meanWeight = stats[0] > 0 && stats[1] > 0 ? stats[1] / stats[0] : 1;
    if (classification()) {
      return new double[] {0, 1, meanWeight};
    }
    double std = stats[1] > 0 ? Math.sqrt(stats[3] / stats[1]) : 0;
    return new double[] {stats[2], std > 0 ? std : 1, meanWeight};
  }

  /**
   * One worker of a fit, kept between rounds by the executor that runs it (a cache, never needed for
   * correctness: every round hands it the whole state). Built from the worker's share of the rows: it holds out
   * its validation rows (stratified within the share, seeded by worker), and builds its examples and trainer on
   * the first round, on the engine of the task that runs it.
   */
  public final class Worker {
    private final int index;
    private final double[] stats;
    private final Trainer.Examples train;
    private final Trainer.Examples val;
    private double[] scaled = {0, 1, 1};
    private Trainer trainer;

    private Worker(int index, List<TrainingRows> blocks) {
      this.index = index;
      int n = 0;
      for (TrainingRows b : blocks) {
        n += b.rows();
      }
      double[] label = new double[n];
      double[] weight = new double[n];
      boolean[] indicator = new boolean[n];
      int at = 0;
      for (TrainingRows b : blocks) {
        System.arraycopy(b.label, 0, label, at, b.rows());
        System.arraycopy(b.weight, 0, weight, at, b.rows());
        System.arraycopy(b.validation, 0, indicator, at, b.rows());
        at += b.rows();
      }
      boolean[] validation = config.hasIndicator() ? indicator : stratifiedHoldOut(label, classification(), index);
      int held = 0;
      for (boolean v : validation) {
        held += v ? 1 : 0;
      }
      double[] t = targetStats(label, weight, validation);
      this.stats = new double[] {n - held, t[0], t[1], t[2], held};
      this.train = examples(blocks, label, weight, validation, false);
      this.val = examples(blocks, label, weight, validation, true);
    }

    /** {training rows, training weight, weighted target mean, M2, validation rows} of this share. */
    public double[] stats() {
      return stats.clone();
    }

    /** Runs a round from {@code state} with the fit's target {@code scale}, on {@code engine}. */
    public FitLoop.RoundResult run(Trainer.Pass pass, boolean evaluate, float[] state, double[] scale,
        Engine engine) {
      if (!java.util.Arrays.equals(scaled, scale)) {
        rescale(train, scale);
        rescale(val, scale);
        scaled = scale.clone();
      }
      if (trainer == null || trainer.network().engine() != engine) {
        trainer = trainer(architecture.build(engine, false, config.settings().seed()), scale[1]);
      }
      trainer.load(state);
      Trainer.Pass mine = new Trainer.Pass(index, pass.epoch(), pass.from(), pass.to(), pass.stepBase(),
          pass.totalSteps(), pass.updates());
      return trainer.round(train, val, mine, evaluate);
    }

    /**
     * Standardizes regression targets in place by {@code scale} = {mean, sd, mean weight} and divides the row
     * weights by the mean weight, undoing the previous scale.
     */
    private void rescale(Trainer.Examples ex, double[] scale) {
      if (!classification()) {
        double[] y = ex.y();
        for (int i = 0; i < y.length; i++) {
          y[i] = (y[i] * scaled[1] + scaled[0] - scale[0]) / scale[1];
        }
      }
      if (scaled[2] != scale[2]) {
        double[] w = ex.w();
        for (int i = 0; i < w.length; i++) {
          w[i] = w[i] * scaled[2] / scale[2];
        }
      }
    }
  }

  /** {weight, weighted mean, M2} of the training targets (West's weighted update). */
  private static double[] targetStats(double[] label, double[] weight, boolean[] validation) {
    double sw = 0;
    double mean = 0;
    double m2 = 0;
    for (int i = 0; i < label.length; i++) {
      double w = weight[i];
      if (validation[i] || w == 0) {
        continue;
      }
      sw += w;
      double delta = label[i] - mean;
      mean += delta * w / sw;
      m2 += w * delta * (label[i] - mean);
    }
    return new double[] {sw, mean, m2};
  }

  /**
   * Per class (or over all rows for regression), a seeded random {@code validationFraction} of the rows, or one
   * of {@link HoldOut#folds} seeded slices.
   */
  boolean[] stratifiedHoldOut(double[] label, boolean classification, int worker) {
    boolean[] out = new boolean[label.length];
    HoldOut h = config.holdOut();
    if (h.folds() == 1 && config.validationFraction() <= 0) {
      return out;
    }
    java.util.Map<Double, List<Integer>> groups = new java.util.TreeMap<>();
    for (int i = 0; i < label.length; i++) {
      groups.computeIfAbsent(classification ? label[i] : 0.0, k -> new ArrayList<>()).add(i);
    }
    Random rng = new Random(Trainer.seed(h.seed() ^ 0x5DEECE66DL, worker, 0, 0));
    long offset = 0; // folds continue round-robin from class to class, so small classes spread over the folds
    for (List<Integer> rows : groups.values()) {
      java.util.Collections.shuffle(rows, rng);
      int n = rows.size();
      if (h.folds() == 1) {
        for (int i = 0; i < Math.round(n * config.validationFraction()); i++) {
          out[rows.get(i)] = true;
        }
      } else {
        for (int i = 0; i < n; i++) {
          out[rows.get(i)] = (i + offset) % h.folds() == h.fold();
        }
        offset += n;
      }
    }
    return out;
  }

  /**
   * The rows of {@code blocks} whose validation flag is {@code wanted}: features copied once, class indices or raw
   * regression targets (standardized on the first round).
   */
  private Trainer.Examples examples(List<TrainingRows> blocks, double[] label, double[] weight,
      boolean[] validation, boolean wanted) {
    int n = 0;
    for (boolean v : validation) {
      n += v == wanted ? 1 : 0;
    }
    int f = architecture.inputs();
    float[] x = new float[Math.multiplyExact(n, f)];
    double[] y = new double[n];
    double[] w = new double[n];
    int at = 0;
    int i = 0;
    for (TrainingRows b : blocks) {
      for (int r = 0; r < b.rows(); r++, i++) {
        if (validation[i] != wanted) {
          continue;
        }
        System.arraycopy(b.x, r * f, x, at * f, f);
        y[at] = label[i];
        w[at] = weight[i];
        at++;
      }
    }
    return classification() ? Trainer.Examples.classes(x, f, y, architecture.outputs(), w)
        : Trainer.Examples.targets(x, f, y, 1, w);
  }
}
