package io.sparknn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.nn.Architecture;
import io.sparknn.nn.Layer;
import io.sparknn.nn.Loss;
import io.sparknn.nn.Matrix;
import io.sparknn.nn.Network;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each update equals its formula; clipping bounds the update; L1 zeroes more weights than L2 (the seed). */
class OptimizerTest {
  /** Mask 1 = a regularized weight, 0 = a bias. */
  static final boolean[] ALL_WEIGHTS = {true, true};

  static Optimizer opt(String method, double momentum, boolean nesterov, double wd, double l1, double l2,
      double clipValue, double clipNorm) {
    return new Optimizer(method, momentum, nesterov, 0.9, 0.999, 1e-8, wd, l1, l2, clipValue, clipNorm);
  }

  /** Steps a two-entry model whose entries are separate tensors (regularized where {@code mask} says). */
  static double[] step(Optimizer o, double[] p, double[] g, double lr, int times, boolean[] mask) {
    Layer.Param a = new Layer.Param("a", Matrix.wrap(new double[] {p[0]}, 1, 1), Matrix.zeros(1, 1, true), mask[0]);
    Layer.Param b = new Layer.Param("b", Matrix.wrap(new double[] {p[1]}, 1, 1), Matrix.zeros(1, 1, true), mask[1]);
    for (int i = 0; i < times; i++) {
      a.grad().set(0, g[0]);
      b.grad().set(0, g[1]);
      o.step(List.of(a, b), lr);
    }
    return new double[] {a.value().get(0), b.value().get(0)};
  }

