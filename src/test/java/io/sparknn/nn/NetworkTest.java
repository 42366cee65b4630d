package io.sparknn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NetworkTest {
  static INDArray batch(int rows, int cols, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[rows][cols];
    for (double[] row : x) {
      for (int j = 0; j < cols; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return Nd4j.create(x);
  }

  /** Loss of the network on (x, y) with the dropout masks drawn from a fresh Random(7). */
  static double loss(Network net, Loss loss, INDArray x, double[][] y, double[] w, boolean backward) {
    double[][] out = net.forward(x, true, new Random(7)).toDoubleMatrix();
    double[][] g = new double[out.length][out[0].length];
    double value = loss.compute(out, y, w, g);
    if (backward) {
      net.backward(Nd4j.create(g));
    }
    return value;
  }

  @ParameterizedTest
  @CsvSource({"tanh,0.0,crossEntropy", "sigmoid,0.0,crossEntropy", "relu,0.0,hinge", "leakyRelu(0.1),0.3,focal(2)",
      "elu(1.0),0.0,crossEntropy", "gelu,0.2,crossEntropy", "swish(1.5),0.0,focal(1)", "tanh,0.0,mse",
      "gelu,0.0,huber(0.5)"})
  void everyParameterGradientMatchesFiniteDifferences(String act, double dropout, String lossSpec) {
    Loss loss = Loss.parse(lossSpec, 0.0);
    int outputs = loss.classification() ? 3 : 1;
    Network net = new Network(new int[] {4, 6, 5, outputs}, Activation.parse(act), dropout, "auto",
        DataType.DOUBLE, 11);
    INDArray x = batch(7, 4, 3);
    double[][] y = new double[7][outputs];
    for (int i = 0; i < 7; i++) {
      if (loss.classification()) {
        y[i][i % outputs] = 1;
      } else {
        y[i][0] = i * 0.3 - 1;
      }
    }
    double[] w = {1, 2, 0.5, 1, 1, 3, 1};
    loss(net, loss, x, y, w, true);
    INDArray analytic = net.grads().dup();
    INDArray p = net.params();
    double h = 1e-6;
    for (long i = 0; i < p.length(); i++) {
      double orig = p.getDouble(i);
      p.putScalar(i, orig + h);
      double up = loss(net, loss, x, y, w, false);
      p.putScalar(i, orig - h);
      double down = loss(net, loss, x, y, w, false);
      p.putScalar(i, orig);
      double numeric = (up - down) / (2 * h);
      assertEquals(numeric, analytic.getDouble(i), 1e-6 + 1e-5 * Math.abs(numeric),
          act + " " + lossSpec + " parameter " + i);
    }
  }

  @Test
  void dropoutIsOffAtInference() {
    Network net = new Network(new int[] {4, 16, 2}, Activation.parse("relu"), 0.5, "auto", DataType.DOUBLE, 1);
    INDArray x = batch(10, 4, 5);
    INDArray a = net.forward(x, false, new Random(1));
    INDArray b = net.forward(x, false, new Random(2));
    assertEquals(a, b, "two inference passes are identical");
    assertNotEquals(a, net.forward(x, true, new Random(3)), "training applies dropout");
  }

  @Test
  void initializationFollowsTheScheme() {
    Network he = new Network(new int[] {400, 300, 2}, Activation.parse("relu"), 0, "auto", DataType.DOUBLE, 1);
    double std = he.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400 * 300)).stdNumber()
        .doubleValue();
    assertEquals(Math.sqrt(2.0 / 400), std, 0.002, "He: std sqrt(2 / fanIn)");
    Network xavier = new Network(new int[] {400, 300, 2}, Activation.parse("tanh"), 0, "auto", DataType.DOUBLE, 1);
    double max = xavier.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400 * 300)).maxNumber()
        .doubleValue();
    assertEquals(Math.sqrt(6.0 / 700), max, 0.001, "Xavier: uniform within sqrt(6 / (fanIn + fanOut))");
    assertEquals(400 * 300 + 300 * 2, he.weightMask().sumNumber().intValue());
    assertThrows(IllegalArgumentException.class,
        () -> new Network(new int[] {3, 2}, Activation.parse("relu"), 0, "lecun", DataType.FLOAT, 1));
  }
}
