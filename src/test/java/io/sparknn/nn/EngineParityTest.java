package io.sparknn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.train.Optimizer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two engines compute the same network: same initial weights (from the seed alone), same batch, float
 * precision — forward outputs, the loss and every parameter gradient agree within 1e-4, for every layer kind,
 * activation and loss; and one optimizer step moves the weights identically.
 */
class EngineParityTest {
  private static final double TOLERANCE = 1e-4;

  /** What one training step produced on one engine. */
  private record Step(double[] out, double loss, List<double[]> grads, List<double[]> values) {}

  private static Step step(Engine e, Architecture a, String lossSpec, boolean classification) {
    Network net = a.build(e, false, 5);
    int rows = 33;
    Matrix x = NetworkTest.batch(e, rows, a.inputs(), 9, false, a.nominalSlots().length > 0);
    int k = a.outputs();
    Matrix y = e.fromDoubles(NetworkTest.targets(rows, k, classification), rows, k, false);
    double[] w = new double[rows];
    for (int i = 0; i < rows; i++) {
      w[i] = 0.5 + (i % 4) * 0.5;
    }
    Matrix out = net.forward(x, new Layer.Pass(true, new Random(1)));
    double[] outputs = out.toDoubles();
    Matrix g = out.like(out.rows, out.cols);
    double loss = Loss.parse(lossSpec, lossSpec.equals("crossEntropy") ? 0.05 : 0).compute(out, y,
        e.fromDoubles(w, rows, 1, false), g);
    net.backward(g);
    List<double[]> grads = net.params().stream().map(p -> p.trainable() ? p.grad().toDoubles() : new double[0])
        .toList();
    List<double[]> values = net.params().stream().map(p -> p.value().toDoubles()).toList();
    return new Step(outputs, loss, grads, values);
  }

