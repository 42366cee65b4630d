package io.sparknn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.sparknn.nn.Architecture;
import io.sparknn.nn.Loss;
import io.sparknn.nn.Network;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainerTest {
  /** Three Gaussian blobs in 2-D (centres 4 apart); with {@code flip}, labels are rotated by one class. */
  static Trainer.Examples blobs(int n, long seed, boolean flip) {
    Random r = new Random(seed);
    float[] x = new float[n * 2];
    double[] y = new double[n];
    double[] w = new double[n];
    double[][] centres = {{0, 0}, {4, 0}, {0, 4}};
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      x[2 * i] = (float) (centres[c][0] + r.nextGaussian());
      x[2 * i + 1] = (float) (centres[c][1] + r.nextGaussian());
      y[i] = flip ? (c + 1) % 3 : c;
      w[i] = 1;
    }
    return Trainer.Examples.classes(x, 2, y, 3, w);
  }

  static Network net(double dropout, long seed) {
    return new Architecture(2, new int[0], new int[0], new int[0], new int[] {16}, "relu", "none", false, dropout,
        "auto", 3).build(false, seed);
  }

  static Trainer trainer(Network net, Loss loss, int epochs, int patience) {
    return new Trainer(net, loss, new Optimizer("adam", 0, false, 0.9, 0.999, 1e-8, 0, 0, 0, 0, 0),
        LearningRateSchedule.parse("constant", 0), new Trainer.Settings(32, epochs, 0.01, patience, 0.0, 42));
  }

  @Test
  void learnsSeparableClasses() {
    Network net = net(0, 1);
    History h = trainer(net, Loss.parse("crossEntropy", 0), 30, 0).fit(blobs(600, 1, false), blobs(300, 2, false));
    History.Epoch last = h.epochs().get(h.epochs().size() - 1);
    assertTrue(last.validationMetric() >= 0.95, "validation accuracy " + last.validationMetric());
    assertTrue(last.trainLoss() < h.epochs().get(0).trainLoss());
    assertEquals("accuracy", h.metricName());
  }

  @Test
  void earlyStoppingStopsPatienceEpochsAfterTheBestAndRestoresIt() {
    // validation labels are rotated: the better the fit to the training data, the worse the validation loss
    Network net = net(0, 2);
    Trainer.Examples validation = blobs(300, 4, true);
    Trainer t = trainer(net, Loss.parse("crossEntropy", 0), 50, 3);
    History h = t.fit(blobs(600, 3, false), validation);
    int best = h.bestEpoch();
    assertEquals(best + 3 + 1, h.epochs().size(), "stopped 3 epochs after the best");
    assertTrue(h.epochs().size() < 50);
    assertEquals(h.epochs().get(best).validationLoss(), t.evaluate(validation)[0], 1e-5, "best weights restored");
    assertEquals(History.Fit.OVERFITTING, h.diagnosis().fit(), h.diagnosis().reason());
  }

  @Test
  void sameSeedSameModel() {
    Network a = net(0.3, 5);
    Network b = net(0.3, 5);
    trainer(a, Loss.parse("crossEntropy", 0), 5, 0).fit(blobs(200, 1, false), null);
    trainer(b, Loss.parse("crossEntropy", 0), 5, 0).fit(blobs(200, 1, false), null);
    assertArrayEquals(a.toFloats(), b.toFloats());
  }

  @Test
  void labelSmoothingLowersTheMaximumPredictedProbability() {
    double[] meanMax = new double[2];
    double[] smoothing = {0.0, 0.2};
    for (int s = 0; s < 2; s++) {
      Network net = net(0, 7);
      trainer(net, Loss.parse("crossEntropy", smoothing[s]), 40, 0).fit(blobs(600, 1, false), null);
      double[][] logits = trainer(net, Loss.parse("crossEntropy", 0), 1, 0).predict(blobs(300, 9, false));
      for (double[] z : logits) {
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double v : z) {
          max = Math.max(max, v);
        }
        for (double v : z) {
          sum += Math.exp(v - max);
        }
        meanMax[s] += 1 / sum / logits.length;
      }
    }
    assertTrue(meanMax[1] < meanMax[0] - 0.02, "max probability " + meanMax[0] + " -> " + meanMax[1]);
    assertTrue(meanMax[1] < 0.9 + 0.2 / 3 + 0.01, "smoothed targets cap confidence near 1 - 0.2 + 0.2/3");
  }

  static History curves(double[] train, double[] validation) {
    History h = new History("accuracy");
    for (int e = 0; e < train.length; e++) {
      h.add(new History.Epoch(e, train[e], validation[e], Double.NaN, 0.01, 1), false);
    }
    return h;
  }

  @Test
  void diagnosisFollowsTheCurves() {
    assertEquals(History.Fit.OVERFITTING, curves(new double[] {1.0, 0.6, 0.4, 0.2, 0.1},
        new double[] {1.0, 0.7, 0.65, 0.8, 0.95}).diagnosis().fit());
    assertEquals(History.Fit.UNDERFITTING, curves(new double[] {1.10, 1.08, 1.07, 1.06},
        new double[] {1.11, 1.09, 1.08, 1.07}).diagnosis().fit());
    assertEquals(History.Fit.GOOD_FIT, curves(new double[] {1.0, 0.5, 0.3, 0.25},
        new double[] {1.0, 0.55, 0.35, 0.3}).diagnosis().fit());
    assertEquals(History.Fit.INCONCLUSIVE, curves(new double[] {1.0, 0.5}, new double[] {1.0, 0.5})
        .diagnosis().fit());
    assertEquals(History.Fit.INCONCLUSIVE, curves(new double[] {1.0, 0.5, 0.4},
        new double[] {Double.NaN, Double.NaN, Double.NaN}).diagnosis().fit());
  }

  @Test
  void mixupWeightsFollowBetaAlphaAlpha() {
    Random r = new Random(3);
    for (double alpha : new double[] {0.2, 1.0, 4.0}) {
      int n = 40_000;
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < n; i++) {
        double l = Trainer.beta(alpha, r);
        assertTrue(l >= 0 && l <= 1);
        sum += l;
        squares += l * l;
      }
      double mean = sum / n;
      assertEquals(0.5, mean, 0.01, "Beta(a, a) mean");
      assertEquals(1 / (4 * (2 * alpha + 1)), squares / n - mean * mean, 0.01, "Beta(a, a) variance");
    }
  }

  @Test
  void augmentationIsSeededAndStillLearns() {
    Network a = net(0, 4);
    Network b = net(0, 4);
    Trainer.Augmentation aug = new Trainer.Augmentation(0.4, 0.2, new boolean[] {true, true});
    History h = trainer(a, Loss.parse("crossEntropy", 0), 20, 0).augment(aug).fit(blobs(600, 1, false),
        blobs(300, 2, false));
    trainer(b, Loss.parse("crossEntropy", 0), 20, 0).augment(aug).fit(blobs(600, 1, false), blobs(300, 2, false));
    assertArrayEquals(a.toFloats(), b.toFloats());
    assertTrue(h.epochs().get(19).validationMetric() >= 0.95, "accuracy " + h.epochs().get(19).validationMetric());
  }
}
