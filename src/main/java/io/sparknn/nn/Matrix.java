package io.sparknn.nn;

import org.bytedeco.openblas.global.openblas;

/**
 * A dense row-major matrix of floats (training and scoring) or doubles (gradient checks), the storage of every
 * layer. Matrix products call OpenBLAS (the BLAS that ND4J's CPU backend links) directly on the Java arrays, which
 * removes ND4J's per-operation dispatch cost (0.1–0.35 ms measured, more than a whole small layer's work);
 * element-wise work runs in plain Java loops that the JIT vectorizes.
 */
public final class Matrix {
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;

  /** Number of rows. */
  public final int rows;
  /** Number of columns. */
  public final int cols;
  final float[] f;
  final double[] d;

  private Matrix(int rows, int cols, float[] f, double[] d) {
    this.rows = rows;
    this.cols = cols;
    this.f = f;
    this.d = d;
  }

  /** A zero matrix in float ({@code precise = false}) or double precision. */
  public static Matrix zeros(int rows, int cols, boolean precise) {
    long n = (long) rows * cols;
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(rows + " x " + cols + " values exceed one array");
    }
    return precise ? new Matrix(rows, cols, null, new double[(int) n]) : new Matrix(rows, cols, new float[(int) n],
        null);
  }

  /** A float matrix over {@code data} (not copied). */
  public static Matrix wrap(float[] data, int rows, int cols) {
    check(data.length, rows, cols);
    return new Matrix(rows, cols, data, null);
  }

  /** A double matrix over {@code data} (not copied). */
  public static Matrix wrap(double[] data, int rows, int cols) {
    check(data.length, rows, cols);
    return new Matrix(rows, cols, null, data);
  }

  private static void check(int length, int rows, int cols) {
    if ((long) rows * cols != length) {
      throw new IllegalArgumentException(length + " values cannot be a " + rows + " x " + cols + " matrix");
    }
  }

  /**
   * {@code buffer} when it has this shape and precision, else a new zero matrix: layers keep their output and
   * gradient buffers from one batch to the next instead of allocating (and zeroing) megabytes per step. The
   * contents are stale; callers overwrite every value.
   */
  public static Matrix reuse(Matrix buffer, int rows, int cols, boolean precise) {
    return buffer != null && buffer.rows == rows && buffer.cols == cols && buffer.precise() == precise ? buffer
        : zeros(rows, cols, precise);
  }

  /** A zero matrix of the same precision. */
  public Matrix like(int r, int c) {
    return zeros(r, c, precise());
  }

  /** True for double precision. */
  public boolean precise() {
    return d != null;
  }

  /** The backing float array (row-major), or null for a double matrix; for tight loops outside this package. */
  public float[] floats() {
    return f;
  }

  /** Number of values. */
  public int size() {
    return rows * cols;
  }

  /** Value {@code i} in row-major order. */
  public double get(int i) {
    return f != null ? f[i] : d[i];
  }

  /** Value at row {@code r}, column {@code c}. */
  public double get(int r, int c) {
    return get(r * cols + c);
  }

  /** Sets value {@code i}. */
  public void set(int i, double v) {
    if (f != null) {
      f[i] = (float) v;
    } else {
      d[i] = v;
    }
  }

  /** Adds {@code v} to value {@code i}. */
  public void add(int i, double v) {
    if (f != null) {
      f[i] += (float) v;
    } else {
      d[i] += v;
    }
  }

  /** Sets every value to {@code v}. */
  public Matrix fill(double v) {
    if (f != null) {
      java.util.Arrays.fill(f, (float) v);
    } else {
      java.util.Arrays.fill(d, v);
    }
    return this;
  }

  /** Copies {@code other}'s values (same size) into this matrix. */
  public Matrix assign(Matrix other) {
    if (other.size() != size()) {
      throw new IllegalArgumentException("cannot assign " + other.size() + " values to " + size());
    }
    if (f != null && other.f != null) {
      System.arraycopy(other.f, 0, f, 0, f.length);
    } else {
      for (int i = 0; i < size(); i++) {
        set(i, other.get(i));
      }
    }
    return this;
  }

  /** A copy. */
  public Matrix copy() {
    return like(rows, cols).assign(this);
  }

  /** Row {@code r} as doubles. */
  public double[] row(int r) {
    double[] out = new double[cols];
    int at = r * cols;
    if (f != null) {
      for (int j = 0; j < cols; j++) {
        out[j] = f[at + j];
      }
    } else {
      System.arraycopy(d, at, out, 0, cols);
    }
    return out;
  }

  /** Copies row {@code from} of the row-major {@code source} (with this matrix's width) into row {@code r}. */
  public void setRow(int r, float[] source, int from) {
    if (f != null) {
      System.arraycopy(source, from * cols, f, r * cols, cols);
    } else {
      for (int j = 0; j < cols; j++) {
        d[r * cols + j] = source[from * cols + j];
      }
    }
  }

  /** Adds the 1 × cols {@code v} to every row. */
  public void addRowVector(Matrix v) {
    if (f != null && v.f != null) {
      for (int r = 0; r < rows; r++) {
        int at = r * cols;
        for (int j = 0; j < cols; j++) {
          f[at + j] += v.f[j];
        }
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      int at = r * cols;
      for (int j = 0; j < cols; j++) {
        add(at + j, v.get(j));
      }
    }
  }

  /** Writes the column sums into the 1 × cols {@code out}. */
  public void columnSums(Matrix out) {
    out.fill(0);
    if (f != null && out.f != null) {
      float[] o = out.f;
      for (int r = 0; r < rows; r++) {
        int at = r * cols;
        for (int j = 0; j < cols; j++) {
          o[j] += f[at + j];
        }
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      int at = r * cols;
      for (int j = 0; j < cols; j++) {
        out.add(j, get(at + j));
      }
    }
  }

  /** {@code c = alpha·op(a)·op(b) + beta·c}, where op transposes when asked; all three of one precision. */
  public static void gemm(Matrix a, boolean ta, Matrix b, boolean tb, Matrix c, double alpha, double beta) {
    int m = ta ? a.cols : a.rows;
    int k = ta ? a.rows : a.cols;
    int kb = tb ? b.cols : b.rows;
    int n = tb ? b.rows : b.cols;
    if (k != kb || c.rows != m || c.cols != n || a.precise() != b.precise() || a.precise() != c.precise()) {
      throw new IllegalArgumentException("gemm shapes: " + a + (ta ? "ᵀ" : "") + " · " + b + (tb ? "ᵀ" : "")
          + " -> " + c);
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      if (beta != 1) {
        for (int i = 0; i < c.size(); i++) {
          c.set(i, beta * c.get(i));
        }
      }
      return;
    }
    int opA = ta ? TRANS : NO_TRANS;
    int opB = tb ? TRANS : NO_TRANS;
    if (c.f != null) {
      openblas.cblas_sgemm(ROW_MAJOR, opA, opB, m, n, k, (float) alpha, a.f, a.cols, b.f, b.cols, (float) beta,
          c.f, c.cols);
    } else {
      openblas.cblas_dgemm(ROW_MAJOR, opA, opB, m, n, k, alpha, a.d, a.cols, b.d, b.cols, beta, c.d, c.cols);
    }
  }

  @Override
  public String toString() {
    return "[" + rows + " x " + cols + (precise() ? " double]" : " float]");
  }
}