  private static void close(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " sizes");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
    }
  }

  @ParameterizedTest
  @CsvSource({
      "relu,none,false,false,crossEntropy", "sigmoid,none,false,false,crossEntropy",
      "tanh,none,false,false,focal(2)", "leakyRelu(0.1),none,false,false,hinge", "elu(0.7),none,false,false,mse",
      "gelu,none,false,false,mae", "swish(1.0),none,false,false,huber(0.5)", "swish(1.7),none,false,false,crossEntropy",
      "prelu,none,false,false,crossEntropy", "relu,batch,false,false,crossEntropy", "gelu,layer,false,false,mse",
      "relu,none,true,false,crossEntropy", "tanh,batch,true,true,crossEntropy", "prelu,layer,true,true,huber(1)"})
  void forwardLossAndEveryGradientAgree(String act, String norm, boolean residual, boolean nominal, String loss) {
    boolean classification = Loss.parse(loss, 0).classification();
    Architecture a = new Architecture(6, nominal ? new int[] {1} : NetworkTest.NONE, nominal ? new int[] {3}
        : NetworkTest.NONE, nominal ? new int[] {4} : NetworkTest.NONE, new int[] {9, 9}, act, norm, residual, 0,
        "auto", classification ? 4 : 1);
    Step jvm = step(Engine.jvm(), a, loss, classification);
    Step nd4j = step(Engine.nd4j(), a, loss, classification);
    close(jvm.values().get(0), nd4j.values().get(0), "initial weights");
    close(jvm.out(), nd4j.out(), "outputs");
    assertEquals(jvm.loss(), nd4j.loss(), TOLERANCE * Math.max(1, jvm.loss()), "loss");
    for (int p = 0; p < jvm.grads().size(); p++) {
      close(jvm.grads().get(p), nd4j.grads().get(p), "gradient of parameter " + p);
    }
    for (int p = 0; p < jvm.values().size(); p++) {
      close(jvm.values().get(p), nd4j.values().get(p), "value (incl. running statistics) " + p);
    }
  }

  /** Weights after three optimizer steps on fixed gradients with every regularizer and clip on. */
  private static double[] optimize(Engine e, String method, boolean nesterov) {
    Matrix w = e.fromDoubles(new double[] {1, -2, 0.5, 0, 3, -0.25}, 2, 3, false);
    Matrix b = e.fromDoubles(new double[] {0.1, -0.1, 0.2}, 1, 3, false);
    Layer.Param weight = new Layer.Param("w", w, w.like(2, 3), true);
    Layer.Param bias = new Layer.Param("b", b, b.like(1, 3), false);
    Optimizer opt = new Optimizer(method, 0.9, nesterov, 0.9, 0.999, 1e-8, 0.01, 0.01, 0.02, 0.8, 1.0);
    for (int s = 0; s < 3; s++) {
      weight.grad().assign(e.fromDoubles(new double[] {0.3, -1.5, 0.02, 2, -0.7, 0.1 * s}, 2, 3, false));
      bias.grad().assign(e.fromDoubles(new double[] {0.5, -0.2, 0.05 * s}, 1, 3, false));
      opt.step(List.of(weight, bias), 0.05);
    }
    double[] out = new double[9];
    System.arraycopy(w.toDoubles(), 0, out, 0, 6);
    System.arraycopy(b.toDoubles(), 0, out, 6, 3);
    return out;
  }

  @ParameterizedTest
  @CsvSource({"sgd,false", "momentum,false", "momentum,true", "adam,false", "adamw,false"})
  void optimizerStepsAgree(String method, boolean nesterov) {
    double[] jvm = optimize(Engine.jvm(), method, nesterov);
    close(jvm, optimize(Engine.nd4j(), method, nesterov), method);
    assertTrue(Math.abs(jvm[0] - 1) > 1e-3, "the weights moved");
  }

  @Test
  void dropoutMasksKeepTheRateAndScaleOnBothEngines() {
    for (Engine e : NetworkTest.ENGINES) {
      Matrix mask = e.zeros(200, 50, false);
      e.dropoutMask(mask, 0.7, 3);
      double[] v = mask.toDoubles();
      int kept = 0;
      for (double m : v) {
        assertTrue(m == 0 || Math.abs(m - 1 / 0.7) < 1e-6, e + ": mask value " + m);
        kept += m > 0 ? 1 : 0;
      }
      assertEquals(0.7, kept / (double) v.length, 0.02, e + ": share kept");
      Matrix again = e.zeros(200, 50, false);
      e.dropoutMask(again, 0.7, 3);
      close(v, again.toDoubles(), e + ": the same seed gives the same mask");
      Matrix noise = e.zeros(200, 50, false);
      e.gaussian(noise, 2, 4);
      double sq = e.dot(noise, noise) / noise.size();
      assertEquals(4, sq, 0.2, e + ": gaussian variance");
    }
  }

  /**
   * x·w + b row by row in doubles against the engines' dense op, whose jvm float version copies b into every row
   * in blocks of up to 4,096 values and lets the BLAS add the product: shapes whose rows span several blocks and
   * end mid-block, one column, three, 700; stale output values must not leak through.
   */
  @Test
  void denseProductAddsTheBiasToEveryRow() {
    Random r = new Random(3);
    for (int[] shape : new int[][] {{1, 1, 1}, {5, 3, 1}, {33, 7, 3}, {1000, 20, 3}, {517, 9, 64}, {9, 4, 700}}) {
      int n = shape[0];
      int k = shape[1];
      int m = shape[2];
      double[] x = r.doubles((long) n * k, -1, 1).toArray();
      double[] w = r.doubles((long) k * m, -1, 1).toArray();
      double[] b = r.doubles(m, -1, 1).toArray();
      double[] expected = new double[n * m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          double v = b[j];
          for (int t = 0; t < k; t++) {
            v += x[i * k + t] * w[t * m + j];
          }
          expected[i * m + j] = v;
        }
      }
      for (Engine e : NetworkTest.ENGINES) {
        for (boolean precise : new boolean[] {false, true}) {
          Matrix out = e.fromDoubles(r.doubles((long) n * m, 100, 200).toArray(), n, m, precise);
          e.dense(e.fromDoubles(x, n, k, precise), e.fromDoubles(w, k, m, precise), e.fromDoubles(b, 1, m, precise),
              out);
          close(expected, out.toDoubles(), e + (precise ? " double " : " float ") + n + "x" + k + "x" + m);
        }
      }
    }
  }

  /**
   * The jvm engine's float Adam (branch-free so that it vectorizes): ordinary values follow the double formula;
   * moments that decay below 1e-30 become exactly 0 and a gradient within ±1e-18 leaves the squares at 0 (no
   * subnormal floats, which would cost ~100 cycles an operation).
   */
  @Test
  void floatAdamFollowsTheFormulaAndFlushesTinyMoments() {
    Engine e = Engine.jvm();
    double[] g = {1e-3, -2e-2, 0, 1e-20, 0.5};
    double[] m0 = {0.01, 0, 5e-31, 0, -0.2};
    double[] v0 = {1e-4, 0, 5e-31, 0, 0.3};
    Matrix w = e.fromDoubles(new double[] {1, -1, 2, 3, 0.5}, 1, 5, false);
    Matrix m = e.fromDoubles(m0, 1, 5, false);
    Matrix v = e.fromDoubles(v0, 1, 5, false);
    Engine.AdamStep s = new Engine.AdamStep(1, 0.9, 0.999, 1e-3, 1, 1e-8, 1);
    e.adam(w, e.fromDoubles(g, 1, 5, false), m, v, s);
    double[] wd = {1, -1, 2, 3, 0.5};
    double[] ws = w.toDoubles();
    double[] ms = m.toDoubles();
    double[] vs = v.toDoubles();
    for (int i : new int[] {0, 1, 4}) {
      double mi = 0.9 * m0[i] + 0.1 * g[i];
      double vi = 0.999 * v0[i] + 0.001 * g[i] * g[i];
      assertEquals(mi, ms[i], 1e-4 * Math.abs(mi), "m[" + i + "]"); // 1 - 0.999 in float is 1.00005e-3
      assertEquals(vi, vs[i], 1e-4 * Math.abs(vi), "v[" + i + "]");
      double wi = wd[i] - 1e-3 * mi / (Math.sqrt(vi) + 1e-8);
      assertEquals(wi, ws[i], 1e-6, "w[" + i + "]");
    }
    assertEquals(0.0, ms[2], "m below 1e-30 flushed");
    assertEquals(0.0, vs[2], "v below 1e-30 flushed");
    assertEquals(2.0, ws[2], 0.0, "no update from flushed moments");
    assertEquals(0.0, vs[3], "a gradient of 1e-20 adds nothing to v");
    assertEquals(1e-21, ms[3], 1e-27, "but moves m");
  }

  /**
   * The jvm engine's two ways to OpenBLAS give the same floats: Spark's BLAS loader on the Java arrays (no copies;
   * active on Linux unless MLlib loaded it first in this JVM) and javacpp with staged copies — every transpose
   * combination, operands at offsets inside larger arrays, β = 0 and 1, small and staged sizes.
   */
  @Test
  void bothBlasPathsGiveTheSameProducts() {
    org.junit.jupiter.api.Assumptions.assumeTrue(JvmEngine.CRITICAL != null, "Spark's BLAS loader is not ours here");
    Random r = new Random(11);
    for (int[] s : new int[][] {{1, 1, 1}, {7, 5, 3}, {64, 20, 64}, {300, 70, 130}}) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      for (int flags = 0; flags < 8; flags++) {
        boolean ta = (flags & 1) != 0;
        boolean tb = (flags & 2) != 0;
        float beta = (flags & 4) != 0 ? 1 : 0;
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        float[] a = floats(r, 5 + m * k);
        float[] b = floats(r, 3 + k * n);
        float[] c = floats(r, 9 + m * n);
        float[] c2 = c.clone();
        JvmEngine.criticalSgemm(JvmEngine.CRITICAL, ta, tb, m, n, k, 0.5f, a, 5, lda, b, 3, ldb, beta, c, 9, n);
        JvmEngine.copyingSgemm(ta, tb, m, n, k, 0.5f, a, 5, lda, b, 3, ldb, beta, c2, 9, n);
        assertArrayEquals(c2, c, m + "x" + k + "x" + n + " flags " + flags);
        if (beta == 0) {
          double expected = 0;
          for (int t = 0; t < k; t++) {
            expected += 0.5 * a[5 + (ta ? t * lda : t)] * b[3 + (tb ? t : t * ldb)];
          }
          assertEquals(expected, c[9], 1e-4 * Math.max(1, Math.abs(expected)), "c[0][0] by hand, flags " + flags);
        }
      }
    }
  }

  private static float[] floats(Random r, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }

  @Test
  void rowAndColumnOperationsAgree() {
    for (Engine e : NetworkTest.ENGINES) {
      Matrix src = e.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, 3, 2, false);
      Matrix gathered = e.zeros(4, 2, false);
      e.gatherRows(src, new int[] {2, 0, 2, 1}, gathered);
      close(new double[] {5, 6, 1, 2, 5, 6, 3, 4}, gathered.toDoubles(), e + " gather");
      Matrix table = e.zeros(3, 2, false);
      e.scatterAddRows(gathered, new int[] {1, 1, 0, 1}, table);
      close(new double[] {5, 6, 9, 12, 0, 0}, table.toDoubles(), e + " scatter-add accumulates repeats");
      Matrix wide = e.zeros(3, 4, false);
      e.copyColumns(src, new int[] {1, 0}, wide, 1);
      close(new double[] {0, 2, 1, 0, 0, 4, 3, 0, 0, 6, 5, 0}, wide.toDoubles(), e + " copy columns");
    }
  }

  @Test
  void nd4jScratchScopesKeepTemporariesInOneWorkspaceAndBuffersOutside() {
    Engine e = Engine.nd4j();
    Matrix[] kept = new Matrix[2];
    double sum = e.scoped(() -> {
      Matrix scratch = e.zeros(64, 64, false).fill(2);
      kept[0] = scratch;
      kept[1] = e.reuse(null, 64, 64, false).fill(3);
      assertTrue(((Nd4jEngine.Nd) scratch).a.isAttached(), "a temporary lives in the scope's workspace");
      assertTrue(!((Nd4jEngine.Nd) kept[1]).a.isAttached(), "a reused buffer lives outside it");
      return e.dot(scratch, kept[1]);
    });
    assertEquals(64 * 64 * 6.0, sum, 1e-6);
    assertEquals(3.0, kept[1].get(5), 0.0, "the buffer survives the scope");
    for (int i = 0; i < 100; i++) {
      e.scoped(() -> e.zeros(128, 128, false).fill(1)); // 64 KB of scratch per scope
    }
    long size = org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread("sparknn-scratch")
        .getCurrentSize();
    assertTrue(size > 0 && size < 1 << 20, "100 scopes reuse one workspace of " + size + " bytes, not 6.4 MB");
    assertEquals(7.0, Engine.jvm().scoped(() -> 7.0), 0.0, "the jvm engine just runs the work");
  }

  @Test
  void engineNamesResolve() {
    assertSame(Engine.jvm(), Engine.of("jvm"));
    assertSame(Engine.nd4j(), Engine.of("ND4J"));
    // this build carries nd4j-native (no CUDA backend), so auto picks the jvm engine
    assertSame(Engine.jvm(), Engine.of("auto"));
    String msg = assertThrows(IllegalArgumentException.class, () -> Engine.of("cuda")).getMessage();
    assertTrue(msg.contains("'cuda'") && msg.contains("auto, jvm, nd4j"), msg);
    Matrix mixed = Engine.nd4j().zeros(2, 2, false);
    String wrong = assertThrows(IllegalArgumentException.class, () -> Engine.jvm().fill(mixed, 1)).getMessage();
    assertTrue(wrong.contains("nd4j engine"), wrong);
  }
}
