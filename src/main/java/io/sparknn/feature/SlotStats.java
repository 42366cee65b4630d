package io.sparknn.feature;

import io.sparknn.util.Rows;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Per-slot running statistics of the valid (finite, non-null) values — count, mean, sum of squared deviations
 * (Welford), min, max — plus the count of invalid values. Partitions are merged with Chan et al.'s formula, so
 * one pass over the data gives numerically stable results.
 */
final class SlotStats implements Serializable {
  private static final long serialVersionUID = 1L;

  long[] n;
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

  private void add(int s, double x) {
    if (!Double.isFinite(x)) {
      bad[s]++;
      return;
    }
    long k = ++n[s];
    double d = x - mean[s];
    mean[s] += d / k;
    m2[s] += d * (x - mean[s]);
    if (x < min[s]) {
      min[s] = x;
    }
    if (x > max[s]) {
      max[s] = x;
    }
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
        double d = o.mean[s] - mean[s];
        mean[s] += d * o.n[s] / k;
        m2[s] += o.m2[s] + d * d * n[s] * o.n[s] / k;
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
    return n[s] < 2 ? 0.0 : Math.sqrt(m2[s] / (n[s] - 1));
  }
}
