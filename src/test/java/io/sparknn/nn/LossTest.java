package io.sparknn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LossTest {
  static final int ROWS = 8;

  /** Outputs, targets (one-hot for classification) and weights (one of them 0). */
  static double[][][] batch(Loss loss, long seed) {
    Random r = new Random(seed);
    int k = loss.classification() ? 4 : 1;
    double[][] out = new double[ROWS][k];
    double[][] target = new double[ROWS][k];
    double[][] weight = new double[1][ROWS];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < k; j++) {
        out[i][j] = r.nextGaussian() * 1.5;
      }
      if (loss.classification()) {
        target[i][r.nextInt(k)] = 1;
      } else {
        target[i][0] = out[i][0] + (r.nextBoolean() ? 1 : -1) * (0.2 + 2 * r.nextDouble());
      }
      weight[0][i] = i == 3 ? 0.0 : 0.5 + r.nextDouble();
    }
    return new double[][][] {out, target, weight};
  }

  @ParameterizedTest
  @ValueSource(strings = {"crossEntropy", "crossEntropy+smoothing", "focal(2)", "focal(0.5)", "hinge", "mse", "mae",
      "huber(1)", "huber(0.3)"})
  void gradientMatchesFiniteDifferences(String spec) {
    Loss loss = spec.endsWith("+smoothing") ? Loss.parse("crossEntropy", 0.1) : Loss.parse(spec, 0.0);
    for (Engine e : NetworkTest.ENGINES) {
      double[][][] b = batch(loss, spec.hashCode());
      double[][] out = b[0];
      double[][] grad = new double[ROWS][out[0].length];
      loss.compute(e, out, b[1], b[2][0], grad);
      double h = 1e-6;
      double[][] scratch = new double[ROWS][out[0].length];
      for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < out[i].length; j++) {
          double orig = out[i][j];
          out[i][j] = orig + h;
          double up = loss.compute(e, out, b[1], b[2][0], scratch);
          out[i][j] = orig - h;
          double down = loss.compute(e, out, b[1], b[2][0], scratch);
          out[i][j] = orig;
          double numeric = (up - down) / (2 * h);
          assertEquals(numeric, grad[i][j], 1e-7 + 1e-6 * Math.abs(numeric), e + " " + spec + " row " + i + " col "
              + j);
        }
      }
      for (double g : grad[3]) {
        assertEquals(0.0, g, 0.0, "a row with weight 0 has no gradient");
      }
    }
  }

  static double one(Loss loss, double[] out, double[] target) {
    return loss.compute(new double[][] {out}, new double[][] {target}, new double[] {1.0},
        new double[1][out.length]);
  }

  @Test
  void knownValues() {
    Loss ce = Loss.parse("crossEntropy", 0);
    assertEquals(Math.log(4), one(ce, new double[] {0, 0, 0, 0}, new double[] {0, 1, 0, 0}), 1e-15);
    // smoothing 0.2 over 2 classes: targets 0.9 / 0.1
    double[] z = {2.0, -1.0};
    double p0 = Math.exp(2) / (Math.exp(2) + Math.exp(-1));
    assertEquals(-(0.9 * Math.log(p0) + 0.1 * Math.log(1 - p0)), one(Loss.parse("crossEntropy", 0.2), z,
        new double[] {1, 0}), 1e-12);
    // focal with gamma 0 is cross-entropy; with gamma 2 it is scaled by (1 - p_t)^2
    assertEquals(one(ce, z, new double[] {1, 0}), one(Loss.parse("focal(0)", 0), z, new double[] {1, 0}), 1e-15);
    assertEquals(-Math.pow(1 - p0, 2) * Math.log(p0), one(Loss.parse("focal", 0), z, new double[] {1, 0}), 1e-15);
    Loss hinge = Loss.parse("hinge", 0);
    assertEquals(0.0, one(hinge, new double[] {3, 1, 0.5}, new double[] {1, 0, 0}), 0.0, "margin 2 > 1");
    assertEquals(1.5, one(hinge, new double[] {1, 1.5, 0}, new double[] {1, 0, 0}), 1e-15);
    assertEquals(4.0, one(Loss.parse("mse", 0), new double[] {3}, new double[] {1}), 0.0);
    assertEquals(2.0, one(Loss.parse("mae", 0), new double[] {3}, new double[] {1}), 0.0);
    assertEquals(0.125, one(Loss.parse("huber", 0), new double[] {1.5}, new double[] {1}), 1e-15);
    assertEquals(1.5, one(Loss.parse("huber(1)", 0), new double[] {3}, new double[] {1}), 1e-15);
    // weights: the weighted mean of per-row losses
    double weighted = Loss.parse("mae", 0).compute(new double[][] {{1}, {4}}, new double[][] {{0}, {0}},
        new double[] {3, 1}, new double[2][1]);
    assertEquals((3 * 1 + 1 * 4) / 4.0, weighted, 1e-15);
  }

  @Test
  void badSpecsAndWeights() {
    String unknown = assertThrows(IllegalArgumentException.class, () -> Loss.parse("logcosh", 0)).getMessage();
    assertTrue(unknown.contains("crossEntropy") && unknown.contains("huber"), unknown);
    assertThrows(IllegalArgumentException.class, () -> Loss.parse("mse(2)", 0));
    assertThrows(IllegalArgumentException.class, () -> Loss.parse("crossEntropy", 1.0));
    assertThrows(IllegalArgumentException.class, () -> Loss.parse("huber(0)", 0));
    String zero = assertThrows(IllegalArgumentException.class, () -> Loss.parse("mse", 0).compute(
        new double[][] {{1}}, new double[][] {{0}}, new double[] {0}, new double[1][1])).getMessage();
    assertTrue(zero.contains("weights sum to 0.0"), zero);
  }
}
