package io.sparknn.nn;

import java.util.Locale;

/**
 * The seam between the layers and the arithmetic. Every layer, loss, optimizer and augmentation expresses its
 * forward and backward pass through this one small set of matrix operations; two engines implement them:
 * <ul>
 *   <li>{@code jvm} ({@link JvmEngine}): Java float/double arrays, OpenBLAS {@code cblas_sgemm} for products and
 *   loops the JIT vectorizes for the rest. Fastest on a CPU.</li>
 *   <li>{@code nd4j} ({@link Nd4jEngine}): ND4J arrays and libnd4j ops (their {@code *_bp} backward ops where they
 *   exist). The same calls run on the CPU with {@code nd4j-native} and on a GPU with the {@code cuda} profile's
 *   backend.</li>
 * </ul>
 * Operations take their output matrix as the last argument; an output may be one of the inputs (in place) unless
 * the method says otherwise. All matrices of one call belong to this engine and have one precision.
 */
public abstract class Engine {
  /** Accepted names of the {@code engine} param. */
  public static final String[] NAMES = {"auto", "jvm", "nd4j"};

  /** Element-wise functions of {@link #map}; {@code a} is the call's argument. */
  public enum Fn {
    /** x². */
    SQUARE,
    /** 1/√(x + a). */
    RSQRT,
    /** log(max(x, a)). */
    LOG,
    /** sign(x) ∈ {−1, 0, 1}. */
    SIGN,
    /** |x|. */
    ABS,
    /** min(x, a). */
    MIN,
    /** clamp(x, −a, a). */
    CLIP,
    /** 0 where |x| < a, else x (flushes values that would become subnormal floats). */
    FLUSH
  }

  /** The {@code jvm} engine. */
  public static Engine jvm() {
    return JvmEngine.INSTANCE;
  }

  /** The {@code nd4j} engine (loads ND4J and its backend on first use). */
  public static Engine nd4j() {
    return Nd4jEngine.instance();
  }

