package io.sparknn.nn;

/**
 * A dense row-major matrix of floats (training and scoring) or doubles (gradient checks), owned by an
 * {@link Engine}: on the {@code jvm} engine it is a Java array, on the {@code nd4j} engine an ND4J array (host or
 * GPU memory). Layers never touch the storage: they call the engine's operations on matrices of that engine. The
 * element accessors ({@link #get}, {@link #set}) cross to the host on the {@code nd4j} engine and are meant for
 * tests and initialization, not for hot loops.
 */
public abstract class Matrix {
  /** Number of rows. */
  public final int rows;
  /** Number of columns. */
  public final int cols;

  Matrix(int rows, int cols) {
    if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(rows + " x " + cols + " values do not fit one matrix (limit "
          + (Integer.MAX_VALUE - 8) + " values)");
    }
    this.rows = rows;
    this.cols = cols;
  }

  /** The engine that owns this matrix and runs every operation on it. */
  public abstract Engine engine();

  /** True for double precision. */
  public abstract boolean precise();

  /** A zero matrix on the {@code jvm} engine, in float ({@code precise = false}) or double precision. */
  public static Matrix zeros(int rows, int cols, boolean precise) {
    return Engine.jvm().zeros(rows, cols, precise);
  }

  /** A float matrix on the {@code jvm} engine over {@code data} (not copied). */
  public static Matrix wrap(float[] data, int rows, int cols) {
    return Engine.jvm().fromFloats(data, rows, cols, false);
  }

  /** A double matrix on the {@code jvm} engine over {@code data} (not copied). */
  public static Matrix wrap(double[] data, int rows, int cols) {
    return Engine.jvm().fromDoubles(data, rows, cols, true);
  }

  /** A zero matrix of the same engine and precision. */
  public Matrix like(int r, int c) {
    return engine().zeros(r, c, precise());
  }

  /** Number of values. */
  public int size() {
    return rows * cols;
  }

  /** Value {@code i} in row-major order. */
  public double get(int i) {
    return engine().get(this, i);
  }

  /** Value at row {@code r}, column {@code c}. */
  public double get(int r, int c) {
    return get(r * cols + c);
  }

  /** Sets value {@code i}. */
  public void set(int i, double v) {
    engine().set(this, i, v);
  }

  /** Adds {@code v} to value {@code i}. */
  public void add(int i, double v) {
    set(i, get(i) + v);
  }

  /** Sets every value to {@code v}; returns this. */
  public Matrix fill(double v) {
    engine().fill(this, v);
    return this;
  }

  /** Copies {@code other}'s values (same shape, same engine) into this matrix; returns this. */
  public Matrix assign(Matrix other) {
    engine().copy(other, this);
    return this;
  }

  /** A copy on the same engine. */
  public Matrix copy() {
    return like(rows, cols).assign(this);
  }

  /**
   * The values as floats on the JVM heap, row-major. For a float matrix of the {@code jvm} engine this is the
   * backing array itself (do not modify it); otherwise a copy.
   */
  public float[] toFloats() {
    return engine().floats(this);
  }

  /** The values as a new double array, row-major. */
  public double[] toDoubles() {
    return engine().doubles(this);
  }

  /** Row {@code r} as doubles (a host copy). */
  public double[] row(int r) {
    double[] all = toDoubles();
    return java.util.Arrays.copyOfRange(all, r * cols, (r + 1) * cols);
  }

  /** Overwrites every value with {@code size()} values of {@code source} starting at {@code from}. */
  public void load(float[] source, int from) {
    engine().load(this, source, from);
  }

  @Override
  public String toString() {
    return "[" + rows + " x " + cols + (precise() ? " double " : " float ") + engine().name() + "]";
  }
}
