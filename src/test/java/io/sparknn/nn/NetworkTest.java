package io.sparknn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkTest {
  static final int[] NONE = {};

  /** Both engines: every check in this package runs on each. */
  static final Engine[] ENGINES = {Engine.jvm(), Engine.nd4j()};

  /** A batch of random inputs; slot 1 holds a category index 0..2 when {@code nominal}. */
  static Matrix batch(Engine e, int rows, int cols, long seed, boolean precise, boolean nominal) {
    Random r = new Random(seed);
    double[] x = new double[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = nominal && i % cols == 1 ? (i / cols) % 3 : r.nextGaussian();
    }
    return e.fromDoubles(x, rows, cols, precise);
  }

  static Matrix batch(int rows, int cols, long seed, boolean precise, boolean nominal) {
    return batch(Engine.jvm(), rows, cols, seed, precise, nominal);
  }

  static Architecture arch(String act, String norm, boolean residual, boolean nominal, double dropout, int out) {
    return new Architecture(4, nominal ? new int[] {1} : NONE, nominal ? new int[] {3} : NONE,
        nominal ? new int[] {2} : NONE, new int[] {5, 5}, act, norm, residual, dropout, "auto", out);
  }

  /** Weighted loss of a training pass (dropout masks from a fresh Random(7)); back-propagates when asked. */
  static double loss(Network net, Loss loss, Matrix x, Matrix y, Matrix w, boolean backward) {
    Matrix out = net.forward(x, new Layer.Pass(true, new Random(7)));
    Matrix g = out.like(out.rows, out.cols);
    double value = loss.compute(out, y, w, g);
    if (backward) {
      net.backward(g);
    }
    return value;
  }

  /** Targets for 7 rows: one-hot classes i % k, or i·0.3 − 1. */
  static double[] targets(int rows, int outputs, boolean classification) {
    double[] y = new double[rows * outputs];
    for (int i = 0; i < rows; i++) {
      if (classification) {
        y[i * outputs + i % outputs] = 1;
      } else {
        y[i] = i * 0.3 - 1;
      }
    }
    return y;
  }

  @ParameterizedTest
  @CsvSource({
      "tanh,none,false,false,0.0,crossEntropy", "sigmoid,none,false,false,0.0,crossEntropy",
      "relu,none,false,false,0.0,hinge", "leakyRelu(0.1),none,false,false,0.0,focal(2)",
      "elu(1.0),none,false,false,0.0,crossEntropy", "gelu,none,false,false,0.0,crossEntropy",
      "swish(1.5),none,false,false,0.0,focal(1)", "tanh,none,false,false,0.0,mse", "gelu,none,false,false,0.0,huber(0.5)",
      "tanh,none,false,false,0.0,mae", "prelu,none,false,false,0.0,crossEntropy",
      "tanh,batch,false,false,0.0,crossEntropy", "gelu,layer,false,false,0.0,mse",
      "tanh,none,true,false,0.0,crossEntropy", "tanh,batch,true,true,0.0,crossEntropy",
      "swish(1.0),layer,false,true,0.0,huber(1)", "tanh,none,false,true,0.0,crossEntropy",
      "tanh,none,false,false,0.3,crossEntropy"})
  void everyParameterGradientMatchesFiniteDifferences(String act, String norm, boolean residual, boolean nominal,
      double dropout, String lossSpec) {
    for (Engine e : ENGINES) {
      gradientCheck(e, act, norm, residual, nominal, dropout, lossSpec);
    }
  }

  private static void gradientCheck(Engine e, String act, String norm, boolean residual, boolean nominal,
      double dropout, String lossSpec) {
    Loss loss = Loss.parse(lossSpec, lossSpec.equals("crossEntropy") ? 0.1 : 0.0);
    int outputs = loss.classification() ? 3 : 1;
    Network net = arch(act, norm, residual, nominal, dropout, outputs).build(e, true, 11);
    Matrix x = batch(e, 7, 4, 3, true, nominal);
    Matrix y = e.fromDoubles(targets(7, outputs, loss.classification()), 7, outputs, true);
    Matrix w = e.fromDoubles(new double[] {1, 2, 0.5, 1, 1, 3, 1}, 7, 1, true);
    int checked = checkGradients(net, loss, x, y, w, e + " " + act + " " + norm + " " + lossSpec);
    assertTrue(checked > 60, checked + " parameters checked");
  }

  /**
   * Compares every trainable parameter's back-propagated gradient with a central finite difference (h = 1e-6,
   * double precision); returns how many were checked.
   */
  static int checkGradients(Network net, Loss loss, Matrix x, Matrix y, Matrix w, String label) {
    loss(net, loss, x, y, w, true);
    double h = 1e-6;
    int checked = 0;
    for (Layer.Param p : net.params()) {
      if (!p.trainable()) {
        continue;
      }
      Matrix analytic = p.grad().copy();
      for (int i = 0; i < p.value().size(); i++) {
        double orig = p.value().get(i);
        p.value().set(i, orig + h);
        double up = loss(net, loss, x, y, w, false);
        p.value().set(i, orig - h);
        double down = loss(net, loss, x, y, w, false);
        p.value().set(i, orig);
        double numeric = (up - down) / (2 * h);
        assertEquals(numeric, analytic.get(i), 1e-6 + 1e-5 * Math.abs(numeric), label + " " + p.name() + "[" + i
            + "]");
        checked++;
      }
    }
    return checked;
  }

  @Test
  void dropoutIsOffAtInference() {
    Network net = arch("relu", "none", false, false, 0.5, 2).build(false, 1);
    Matrix x = batch(10, 4, 5, false, false);
    double[] a = net.forward(x, new Layer.Pass(false, new Random(1))).toDoubles();
    double[] b = net.forward(x, new Layer.Pass(false, new Random(2))).toDoubles();
    assertArrayEquals(a, b, "two inference passes are identical");
    assertFalse(java.util.Arrays.equals(a, net.forward(x, new Layer.Pass(true, new Random(3))).toDoubles()),
        "training applies dropout");
  }

  @Test
  void batchNormUsesRunningStatisticsAtInference() {
    Network net = arch("relu", "batch", false, false, 0, 2).build(false, 1);
    Matrix x = batch(64, 4, 5, false, false);
    for (int i = 0; i < 200; i++) {
      net.forward(x, new Layer.Pass(true, new Random(i)));
    }
    // after many passes over one batch the running statistics equal the batch's (variance unbiased: n/(n-1))
    Matrix one = Matrix.zeros(1, 4, false);
    for (int r = 0; r < 64; r += 21) {
      one.load(x.toFloats(), r * 4);
      double[] alone = net.forward(one, Layer.Pass.INFERENCE).row(0);
      double[] inBatch = net.forward(x, Layer.Pass.INFERENCE).row(r);
      assertArrayEquals(inBatch, alone, 1e-5, "a row scores the same alone and in a batch");
      double[] train = net.forward(x, new Layer.Pass(true, new Random(0))).row(r);
      assertArrayEquals(train, alone, 0.05, "running statistics converge to the batch statistics");
    }
    Matrix shifted = x.copy();
    for (int i = 0; i < shifted.size(); i++) {
      shifted.add(i, 5);
    }
    double[] inference = net.forward(shifted, Layer.Pass.INFERENCE).row(0);
    double[] training = net.forward(shifted, new Layer.Pass(true, new Random(0))).row(0);
    assertNotEquals(training[0], inference[0], 0.1, "training uses the shifted batch's own statistics");
  }

  @Test
  void initializationFollowsTheScheme() {
    Architecture a = new Architecture(400, NONE, NONE, NONE, new int[] {300}, "relu", "none", false, 0, "auto", 2);
    Matrix he = a.build(true, 1).params().get(0).value();
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < he.size(); i++) {
      sum += he.get(i);
      squares += he.get(i) * he.get(i);
    }
    double std = Math.sqrt(squares / he.size() - Math.pow(sum / he.size(), 2));
    assertEquals(Math.sqrt(2.0 / 400), std, 0.002, "He: std sqrt(2 / fanIn)");
    Architecture t = new Architecture(400, NONE, NONE, NONE, new int[] {300}, "tanh", "none", false, 0, "auto", 2);
    Matrix xavier = t.build(true, 1).params().get(0).value();
    double max = 0;
    for (int i = 0; i < xavier.size(); i++) {
      max = Math.max(max, Math.abs(xavier.get(i)));
    }
    assertEquals(Math.sqrt(6.0 / 700), max, 0.001, "Xavier: uniform within sqrt(6 / (fanIn + fanOut))");
    Architecture bad = new Architecture(3, NONE, NONE, NONE, new int[] {2}, "relu", "none", false, 0, "lecun", 2);
    assertThrows(IllegalArgumentException.class, () -> bad.build(false, 1));
  }

  @Test
  void embeddingsResidualsAndSaveOrder() {
    Architecture a = arch("prelu", "batch", true, true, 0, 3);
    Network net = a.build(false, 3);
    // 3 categories x 2 dims; dense 5 inputs (3 dense slots + 2) -> 5; residual 5 -> 5; output 5 -> 3
    assertEquals(3 * 2 + (5 * 5 + 5) + 4 * 5 + 5 + (5 * 5 + 5) + 4 * 5 + 5 + (5 * 3 + 3), net.size());
    assertTrue(net.layers().get(2) instanceof Residual, "the second block (5 -> 5) is residual");
    Network copy = a.build(false, 99).load(net.toFloats());
    Matrix x = batch(5, 4, 1, false, true);
    assertArrayEquals(net.forward(x, Layer.Pass.INFERENCE).row(4), copy.forward(x, Layer.Pass.INFERENCE).row(4));
    Matrix badIndex = x.copy();
    badIndex.set(4 * 4 + 1, 3);
    assertEquals(1, a.invalidSlot(badIndex.toFloats(), 4));
    assertEquals(-1, a.invalidSlot(x.toFloats(), 4));
    String msg = assertThrows(IllegalArgumentException.class, () -> net.forward(badIndex, Layer.Pass.INFERENCE))
        .getMessage();
    assertTrue(msg.contains("slot 1") && msg.contains("3 categories"), msg);
    assertEquals(2, Architecture.embeddingSize(2));
    assertEquals(50, Architecture.embeddingSize(100_000));
  }
}