  /**
   * The engine for a param value: {@code jvm}, {@code nd4j}, or {@code auto} = {@code nd4j} when ND4J's CUDA
   * backend is on the classpath and sees a device, else {@code jvm}. Call it where the work runs (in the task).
   */
  public static Engine of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "jvm" -> jvm();
      case "nd4j" -> nd4j();
      case "auto" -> Nd4jEngine.cudaDevices() > 0 ? nd4j() : jvm();
      default -> throw new IllegalArgumentException("unknown engine '" + name + "'; supported: "
          + String.join(", ", NAMES));
    };
  }

  /**
   * Sets the number of native threads both engines use: OpenBLAS's (the {@code jvm} engine's products) and, when
   * ND4J is loaded, ND4J's. Process-wide; a Spark task sets its {@code spark.task.cpus}.
   */
  public static void threads(int n) {
    JvmEngine.blasThreads(n);
    Nd4jEngine.threadsIfLoaded(n);
  }

  /**
   * Makes the calling thread's ND4J work run on CUDA device {@code device}; false (nothing done) when ND4J's
   * active backend is not CUDA or has no such device.
   */
  public static boolean bindDevice(int device) {
    return Nd4jEngine.cudaDevices() > device && Nd4jEngine.useDevice(device);
  }

  /** The engine's name, {@code jvm} or {@code nd4j}. */
  public abstract String name();

  /** Rows per scoring batch: enough work per native call for this engine. */
  public abstract int scoringBatch(int inputs);

  /**
   * The working values (convolution windows, recurrent states, layer outputs) a scoring batch of a deep network may
   * hold: {@link Network#scoringBatch} lowers the batch to stay within it.
   */
  public abstract long scoringWorkingValues();

  // ---- storage and host transfer

  /**
   * A zero matrix. Inside {@link #scoped} it is scratch memory that lives until the scope ends; outside it lives
   * like any object.
   */
  public abstract Matrix zeros(int rows, int cols, boolean precise);

  /** A zero matrix that outlives every {@link #scoped} region (buffers and state kept from batch to batch). */
  public abstract Matrix persistent(int rows, int cols, boolean precise);

  /**
   * Runs one unit of work — a training step, a scoring batch — in a scratch-memory scope and returns its result.
   * On {@code nd4j} every temporary array of the scope comes from one workspace that is reused by the next scope,
   * instead of off-heap garbage that only a JVM GC frees (measured without it: 8 GB of off-heap arrays after a few
   * hundred 512-wide steps, and the executor killed). Matrices made inside must not be kept past it, except those
   * from {@link #persistent} and {@link #reuse}. On {@code jvm} it just runs the work.
   */
  public abstract <T> T scoped(java.util.function.Supplier<T> work);

  /** A matrix with {@code values} (row-major); the {@code jvm} engine wraps a float array without copying. */
  public final Matrix fromFloats(float[] values, int rows, int cols, boolean precise) {
    checkLength(values.length, rows, cols);
    return upload(values, rows, cols, precise);
  }

  /** A matrix with {@code values} (row-major); the {@code jvm} engine wraps a double array without copying. */
  public final Matrix fromDoubles(double[] values, int rows, int cols, boolean precise) {
    checkLength(values.length, rows, cols);
    return upload(values, rows, cols, precise);
  }

  private static void checkLength(int length, int rows, int cols) {
    if ((long) rows * cols != length) {
      throw new IllegalArgumentException(length + " values cannot be a " + rows + " x " + cols + " matrix");
    }
  }

  /** {@link #fromFloats} after the length check. */
  abstract Matrix upload(float[] values, int rows, int cols, boolean precise);

  /** {@link #fromDoubles} after the length check. */
  abstract Matrix upload(double[] values, int rows, int cols, boolean precise);

  /**
   * {@code buffer} when it has this shape, precision and engine, else a new {@link #persistent} zero matrix
   * (contents stale): layers keep their output and gradient buffers from one batch to the next.
   */
  public final Matrix reuse(Matrix buffer, int rows, int cols, boolean precise) {
    return buffer != null && buffer.engine() == this && buffer.rows == rows && buffer.cols == cols
        && buffer.precise() == precise ? buffer : persistent(rows, cols, precise);
  }

  abstract float[] floats(Matrix m);

  abstract double[] doubles(Matrix m);

  abstract double get(Matrix m, int i);

  abstract void set(Matrix m, int i, double v);

  abstract void load(Matrix m, float[] source, int from);

  /** dst = src. */
  public abstract void copy(Matrix src, Matrix dst);

  /** Every value of {@code m} = v. */
  public abstract void fill(Matrix m, double v);

  // ---- products, linear combinations, broadcasts, reductions

  /** c = α·op(a)·op(b) + β·c, op transposing when asked; c may not alias a or b. */
  public final void gemm(Matrix a, boolean ta, Matrix b, boolean tb, Matrix c, double alpha, double beta) {
    same(a, b, c);
    int m = ta ? a.cols : a.rows;
    int k = ta ? a.rows : a.cols;
    int n = tb ? b.rows : b.cols;
    if (k != (tb ? b.cols : b.rows) || c.rows != m || c.cols != n) {
      throw new IllegalArgumentException("gemm shapes: " + a + (ta ? "ᵀ" : "") + " · " + b + (tb ? "ᵀ" : "")
          + " -> " + c);
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      affine(c, beta, 0, c);
      return;
    }
    product(a, ta, b, tb, c, alpha, beta, m, n, k);
  }

  /**
   * {@link #gemm} on {@code batches} stacked blocks: block i of a, b and c is their rows
   * {@code i·(rows/batches) ..}, and c_i = α·op(a_i)·op(b_i) + β·c_i. Attention's per-sequence, per-head products.
   */
  public final void gemmBatched(int batches, Matrix a, boolean ta, Matrix b, boolean tb, Matrix c, double alpha,
      double beta) {
    same(a, b, c);
    if (batches < 1 || a.rows % batches != 0 || b.rows % batches != 0 || c.rows % batches != 0) {
      throw new IllegalArgumentException("cannot split " + a + ", " + b + ", " + c + " into " + batches + " blocks");
    }
    int ar = a.rows / batches;
    int br = b.rows / batches;
    int m = ta ? a.cols : ar;
    int k = ta ? ar : a.cols;
    int n = tb ? br : b.cols;
    if (k != (tb ? b.cols : br) || c.rows / batches != m || c.cols != n) {
      throw new IllegalArgumentException("batched gemm shapes: " + batches + " blocks of " + a + (ta ? "ᵀ" : "")
          + " · " + b + (tb ? "ᵀ" : "") + " -> " + c);
    }
    if (m > 0 && n > 0 && k > 0) {
      products(batches, a, ta, b, tb, c, alpha, beta, m, n, k);
    } else if (m > 0 && n > 0) {
      affine(c, beta, 0, c);
    }
  }

  /** {@link #gemmBatched} after the checks, every size > 0. */
  abstract void products(int batches, Matrix a, boolean ta, Matrix b, boolean tb, Matrix c, double alpha,
      double beta, int m, int n, int k);

  /** {@link #gemm} after the checks, with m × k · k × n and every size > 0. */
  abstract void product(Matrix a, boolean ta, Matrix b, boolean tb, Matrix c, double alpha, double beta, int m,
      int n, int k);

  /**
   * out = x·w + b with the 1 × out.cols row b added to every row, every value of out overwritten: the product of
   * dense, convolution, recurrent and attention layers. This default multiplies, then broadcasts.
   */
  void dense(Matrix x, Matrix w, Matrix b, Matrix out) {
    gemm(x, false, w, false, out, 1, 0);
    broadcast(out, b, false, out);
  }

  /** out = α·x + β·y (same shapes). */
  public abstract void linear(double alpha, Matrix x, double beta, Matrix y, Matrix out);

  /** out = scale·x + shift. */
  public abstract void affine(Matrix x, double scale, double shift, Matrix out);

  /** out = x ∘ y (element-wise product). */
  public abstract void multiply(Matrix x, Matrix y, Matrix out);

  /**
   * out = x ⊕ v with v broadcast: a 1 × cols {@code v} applies per column (to every row), a rows × 1 {@code v}
   * per row; ⊕ is a product when {@code multiply}, else a sum.
   */
  public final void broadcast(Matrix x, Matrix v, boolean multiply, Matrix out) {
    same(x, v, out);
    boolean perColumn = v.rows == 1 && v.cols == x.cols;
    if (!perColumn && !(v.cols == 1 && v.rows == x.rows) || out.rows != x.rows || out.cols != x.cols) {
      throw new IllegalArgumentException("cannot broadcast " + v + " over " + x + " into " + out);
    }
    broadcast(x, v, perColumn, multiply, out);
  }

  /** {@link #broadcast} after the checks; {@code perColumn} when v is 1 × cols. */
  abstract void broadcast(Matrix x, Matrix v, boolean perColumn, boolean multiply, Matrix out);

  /** Column sums into the 1 × cols {@code out} ({@code overRows}), or row sums into the rows × 1 {@code out}. */
  public final void sum(Matrix x, boolean overRows, Matrix out) {
    same(x, out);
    if (overRows ? out.size() != x.cols : out.size() != x.rows) {
      throw new IllegalArgumentException("cannot sum " + x + (overRows ? " over rows" : " over columns") + " into "
          + out);
    }
    if (x.size() == 0) {
      fill(out, 0);
    } else {
      sums(x, overRows, out);
    }
  }

  /** {@link #sum} after the checks, on a non-empty x. */
  abstract void sums(Matrix x, boolean overRows, Matrix out);

  /** Σ x ∘ y over every value, in double precision (a host scalar). */
  public abstract double dot(Matrix x, Matrix y);

  /** out = f(x) element-wise with argument {@code a}. */
  public abstract void map(Matrix x, Fn f, double a, Matrix out);

  // ---- activations and softmax

  /** out = act(z). */
  public abstract void activate(Activation act, Matrix z, Matrix out);

  /** out = g ∘ act'(z), given z, a = act(z) and the upstream gradient g; out may alias g. */
  public abstract void activateBackward(Activation act, Matrix z, Matrix a, Matrix g, Matrix out);

  /** Row-wise softmax, numerically stable. */
  public abstract void softmax(Matrix z, Matrix out);

  // ---- random values

  /** Each value 1/keep with probability {@code keep}, else 0 (an inverted-dropout mask), from {@code seed}. */
  public abstract void dropoutMask(Matrix out, double keep, long seed);

  /** Each value N(0, std²), from {@code seed}. */
  public abstract void gaussian(Matrix out, double std, long seed);

  // ---- rows and columns

  /** out row i = src row rows[i]. */
  public final void gatherRows(Matrix src, int[] rows, Matrix out) {
    same(src, out);
    if (out.rows != rows.length || out.cols != src.cols) {
      throw new IllegalArgumentException("cannot gather " + rows.length + " rows of " + src + " into " + out);
    }
    if (rows.length > 0 && src.cols > 0) {
      gather(src, rows, out);
    }
  }

  /** dst row rows[i] += src row i (repeated indices accumulate). */
  public final void scatterAddRows(Matrix src, int[] rows, Matrix dst) {
    same(src, dst);
    if (src.rows != rows.length || src.cols != dst.cols) {
      throw new IllegalArgumentException("cannot scatter-add " + src + " into " + dst);
    }
    if (rows.length > 0 && src.cols > 0) {
      scatterAdd(src, rows, dst);
    }
  }

  /** dst column (to + i) = src column cols[i], for every row; src and dst have the same number of rows. */
  public final void copyColumns(Matrix src, int[] cols, Matrix dst, int to) {
    same(src, dst);
    if (src.rows != dst.rows || to < 0 || to + cols.length > dst.cols) {
      throw new IllegalArgumentException("cannot copy " + cols.length + " columns of " + src + " into " + dst
          + " at column " + to);
    }
    if (cols.length > 0 && src.rows > 0) {
      columns(src, cols, dst, to);
    }
  }

  /**
   * The same values read as a {@code rows} × {@code cols} matrix (row-major), sharing storage with {@code m}: writes
   * through either show in both. Convolutions and recurrences use it to see a batch of rows of positions × channels
   * as one row per position.
   */
  public final Matrix reshape(Matrix m, int rows, int cols) {
    same(m);
    if ((long) rows * cols != m.size()) {
      throw new IllegalArgumentException("cannot reshape " + m + " to " + rows + " x " + cols);
    }
    return m.rows == rows ? m : view(m, rows, cols);
  }

  /**
   * out column j = src column {@code index[j]}, or 0 where {@code index[j] < 0}, in every row: windows of an
   * image (im2col, with zero padding), a reordering of positions and channels, a time step.
   */
  public final void gatherColumns(Matrix src, int[] index, Matrix out) {
    same(src, out);
    checkIndex(src, index, out, "gather columns of");
    if (index.length > 0 && src.rows > 0) {
      gatherColumns(src, index, out, true);
    }
  }

  /**
   * dst column {@code index[j]} += src column j in every row, skipping {@code index[j] < 0} (repeated indices
   * accumulate): the adjoint of {@link #gatherColumns}.
   */
  public final void scatterAddColumns(Matrix src, int[] index, Matrix dst) {
    same(src, dst);
    checkIndex(dst, index, src, "scatter-add columns into");
    if (index.length > 0 && src.rows > 0) {
      gatherColumns(src, index, dst, false);
    }
  }

  private static void checkIndex(Matrix wide, int[] index, Matrix narrow, String what) {
    if (wide.rows != narrow.rows || narrow.cols != index.length) {
      throw new IllegalArgumentException("cannot " + what + " " + wide + " with " + index.length + " indices and "
          + narrow);
    }
    for (int i : index) {
      if (i >= wide.cols) {
        throw new IllegalArgumentException("column index " + i + " outside " + wide);
      }
    }
  }

  /**
   * Pooling: out column q = the maximum (or the mean) of the {@code window} columns of x listed at
   * {@code index[q·window ..]}, in every row; an index below 0 reads 0.
   */
  public final void pool(Matrix x, int[] index, int window, boolean max, Matrix out) {
    same(x, out);
    checkPool(x, index, window, out);
    if (out.size() > 0) {
      pool(x, index, window, max, out, null, null);
    }
  }

  /**
   * The gradient of {@link #pool}, added to {@code dx}: g column q goes to the maximal entries of its window
   * (split evenly between ties; {@code out} holds the pooled values), or 1/window of it to each entry for the mean.
   */
  public final void poolBackward(Matrix x, int[] index, int window, boolean max, Matrix out, Matrix g, Matrix dx) {
    same(x, out, g, dx);
    checkPool(x, index, window, out);
    if (g.rows != out.rows || g.cols != out.cols || dx.rows != x.rows || dx.cols != x.cols) {
      throw new IllegalArgumentException("pooling gradients " + g + " -> " + dx + " do not match " + out + " and "
          + x);
    }
    if (out.size() > 0) {
      pool(x, index, window, max, out, g, dx);
    }
  }

  private static void checkPool(Matrix x, int[] index, int window, Matrix out) {
    if (window < 1 || out.rows != x.rows || (long) out.cols * window != index.length) {
      throw new IllegalArgumentException("cannot pool " + x + " with " + index.length + " indices in windows of "
          + window + " into " + out);
    }
    for (int i : index) {
      if (i >= x.cols) {
        throw new IllegalArgumentException("column index " + i + " outside " + x);
      }
    }
  }

  /** {@link #reshape} after the checks, to a different shape. */
  abstract Matrix view(Matrix m, int rows, int cols);

  /** {@link #gatherColumns} ({@code gather}) or {@link #scatterAddColumns} after the checks, non-empty. */
  abstract void gatherColumns(Matrix src, int[] index, Matrix out, boolean gather);

  /** {@link #pool} when {@code g} is null, else {@link #poolBackward}, after the checks, non-empty. */
  abstract void pool(Matrix x, int[] index, int window, boolean max, Matrix out, Matrix g, Matrix dx);

  /** {@link #gatherRows} after the checks, non-empty. */
  abstract void gather(Matrix src, int[] rows, Matrix out);

  /** {@link #scatterAddRows} after the checks, non-empty. */
  abstract void scatterAdd(Matrix src, int[] rows, Matrix dst);

  /** {@link #copyColumns} after the checks, non-empty. */
  abstract void columns(Matrix src, int[] cols, Matrix dst, int to);

  /**
   * An engine's own convolution kernel, where it has one: {@code out} = im2col(x) · w + b, with x's windows given by
   * {@code windows} as for {@link #gatherColumns} (−1 reads 0), w patch × filters and {@code out} rows ×
   * (positions · filters), channels last — without the whole batch's window matrix: the {@code jvm} engine gathers
   * a few images at a time into a cache-sized block and multiplies each block. Returns false where there is no such
   * kernel (ND4J, double precision), and the layer gathers the windows and multiplies them itself.
   */
  boolean convolve(Matrix x, int[] windows, Matrix w, Matrix b, Matrix out) {
    return false;
  }

  /**
   * The backward pass of a {@link #convolve} that returned true, from the same x: wGrad = im2col(x)ᵀ · g,
   * bGrad = the column sums of g over rows and positions, and dx = the scatter-add of g · wᵀ unless dx is null.
   */
  void convolveBackward(Matrix x, int[] windows, Matrix w, Matrix g, Matrix wGrad, Matrix bGrad, Matrix dx) {
    throw new UnsupportedOperationException(name() + " has no convolution kernel");
  }

  // ---- optimizer

  /**
   * The scalars of one Adam step.
   *
   * @param gradScale factor on the gradient (global-norm clipping)
   * @param beta1 first-moment decay β₁
   * @param beta2 second-moment decay β₂
   * @param step lr/(1−β₁ᵗ)
   * @param root 1/√(1−β₂ᵗ)
   * @param epsilon ε
   * @param keep 1 − lr·weightDecay (adamw), else 1
   */
  public record AdamStep(double gradScale, double beta1, double beta2, double step, double root, double epsilon,
      double keep) {}

  /**
   * One fused Adam step: g' = gradScale·g; m = β₁m + (1−β₁)g'; v = β₂v + (1−β₂)g'²;
   * w = keep·w − step·m / (√v·root + ε).
   */
  public abstract void adam(Matrix w, Matrix g, Matrix m, Matrix v, AdamStep s);

  /** Checks that every matrix belongs to this engine and has the precision of the first. */
  final void same(Matrix... ms) {
    for (Matrix m : ms) {
      if (m.engine() != this || m.precise() != ms[0].precise()) {
        throw new IllegalArgumentException("matrices of different engines or precisions in one " + name()
            + " operation: " + java.util.Arrays.toString(ms));
      }
    }
  }

  /** A contiguous run of column indices {@code from .. from + width − 1}. */
  public static int[] range(int from, int width) {
    int[] r = new int[width];
    for (int i = 0; i < width; i++) {
      r[i] = from + i;
    }
    return r;
  }

  @Override
  public String toString() {
    return name();
  }
}
