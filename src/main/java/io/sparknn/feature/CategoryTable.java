package io.sparknn.feature;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@link CategoricalEncoder} learned about one column: the kept categories (most frequent first), the rare
 * ones folded into "other", and for target encoding the per-(bucket, fold) row count and label sum. Bucket layout:
 * {@code [kept..., other (only if something was folded), unknown]}. Captured by the scoring functions, so it is
 * {@link Serializable}; it is persisted as Parquet, never with Java serialization.
 */
final class CategoryTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Name of the "other" bucket in metadata. */
  static final String OTHER = "__other__";
  /** Name of the unknown bucket in metadata. */
  static final String UNKNOWN = "__unknown__";
  /** Code of a value that is unseen (not kept, not folded). */
  static final int UNSEEN = -1;
  /** Code of a null value. */
  static final int NULL = -2;

  final String[] kept;
  final String[] other;
  /** Row counts per (bucket, fold), flattened as {@code bucket * folds + fold}; empty unless target encoding. */
  final double[] n;
  /** Label sums per (bucket, fold), same layout as {@link #n}. */
  final double[] s;
  final int folds;
  private transient Map<String, Integer> index;

  CategoryTable(String[] kept, String[] other, double[] n, double[] s, int folds) {
    this.kept = kept;
    this.other = other;
    this.n = n;
    this.s = s;
    this.folds = folds;
  }

  /** Number of buckets: kept + other (if any) + unknown. */
  int size() {
    return kept.length + (other.length > 0 ? 1 : 0) + 1;
  }

  int otherBucket() {
    return other.length > 0 ? kept.length : -1;
  }

  int unknownBucket() {
    return size() - 1;
  }

  /** Bucket names for metadata, in bucket order. */
  String[] bucketNames() {
    String[] names = new String[size()];
    System.arraycopy(kept, 0, names, 0, kept.length);
    if (other.length > 0) {
      names[kept.length] = OTHER;
    }
    names[names.length - 1] = UNKNOWN;
    return names;
  }

  /** The bucket of {@code value}, or {@link #UNSEEN} / {@link #NULL}. */
  int code(String value) {
    if (value == null) {
      return NULL;
    }
    if (index == null) {
      Map<String, Integer> m = new HashMap<>(2 * (kept.length + other.length));
      for (int i = 0; i < kept.length; i++) {
        m.put(kept[i], i);
      }
      for (String o : other) {
        m.put(o, kept.length);
      }
      index = m;
    }
    Integer b = index.get(value);
    return b == null ? UNSEEN : b;
  }

  /**
   * Smoothed target means: {@code table[0][bucket]} uses every fold, {@code table[f + 1][bucket]} leaves fold
   * {@code f} out. Each is {@code (sum + m * prior) / (count + m)}, prior being the label mean of the same rows of
   * all buckets; the unknown bucket gets the prior.
   */
  double[][] targetTable(double m) {
    int stats = size() - 1; // the unknown bucket has no rows
    double[] foldN = new double[folds];
    double[] foldS = new double[folds];
    double[] bucketN = new double[stats];
    double[] bucketS = new double[stats];
    for (int b = 0; b < stats; b++) {
      for (int f = 0; f < folds; f++) {
        foldN[f] += n[b * folds + f];
        foldS[f] += s[b * folds + f];
        bucketN[b] += n[b * folds + f];
        bucketS[b] += s[b * folds + f];
      }
    }
    double allN = java.util.Arrays.stream(foldN).sum();
    double allS = java.util.Arrays.stream(foldS).sum();
    double[][] table = new double[folds + 1][size()];
    for (int f = -1; f < folds; f++) {
      double restN = f < 0 ? allN : allN - foldN[f];
      double restS = f < 0 ? allS : allS - foldS[f];
      if (restN == 0) { // a single fold holds every row: fall back to all data
        restN = allN;
        restS = allS;
      }
      double prior = allN == 0 ? 0.0 : restS / restN;
      for (int b = 0; b < size(); b++) {
        double bn = b < stats ? bucketN[b] - (f < 0 ? 0 : n[b * folds + f]) : 0;
        double bs = b < stats ? bucketS[b] - (f < 0 ? 0 : s[b * folds + f]) : 0;
        table[f + 1][b] = bn + m == 0 ? prior : (bs + m * prior) / (bn + m);
      }
    }
    return table;
  }
}
