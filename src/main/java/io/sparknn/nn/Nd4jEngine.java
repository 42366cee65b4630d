package io.sparknn.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.EluBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.ELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SwishDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code nd4j} engine: matrices are rank-2 {@code c}-order ND4J arrays and every operation is an ND4J/libnd4j
 * op — gemm, broadcasts, reductions, the activation transforms and their {@code *_bp} backward ops
 * ({@code sigmoid_bp}, {@code tanh_bp}, {@code relu_bp}, {@code lrelu_bp}, {@code elu_bp}, GELU and swish
 * derivatives), softmax, {@code gather}, {@code scatter_add}, ND4J's random generator. The backend comes from the classpath:
 * {@code nd4j-native} on the CPU, {@code nd4j-cuda-11.6} on a GPU (the {@code cuda} Maven profile); this class
 * does not change between them.
 */
final class Nd4jEngine extends Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Nd4jEngine.class);
  private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
  private static volatile Nd4jEngine instance;
  private static volatile Integer devices;
  /** The per-thread scratch workspace of {@link #scoped}: sized by its first cycle, grown when a cycle needs more. */
  private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2)
      .policyLearning(LearningPolicy.FIRST_LOOP).policySpill(SpillPolicy.REALLOCATE).build();

  /** A matrix over a rank-2 ND4J array. */
  static final class Nd extends Matrix {
    final INDArray a;

    Nd(INDArray a) {
      super(Math.toIntExact(a.rows()), Math.toIntExact(a.columns()));
      this.a = a;
    }

    @Override
    public Engine engine() {
      return instance;
    }

    @Override
    public boolean precise() {
      return a.dataType() == DataType.DOUBLE;
    }
  }

  private Nd4jEngine() {
    LOG.info("nd4j engine on backend {}", Nd4j.getBackend().getClass().getSimpleName());
  }

  static Nd4jEngine instance() {
    Nd4jEngine e = instance;
    if (e == null) {
      synchronized (Nd4jEngine.class) {
        if (instance == null) {
          instance = new Nd4jEngine();
        }
        e = instance;
      }
    }
    return e;
  }

  /**
   * Number of CUDA devices ND4J sees (looked up once per JVM), or 0 when the CUDA backend is not on the classpath
   * (then ND4J is not loaded at all) or cannot start (no driver: measured ~1 s once, then the jvm engine).
   */
  static int cudaDevices() {
    Integer n = devices;
    if (n == null) {
      n = countCudaDevices();
      devices = n;
    }
    return n;
  }

  /** Sets ND4J's thread counts when ND4J is already loaded (a jvm-engine task never loads it). */
  static void threadsIfLoaded(int n) {
    if (instance != null) {
      Nd4j.getEnvironment().setMaxThreads(n);
      Nd4j.getEnvironment().setMaxMasterThreads(n);
    }
  }

  /** Binds the calling thread to CUDA device {@code device}. */
  static boolean useDevice(int device) {
    Nd4j.getAffinityManager().unsafeSetDevice(device);
    return true;
  }

  private static int countCudaDevices() {
    try {
      Class.forName(CUDA_BACKEND, false, Nd4jEngine.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return 0;
    }
    try {
      return Nd4j.getBackend().getClass().getName().equals(CUDA_BACKEND)
          ? Nd4j.getAffinityManager().getNumberOfDevices() : 0;
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("the ND4J CUDA backend is on the classpath but did not start ({}); using the jvm engine", e.toString());
      return 0;
    }
  }

  private static INDArray a(Matrix m) {
    if (!(m instanceof Nd x)) {
      throw new IllegalArgumentException("the nd4j engine got a matrix of the " + m.engine() + " engine: " + m);
    }
    return x.a;
  }

  private static DataType type(boolean precise) {
    return precise ? DataType.DOUBLE : DataType.FLOAT;
  }

  private static Matrix wrap(INDArray a) {
    return new Nd(a);
  }

  @Override
  public String name() {
    return "nd4j";
  }

  @Override
  public int scoringBatch(int inputs) {
    // a GPU wants large launches; 4 M input values per batch (65,536 rows of 64 features), at least 4,096 rows
    return Math.max(4096, Math.min(65_536, (1 << 22) / Math.max(1, inputs)));
  }

  /** 16 M values (64 MB of floats): a GPU wants large launches. */
  @Override
  public long scoringWorkingValues() {
    return 1 << 24;
  }

  @Override
  public Matrix zeros(int rows, int cols, boolean precise) {
    return wrap(Nd4j.create(type(precise), rows, cols));
  }

  @Override
  public Matrix persistent(int rows, int cols, boolean precise) {
    try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return zeros(rows, cols, precise);
    }
  }

  @Override
  public <T> T scoped(java.util.function.Supplier<T> work) {
    if (Nd4j.getWorkspaceManager().anyWorkspaceActiveForCurrentThread()) {
      return work.get(); // already inside a scope
    }
    try (MemoryWorkspace scratch = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, "sparknn-scratch")) {
      return work.get();
    }
  }

  @Override
  Matrix upload(float[] values, int rows, int cols, boolean precise) {
    Matrix m = zeros(rows, cols, precise);
    load(m, values, 0);
    return m;
  }

  @Override
  Matrix upload(double[] values, int rows, int cols, boolean precise) {
    Matrix m = zeros(rows, cols, precise);
    if (values.length > 0) {
      a(m).assign(Nd4j.createFromArray(values).reshape(rows, cols).castTo(type(precise)));
    }
    return m;
  }

  @Override
  float[] floats(Matrix m) {
    INDArray x = a(m);
    return x.length() == 0 ? new float[0] : x.ravel().toFloatVector();
  }

  @Override
  double[] doubles(Matrix m) {
    INDArray x = a(m);
    return x.length() == 0 ? new double[0] : x.ravel().toDoubleVector();
  }

  @Override
  double get(Matrix m, int i) {
    return a(m).getDouble((long) i);
  }

  @Override
  void set(Matrix m, int i, double v) {
    a(m).putScalar((long) i, v);
  }

  @Override
  void load(Matrix m, float[] source, int from) {
    if (m.size() == 0) {
      return;
    }
    float[] part = java.util.Arrays.copyOfRange(source, from, from + m.size());
    a(m).assign(Nd4j.createFromArray(part).reshape(m.rows, m.cols).castTo(a(m).dataType()));
  }

  @Override
  public void copy(Matrix src, Matrix dst) {
    same(src, dst);
    if (src.size() != dst.size()) {
      throw new IllegalArgumentException("cannot copy " + src + " into " + dst);
    }
    a(dst).assign(a(src).reshape(dst.rows, dst.cols));
  }

  @Override
  public void fill(Matrix m, double v) {
    a(m).assign(v);
  }

  @Override
  void product(Matrix ma, boolean ta, Matrix mb, boolean tb, Matrix mc, double alpha, double beta, int m, int n,
      int k) {
    Nd4j.gemm(a(ma), a(mb), a(mc), ta, tb, alpha, beta);
  }

  @Override
  void products(int batches, Matrix ma, boolean ta, Matrix mb, boolean tb, Matrix mc, double alpha, double beta,
      int m, int n, int k) {
    INDArray a = a(ma).reshape('c', true, batches, ma.rows / batches, ma.cols);
    INDArray b = a(mb).reshape('c', true, batches, mb.rows / batches, mb.cols);
    INDArray c = a(mc).reshape('c', true, batches, m, n);
    if (alpha == 1 && beta == 0) {
      Nd4j.matmul(a, b, c, ta, tb, false);
      return;
    }
    INDArray r = Nd4j.matmul(a, b, ta, tb, false).muli(alpha);
    c.assign(beta == 0 ? r : r.addi(c.mul(beta)));
  }

  /** Writes {@code value} into {@code out} unless it already is {@code out}'s array. */
  private static void into(INDArray value, Matrix out) {
    INDArray o = a(out);
    if (value != o) {
      o.assign(value);
    }
  }

  @Override
  public void linear(double alpha, Matrix x, double beta, Matrix y, Matrix out) {
    same(x, y, out);
    INDArray xs = a(x);
    INDArray ys = a(y);
    INDArray o = a(out);
    // in place where the output is an input: one or two ops instead of temporaries and a copy
    if (o == xs && o != ys) {
      scaleInPlace(o, alpha).addi(beta == 1 ? ys : ys.mul(beta));
    } else if (o == ys && o != xs) {
      scaleInPlace(o, beta).addi(alpha == 1 ? xs : xs.mul(alpha));
    } else {
      into(xs.mul(alpha).addi(ys.mul(beta)), out);
    }
  }

  private static INDArray scaleInPlace(INDArray a, double factor) {
    return factor == 1 ? a : a.muli(factor);
  }

  @Override
  public void affine(Matrix x, double scale, double shift, Matrix out) {
    same(x, out);
    INDArray xs = a(x);
    INDArray r = a(out) == xs ? scaleInPlace(xs, scale) : xs.mul(scale);
    into(shift == 0 ? r : r.addi(shift), out);
  }

  @Override
  public void multiply(Matrix x, Matrix y, Matrix out) {
    same(x, y, out);
    a(x).mul(a(y), a(out));
  }

  @Override
  void broadcast(Matrix x, Matrix v, boolean perColumn, boolean multiply, Matrix out) {
    INDArray xs = a(x);
    INDArray vs = a(v);
    INDArray o = a(out);
    if (o != xs) {
      o.assign(xs);
    }
    if (perColumn) {
      if (multiply) {
        o.muliRowVector(vs);
      } else {
        o.addiRowVector(vs);
      }
    } else if (multiply) {
      o.muliColumnVector(vs);
    } else {
      o.addiColumnVector(vs);
    }
  }

  @Override
  void sums(Matrix x, boolean overRows, Matrix out) {
    a(out).assign(a(x).sum(true, overRows ? 0 : 1).reshape(out.rows, out.cols));
  }

  @Override
  public double dot(Matrix x, Matrix y) {
    same(x, y);
    return x.size() == 0 ? 0 : a(x).castTo(DataType.DOUBLE).muli(a(y).castTo(DataType.DOUBLE)).sumNumber()
        .doubleValue();
  }

  @Override
  public void map(Matrix mx, Fn f, double arg, Matrix out) {
    same(mx, out);
    INDArray x = a(mx);
    INDArray r = switch (f) {
      case SQUARE -> x.mul(x);
      case RSQRT -> Transforms.sqrt(x.add(arg), false).rdivi(1.0);
      case LOG -> Transforms.log(Transforms.max(x, arg, true), false);
      case SIGN -> Transforms.sign(x, true);
      case ABS -> Transforms.abs(x, true);
      case MIN -> Transforms.min(x, arg, true);
      case CLIP -> Transforms.max(Transforms.min(x, arg, true), -arg, false);
      case FLUSH -> x.mul(Transforms.abs(x, true).gte(arg).castTo(x.dataType()));
    };
    into(r, out);
  }

  @Override
  public void activate(Activation act, Matrix mz, Matrix out) {
    same(mz, out);
    INDArray z = a(mz);
    INDArray o = a(out);
    double p = act.parameter();
    switch (act.kind()) {
      case SIGMOID -> into(Transforms.sigmoid(z, true), out);
      case TANH -> into(Transforms.tanh(z, true), out);
      case LEAKY_RELU -> into(p == 0 ? Transforms.relu(z, true) : Transforms.leakyRelu(z, p, true), out);
      case ELU -> Nd4j.exec(new ELU(z, o, p));
      case GELU -> into(gelu(z, false), out);
      case SWISH -> {
        if (p == 1) {
          Nd4j.exec(new Swish(z, o));
        } else {
          // x·σ(βx) = swish(βx)/β
          INDArray scaled = z.mul(p);
          Nd4j.exec(new Swish(scaled, scaled));
          into(scaled.divi(p), out);
        }
      }
      default -> throw new IllegalStateException(act.kind().toString());
    }
  }

  @Override
  public void activateBackward(Activation act, Matrix mz, Matrix ma, Matrix mg, Matrix out) {
    same(mz, ma, mg, out);
    INDArray z = a(mz);
    INDArray g = a(mg);
    double p = act.parameter();
    INDArray r = Nd4j.createUninitialized(z.dataType(), z.shape());
    switch (act.kind()) {
      case SIGMOID -> Nd4j.exec(new SigmoidDerivative(z, g, r));
      case TANH -> Nd4j.exec(new TanhDerivative(z, g, r));
      case LEAKY_RELU -> Nd4j.exec(p == 0 ? new RectifiedLinearDerivative(z, g, r)
          : new LeakyReLUBp(z, g, r, p));
      case ELU -> Nd4j.exec(new EluBp(z, g, r, p));
      case GELU -> r = gelu(z, true).muli(g);
      case SWISH -> {
        // d/dx swish(βx)/β = swish'(βx)
        Nd4j.exec(new SwishDerivative(z.mul(p), r));
        r.muli(g);
      }
      default -> throw new IllegalStateException(act.kind().toString());
    }
    into(r, out);
  }

  /**
   * The tanh approximation of GELU, 0.5·x·(1 + t) with t = tanh(√(2/π)·(x + 0.044715·x³)), or its derivative
   * 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²). Composed from ND4J ops because libnd4j's
   * {@code precise_gelu} computes another approximation (measured: −0.0789 at x = −2 where the formula gives −0.0454).
   */
  private static INDArray gelu(INDArray x, boolean derivative) {
    double c = Math.sqrt(2 / Math.PI);
    INDArray square = x.mul(x);
    INDArray t = Transforms.tanh(square.mul(0.044715).addi(1).muli(x).muli(c), false);
    if (!derivative) {
      return t.addi(1).muli(x).muli(0.5);
    }
    INDArray slope = square.muli(3 * 0.044715).addi(1).muli(c).muli(x).muli(0.5); // 0.5·x·C·(1 + 3a·x²)
    INDArray oneMinusT2 = t.mul(t).rsubi(1);
    return slope.muli(oneMinusT2).addi(t.addi(1).muli(0.5));
  }

  @Override
  public void softmax(Matrix z, Matrix out) {
    same(z, out);
    Nd4j.exec(new SoftMax(a(z), a(out), 1));
  }

  @Override
  public void dropoutMask(Matrix out, double keep, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray o = a(out);
    INDArray u = Nd4j.rand(o.dataType(), o.shape());
    into(u.lt(keep).castTo(o.dataType()).muli(1 / keep), out);
  }

  @Override
  public void gaussian(Matrix out, double std, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray o = a(out);
    into(Nd4j.randn(o.dataType(), o.shape()).muli(std), out);
  }

  @Override
  void gather(Matrix src, int[] rows, Matrix out) {
    // libnd4j's gather with the output given: ~90 µs here, where INDArray.getRows took 10 ms for 256 rows
    Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(a(src), Nd4j.createFromArray(rows)).addOutputs(a(out))
        .addIntegerArguments(0).build());
  }

  @Override
  void scatterAdd(Matrix src, int[] rows, Matrix dst) {
    Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(a(dst), Nd4j.createFromArray(rows), a(src))
        .addOutputs(a(dst)).build());
  }

  @Override
  void columns(Matrix src, int[] cols, Matrix dst, int to) {
    boolean contiguous = true;
    for (int j = 1; j < cols.length; j++) {
      contiguous &= cols[j] == cols[0] + j;
    }
    INDArray s = contiguous ? a(src).get(NDArrayIndex.all(), NDArrayIndex.interval(cols[0], cols[0] + cols.length))
        : a(src).getColumns(cols);
    INDArrayIndex[] target = {NDArrayIndex.all(), NDArrayIndex.interval(to, to + cols.length)};
    a(dst).get(target).assign(s);
  }

  @Override
  Matrix view(Matrix m, int rows, int cols) {
    return wrap(a(m).reshape('c', true, rows, cols)); // enforceView: fails rather than copy
  }

  @Override
  void gatherColumns(Matrix src, int[] index, Matrix out, boolean gather) {
    INDArray wide = a(gather ? src : out);
    int cols = wide.columns();
    int[] idx = index.clone();
    int kept = 0;
    for (int j = 0; j < idx.length; j++) {
      kept += idx[j] >= 0 ? 1 : 0;
      idx[j] = idx[j] < 0 ? cols : idx[j]; // the zero column appended below
    }
    if (gather) {
      INDArray from = kept == idx.length ? wide
          : Nd4j.hstack(wide, Nd4j.zeros(wide.dataType(), wide.rows(), 1));
      Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(from, Nd4j.createFromArray(idx)).addOutputs(a(out))
          .addIntegerArguments(1).build());
      return;
    }
    // scatter-add along columns = scatter_add along the rows of the transposes, into an extra row for skipped ones
    INDArray target = Nd4j.vstack(wide.transpose(), Nd4j.zeros(wide.dataType(), 1, wide.rows()));
    INDArray updates = a(src).transpose().dup('c');
    Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(target, Nd4j.createFromArray(idx), updates)
        .addOutputs(target).build());
    wide.assign(target.get(NDArrayIndex.interval(0, cols), NDArrayIndex.all()).transpose());
  }

  @Override
  void pool(Matrix mx, int[] index, int window, boolean max, Matrix mout, Matrix mg, Matrix mdx) {
    int rows = mout.rows * mout.cols;
    Matrix gathered = zeros(mx.rows, index.length, mx.precise());
    gatherColumns(mx, index, gathered, true);
    INDArray w = a(gathered).reshape('c', true, rows, window);
    INDArray o = a(mout).reshape('c', true, rows, 1);
    if (mg == null) {
      o.assign(max ? w.max(true, 1) : w.mean(true, 1));
      return;
    }
    INDArray g = a(mg).reshape('c', true, rows, 1);
    INDArray share;
    if (max) {
      share = w.subColumnVector(o).eq(0).castTo(w.dataType());
      share.diviColumnVector(share.sum(true, 1)).muliColumnVector(g);
    } else {
      share = Nd4j.zeros(w.dataType(), rows, window).addiColumnVector(g).divi(window);
    }
    gatherColumns(wrap(share.reshape('c', true, mx.rows, index.length)), index, mdx, false);
  }

  @Override
  public void adam(Matrix w, Matrix g, Matrix m, Matrix v, AdamStep s) {
    same(w, g, m, v);
    INDArray scaled = a(g).mul(s.gradScale());
    a(m).muli(s.beta1()).addi(scaled.mul(1 - s.beta1()));
    a(v).muli(s.beta2()).addi(scaled.muli(scaled).muli(1 - s.beta2()));
    INDArray denominator = Transforms.sqrt(a(v), true).muli(s.root()).addi(s.epsilon());
    scaleInPlace(a(w), s.keep()).subi(a(m).div(denominator).muli(s.step()));
  }
}
