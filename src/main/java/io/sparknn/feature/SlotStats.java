package io.sparknn.feature;

import io.sparknn.util.Rows;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Per-slot running statistics of the valid (finite, non-null) values — count, mean, sum of squared deviations
 * (Welford), min, max — plus the count of invalid values. Partitions are merged with Chan et al.'s formula, so
 * one pass over the data gives numerically stable results. A slot whose values reach {@link #LARGE} keeps its mean
 * and squared deviations in units of {@link #UNIT} (an exact power of two), so values near the limits of
 * {@code double} give finite statistics instead of overflowing squares.
 */
final class SlotStats implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Magnitude from which a slot's statistics are kept in units of {@link #UNIT} (2^480: squares stay finite). */
  static final double LARGE = 0x1p480;
  /** The unit of a large slot's mean and squared deviations. */
  static final double UNIT = 0x1p520;

  long[] n;
  /** Per slot: true when mean and m2 are in units of {@link #UNIT} (and m2 of UNIT²). */
  boolean[] scaled;
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
    scaled = new boolean[slots];
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
    double x = raw;
    if (!Double.isFinite(x)) {
      bad[s]++;
      return;
    }
    if (Math.abs(x) >= LARGE && !scaled[s]) {
      toUnits(s);
    }
    if (scaled[s]) {
      x /= UNIT;
    }
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

  /** Switches slot {@code s} to units of {@link #UNIT} (exact: a power of two; tiny deviations may vanish). */
  private void toUnits(int s) {
    scaled[s] = true;
    mean[s] /= UNIT;
    m2[s] = m2[s] / UNIT / UNIT;
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
        if (o.scaled[s] && !scaled[s]) {
          toUnits(s);
        }
        double om = o.mean[s];
        double om2 = o.m2[s];
        if (scaled[s] && !o.scaled[s]) {
          om /= UNIT;
          om2 = om2 / UNIT / UNIT;
        }
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
    return n[s] < 2 ? 0.0 : Math.sqrt(m2[s] / (n[s] - 1)) * (scaled[s] ? UNIT : 1);
  }

  /** The mean of slot {@code s} (finite: it lies between the slot's min and max). */
  double mean(int s) {
    return scaled[s] ? mean[s] * UNIT : mean[s];
  }
}
