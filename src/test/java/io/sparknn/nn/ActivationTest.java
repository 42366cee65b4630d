package io.sparknn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ActivationTest {
  /** Random float64 inputs kept away from 0, where ReLU-family derivatives jump. */
  static INDArray inputs(long seed) {
    Random r = new Random(seed);
    double[][] z = new double[6][7];
    for (double[] row : z) {
      for (int j = 0; j < row.length; j++) {
        double v = r.nextGaussian() * 2;
        row[j] = Math.abs(v) < 0.05 ? v + Math.copySign(0.1, v) : v;
      }
    }
    return Nd4j.create(z);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sigmoid", "tanh", "relu", "leakyRelu(0.1)", "elu(1.0)", "elu(0.5)", "gelu", "swish(1.0)",
      "swish(2.5)"})
  void backwardMatchesFiniteDifferences(String spec) {
    Activation a = Activation.parse(spec);
    INDArray z = inputs(spec.hashCode());
    INDArray g = inputs(7).muli(0.3);
    INDArray analytic = a.backward(z, g);
    double h = 1e-6;
    for (int i = 0; i < z.rows(); i++) {
      for (int j = 0; j < z.columns(); j++) {
        double orig = z.getDouble(i, j);
        z.putScalar(i, j, orig + h);
        double up = a.forward(z).mul(g).sumNumber().doubleValue();
        z.putScalar(i, j, orig - h);
        double down = a.forward(z).mul(g).sumNumber().doubleValue();
        z.putScalar(i, j, orig);
        double numeric = (up - down) / (2 * h);
        double an = analytic.getDouble(i, j);
        assertEquals(numeric, an, 1e-7 + 1e-6 * Math.abs(numeric), spec + " at " + orig);
      }
    }
    assertEquals(DataType.DOUBLE, analytic.dataType());
  }

  static double f(String spec, double x) {
    return Activation.parse(spec).forward(Nd4j.create(new double[] {x})).getDouble(0);
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
}
