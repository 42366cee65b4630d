package io.sparknn.evaluation;

import java.io.Serializable;

/** Classification counts ({@link ClassCounts} layout) that grow when a larger class index shows up. */
final class ClassAcc implements Serializable {
  private static final long serialVersionUID = 1L;

  int k;
  double[] counts;

  ClassAcc(int k) {
    this.k = k;
    this.counts = new double[ClassCounts.length(k)];
  }

  /** Makes room for class indices below {@code classes}. */
  void ensure(int classes) {
    if (classes <= k) {
      return;
    }
    double[] grown = new double[ClassCounts.length(classes)];
    for (int t = 0; t < k; t++) {
      System.arraycopy(counts, t * k, grown, t * classes, k);
    }
    grown[ClassCounts.weightAt(classes)] = counts[ClassCounts.weightAt(k)];
    grown[ClassCounts.logLossAt(classes)] = counts[ClassCounts.logLossAt(k)];
    grown[ClassCounts.rowsAt(classes)] = counts[ClassCounts.rowsAt(k)];
    k = classes;
    counts = grown;
  }

  ClassAcc merge(ClassAcc o) {
    ensure(o.k);
    o.ensure(k);
    for (int i = 0; i < counts.length; i++) {
      counts[i] += o.counts[i];
    }
    return this;
  }
}
