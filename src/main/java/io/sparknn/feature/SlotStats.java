package io.sparknn.feature;

import io.sparknn.util.Rows;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Per-slot running statistics of the valid (finite, non-null) values — count, mean, sum of squared deviations
 * (Welford), min, max — plus the count of invalid values. Partitions are merged with Chan et al.'s formula, so
 * one pass over the data gives numerically stable results. Each slot keeps its mean and squared deviations in
 * units of 2^{@code unit} (exact powers of two), set by the first non-zero value's exponent and raised when a value
 * would reach {@link #LARGE} units, so values near either limit of {@code double} (±1e308 or 1e-300) give finite,
 * exact statistics instead of overflowing or underflowing squares.
 */
final class SlotStats implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Magnitude, in units, from which a slot moves to a larger unit (2^480: squares and their sums stay finite). */
  static final double LARGE = 0x1p480;
  /** The exponent of {@link #LARGE}. */
  private static final int LARGE_EXPONENT = Math.getExponent(LARGE);

  long[] n;
  /** Per slot: mean is in units of 2^unit, m2 in units of 2^(2·unit). */
  int[] unit;
  double[] mean;
  double[] m2;
  double[] min;
  double[] max;
  long[] bad;
  /** Rows whose vector was null (counted once, added to every slot's invalid count at the end). */
  long nullRows;
  /** Vector size mismatch seen in this partition: {expected, found}, or null. */
  int[] mismatch;

  SlotStats(int slots) {
    init(slots);
  }

  private void init(int slots) {
    n = new long[slots];
    unit = new int[slots];
    mean = new double[slots];
    m2 = new double[slots];
    min = new double[slots];
    max = new double[slots];
    bad = new long[slots];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  /** Adds one row of numeric columns (nulls are invalid). */
  SlotStats addColumns(InternalRow r) {
    for (int s = 0; s < n.length; s++) {
      add(s, r.isNullAt(s) ? Double.NaN : r.getDouble(s));
    }
    return this;
  }

  /** Adds one vector (null = every slot invalid); the first vector fixes the size when it is still unknown. */
  SlotStats addVector(InternalRow r) {
    Vector v = Rows.vector(r, 0);
    if (v == null) {
      nullRows++;
      return this;
    }
    if (n.length == 0 && v.size() > 0) {
      init(v.size());
    }
    if (v.size() != n.length) {
      mismatch = new int[] {n.length, v.size()};
      return this;
    }
    for (int s = 0; s < n.length; s++) {
      add(s, v.apply(s));
    }
    return this;
  }

  private void add(int s, double raw) {
    if (!Double.isFinite(raw)) {
      bad[s]++;
      return;
    }
    if (raw != 0) {
      int e = Math.getExponent(raw);
      if (mean[s] == 0 && m2[s] == 0) {
        unit[s] = e; // every value so far was 0: any unit holds them, take this value's
      } else if (e - unit[s] >= LARGE_EXPONENT) {
        toUnit(s, e);
      }
    }
    double x = Math.scalb(raw, -unit[s]);
    long k = ++n[s];
    double d = x - mean[s];
    mean[s] += d / k;
    m2[s] += d * (x - mean[s]);
    if (raw < min[s]) {
      min[s] = raw;
    }
    if (raw > max[s]) {
      max[s] = raw;
    }
  }

  /** Moves slot {@code s} to units of 2^{@code to} (exact: powers of two; tiny deviations may vanish). */
  private void toUnit(int s, int to) {
    mean[s] = Math.scalb(mean[s], unit[s] - to);
    m2[s] = Math.scalb(m2[s], 2 * (unit[s] - to));
    unit[s] = to;
  }

  /** Merges {@code o} into this (either may be empty, i.e. of size 0 from a partition without vectors). */
  SlotStats merge(SlotStats o) {
    if (o.mismatch != null) {
      mismatch = o.mismatch;
    }
    nullRows += o.nullRows;
    if (o.n.length == 0) {
      return this;
    }
    if (n.length == 0) {
      init(o.n.length);
    }
    if (o.n.length != n.length) {
      mismatch = new int[] {n.length, o.n.length};
      return this;
    }
    for (int s = 0; s < n.length; s++) {
      long k = n[s] + o.n[s];
      if (o.n[s] > 0) {
        boolean zero = mean[s] == 0 && m2[s] == 0;
        boolean otherZero = o.mean[s] == 0 && o.m2[s] == 0;
        if (zero || !otherZero && o.unit[s] > unit[s]) {
          toUnit(s, o.unit[s]); // the larger unit, or the other's when every value here is 0
        }
        double om = Math.scalb(o.mean[s], o.unit[s] - unit[s]);
        double om2 = Math.scalb(o.m2[s], 2 * (o.unit[s] - unit[s]));
        double d = om - mean[s];
        mean[s] += d * o.n[s] / k;
        m2[s] += om2 + d * d * n[s] * o.n[s] / k;
        min[s] = Math.min(min[s], o.min[s]);
        max[s] = Math.max(max[s], o.max[s]);
      }
      n[s] = k;
      bad[s] += o.bad[s];
    }
    return this;
  }

  /** Sample standard deviation of slot {@code s} (0 with fewer than two values). */
  double std(int s) {
    return n[s] < 2 ? 0.0 : Math.scalb(Math.sqrt(m2[s] / (n[s] - 1)), unit[s]);
  }

  /** The mean of slot {@code s} (finite: it lies between the slot's min and max). */
  double mean(int s) {
    return Math.scalb(mean[s], unit[s]);
  }
}
