package io.sparknn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Convolution, pooling and recurrent layers: gradients on both engines, shapes, values and messages. */
class DeepLayersTest {

  static Architecture stack(int[] shape, String layers, int outputs) {
    int inputs = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    return new Architecture(inputs, NetworkTest.NONE, NetworkTest.NONE, NetworkTest.NONE, NetworkTest.NONE, "relu",
        "none", false, 0, "auto", outputs, shape, layers);
  }

  static int[] ints(String s) {
    return Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "1x5x5; conv2d(2,3,1,1) relu maxpool(2) flatten dense(3) tanh",
      "2x6x5; conv2d(3,2,2,1) tanh avgpool(2,1) batchnorm globalavgpool",
      "2x6x5; conv2d(2,3,1,0,2) elu globalmaxpool",
      "4x3; conv1d(3,2,1,1) tanh maxpool(2) flatten",
      "4x3; rnn(3) last",
      "4x3; gru(3) mean",
      "4x3; lstm(3) max",
      "4x3; bilstm(2) last",
      "4x3; bigru(2) lstm(2) layernorm dense(2) tanh flatten",
      "5x2; birnn(2) dropout(0.3) mean",
      "4x3; dense(4) posemb encoder(2,6) layernorm mean",
      "4x3; dense(4) posenc cls attention(2) first",
      "3x4; encoder(1,4,0.2) dense(2) mean"})
  void everyParameterGradientMatchesFiniteDifferences(String shape, String layers) {
    for (Engine e : NetworkTest.ENGINES) {
      gradientCheck(e, stack(ints(shape), layers, 3), false);
    }
  }

  @Test
  void tabularTokensGradientMatchesFiniteDifferences() {
    // slot 1 is nominal (3 categories) and embedded at the token width
    Architecture a = new Architecture(4, new int[] {1}, new int[] {3}, new int[] {4}, NetworkTest.NONE, "relu",
        "none", false, 0, "auto", 3, new int[0], "tokens(4) cls encoder(2,6) layernorm first");
    for (Engine e : NetworkTest.ENGINES) {
      gradientCheck(e, a, true);
    }
  }

  /** Variable-length rows: steps × features values and the length; padded values are random (they must not count). */
  static Matrix sequences(Engine e, int steps, int features, int[] lengths, long seed, boolean precise) {
    Random r = new Random(seed);
    int w = steps * features + 1;
    double[] x = new double[lengths.length * w];
    for (int i = 0; i < lengths.length; i++) {
      for (int j = 0; j < w - 1; j++) {
        x[i * w + j] = r.nextGaussian();
      }
      x[i * w + w - 1] = lengths[i];
    }
    return e.fromDoubles(x, lengths.length, w, precise);
  }

  static Architecture masked(int steps, int features, String layers, int outputs) {
    return new Architecture(steps * features + 1, NetworkTest.NONE, NetworkTest.NONE, NetworkTest.NONE,
        NetworkTest.NONE, "relu", "none", false, 0, "auto", outputs, new int[] {steps, features}, layers, true);
  }

  @ParameterizedTest
  @CsvSource({"lstm(3) last", "bigru(2) mean", "rnn(3) max", "'dense(4) posemb encoder(2,6) layernorm mean'"})
  void maskedGradientsMatchFiniteDifferences(String layers) {
    for (Engine e : NetworkTest.ENGINES) {
      gradientCheck(e, masked(4, 2, layers, 3), false);
    }
  }

  @ParameterizedTest
  @CsvSource({"lstm(3) last", "bilstm(3) last", "bigru(2) mean", "rnn(3) max", "gru(3) lstm(2) last",
      "'dense(4) posemb encoder(2,6) layernorm mean'", "dense(4) posenc attention(2) max"})
  void paddingDoesNotChangeASequencesOutput(String layers) {
    for (Engine e : NetworkTest.ENGINES) {
      Network net = masked(6, 2, layers, 2).build(e, false, 3);
      int[] lengths = {3, 3, 6, 1};
      Matrix a = sequences(e, 6, 2, lengths, 1, false);
      Matrix b = a.copy();
      Random r = new Random(8);
      for (int row = 0; row < 4; row++) { // other values in every padded step
        for (int j = lengths[row] * 2; j < 12; j++) {
          b.set(row * 13 + j, r.nextGaussian() * 5);
        }
      }
      double[] oa = net.forward(a, Layer.Pass.INFERENCE).toDoubles();
      double[] ob = net.forward(b, Layer.Pass.INFERENCE).toDoubles();
      assertArrayEquals(oa, ob, 1e-6, e + " " + layers);
      assertTrue(Arrays.stream(oa).allMatch(Double::isFinite));
      if (!layers.contains("pos")) { // recurrent: the same weights on the 3 steps alone give the same output
        Network three = stack(new int[] {3, 2}, layers, 2).build(e, false, 3).load(net.toFloats());
        float[] first = new float[6];
        for (int j = 0; j < 6; j++) {
          first[j] = (float) a.get(j);
        }
        assertArrayEquals(Arrays.copyOf(oa, 2), three.infer(first, 0, 1), 1e-5, e + " " + layers);
      }
    }
  }

  @Test
  void gradientClippingBoundsARecurrentStep() {
    // clipNorm applies to the recurrent weights like to any other: one SGD step with lr 1 moves all parameters
    // together by at most the clip norm
    Network net = stack(new int[] {20, 3}, "lstm(8) last", 2).build(false, 4);
    Matrix x = NetworkTest.batch(Engine.jvm(), 16, 60, 2, false, false);
    Matrix y = Engine.jvm().fromDoubles(NetworkTest.targets(16, 2, true), 16, 2, false);
    Matrix w = Matrix.zeros(16, 1, false).fill(100);
    float[] before = net.toFloats();
    NetworkTest.loss(net, Loss.parse("crossEntropy", 0), x, y, w, true);
    new io.sparknn.train.Optimizer("sgd", 0, false, 0.9, 0.999, 1e-8, 0, 0, 0, 0, 0.01).step(net.params(), 1.0);
    float[] after = net.toFloats();
    double moved = 0;
    for (int i = 0; i < before.length; i++) {
      moved += (after[i] - before[i]) * (after[i] - before[i]);
    }
    assertEquals(0.01, Math.sqrt(moved), 1e-4, "the unclipped gradient norm is far above 0.01");
  }

  @Test
  void attentionOverOnlyPaddedKeysStaysFinite() {
    for (Engine e : NetworkTest.ENGINES) {
      SequenceMask mask = new SequenceMask(3, 4);
      mask.steps().set(new float[] {0, 2}, e, false);
      Attention att = new Attention(3, 4, 2, mask.steps(), new Random(1), e, false);
      double[] out = att.forward(NetworkTest.batch(e, 2, 12, 1, false, false), Layer.Pass.INFERENCE).toDoubles();
      assertTrue(Arrays.stream(out).allMatch(Double::isFinite), Arrays.toString(out));
    }
  }

  private static void gradientCheck(Engine e, Architecture a, boolean nominal) {
    Network net = a.build(e, true, 5);
    Loss loss = Loss.parse("crossEntropy", 0);
    Matrix x = a.masked() ? sequences(e, a.inputShape()[0], a.inputShape()[1], new int[] {4, 1, 2, 3, 4, 2}, 9,
        true) : NetworkTest.batch(e, 6, a.inputs(), 9, true, nominal);
    Matrix y = e.fromDoubles(NetworkTest.targets(6, 3, true), 6, 3, true);
    Matrix w = e.fromDoubles(new double[] {1, 2, 0.5, 1, 1, 3}, 6, 1, true);
    int checked = NetworkTest.checkGradients(net, loss, x, y, w, e + " " + a.layers());
    assertTrue(checked >= 20, checked + " parameters checked");
  }

  /** Inference reuses two sets of step buffers; a training pass keeps every step: both compute the same outputs. */
  @ParameterizedTest
  @CsvSource({"lstm(3) last", "bigru(2) lstm(3) mean", "rnn(3) max", "bilstm(2) last"})
  void recurrentInferenceMatchesTheTrainingPass(String layers) {
    for (Engine e : NetworkTest.ENGINES) {
      for (boolean masked : new boolean[] {false, true}) {
        Architecture a = masked ? masked(5, 3, layers, 2) : stack(new int[] {5, 3}, layers, 2);
        Network net = a.build(e, false, 11);
        Matrix x = masked ? sequences(e, 5, 3, new int[] {5, 2, 1, 4}, 12, false)
            : e.fromDoubles(new Random(12).doubles(4 * 15).toArray(), 4, 15, false);
        double[] inference = e.doubles(net.forward(x, Layer.Pass.INFERENCE)).clone();
        double[] training = e.doubles(net.forward(x, new Layer.Pass(true, new Random(1))));
        assertArrayEquals(training, inference, 1e-6, e + " " + layers + (masked ? " masked" : ""));
      }
    }
  }

  /**
   * The {@code jvm} engine's own float kernel (blocks of images, several blocks here) against the whole-batch im2col
   * product in double precision: output, input gradient and both parameter gradients, same weights.
   */
  @ParameterizedTest
  @CsvSource({"image, 3, 20, 20, 4, 3, 1, 1, 1, 50", "image, 2, 9, 7, 5, 3, 2, 1, 2, 2500",
      "sequence, 1, 30, 6, 3, 3, 1, 1, 1, 1500"})
  void blockedFloatConvolutionMatchesTheWholeBatchProduct(String kind, int channels, int height, int width,
      int filters, int kernel, int stride, int padding, int dilation, int rows) {
    Shape in = kind.equals("image") ? Shape.image(height, width, channels) : Shape.sequence(height, width);
    int kh = kind.equals("image") ? kernel : 1;
    Engine e = Engine.jvm();
    Convolution blocked = new Convolution(in, filters, kh, kernel, stride, padding, dilation, new Random(5), e, false);
    Convolution whole = new Convolution(in, filters, kh, kernel, stride, padding, dilation, new Random(5), e, true);
    Random r = new Random(6);
    double[] x = new double[rows * in.size()];
    double[] g = new double[rows * blocked.shape().size()];
    Arrays.setAll(x, i -> r.nextGaussian());
    Arrays.setAll(g, i -> r.nextGaussian());
    double[] bias = new double[filters];
    Arrays.setAll(bias, i -> 0.1 * i - 0.2);
    for (Convolution c : new Convolution[] {blocked, whole}) {
      e.copy(e.fromDoubles(bias, 1, filters, c == whole), c.params().get(1).value());
    }
    Matrix yb = blocked.forward(e.fromDoubles(x, rows, in.size(), false), Layer.Pass.INFERENCE);
    Matrix yw = whole.forward(e.fromDoubles(x, rows, in.size(), true), Layer.Pass.INFERENCE);
    close(e.doubles(yw), e.doubles(yb), "output");
    Matrix db = blocked.backward(e.fromDoubles(g, rows, g.length / rows, false), true);
    Matrix dw = whole.backward(e.fromDoubles(g, rows, g.length / rows, true), true);
    close(e.doubles(dw), e.doubles(db), "input gradient");
    for (int p = 0; p < 2; p++) {
      close(e.doubles(whole.params().get(p).grad()), e.doubles(blocked.params().get(p).grad()),
          whole.params().get(p).name() + " gradient");
    }
    assertEquals(null, blocked.backward(e.fromDoubles(g, rows, g.length / rows, false), false));
    close(e.doubles(whole.params().get(0).grad()), e.doubles(blocked.params().get(0).grad()), "kernel gradient again");
  }

  /**
   * The {@code jvm} engine's float pooling (channel groups moved by contiguous loops) against its double path, on
   * values with many ties (integers 0–3), which split a max window's gradient.
   */
  @ParameterizedTest
  @CsvSource({"max, 2, 2", "mean, 2, 2", "max, 3, 2", "mean, 3, 1", "globalmax, 0, 0", "globalmean, 0, 0",
      "last, 0, 0", "channelsLast, 0, 0"})
  void floatPoolingMatchesTheDoublePath(String kind, int k, int stride) {
    Shape in = Shape.image(7, 6, 5);
    Pooling[] pair = new Pooling[2];
    for (int i = 0; i < 2; i++) {
      pair[i] = switch (kind) {
        case "max", "mean" -> Pooling.windows(in, k, stride, kind.equals("max"));
        case "globalmax", "globalmean" -> Pooling.global(in, kind.equals("globalmax"));
        case "last" -> Pooling.last(Shape.sequence(7, 30), 1);
        default -> Pooling.channelsLast(5, 7, 6);
      };
    }
    Engine e = Engine.jvm();
    int rows = 9;
    Random r = new Random(7);
    double[] x = new double[rows * in.size()];
    Arrays.setAll(x, i -> r.nextInt(4));
    double[] g = new double[rows * pair[0].shape().size()];
    Arrays.setAll(g, i -> r.nextGaussian());
    Matrix yf = pair[0].forward(e.fromDoubles(x, rows, in.size(), false), Layer.Pass.INFERENCE);
    Matrix yd = pair[1].forward(e.fromDoubles(x, rows, in.size(), true), Layer.Pass.INFERENCE);
    close(e.doubles(yd), e.doubles(yf), kind + " output");
    Matrix df = pair[0].backward(e.fromDoubles(g, rows, g.length / rows, false), true);
    Matrix dd = pair[1].backward(e.fromDoubles(g, rows, g.length / rows, true), true);
    close(e.doubles(dd), e.doubles(df), kind + " input gradient");
  }

  /** Every value within 1e-4 of the reference, relative to the reference's largest magnitude. */
  private static void close(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0);
    assertTrue(scale > 0, what + " is all zeros");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4 * scale, what + " at " + i);
    }
  }

  @Test
  void bothEnginesComputeTheSameDeepNetwork() {
    Architecture a = stack(new int[] {1, 8, 8}, "conv2d(4,3,1,1) relu maxpool(2) conv2d(4,3) batchnorm relu"
        + " globalavgpool", 5);
    Architecture r = stack(new int[] {6, 4}, "bigru(5) lstm(4) mean dense(3) relu", 5);
    for (Architecture arch : new Architecture[] {a, r}) {
      Network jvm = arch.build(Engine.jvm(), false, 3);
      Network nd = arch.build(Engine.nd4j(), false, 3);
      float[] x = new float[10 * arch.inputs()];
      Random rng = new Random(4);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rng.nextGaussian();
      }
      assertArrayEquals(jvm.infer(x, 0, 10), nd.infer(x, 0, 10), 1e-4, arch.layers());
    }
  }

  @Test
  void convolutionAndPoolingShapes() {
    Network net = stack(new int[] {1, 28, 28}, "conv2d(4,3,2,1) maxpool(2) conv2d(8,3,1,1,2) avgpool(3,2)", 2)
        .build(false, 1);
    assertEquals(14 * 14 * 4, ((Convolution) net.layers().get(0)).shape().size());
    assertEquals(Shape.image(7, 7, 4), ((Pooling) net.layers().get(1)).shape());
    assertEquals(Shape.image(5, 5, 8), ((Convolution) net.layers().get(2)).shape(), "dilation 2, padding 1");
    assertEquals(Shape.image(2, 2, 8), ((Pooling) net.layers().get(3)).shape());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stack(new int[] {1, 5, 5}, "conv2d(2,3) maxpool(2) conv2d(2,3)", 2).build(false, 1));
    assertTrue(e.getMessage().contains("token 3 'conv2d(2,3)' on [1 x 1, 2 channels]"), e.getMessage());
    assertTrue(e.getMessage().contains("floor((1 + 2*0 - 3) / 1) + 1 = -1"), e.getMessage());
  }

  @Test
  void poolingValues() {
    // a 4 x 4 single-channel image 0..15
    double[] img = new double[16];
    for (int i = 0; i < 16; i++) {
      img[i] = i;
    }
    for (Engine e : NetworkTest.ENGINES) {
      Matrix x = e.fromDoubles(img, 1, 16, false);
      assertArrayEquals(new double[] {5, 7, 13, 15},
          Pooling.windows(Shape.image(4, 4, 1), 2, 2, true).forward(x, Layer.Pass.INFERENCE).toDoubles(), 0);
      assertArrayEquals(new double[] {2.5, 4.5, 10.5, 12.5},
          Pooling.windows(Shape.image(4, 4, 1), 2, 2, false).forward(x, Layer.Pass.INFERENCE).toDoubles(), 0);
      // as 8 steps of 2 features: the last step, and for a split of 1 the second feature of the first step
      assertArrayEquals(new double[] {14, 15}, Pooling.last(Shape.sequence(8, 2), 0).forward(x,
          Layer.Pass.INFERENCE).toDoubles(), 0);
      assertArrayEquals(new double[] {14, 1}, Pooling.last(Shape.sequence(8, 2), 1).forward(x,
          Layer.Pass.INFERENCE).toDoubles(), 0);
      assertArrayEquals(new double[] {7, 8}, Pooling.global(Shape.sequence(8, 2), false).forward(x,
          Layer.Pass.INFERENCE).toDoubles(), 0);
      // channels first [2, 2, 4] -> channels last: pixel p holds (p, 8 + p)
      double[] cl = Pooling.channelsLast(2, 2, 4).forward(x, Layer.Pass.INFERENCE).toDoubles();
      assertArrayEquals(new double[] {0, 8, 1, 9, 2, 10}, Arrays.copyOf(cl, 6), 0);
    }
  }

  @Test
  void maxPoolingSplitsTheGradientBetweenTies() {
    for (Engine e : NetworkTest.ENGINES) {
      Pooling p = Pooling.windows(Shape.sequence(4, 1), 2, 2, true);
      p.forward(e.fromDoubles(new double[] {3, 3, 1, 2}, 1, 4, true), new Layer.Pass(true, new Random(1)));
      double[] g = p.backward(e.fromDoubles(new double[] {1, 4}, 1, 2, true), true).toDoubles();
      assertArrayEquals(new double[] {0.5, 0.5, 0, 4}, g, 0, e.name());
    }
  }

  @Test
  void recurrentLayersCarryInformationAcrossSteps() {
    // the output at the last step depends on the first step's input; a forward layer's first step does not
    // depend on later inputs
    for (String cell : new String[] {"rnn", "gru", "lstm"}) {
      Network net = stack(new int[] {5, 2}, cell + "(4) last", 1).build(false, 2);
      float[] x = new float[10];
      double before = net.infer(x, 0, 1)[0];
      x[0] = 1;
      assertTrue(Math.abs(net.infer(x, 0, 1)[0] - before) > 1e-4, cell + ": the first step reaches the last");
      Network seq = stack(new int[] {5, 2}, cell + "(4)", 3).build(false, 2);
      Recurrent r = (Recurrent) seq.layers().get(0);
      float[] y = new float[10];
      double[] a = r.forward(Matrix.wrap(y, 1, 10), Layer.Pass.INFERENCE).toDoubles();
      y[9] = 1;
      double[] b = r.forward(Matrix.wrap(y, 1, 10), Layer.Pass.INFERENCE).toDoubles();
      assertArrayEquals(Arrays.copyOf(a, 16), Arrays.copyOf(b, 16), 0, cell + ": steps 0..3 ignore step 4");
      assertTrue(Math.abs(a[16] - b[16]) > 1e-6, cell + ": step 4 sees its input");
    }
  }

  @Test
  void badStacksAreRejectedWithTheToken() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LayerStack.check("conv2d(32,3) relu maxpoool(2)"));
    assertTrue(e.getMessage().contains("token 3 'maxpoool(2)' is unknown"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerStack.check("conv2d(32) relu"));
    assertTrue(e.getMessage().contains("token 1 'conv2d(32)' takes 2 to 5 numbers, got 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerStack.check("lstm(64) dropout(1.5)"));
    assertTrue(e.getMessage().contains("token 2 'dropout(1.5)': the rate must be in [0, 1)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LayerStack.check("dense(2.5)"));
    assertTrue(e.getMessage().contains("whole numbers"), e.getMessage());
    LayerStack.check("conv2d(8, 3, 1, 1), relu, maxpool(2) flatten dense(16) leakyRelu(0.1)");
    e = assertThrows(IllegalArgumentException.class, () -> stack(new int[] {1, 4, 4}, "lstm(3)", 2).build(false, 1));
    assertTrue(e.getMessage().contains("needs a sequence: set inputShape to [time, features]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> stack(new int[] {3, 4}, "conv2d(3,2)", 2).build(false, 1));
    assertTrue(e.getMessage().contains("needs an image"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Architecture.shape(new int[] {1, 28, 27}, 784));
    assertTrue(e.getMessage().contains("holds 756 values but each features vector has 784"), e.getMessage());
  }
}
