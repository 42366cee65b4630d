package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.testing.SparkTestBase;
import io.sparknn.train.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Every optimizer, regularization, clipping, schedule and loss param driven end to end through
 * {@code NeuralClassifier.fit}, each shown to take effect against its formula, not against the code under test.
 *
 * <p>The single-step checks fit one epoch of one batch holding all 200 rows (so one update), with no
 * validation rows, no L2 and one network. The initial weights w₀ come from a fit with {@code learningRate} 1e-30
 * (its one update vanishes in float), and the gradient g at w₀ from a plain-SGD fit: Δ = w − w₀ = −lr·g. Each
 * param's first update then has a closed form in g and w₀.
 */
class TrainingParamsTest extends SparkTestBase {
  private static final int ROWS = 200;
  private static final double LR = 1e-3;

  /** 200 rows of three Gaussian classes in 4-D (seeded). */
  private Dataset<Row> data() {
    Random r = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      int c = i % 3;
      rows.add(RowFactory.create((double) c, Vectors.dense(c + r.nextGaussian(), -c + r.nextGaussian(),
          r.nextGaussian(), 0.5 * c + r.nextGaussian())));
    }
    return spark.createDataFrame(rows, new StructType().add("label", "double").add("features", new VectorUDT()));
  }

  /** One update over all rows: one epoch, one batch, no validation, no L2, one 16-unit network. */
  private static NeuralClassifier oneStep() {
    return new NeuralClassifier().setHiddenLayers(16).setBatchSize(ROWS).setMaxEpochs(1).setValidationFraction(0)
        .setL2(0).setEnsembleFolds(1).setOptimizer("sgd").setLearningRate(LR);
  }

  private static double[] weights(NeuralClassificationModel m) {
    float[] f = m.network().toFloats();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static double[] minus(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  /** w₀ (the initial weights) and Δ_sgd (= −lr·g) of plain SGD. */
  private double[][] initialAndSgdStep(Dataset<Row> df) {
    double[] w0 = weights(oneStep().setLearningRate(1e-30).fit(df));
    double[] sgd = minus(weights(oneStep().fit(df)), w0);
    return new double[][] {w0, sgd};
  }

  /** Asserts {@code got[i]} = {@code want[i]} to 1e-4 of the largest step (float rounding of w + Δ). */
  private static void assertStep(double[] want, double[] got, String what) {
    double scale = 0;
    for (double v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0, what + ": the reference step is all zero");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-4 * scale + 1e-9, what + " at weight " + i);
    }
  }

  @Test
  void momentumsFirstStepIsSgdsAndNesterovsIsOnePlusMuTimesIt() {
    Dataset<Row> df = data();
    double[][] base = initialAndSgdStep(df);
    double[] momentum = minus(weights(oneStep().setOptimizer("momentum").setMomentum(0.9).fit(df)), base[0]);
    assertStep(base[1], momentum, "momentum (v = g): −lr·g");
    double[] nesterov = minus(weights(oneStep().setOptimizer("momentum").setMomentum(0.9).setNesterov(true)
        .fit(df)), base[0]);
    double[] want = base[1].clone();
    for (int i = 0; i < want.length; i++) {
      want[i] *= 1.9;
    }
    assertStep(want, nesterov, "Nesterov: −lr·(g + μ·v) = −1.9·lr·g");
  }

  @Test
  void adamsFirstStepMovesEveryWeightByTheLearningRateAgainstItsGradient() {
    Dataset<Row> df = data();
    double[][] base = initialAndSgdStep(df);
    double[] adam = minus(weights(oneStep().setOptimizer("adam").fit(df)), base[0]);
    int checked = 0;
    for (int i = 0; i < adam.length; i++) {
      double g = -base[1][i] / LR;
      if (Math.abs(g) > 1e-5) { // |g| ≫ ε: m̂/√v̂ = g/|g|
        assertEquals(-LR * Math.signum(g), adam[i], 1e-3 * LR, "adam at weight " + i + " (g " + g + ")");
        checked++;
      }
    }
    assertTrue(checked > adam.length / 2, checked + " of " + adam.length + " weights have |g| > 1e-5");
  }

  @Test
  void adamwDecaysTheWeightsButNotTheBiasesByLrTimesWeightDecay() {
    Dataset<Row> df = data();
    double[][] base = initialAndSgdStep(df);
    double[] adam = weights(oneStep().setOptimizer("adam").setLearningRate(0.01).fit(df));
    double[] adamw = weights(oneStep().setOptimizer("adamw").setLearningRate(0.01).setWeightDecay(0.5).fit(df));
    int decayed = 0;
    for (int i = 0; i < adam.length; i++) {
      double d = adamw[i] - adam[i];
      double want = -0.01 * 0.5 * base[0][i]; // w −= lr·λ·w₀ (weights), nothing on biases (w₀ = 0)
      assertEquals(want, d, 1e-6 + 1e-4 * Math.abs(want), "adamw − adam at weight " + i);
      decayed += Math.abs(want) > 1e-6 ? 1 : 0;
    }
    assertTrue(decayed > adam.length / 2, decayed + " decayed weights");
  }

  @Test
  void l1AddsLrTimesL1TimesTheSignOfEachWeight() {
    Dataset<Row> df = data();
    double[][] base = initialAndSgdStep(df);
    double[] l1 = minus(weights(oneStep().setL1(0.05).fit(df)), base[0]);
    int penalised = 0;
    for (int i = 0; i < l1.length; i++) {
      // biases start at 0 (w₀'s are the ~1e-32 of its vanishing update) and carry no penalty
      boolean weight = Math.abs(base[0][i]) > 1e-20;
      double want = base[1][i] - (weight ? LR * 0.05 * Math.signum(base[0][i]) : 0);
      assertEquals(want, l1[i], 1e-7, "l1 at weight " + i);
      penalised += weight ? 1 : 0;
    }
    assertTrue(penalised > l1.length / 2, penalised + " weights carry the penalty");
  }

  @Test
  void clipValueBoundsEachAppliedUpdateAndLeavesSmallerOnesAlone() {
    Dataset<Row> df = data();
    double[][] base = initialAndSgdStep(df);
    double largest = 0;
    for (double v : base[1]) {
      largest = Math.max(largest, Math.abs(v) / LR);
    }
    double c = largest / 4; // a bound that some gradient entries exceed
    double[] clipped = minus(weights(oneStep().setClipValue(c).fit(df)), base[0]);
    int cut = 0;
    for (int i = 0; i < clipped.length; i++) {
      double g = -base[1][i] / LR;
      double want = -LR * Math.max(-c, Math.min(c, g));
      assertEquals(want, clipped[i], 1e-4 * LR * c + 1e-9, "clipValue at weight " + i);
      assertTrue(Math.abs(clipped[i]) <= LR * c * (1 + 1e-4) + 1e-9, "|Δ| <= lr·clipValue at weight " + i);
      cut += Math.abs(g) > c ? 1 : 0;
    }
    assertTrue(cut > 0, "some entries were clipped");
  }

  /** The learning rate of each epoch (its last step's) against {@code lr(step)}: 8 steps an epoch, 6 epochs. */
  private void assertSchedule(NeuralClassifier est, DoubleUnaryOperator lrAtStep, String what) {
    // 200 rows in batches of 25: 8 steps an epoch; 48 steps in all
    History h = est.setBatchSize(25).setMaxEpochs(6).setValidationFraction(0).setEnsembleFolds(1)
        .setHiddenLayers(8).setLearningRate(0.01).fit(data()).summary();
    assertEquals(6, h.epochs().size(), what);
    for (History.Epoch e : h.epochs()) {
      double want = lrAtStep.applyAsDouble(8 * e.epoch() + 7);
      assertEquals(want, e.learningRate(), 1e-12, what + " at epoch " + e.epoch());
    }
  }

  @Test
  void lrScheduleAndWarmupStepsSetTheRecordedLearningRateOfEveryEpoch() {
    assertSchedule(new NeuralClassifier().setLrSchedule("step(8, 0.5)"), s -> 0.01 * Math.pow(0.5,
        Math.floor(s / 8)), "step(8, 0.5): lr·0.5^⌊t/8⌋");
    assertSchedule(new NeuralClassifier().setLrSchedule("cosine"), s -> 0.01 * (1 + Math.cos(Math.PI * s / 48))
        / 2, "cosine: lr·(1 + cos(πt/T))/2");
    assertSchedule(new NeuralClassifier().setLrSchedule("exponential(0.9)"), s -> 0.01 * Math.pow(0.9, s),
        "exponential(0.9): lr·0.9^t");
    // warmup: the first 20 steps ramp (s + 1)/20·lr, then the constant schedule
    assertSchedule(new NeuralClassifier().setWarmupSteps(20), s -> s < 20 ? (s + 1) / 20.0 * 0.01 : 0.01,
        "warmupSteps 20");
    // warmup then cosine over the remaining 28 steps
    assertSchedule(new NeuralClassifier().setWarmupSteps(20).setLrSchedule("cosine"), s -> s < 20
        ? (s + 1) / 20.0 * 0.01 : 0.01 * (1 + Math.cos(Math.PI * (s - 20) / 28)) / 2, "warmupSteps 20 + cosine");
  }

  /**
   * The first epoch's recorded training loss is the loss at w₀ (the update comes after it): recomputed from the
   * probabilities and centered logits the initial network gives on the training rows, for each classification
   * loss and label smoothing.
   */
  @Test
  void labelSmoothingFocalAndHingeTrainOnTheLossTheirFormulasGive() {
    Dataset<Row> df = data();
    NeuralClassificationModel initial = oneStep().setLearningRate(1e-30).fit(df);
    List<Row> scored = initial.transform(df).select("label", "probability", "rawPrediction").collectAsList();
    double ce = 0;
    double smooth = 0;
    double focal = 0;
    double hinge = 0;
    for (Row r : scored) {
      int t = (int) r.getDouble(0);
      double[] p = ((Vector) r.get(1)).toArray();
      double[] z = ((Vector) r.get(2)).toArray();
      double logMean = 0;
      double other = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < p.length; j++) {
        logMean += Math.log(p[j]) / p.length;
        other = j == t ? other : Math.max(other, z[j]);
      }
      ce -= Math.log(p[t]) / ROWS;
      smooth -= (0.8 * Math.log(p[t]) + 0.2 * logMean) / ROWS; // targets (1 − ε)·y + ε/k, ε = 0.2
      focal -= Math.pow(1 - p[t], 2) * Math.log(p[t]) / ROWS; // γ = 2
      hinge += Math.max(0, 1 + other - z[t]) / ROWS; // Crammer–Singer
    }
    double[][] cases = {{ce, first(oneStep().setLearningRate(1e-30), df)},
        {smooth, first(oneStep().setLearningRate(1e-30).setLabelSmoothing(0.2), df)},
        {focal, first(oneStep().setLearningRate(1e-30).setLoss("focal"), df)},
        {hinge, first(oneStep().setLearningRate(1e-30).setLoss("hinge"), df)}};
    String[] names = {"crossEntropy", "crossEntropy, labelSmoothing 0.2", "focal (γ 2)", "hinge"};
    for (int i = 0; i < cases.length; i++) {
      assertEquals(cases[i][0], cases[i][1], 1e-5 * Math.max(1, cases[i][0]), names[i]);
    }
    for (int i = 0; i < cases.length; i++) {
      for (int j = 0; j < i; j++) {
        assertTrue(Math.abs(cases[i][1] - cases[j][1]) > 1e-3, names[i] + " and " + names[j] + " differ: "
            + cases[i][1] + " vs " + cases[j][1]);
      }
    }
  }

  private static double first(NeuralClassifier est, Dataset<Row> df) {
    return est.fit(df).summary().epochs().get(0).trainLoss();
  }
}
