package io.sparknn.nn;

import java.util.Random;
import org.bytedeco.openblas.global.openblas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code jvm} engine: matrices are Java {@code float[]} (or {@code double[]} for gradient checks), products
 * call OpenBLAS {@code cblas_sgemm}/{@code cblas_dgemm} on the arrays (the BLAS that ND4J's CPU backend links, without
 * ND4J's per-operation dispatch of 0.1–1 ms), and element-wise work runs in plain loops that the JIT vectorizes.
 * Float loops have their own branch-free paths; double matrices take the general path. Float products reach that
 * OpenBLAS without copying the arrays when they can ({@link #CRITICAL}).
 */
final class JvmEngine extends Engine {
  private static final Logger LOG = LoggerFactory.getLogger(JvmEngine.class);
  static final JvmEngine INSTANCE = new JvmEngine();
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;
  /** Float values below this are flushed to 0 (subnormal floats cost ~100 cycles per operation on x86). */
  static final float TINY = 1e-30f;

  /** A matrix over a Java array: exactly one of {@code f} and {@code d} is set. */
  static final class Array extends Matrix {
    final float[] f;
    final double[] d;

    Array(int rows, int cols, float[] f, double[] d) {
      super(rows, cols);
      this.f = f;
      this.d = d;
    }

    @Override
    public Engine engine() {
      return INSTANCE;
    }

    @Override
    public boolean precise() {
      return d != null;
    }

    double at(int i) {
      return f != null ? f[i] : d[i];
    }

    void put(int i, double v) {
      if (f != null) {
        f[i] = (float) v;
      } else {
        d[i] = v;
      }
    }
  }

  /** The system properties that choose the library of Spark's BLAS loader. */
  static final String NETLIB_LIB = "dev.ludovic.netlib.blas.nativeLib";
  static final String NETLIB_LIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";

  /**
   * Spark's own BLAS loader ({@code dev.ludovic.netlib}, a dependency of spark-mllib) pointed at the OpenBLAS that
   * {@code cblas_sgemm} below calls: its JNI hands Java arrays to {@code sgemm} without copying them
   * (GetPrimitiveArrayCritical), where javacpp copies every array argument in and out — 1.2–2.5× per product here,
   * the same results bit for bit. Null, and float products go through javacpp, when that loader is not ours to
   * point: outside Linux (it ships Linux libraries only), when a {@value #NETLIB_LIB} or {@value #NETLIB_LIB_PATH}
   * property is set, or when it is already loaded in this JVM (by MLlib, with a BLAS whose threads we do not set).
   */
  static final dev.ludovic.netlib.blas.BLAS CRITICAL = criticalBlas();

  private static dev.ludovic.netlib.blas.BLAS criticalBlas() {
    try {
      if (!System.getProperty("os.name", "").startsWith("Linux") || System.getProperty(NETLIB_LIB) != null
          || System.getProperty(NETLIB_LIB_PATH) != null) {
        return null;
      }
      java.nio.file.Path maps = java.nio.file.Path.of("/proc/self/maps");
      if (java.nio.file.Files.readString(maps).contains("netlibblasjni")) {
        LOG.info("jvm engine: Spark's BLAS loader is already loaded in this JVM; float products go through javacpp");
        return null;
      }
      org.bytedeco.javacpp.Loader.load(openblas.class);
      String path = org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet().stream()
          .filter(e -> e.getKey().startsWith("openblas@")).map(java.util.Map.Entry::getValue).findFirst()
          .orElse(null);
      if (path == null) {
        return null;
      }
      System.setProperty(NETLIB_LIB_PATH, path);
      // the loader also sets up its Java fallback and warns when the JDK's vector module is absent: not used here
      java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");
      java.util.logging.Level level = jul.getLevel();
      jul.setLevel(java.util.logging.Level.SEVERE);
      dev.ludovic.netlib.blas.BLAS blas;
      try {
        blas = dev.ludovic.netlib.blas.NativeBLAS.getInstance();
      } finally {
        jul.setLevel(level);
      }
      LOG.info("jvm engine: float products through Spark's BLAS loader on {} (no array copies)", path);
      return blas;
    } catch (Throwable t) { // no such library for this platform, a failed load: javacpp's copies still work
      LOG.info("jvm engine: float products go through javacpp ({})", t.toString());
      return null;
    }
  }

  /** Products of at least this many operand values go through {@link Staging}. */
  private static final long DIRECT_GEMM = 1 << 14;
  private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);

  /**
   * Direct (off-heap) copies of a product's operands, one set per thread, kept and grown as needed. javacpp passes
   * a Java array to native code by copying it into fresh native memory and back again after the call — all three
   * operands, both ways; staging copies A and B in once and C out once into memory that is reused, which measured
   * 5–40 % off a 4096-row forward pass here (more on a fast moment of this shared machine, where copies weigh more).
   */
  private static final class Staging {
    java.nio.FloatBuffer a = direct(0);
    java.nio.FloatBuffer b = direct(0);
    java.nio.FloatBuffer c = direct(0);

    private static java.nio.FloatBuffer direct(int n) {
      return java.nio.ByteBuffer.allocateDirect(n * 4).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** This set, grown to hold operands of these sizes. */
    Staging fit(int na, int nb, int nc) {
      a = a.capacity() >= na ? a : direct(na);
      b = b.capacity() >= nb ? b : direct(nb);
      c = c.capacity() >= nc ? c : direct(nc);
      return this;
    }
  }

  private JvmEngine() {}

  private static Array a(Matrix m) {
    if (!(m instanceof Array x)) {
      throw new IllegalArgumentException("the jvm engine got a matrix of the " + m.engine() + " engine: " + m);
    }
    return x;
  }

  private static volatile int threads;

  /** Sets OpenBLAS's thread count (when it changes). */
  static void blasThreads(int n) {
    if (n != threads) {
      openblas.blas_set_num_threads(n);
      threads = n;
    }
  }

  @Override
  public String name() {
    return "jvm";
  }

  /**
   * 512 rows: a batch's layer outputs stay in the L2 cache. Measured here (best of 7 passes, one thread): a
   * 20-64-64-3 network 5.15 M rows/s against 3.27 M at 4,096 rows, a 20-512-512-3 one 193 k against 171 k.
   */
  @Override
  public int scoringBatch(int inputs) {
    return 512;
  }

  /**
   * 8 M values: an LSTM(128) over 28 steps then scores 135 rows a batch, whose per-step matrices stay in the L2
   * cache; it scored ~30 % more rows/s than at 16 M (270 rows a batch) here.
   */
  @Override
  public long scoringWorkingValues() {
    return 1 << 23;
  }

  @Override
  public Matrix zeros(int rows, int cols, boolean precise) {
    long n = (long) rows * cols;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(rows + " x " + cols + " values exceed one array");
    }
    return precise ? new Array(rows, cols, null, new double[(int) n]) : new Array(rows, cols, new float[(int) n],
        null);
  }

  @Override
  public Matrix persistent(int rows, int cols, boolean precise) {
    return zeros(rows, cols, precise);
  }

  @Override
  public <T> T scoped(java.util.function.Supplier<T> work) {
    return work.get();
  }

  @Override
  Matrix upload(float[] values, int rows, int cols, boolean precise) {
    if (!precise) {
      return new Array(rows, cols, values, null);
    }
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return new Array(rows, cols, null, d);
  }

  @Override
  Matrix upload(double[] values, int rows, int cols, boolean precise) {
    if (precise) {
      return new Array(rows, cols, null, values);
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return new Array(rows, cols, f, null);
  }

  @Override
  float[] floats(Matrix m) {
    Array x = a(m);
    if (x.f != null) {
      return x.f;
    }
    float[] out = new float[x.d.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) x.d[i];
    }
    return out;
  }

  @Override
  double[] doubles(Matrix m) {
    Array x = a(m);
    if (x.d != null) {
      return x.d.clone();
    }
    double[] out = new double[x.f.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = x.f[i];
    }
    return out;
  }

  @Override
  double get(Matrix m, int i) {
    return a(m).at(i);
  }

  @Override
  void set(Matrix m, int i, double v) {
    a(m).put(i, v);
  }

  @Override
  void load(Matrix m, float[] source, int from) {
    Array x = a(m);
    if (x.f != null) {
      System.arraycopy(source, from, x.f, 0, x.f.length);
    } else {
      for (int i = 0; i < x.d.length; i++) {
        x.d[i] = source[from + i];
      }
    }
  }

  @Override
  public void copy(Matrix src, Matrix dst) {
    same(src, dst);
    Array s = a(src);
    Array t = a(dst);
    if (s.size() != t.size()) {
      throw new IllegalArgumentException("cannot copy " + src + " into " + dst);
    }
    if (s.f != null) {
      System.arraycopy(s.f, 0, t.f, 0, s.f.length);
    } else {
      System.arraycopy(s.d, 0, t.d, 0, s.d.length);
    }
  }

  @Override
  public void fill(Matrix m, double v) {
    Array x = a(m);
    if (x.f != null) {
      java.util.Arrays.fill(x.f, (float) v);
    } else {
      java.util.Arrays.fill(x.d, v);
    }
  }

  @Override
  void product(Matrix ma, boolean ta, Matrix mb, boolean tb, Matrix mc, double alpha, double beta, int m, int n,
      int k) {
    Array a = a(ma);
    Array b = a(mb);
    Array c = a(mc);
    int opA = ta ? TRANS : NO_TRANS;
    int opB = tb ? TRANS : NO_TRANS;
    if (c.f != null) {
      sgemm(ta, tb, m, n, k, (float) alpha, a.f, 0, a.cols, b.f, 0, b.cols, (float) beta, c.f, 0, c.cols);
    } else {
      openblas.cblas_dgemm(ROW_MAJOR, opA, opB, m, n, k, alpha, a.d, a.cols, b.d, b.cols, beta, c.d, c.cols);
    }
  }

  /**
   * Float: every row of out = b first (copies, which the JIT turns into wide moves), then out += x·w in the BLAS —
   * instead of a pass that adds b to each row after the product, which C2 leaves scalar (b and out are indexed
   * differently): ~0.4 ns a value, a third of a 20-64-64-3 forward pass.
   */
  @Override
  void dense(Matrix x, Matrix w, Matrix b, Matrix out) {
    Array o = a(out);
    Array v = a(b);
    if (o.f == null || v.f == null || v.size() != o.cols) {
      super.dense(x, w, b, out);
      return;
    }
    fillRows(v.f, o.f, 0, o.rows, o.cols);
    gemm(x, false, w, false, out, 1, 1);
  }

  /** Rows [0, rows) of the row-major {@code o} (cols wide, from {@code at}) = v: doubling copies of a block. */
  private static void fillRows(float[] v, float[] o, int at, int rows, int cols) {
    if (rows == 0 || cols == 0) {
      return;
    }
    int block = Math.min(rows, Math.max(1, 4096 / cols)); // rows of a block of at most 16 KiB, in the L1 cache
    System.arraycopy(v, 0, o, at, cols);
    for (int done = 1; done < block; done *= 2) {
      System.arraycopy(o, at, o, at + done * cols, Math.min(done, block - done) * cols);
    }
    for (int r = block; r < rows; r += block) {
      System.arraycopy(o, at, o, at + r * cols, Math.min(block, rows - r) * cols);
    }
  }

  /**
   * c[co…] = α·op(a[ao…])·op(b[bo…]) + β·c[co…] on row-major float ranges: through {@link #CRITICAL} when it is
   * there, else {@link #copyingSgemm}.
   */
  private static void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao, int lda,
      float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc) {
    if (CRITICAL != null) {
      criticalSgemm(CRITICAL, ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    } else {
      copyingSgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    }
  }

  /**
   * {@link #sgemm} through Spark's BLAS loader: row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a
   * row-major array read column-major is its transpose, so the operands swap places and keep their flags.
   */
  static void criticalSgemm(dev.ludovic.netlib.blas.BLAS blas, boolean ta, boolean tb, int m, int n, int k,
      float alpha, float[] a, int ao, int lda, float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc) {
    blas.sgemm(tb ? "T" : "N", ta ? "T" : "N", n, m, k, alpha, b, bo, ldb, a, ao, lda, beta, c, co, ldc);
  }

  /**
   * {@link #sgemm} through javacpp, which copies array arguments: small products straight from the arrays, large
   * ones (and any at an offset) through {@link Staging}, which copies only the ranges the product reads and writes.
   */
  static void copyingSgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao, int lda,
      float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc) {
    int opA = ta ? TRANS : NO_TRANS;
    int opB = tb ? TRANS : NO_TRANS;
    if (ao == 0 && bo == 0 && co == 0 && (long) m * n + (long) m * k + (long) k * n < DIRECT_GEMM) {
      openblas.cblas_sgemm(ROW_MAJOR, opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
    int na = (ta ? k : m) * lda;
    int nb = (tb ? n : k) * ldb;
    int nc = m * ldc;
    Staging s = STAGING.get().fit(na, nb, nc);
    s.a.clear();
    s.a.put(a, ao, na).flip();
    s.b.clear();
    s.b.put(b, bo, nb).flip();
    s.c.clear();
    if (beta != 0) {
      s.c.put(c, co, nc).flip();
    }
    openblas.cblas_sgemm(ROW_MAJOR, opA, opB, m, n, k, alpha, s.a, lda, s.b, ldb, beta, s.c, ldc);
    s.c.clear();
    s.c.get(c, co, nc);
  }

  /** Window values per block of {@link #convolve}: 1 MiB, so a block and its products stay in the L2 cache. */
  private static final int CONVOLUTION_BLOCK = 1 << 18;
  /**
   * Scratch slots of {@link #scratch}: a convolution block's windows, their gradient, sigmoid/tanh's powers of 2,
   * the row of ones of {@link #sums}.
   */
  private static final int WINDOWS = 0;
  private static final int WINDOW_GRADIENT = 1;
  private static final int POWERS = 2;
  private static final int ONES = 3;
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][]);

  /** This thread's scratch array in {@code slot}, grown to at least {@code n} values and kept for the next call. */
  private static float[] scratch(int slot, int n) {
    float[][] s = SCRATCH.get();
    if (s[slot] == null || s[slot].length < n) {
      s[slot] = new float[n];
    }
    return s[slot];
  }

  @Override
  boolean convolve(Matrix mx, int[] windows, Matrix mw, Matrix mb, Matrix mout) {
    Array x = a(mx);
    if (x.f == null) {
      return false;
    }
    Array w = a(mw);
    float[] bias = a(mb).f;
    float[] out = a(mout).f;
    int patch = w.rows;
    int filters = w.cols;
    int positions = windows.length / patch;
    int block = Math.max(1, CONVOLUTION_BLOCK / windows.length);
    float[] columns = scratch(WINDOWS, block * windows.length);
    for (int s = 0; s < x.rows; s += block) {
      int r = Math.min(block, x.rows - s);
      move(new Array(r, windows.length, columns, null), 0, x, s, windows, true);
      int o = s * positions * filters;
      fillRows(bias, out, o, r * positions, filters);
      sgemm(false, false, r * positions, filters, patch, 1f, columns, 0, patch, w.f, 0, filters, 1f, out, o, filters);
    }
    return true;
  }

  @Override
  void convolveBackward(Matrix mx, int[] windows, Matrix mw, Matrix mg, Matrix mwGrad, Matrix mbGrad, Matrix mdx) {
    Array x = a(mx);
    Array w = a(mw);
    Array g = a(mg);
    float[] wGrad = a(mwGrad).f;
    Array dx = mdx == null ? null : a(mdx);
    int patch = w.rows;
    int filters = w.cols;
    int positions = windows.length / patch;
    sum(view(g, g.rows * positions, filters), true, mbGrad);
    java.util.Arrays.fill(wGrad, 0f);
    int block = Math.max(1, CONVOLUTION_BLOCK / windows.length);
    float[] columns = scratch(WINDOWS, block * windows.length);
    float[] columnGrad = dx == null ? null : scratch(WINDOW_GRADIENT, block * windows.length);
    for (int s = 0; s < x.rows; s += block) {
      int r = Math.min(block, x.rows - s);
      move(new Array(r, windows.length, columns, null), 0, x, s, windows, true);
      int go = s * positions * filters;
      sgemm(true, false, patch, filters, r * positions, 1f, columns, 0, patch, g.f, go, filters, 1f, wGrad, 0,
          filters);
      if (dx != null) {
        sgemm(false, true, r * positions, patch, filters, 1f, g.f, go, filters, w.f, 0, filters, 0f, columnGrad, 0,
            patch);
        java.util.Arrays.fill(dx.f, s * dx.cols, (s + r) * dx.cols, 0f);
        move(new Array(r, windows.length, columnGrad, null), 0, dx, s, windows, false);
      }
    }
  }

  @Override
  void products(int batches, Matrix ma, boolean ta, Matrix mb, boolean tb, Matrix mc, double alpha, double beta,
      int m, int n, int k) {
    Array a = a(ma);
    Array b = a(mb);
    Array c = a(mc);
    boolean p = c.precise();
    int sa = a.size() / batches;
    int sb = b.size() / batches;
    int sc = c.size() / batches;
    if (!p) { // float: each block's product on its array ranges (sgemm copies only what it must)
      for (int i = 0; i < batches; i++) {
        sgemm(ta, tb, m, n, k, (float) alpha, a.f, i * sa, a.cols, b.f, i * sb, b.cols, (float) beta, c.f, i * sc,
            c.cols);
      }
      return;
    }
    Array ai = (Array) zeros(a.rows / batches, a.cols, true);
    Array bi = (Array) zeros(b.rows / batches, b.cols, true);
    Array ci = (Array) zeros(c.rows / batches, c.cols, true);
    for (int i = 0; i < batches; i++) { // double (gradient checks): copies into reused arrays, one BLAS call each
      System.arraycopy(a.d, i * sa, ai.d, 0, sa);
      System.arraycopy(b.d, i * sb, bi.d, 0, sb);
      if (beta != 0) {
        System.arraycopy(c.d, i * sc, ci.d, 0, sc);
      }
      product(ai, ta, bi, tb, ci, alpha, beta, m, n, k);
      System.arraycopy(ci.d, 0, c.d, i * sc, sc);
    }
  }

  private static void sameShape(Matrix x, Matrix y) {
    if (x.rows != y.rows || x.cols != y.cols) {
      throw new IllegalArgumentException("shapes differ: " + x + " and " + y);
    }
  }

  /** The arrays of an element-wise operation's matrices, checked to share engine, precision and shape. */
  private Array[] elementwise(Matrix... ms) {
    same(ms);
    Array[] out = new Array[ms.length];
    for (int i = 0; i < ms.length; i++) {
      sameShape(ms[0], ms[i]);
      out[i] = a(ms[i]);
    }
    return out;
  }

  @Override
  public void linear(double alpha, Matrix mx, double beta, Matrix my, Matrix mout) {
    Array[] m = elementwise(mx, my, mout);
    combine(alpha, m[0], beta, m[1], 0, m[2]);
  }

  @Override
  public void affine(Matrix mx, double scale, double shift, Matrix mout) {
    Array[] m = elementwise(mx, mout);
    combine(scale, m[0], 0, null, shift, m[1]);
  }

  /** o = α·x + β·y + shift, without y when it is null. */
  private static void combine(double alpha, Array x, double beta, Array y, double shift, Array o) {
    if (o.f != null) {
      float fa = (float) alpha;
      float fb = (float) beta;
      float fs = (float) shift;
      float[] in = x.f;
      float[] out = o.f;
      if (y == null) {
        for (int i = 0; i < out.length; i++) {
          out[i] = fa * in[i] + fs;
        }
      } else {
        float[] other = y.f;
        for (int i = 0; i < out.length; i++) {
          out[i] = fa * in[i] + fb * other[i] + fs;
        }
      }
      return;
    }
    for (int i = 0; i < o.d.length; i++) {
      o.d[i] = alpha * x.d[i] + (y == null ? 0 : beta * y.d[i]) + shift;
    }
  }

  @Override
  public void multiply(Matrix mx, Matrix my, Matrix mout) {
    Array[] m = elementwise(mx, my, mout);
    if (m[2].f != null) {
      float[] x = m[0].f;
      float[] y = m[1].f;
      float[] o = m[2].f;
      for (int i = 0; i < o.length; i++) {
        o[i] = x[i] * y[i];
      }
      return;
    }
    for (int i = 0; i < m[2].d.length; i++) {
      m[2].d[i] = m[0].d[i] * m[1].d[i];
    }
  }

  @Override
  void broadcast(Matrix mx, Matrix mv, boolean perColumn, boolean multiply, Matrix mout) {
    Array x = a(mx);
    Array v = a(mv);
    Array o = a(mout);
    int cols = x.cols;
    if (o.f != null) {
      for (int r = 0; r < x.rows; r++) {
        int at = r * cols;
        if (perColumn) {
          for (int j = 0; j < cols; j++) {
            o.f[at + j] = multiply ? x.f[at + j] * v.f[j] : x.f[at + j] + v.f[j];
          }
        } else {
          float s = v.f[r];
          for (int j = 0; j < cols; j++) {
            o.f[at + j] = multiply ? x.f[at + j] * s : x.f[at + j] + s;
          }
        }
      }
      return;
    }
    for (int r = 0; r < x.rows; r++) {
      int at = r * cols;
      for (int j = 0; j < cols; j++) {
        double s = perColumn ? v.d[j] : v.d[r];
        o.d[at + j] = multiply ? x.d[at + j] * s : x.d[at + j] + s;
      }
    }
  }

  @Override
  void sums(Matrix mx, boolean overRows, Matrix mout) {
    Array x = a(mx);
    Array o = a(mout);
    int cols = x.cols;
    if (o.f != null && overRows) { // 1ᵀ·x in the BLAS: the loop adds across rows, which C2 leaves scalar
      float[] ones = scratch(ONES, x.rows);
      java.util.Arrays.fill(ones, 0, x.rows, 1f);
      sgemm(false, false, 1, cols, x.rows, 1f, ones, 0, x.rows, x.f, 0, cols, 0f, o.f, 0, cols);
      return;
    }
    if (overRows) {
      double[] s = new double[cols];
      for (int r = 0; r < x.rows; r++) {
        for (int j = 0; j < cols; j++) {
          s[j] += x.at(r * cols + j);
        }
      }
      for (int j = 0; j < cols; j++) {
        o.put(j, s[j]);
      }
      return;
    }
    for (int r = 0; r < x.rows; r++) {
      double s = 0;
      for (int j = 0; j < cols; j++) {
        s += x.at(r * cols + j);
      }
      o.put(r, s);
    }
  }

  @Override
  public double dot(Matrix mx, Matrix my) {
    Array[] m = elementwise(mx, my);
    Array x = m[0];
    Array y = m[1];
    double s = 0;
    for (int i = 0; i < x.size(); i++) {
      s += x.at(i) * y.at(i);
    }
    return s;
  }

  @Override
  public void map(Matrix mx, Fn f, double arg, Matrix mout) {
    Array[] m = elementwise(mx, mout);
    Array x = m[0];
    Array o = m[1];
    for (int i = 0; i < x.size(); i++) {
      double v = x.at(i);
      o.put(i, switch (f) {
        case SQUARE -> v * v;
        case RSQRT -> 1 / Math.sqrt(v + arg);
        case LOG -> Math.log(Math.max(v, arg));
        case SIGN -> Math.signum(v);
        case ABS -> Math.abs(v);
        case MIN -> Math.min(v, arg);
        case CLIP -> Math.max(-arg, Math.min(arg, v));
        case FLUSH -> Math.abs(v) < arg ? 0 : v;
      });
    }
  }

  @Override
  public void activate(Activation act, Matrix mz, Matrix mout) {
    Array[] m = elementwise(mz, mout);
    Array z = m[0];
    Array o = m[1];
    if ((act.kind() == Activation.Kind.SIGMOID || act.kind() == Activation.Kind.TANH) && o.f != null) {
      sigmoidOrTanh(z.f, o.f, o.size(), act.kind() == Activation.Kind.TANH);
      return;
    }
    if (act.kind() == Activation.Kind.LEAKY_RELU && o.f != null) {
      leakyRelu(z.f, (float) act.parameter(), o.f);
      return;
    }
    for (int i = 0; i < z.size(); i++) {
      o.put(i, act.apply(z.at(i)));
    }
  }

  /** max(z, slope·z) over local arrays (plain max for ReLU), which C2 vectorizes. */
  private static void leakyRelu(float[] z, float slope, float[] o) {
    int n = z.length;
    if (slope == 0) {
      for (int i = 0; i < n; i++) {
        o[i] = Math.max(z[i], 0f);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      o[i] = Math.max(z[i], slope * z[i]);
    }
  }

  private static final float LOG2E = 1.44269504f;
  /** 1.5·2²³: adding it rounds a float to an integer, which then sits in the sum's low mantissa bits. */
  private static final float ROUND = 12582912f;

  /**
   * Sigmoid 1 / (1 + e^−x) or tanh = (e^2x − 1) / (e^2x + 1) of every value, in three passes so that two of them
   * vectorize: the JIT does not vectorize a loop that moves float bits to integers (which 2ⁿ needs), and such a
   * loop with the polynomial in it ran at 8–10 ns a value here, against ~1.5 ns for the three passes. e^c − 1 for
   * c = n·ln 2 + r is 2ⁿ·q(r) + (2ⁿ − 1), with q(r) = e^r − 1 by its Taylor polynomial, so tanh keeps full relative
   * precision near 0 without a branch. Values 0 … n − 1; {@code in} and {@code out} may be the same array.
   */
  static void sigmoidOrTanh(float[] in, float[] out, int n, boolean tanh) {
    float[] power = scratch(POWERS, n);
    float k = tanh ? 2f : -1f;
    for (int i = 0; i < n; i++) { // the exponent n, rounded, in the low bits of power[i]
      power[i] = Math.max(-80f, Math.min(80f, k * in[i])) * LOG2E + ROUND;
    }
    for (int i = 0; i < n; i++) { // 2ⁿ (scalar)
      power[i] = Float.intBitsToFloat((Float.floatToRawIntBits(power[i]) - 0x4B400000 + 127) << 23);
    }
    for (int i = 0; i < n; i++) {
      float c = Math.max(-80f, Math.min(80f, k * in[i]));
      float m = (c * LOG2E + ROUND) - ROUND;
      float r = c - m * 0.693145751953125f - m * 1.42860677e-06f;
      float q = r * (1 + r * (0.5f + r * (1f / 6 + r * (1f / 24 + r * (1f / 120 + r * (1f / 720))))));
      float p = power[i];
      float em1 = p * q + (p - 1);
      out[i] = tanh ? em1 / (em1 + 2) : 1 / (2 + em1);
    }
  }

  @Override
  public void activateBackward(Activation act, Matrix mz, Matrix ma, Matrix mg, Matrix mout) {
    same(mz, ma, mg, mout);
    Array z = a(mz);
    Array av = a(ma);
    Array g = a(mg);
    Array o = a(mout);
    if (act.kind() == Activation.Kind.LEAKY_RELU && o.f != null) {
      float[] in = z.f;
      if (act.parameter() == 0) {
        // branch-free: (−bits) >> 31 is all ones for z > 0 and 0 for z ≤ 0, so the loop vectorizes and never
        // mispredicts (a branch on the sign of z cost ~5 ns per value here)
        for (int i = 0; i < in.length; i++) {
          int mask = -Float.floatToRawIntBits(in[i]) >> 31;
          o.f[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g.f[i]) & mask);
        }
        return;
      }
      float slope = (float) act.parameter();
      for (int i = 0; i < in.length; i++) {
        o.f[i] = in[i] > 0 ? g.f[i] : slope * g.f[i];
      }
      return;
    }
    if ((act.kind() == Activation.Kind.SIGMOID || act.kind() == Activation.Kind.TANH) && o.f != null) {
      float[] a = av.f;
      if (act.kind() == Activation.Kind.SIGMOID) {
        for (int i = 0; i < a.length; i++) {
          o.f[i] = g.f[i] * a[i] * (1 - a[i]);
        }
      } else {
        for (int i = 0; i < a.length; i++) {
          o.f[i] = g.f[i] * (1 - a[i] * a[i]);
        }
      }
      return;
    }
    for (int i = 0; i < z.size(); i++) {
      o.put(i, g.at(i) * act.derivative(z.at(i), av.at(i)));
    }
  }

  @Override
  public void softmax(Matrix mz, Matrix mout) {
    Array[] m = elementwise(mz, mout);
    Array z = m[0];
    Array o = m[1];
    int k = z.cols;
    for (int r = 0; r < z.rows; r++) {
      int at = r * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, z.at(at + j));
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        double e = Math.exp(z.at(at + j) - max);
        o.put(at + j, e);
        sum += e;
      }
      for (int j = 0; j < k; j++) {
        o.put(at + j, o.at(at + j) / sum);
      }
    }
  }

  @Override
  public void dropoutMask(Matrix mout, double keep, long seed) {
    Array o = a(mout);
    Random rng = new Random(seed);
    double scale = 1 / keep;
    for (int i = 0; i < o.size(); i++) {
      o.put(i, rng.nextDouble() < keep ? scale : 0);
    }
  }

  @Override
  public void gaussian(Matrix mout, double std, long seed) {
    Array o = a(mout);
    Random rng = new Random(seed);
    for (int i = 0; i < o.size(); i++) {
      o.put(i, std * rng.nextGaussian());
    }
  }

  @Override
  void gather(Matrix msrc, int[] rows, Matrix mout) {
    Array s = a(msrc);
    Object from = s.f != null ? s.f : s.d;
    Object to = s.f != null ? a(mout).f : a(mout).d;
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(from, rows[i] * s.cols, to, i * s.cols, s.cols);
    }
  }

  @Override
  void scatterAdd(Matrix msrc, int[] rows, Matrix mdst) {
    Array s = a(msrc);
    Array t = a(mdst);
    int c = s.cols;
    for (int i = 0; i < rows.length; i++) {
      int at = rows[i] * c;
      for (int k = 0; k < c; k++) {
        t.put(at + k, t.at(at + k) + s.at(i * c + k));
      }
    }
  }

  @Override
  void columns(Matrix msrc, int[] cols, Matrix mdst, int to) {
    move(a(mdst), to, a(msrc), 0, cols, true);
  }

  @Override
  Matrix view(Matrix m, int rows, int cols) {
    Array x = a(m);
    return new Array(rows, cols, x.f, x.d);
  }

  @Override
  void gatherColumns(Matrix msrc, int[] index, Matrix mout, boolean gather) {
    move(a(gather ? mout : msrc), 0, a(gather ? msrc : mout), 0, index, gather);
  }

  /**
   * The one column mover behind {@link #copyColumns}, {@link #gatherColumns} and {@link #scatterAddColumns}: in
   * every narrow row r (paired with wide row {@code wideRow + r}), narrow column {@code offset + j} = wide column
   * {@code index[j]} (0 for index −1) when {@code gather}, else wide column {@code index[j]} += narrow column
   * {@code offset + j}.
   */
  private static void move(Array narrow, int offset, Array wide, int wideRow, int[] index, boolean gather) {
    int n = index.length;
    int[] runs = RUNS.computeIfAbsent(index, JvmEngine::runs);
    if (runs.length * 4 > n * 3) { // mostly single columns (pooling windows): a plain loop beats arraycopy calls
      moveEach(narrow, offset, wide, wideRow, index, gather);
      return;
    }
    for (int r = 0; r < narrow.rows; r++) {
      int w = (wideRow + r) * wide.cols;
      int o = r * narrow.cols + offset;
      for (int k = 0; k < runs.length; k += 3) {
        int j = runs[k];
        int i = runs[k + 1];
        int len = runs[k + 2];
        if (gather && narrow.f != null) {
          if (i < 0) {
            java.util.Arrays.fill(narrow.f, o + j, o + j + len, 0f);
          } else {
            System.arraycopy(wide.f, w + i, narrow.f, o + j, len);
          }
        } else if (gather) {
          if (i < 0) {
            java.util.Arrays.fill(narrow.d, o + j, o + j + len, 0);
          } else {
            System.arraycopy(wide.d, w + i, narrow.d, o + j, len);
          }
        } else if (i >= 0 && narrow.f != null) {
          float[] src = narrow.f;
          float[] dst = wide.f;
          for (int q = 0; q < len; q++) {
            dst[w + i + q] += src[o + j + q];
          }
        } else if (i >= 0) {
          double[] src = narrow.d;
          double[] dst = wide.d;
          for (int q = 0; q < len; q++) {
            dst[w + i + q] += src[o + j + q];
          }
        }
      }
    }
  }

  private static void moveEach(Array narrow, int offset, Array wide, int wideRow, int[] index, boolean gather) {
    int n = index.length;
    for (int r = 0; r < narrow.rows; r++) {
      int w = (wideRow + r) * wide.cols;
      int o = r * narrow.cols + offset;
      if (narrow.f != null) {
        float[] nf = narrow.f;
        float[] wf = wide.f;
        for (int j = 0; j < n; j++) {
          int i = index[j];
          if (gather) {
            nf[o + j] = i < 0 ? 0 : wf[w + i];
          } else if (i >= 0) {
            wf[w + i] += nf[o + j];
          }
        }
      } else {
        double[] nd = narrow.d;
        double[] wd = wide.d;
        for (int j = 0; j < n; j++) {
          int i = index[j];
          if (gather) {
            nd[o + j] = i < 0 ? 0 : wd[w + i];
          } else if (i >= 0) {
            wd[w + i] += nd[o + j];
          }
        }
      }
    }
  }

  /**
   * The outputs of a pooling index in groups {@code (first, length)} whose windows move together column by column
   * (output first + t reads column index[k] + t of every window slot k): over a channels-last image, the channels
   * of one position. A group's outputs are reduced by loops over contiguous columns that the JIT vectorizes;
   * groups of one (and windows with padding) take the per-output path.
   */
  private static int[] poolGroups(int[] index, int window) {
    int q = index.length / window;
    int[] out = new int[2 * q];
    int count = 0;
    for (int j = 0; j < q; ) {
      int len = 1;
      boolean inside = true;
      for (int k = 0; k < window; k++) {
        inside &= index[j * window + k] >= 0;
      }
      while (inside && j + len < q && movesByOne(index, window, j + len - 1)) {
        len++;
      }
      out[count++] = j;
      out[count++] = len;
      j += len;
    }
    return java.util.Arrays.copyOf(out, count);
  }

  /** Whether every window slot of output j + 1 reads the column after output j's. */
  private static boolean movesByOne(int[] index, int window, int j) {
    for (int k = 0; k < window; k++) {
      if (index[(j + 1) * window + k] != index[j * window + k] + 1) {
        return false;
      }
    }
    return true;
  }

  /** {@link #runs} of each index array, computed once per array (identity keys, dropped with their layer). */
  private static final java.util.Map<int[], int[]> RUNS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
  /** {@link #poolGroups} of each pooling index array and its window, computed once per array. */
  private static final java.util.Map<int[], Groups> GROUPS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private record Groups(int window, int[] groups) {}

  /** The {@link #poolGroups} of an index with its window, cached. */
  private static int[] groups(int[] index, int window) {
    Groups g = GROUPS.get(index);
    if (g == null || g.window() != window) {
      g = new Groups(window, poolGroups(index, window));
      GROUPS.put(index, g);
    }
    return g.groups();
  }

  private static void poolFloat(float[] x, int rows, int cols, int[] index, int window, boolean max, float[] out) {
    int q = index.length / window;
    int[] groups = groups(index, window);
    float scale = 1f / window;
    for (int r = 0; r < rows; r++) {
      int w = r * cols;
      int o = r * q;
      for (int gi = 0; gi < groups.length; gi += 2) {
        int j0 = groups[gi];
        int len = groups[gi + 1];
        if (len == 1) {
          int at = j0 * window;
          float v = max ? Float.NEGATIVE_INFINITY : 0f;
          for (int k = 0; k < window; k++) {
            int i = index[at + k];
            float e = i < 0 ? 0f : x[w + i];
            v = max ? Math.max(v, e) : v + e;
          }
          out[o + j0] = max ? v : v * scale;
          continue;
        }
        int to = o + j0;
        int at = j0 * window;
        System.arraycopy(x, w + index[at], out, to, len);
        for (int k = 1; k < window; k++) {
          int from = w + index[at + k];
          if (max) { // Math.max (as the double path): the JIT vectorizes it, not a compare-and-select
            for (int t = 0; t < len; t++) {
              out[to + t] = Math.max(out[to + t], x[from + t]);
            }
          } else {
            for (int t = 0; t < len; t++) {
              out[to + t] += x[from + t];
            }
          }
        }
        if (!max) {
          for (int t = 0; t < len; t++) {
            out[to + t] *= scale;
          }
        }
      }
    }
  }

  private static void poolBackwardFloat(float[] x, int rows, int cols, int[] index, int window, boolean max,
      float[] out, float[] g, float[] dx) {
    int q = index.length / window;
    // max: per output (ties split the gradient; measured faster than comparing whole groups); mean: by groups
    int[] groups = max ? null : groups(index, window);
    for (int r = 0; r < rows; r++) {
      int w = r * cols;
      int o = r * q;
      if (max) {
        for (int j = 0, at = 0; j < q; j++, at += window) {
          poolBackwardOne(x, w, index, at, window, true, out[o + j], g[o + j], dx);
        }
        continue;
      }
      for (int gi = 0; gi < groups.length; gi += 2) {
        int j0 = groups[gi];
        int len = groups[gi + 1];
        int at = j0 * window;
        int to = o + j0;
        if (len == 1) {
          poolBackwardOne(x, w, index, at, window, false, out[to], g[to], dx);
          continue;
        }
        for (int k = 0; k < window; k++) {
          int from = w + index[at + k];
          for (int t = 0; t < len; t++) {
            dx[from + t] += g[to + t] / window;
          }
        }
      }
    }
  }

  /** The gradient of one pooled output {@code m} (gradient {@code gj}) into its window's inputs. */
  private static void poolBackwardOne(float[] x, int w, int[] index, int at, int window, boolean max, float m,
      float gj, float[] dx) {
    if (!max) {
      float share = gj / window;
      for (int k = 0; k < window; k++) {
        int i = index[at + k];
        if (i >= 0) {
          dx[w + i] += share;
        }
      }
      return;
    }
    int ties = 0;
    for (int k = 0; k < window; k++) {
      int i = index[at + k];
      ties += (i < 0 ? 0f : x[w + i]) == m ? 1 : 0;
    }
    float share = gj / ties;
    for (int k = 0; k < window; k++) {
      int i = index[at + k];
      if (i >= 0 && x[w + i] == m) {
        dx[w + i] += share;
      }
    }
  }

  /**
   * The index as runs {@code (j, i, length)}: columns j.. of the narrow side map to i.. of the wide side (i = −1:
   * zeros). Convolution windows over channels-last rows are runs of one pixel's channels, copied with arraycopy.
   */
  private static int[] runs(int[] index) {
    int[] out = new int[3 * index.length];
    int count = 0;
    for (int j = 0; j < index.length; ) {
      int i = index[j];
      int len = 1;
      while (j + len < index.length && (i < 0 ? index[j + len] < 0 : index[j + len] == i + len)) {
        len++;
      }
      out[count++] = j;
      out[count++] = i < 0 ? -1 : i;
      out[count++] = len;
      j += len;
    }
    return java.util.Arrays.copyOf(out, count);
  }

  @Override
  void pool(Matrix mx, int[] index, int window, boolean max, Matrix mout, Matrix mg, Matrix mdx) {
    Array x = a(mx);
    Array out = a(mout);
    if (x.f != null && mg == null) {
      poolFloat(x.f, x.rows, x.cols, index, window, max, out.f);
      return;
    }
    if (x.f != null) {
      poolBackwardFloat(x.f, x.rows, x.cols, index, window, max, out.f, a(mg).f, a(mdx).f);
      return;
    }
    int q = out.cols;
    for (int r = 0; r < x.rows; r++) {
      int w = r * x.cols;
      int o = r * q;
      for (int j = 0; j < q; j++) {
        int at = j * window;
        if (mg == null) {
          double v = max ? Double.NEGATIVE_INFINITY : 0;
          for (int k = 0; k < window; k++) {
            int i = index[at + k];
            double e = i < 0 ? 0 : x.d[w + i];
            v = max ? Math.max(v, e) : v + e;
          }
          out.put(o + j, max ? v : v / window);
          continue;
        }
        Array dx = a(mdx);
        double g = a(mg).at(o + j);
        if (!max) {
          for (int k = 0; k < window; k++) {
            int i = index[at + k];
            if (i >= 0) {
              dx.put(w + i, dx.at(w + i) + g / window);
            }
          }
          continue;
        }
        double m = out.at(o + j);
        int ties = 0;
        for (int k = 0; k < window; k++) {
          int i = index[at + k];
          ties += (i < 0 ? 0 : x.at(w + i)) == m ? 1 : 0;
        }
        for (int k = 0; k < window; k++) {
          int i = index[at + k];
          if (i >= 0 && x.at(w + i) == m) {
            dx.put(w + i, dx.at(w + i) + g / ties);
          }
        }
      }
    }
  }

  @Override
  public void adam(Matrix mw, Matrix mg, Matrix mm, Matrix mv, AdamStep s) {
    Array[] p = elementwise(mw, mg, mm, mv);
    Array w = p[0];
    if (w.f != null) {
      adamFloat(w.f, p[1].f, p[2].f, p[3].f, s);
      return;
    }
    double[] g = p[1].d;
    double[] m = p[2].d;
    double[] v = p[3].d;
    for (int i = 0; i < w.d.length; i++) {
      double gi = g[i] * s.gradScale();
      double mi = s.beta1() * m[i] + (1 - s.beta1()) * gi;
      double si = s.beta2() * v[i] + (1 - s.beta2()) * gi * gi;
      m[i] = mi;
      v[i] = si;
      w.d[i] = s.keep() * w.d[i] - s.step() * mi / (Math.sqrt(si) * s.root() + s.epsilon());
    }
  }

  /**
   * The Adam update on float arrays in one loop. Moments that decay towards 0 would become subnormal floats, which
   * cost ~100 cycles an operation: gradients within ±1e-18 do not enter the squares and moments within ±{@link
   * #TINY} become 0 — by subtracting their clamp (min/max) instead of choosing, so that the loop has no branch and
   * C2 vectorizes it (0.8 against 3.0 ns a parameter with the choices); above the thresholds a value moves by
   * 1e-18 or 1e-30, far below ε.
   */
  private static void adamFloat(float[] w, float[] g, float[] m, float[] v, AdamStep s) {
    float gs = (float) s.gradScale();
    float b1 = (float) s.beta1();
    float b2 = (float) s.beta2();
    float c1 = 1 - b1;
    float c2 = 1 - b2;
    float step = (float) s.step();
    float root = (float) s.root();
    float eps = (float) s.epsilon();
    float keep = (float) s.keep();
    for (int i = 0; i < w.length; i++) {
      float gi = g[i] * gs;
      float gq = gi - Math.max(-1e-18f, Math.min(gi, 1e-18f));
      float mi = b1 * m[i] + c1 * gi;
      float si = b2 * v[i] + c2 * (gq * gq);
      mi -= Math.max(-TINY, Math.min(mi, TINY));
      si -= Math.min(si, TINY);
      m[i] = mi;
      v[i] = si;
      w[i] = keep * w[i] - step * mi / ((float) Math.sqrt(si) * root + eps);
    }
  }
}