  static void assertVector(double[] expected, double[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, "entry " + i);
    }
  }

  @Test
  void sgdMomentumAndNesterov() {
    double[] p = {1, -2};
    double[] g = {0.5, 0.25};
    assertVector(new double[] {0.95, -2.025}, step(opt("sgd", 0, false, 0, 0, 0, 0, 0), p, g, 0.1, 1, ALL_WEIGHTS));
    // momentum 0.9, same gradient twice: v1 = g, v2 = 1.9 g; p2 = p - lr (g + 1.9 g)
    assertVector(new double[] {1 - 0.1 * 2.9 * 0.5, -2 - 0.1 * 2.9 * 0.25},
        step(opt("momentum", 0.9, false, 0, 0, 0, 0, 0), p, g, 0.1, 2, ALL_WEIGHTS));
    // Nesterov: p1 = p - lr (g + 0.9 g), p2 = p1 - lr (g + 0.9 * 1.9 g)
    double f = 1.9 + 1 + 0.9 * 1.9;
    assertVector(new double[] {1 - 0.1 * f * 0.5, -2 - 0.1 * f * 0.25},
        step(opt("momentum", 0.9, true, 0, 0, 0, 0, 0), p, g, 0.1, 2, ALL_WEIGHTS));
  }

  @Test
  void adamAndDecoupledWeightDecay() {
    double[] p = {1, -2};
    double[] g = {0.5, -0.25};
    // first Adam step: m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps)
    assertVector(new double[] {1 - 0.01 * 0.5 / (0.5 + 1e-8), -2 + 0.01 * 0.25 / (0.25 + 1e-8)},
        step(opt("adam", 0, false, 0, 0, 0, 0, 0), p, g, 0.01, 1, ALL_WEIGHTS));
    // AdamW: also w -= lr * wd * w, on weights only (mask 1, 0)
    boolean[] mask = {true, false};
    assertVector(new double[] {1 - 0.01 * 0.1 * 1 - 0.01 * 0.5 / (0.5 + 1e-8), -2 + 0.01 * 0.25 / (0.25 + 1e-8)},
        step(opt("adamw", 0, false, 0.1, 0, 0, 0, 0), p, g, 0.01, 1, mask));
  }

  @Test
  void clippingBoundsTheUpdate() {
    double[] p = {0, 0};
    double[] byNorm = step(opt("sgd", 0, false, 0, 0, 0, 0, 1.0), p, new double[] {3, 4}, 1.0, 1, ALL_WEIGHTS);
    assertVector(new double[] {-0.6, -0.8}, byNorm);
    assertEquals(1.0, Math.hypot(byNorm[0], byNorm[1]), 1e-12, "update norm = clipNorm * lr");
    assertVector(new double[] {-0.5, 0.2},
        step(opt("sgd", 0, false, 0, 0, 0, 0.5, 0), p, new double[] {3, -0.2}, 1.0, 1, ALL_WEIGHTS));
  }

  @Test
  void regularizationAppliesToWeightsOnly() {
    boolean[] mask = {true, false};
    assertVector(new double[] {2 - 0.1 * 0.5 * 2, 3},
        step(opt("sgd", 0, false, 0, 0, 0.5, 0, 0), new double[] {2, 3}, new double[] {0, 0}, 0.1, 1, mask));
    assertVector(new double[] {-2 + 0.1 * 0.5, 3},
        step(opt("sgd", 0, false, 0, 0.5, 0, 0, 0), new double[] {-2, 3}, new double[] {0, 0}, 0.1, 1, mask));
    assertThrows(IllegalArgumentException.class, () -> opt("rmsprop", 0, false, 0, 0, 0, 0, 0));
  }

  /** Linear regression where 3 of 20 features matter, trained with L1 or L2 of the same strength. */
  static long nearZeroWeights(double l1, double l2) {
    Random r = new Random(5);
    int n = 400;
    int d = 20;
    double[][] x = new double[n][d];
    double[][] y = new double[n][1];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = r.nextGaussian();
      }
      y[i][0] = 2 * x[i][0] - 3 * x[i][1] + x[i][2] + 0.1 * r.nextGaussian();
    }
    Network net = new Architecture(d, new int[0], new int[0], new int[0], new int[0], "tanh", "none", false, 0,
        "xavier", 1).build(true, 3);
    Optimizer o = new Optimizer("sgd", 0, false, 0, 0, 0, 0, l1, l2, 0, 0);
    Matrix xs = Matrix.zeros(n, d, true);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        xs.set(i * d + j, x[i][j]);
      }
    }
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0);
    Loss mse = Loss.parse("mse", 0);
    for (int epoch = 0; epoch < 400; epoch++) {
      Matrix out = net.forward(xs, new Layer.Pass(true, r));
      double[][] rows = new double[n][];
      for (int i = 0; i < n; i++) {
        rows[i] = out.row(i);
      }
      double[][] g = new double[n][1];
      mse.compute(rows, y, w, g);
      net.backward(Matrix.wrap(java.util.Arrays.stream(g).mapToDouble(v -> v[0]).toArray(), n, 1));
      o.step(net.params(), 0.02);
    }
    Matrix weights = net.params().get(0).value();
    long zeros = 0;
    for (int j = 3; j < d; j++) {
      zeros += Math.abs(weights.get(j)) < 2.5e-3 ? 1 : 0;
    }
    return zeros;
  }

  @Test
  void l1DrivesMoreWeightsToZeroThanL2() {
    long l1 = nearZeroWeights(0.1, 0); // L1 subgradient steps oscillate within lr * l1 = 2e-3 of 0
    long l2 = nearZeroWeights(0, 0.1);
    assertTrue(l1 >= 12, "L1 zeroed " + l1 + " of the 17 irrelevant weights");
    assertTrue(l1 > l2, "L1 " + l1 + " vs L2 " + l2);
  }

  @Test
  void floatAdamPathMatchesTheGeneralPath() {
    for (String method : new String[] {"adam", "adamw"}) {
      Optimizer a = opt(method, 0, false, 0.1, 0, 0, 0, 0.5);
      Optimizer b = opt(method, 0, false, 0.1, 0, 0, 0, 0.5);
      Layer.Param f = new Layer.Param("w", Matrix.wrap(new float[] {1f, -2f, 0.5f}, 1, 3), Matrix.zeros(1, 3, false),
          true);
      Layer.Param d = new Layer.Param("w", Matrix.wrap(new double[] {1, -2, 0.5}, 1, 3), Matrix.zeros(1, 3, true),
          true);
      for (int step = 0; step < 5; step++) {
        for (int i = 0; i < 3; i++) {
          double g = Math.sin(step + i) * (i + 1);
          f.grad().set(i, g);
          d.grad().set(i, g);
        }
        a.step(List.of(f), 0.01);
        b.step(List.of(d), 0.01);
      }
      for (int i = 0; i < 3; i++) {
        assertEquals(d.value().get(i), f.value().get(i), 1e-6, method + " entry " + i);
      }
    }
  }
}
