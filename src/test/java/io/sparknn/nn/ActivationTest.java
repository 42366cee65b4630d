package io.sparknn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationTest {
  /** Random float64 inputs kept away from 0, where ReLU-family derivatives jump. */
  static Matrix inputs(Engine e, long seed, boolean precise) {
    Random r = new Random(seed);
    double[] z = new double[6 * 7];
    for (int i = 0; i < z.length; i++) {
      double v = r.nextGaussian() * 2;
      z[i] = Math.abs(v) < 0.05 ? v + Math.copySign(0.1, v) : v;
    }
    return e.fromDoubles(z, 6, 7, precise);
  }

  static double weightedSum(Activation a, Matrix z, Matrix g) {
    Matrix out = z.like(z.rows, z.cols);
    a.forward(z, out);
    double s = 0;
    for (int i = 0; i < z.size(); i++) {
      s += out.get(i) * g.get(i);
    }
    return s;
  }

  @ParameterizedTest
  @ValueSource(strings = {"sigmoid", "tanh", "relu", "leakyRelu(0.1)", "elu(1.0)", "elu(0.5)", "gelu", "swish(1.0)",
      "swish(2.5)"})
  void backwardMatchesFiniteDifferences(String spec) {
    Activation a = Activation.parse(spec);
    for (Engine e : NetworkTest.ENGINES) {
      for (boolean precise : new boolean[] {true, false}) {
        check(a, spec, e, precise);
      }
    }
  }

  private static void check(Activation a, String spec, Engine e, boolean precise) {
    {
      Matrix z = inputs(e, spec.hashCode(), precise);
      Matrix g = inputs(e, 7, precise);
      Matrix act = z.like(z.rows, z.cols);
      a.forward(z, act);
      Matrix analytic = z.like(z.rows, z.cols);
      a.backward(z, act, g, analytic);
      double h = precise ? 1e-6 : 1e-2;
      for (int i = 0; i < z.size(); i++) {
        double orig = z.get(i);
        z.set(i, orig + h);
        double up = weightedSum(a, z, g);
        z.set(i, orig - h);
        double down = weightedSum(a, z, g);
        z.set(i, orig);
        double numeric = (up - down) / (2 * h);
        double tolerance = precise ? 1e-7 + 1e-6 * Math.abs(numeric) : 2e-2 + 2e-2 * Math.abs(numeric);
        assertEquals(numeric, analytic.get(i), tolerance, e + " " + spec + (precise ? " double" : " float") + " at "
            + orig);
      }
    }
  }

  /** The activation of {@code x}, checked to be the same on both engines. */
  static double f(String spec, double x) {
    double[] values = new double[NetworkTest.ENGINES.length];
    for (int i = 0; i < values.length; i++) {
      Engine e = NetworkTest.ENGINES[i];
      Matrix out = e.zeros(1, 1, true);
      Activation.parse(spec).forward(e.fromDoubles(new double[] {x}, 1, 1, true), out);
      values[i] = out.get(0);
    }
    assertEquals(values[0], values[1], 1e-12, spec + " at " + x + " on jvm and nd4j");
    return values[0];
  }

  @Test
  void knownValues() {
    assertEquals(0.5, f("sigmoid", 0), 1e-15);
    assertEquals(Math.tanh(0.7), f("tanh", 0.7), 1e-15);
    assertEquals(0.0, f("relu", -3), 0.0);
    assertEquals(2.0, f("relu", 2), 0.0);
    assertEquals(-0.2, f("leakyRelu(0.1)", -2), 1e-15);
    assertEquals(-0.02, f("leakyRelu", -2), 1e-15, "default slope 0.01");
    assertEquals(Math.exp(-1) - 1, f("elu", -1), 1e-15);
    assertEquals(2 * (Math.exp(-1) - 1), f("elu(2)", -1), 1e-15);
    assertEquals(0.8411919906082768, f("gelu", 1), 1e-12, "tanh approximation of GELU at 1");
    assertEquals(1 / (1 + Math.exp(-1)), f("swish", 1), 1e-15);
    assertEquals(2 / (1 + Math.exp(-4)), f("swish(2)", 2), 1e-15);
    assertTrue(Activation.parse("relu").reluLike() && !Activation.parse("tanh").reluLike());
    assertEquals("leakyRelu(0.1)", Activation.parse("leakyRelu(0.1)").spec());
  }

  @Test
  void badSpecsNameWhatIsSupported() {
    String unknown = assertThrows(IllegalArgumentException.class, () -> Activation.parse("softplus")).getMessage();
    assertTrue(unknown.contains("softplus") && unknown.contains("gelu"), unknown);
    String arg = assertThrows(IllegalArgumentException.class, () -> Activation.parse("tanh(2)")).getMessage();
    assertTrue(arg.contains("takes no argument"), arg);
    assertThrows(IllegalArgumentException.class, () -> Activation.parse("elu(-1)"));
    assertThrows(IllegalArgumentException.class, () -> Activation.parse("leakyRelu(1.5)"));
  }

  @Test
  void floatSigmoidAndTanhKernelsAreWithinFloatRounding() {
    // the jvm engine's float kernels compute e^x themselves (vectorized passes); compare with Math over a wide range
    java.util.Random r = new java.util.Random(2);
    float[] x = new float[200_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 0.03 : i % 3 == 1 ? 3 : 40));
    }
    Matrix out = Matrix.zeros(1, x.length, false);
    Engine.jvm().activate(Activation.parse("tanh"), Matrix.wrap(x, 1, x.length), out);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Math.tanh(x[i]), out.get(i), 3e-7, "tanh(" + x[i] + ")");
      // relative too: within 8 float ulps, also near 0, where 1 − 2/(e^2x + 1) alone would cancel
      assertEquals(Math.tanh(x[i]), out.get(i), 8 * Math.ulp((float) Math.tanh(x[i])), "tanh(" + x[i] + ") in ulps");
    }
    Engine.jvm().activate(Activation.parse("sigmoid"), Matrix.wrap(x, 1, x.length), out);
    for (int i = 0; i < x.length; i++) {
      assertEquals(1 / (1 + Math.exp(-x[i])), out.get(i), 2e-7, "σ(" + x[i] + ")");
      double s = 1 / (1 + Math.exp(-x[i]));
      if (x[i] >= -80) { // below, e^−x is clamped at e^80 (σ ≈ 1.8e-35 instead of smaller)
        assertEquals(s, out.get(i), 8 * Math.ulp((float) s), "σ(" + x[i] + ") in ulps");
      }
    }
  }
}
