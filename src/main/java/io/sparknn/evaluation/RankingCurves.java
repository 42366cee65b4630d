package io.sparknn.evaluation;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Exact ROC AUC and average precision for one or more score groups (one for binary, one per class for
 * one-vs-rest), from weighted positive/negative totals per distinct score, sorted by (group asc, score desc)
 * with Spark SQL; each partition then integrates its part of every curve starting from the totals of the partitions
 * before it, so the result is exact (ties handled as scikit-learn does) and nothing but the results reaches the
 * driver. Curves are downsampled to at most {@code maxPoints} exact points per group.
 */
final class RankingCurves {
  private RankingCurves() {}

  /** What one group's curves give. */
  record Result(double auc, double averagePrecision, double positives, double negatives, double[][] roc,
                double[][] pr) {}

  /**
   * Computes every group's result from {@code sorted}: rows {@code (group int, score double, positive weight
   * double, negative weight double)}, one per distinct (group, score), sorted by group ascending then score
   * descending, partitions in order.
   */
  static Result[] compute(JavaRDD<InternalRow> sorted, int groups, int maxPoints) {
    // Job 1: per partition and group, the positive and negative totals and the number of distinct scores.
    List<double[][]> totals = sorted.mapPartitions(it -> {
      double[][] t = new double[groups][3];
      while (it.hasNext()) {
        InternalRow r = it.next();
        int g = r.getInt(0);
        t[g][0] += r.getDouble(2);
        t[g][1] += r.getDouble(3);
        t[g][2] += 1;
      }
      return java.util.Collections.singletonList(t).iterator();
    }, true).collect();
    int parts = totals.size();
    double[][][] offsets = new double[parts][groups][3];
    double[][] all = new double[groups][3];
    for (int p = 0; p < parts; p++) {
      for (int g = 0; g < groups; g++) {
        offsets[p][g] = all[g].clone();
        for (int i = 0; i < 3; i++) {
          all[g][i] += totals.get(p)[g][i];
        }
      }
    }
    long[] stride = new long[groups];
    for (int g = 0; g < groups; g++) {
      stride[g] = Math.max(1, (long) Math.ceil(all[g][2] / Math.max(1, maxPoints - 1)));
    }
    // Job 2: each partition's trapezoids and precision steps, from the offsets of the partitions before it.
    List<Partial> partials = sorted.mapPartitionsWithIndex((p, it) -> integrate(p, it, offsets[p], all, stride),
        true).collect();
    Result[] results = new Result[groups];
    for (int g = 0; g < groups; g++) {
      double area = 0;
      double ap = 0;
      List<double[]> roc = new ArrayList<>();
      List<double[]> pr = new ArrayList<>();
      roc.add(new double[] {0, 0});
      for (Partial part : partials) {
        area += part.area[g];
        ap += part.ap[g];
        roc.addAll(part.roc.get(g));
        pr.addAll(part.pr.get(g));
      }
      double pos = all[g][0];
      double neg = all[g][1];
      results[g] = new Result(pos > 0 && neg > 0 ? area / (pos * neg) : Double.NaN, pos > 0 ? ap : Double.NaN,
          pos, neg, roc.toArray(new double[0][]), pr.toArray(new double[0][]));
    }
    return results;
  }

  /** One partition's share of every group's curve. */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  record Partial(double[] area, double[] ap, List<List<double[]>> roc, List<List<double[]>> pr)
      implements Serializable {}

  private static Iterator<Partial> integrate(int p, Iterator<InternalRow> it, double[][] offset,
      double[][] all, long[] stride) {
    int groups = offset.length;
    double[] area = new double[groups];
    double[] ap = new double[groups];
    List<List<double[]>> roc = new ArrayList<>();
    List<List<double[]>> pr = new ArrayList<>();
    double[] tp = new double[groups];
    double[] fp = new double[groups];
    long[] index = new long[groups];
    for (int g = 0; g < groups; g++) {
      tp[g] = offset[g][0];
      fp[g] = offset[g][1];
      index[g] = (long) offset[g][2];
      roc.add(new ArrayList<>());
      pr.add(new ArrayList<>());
    }
    while (it.hasNext()) {
      InternalRow r = it.next();
      int g = r.getInt(0);
      double dp = r.getDouble(2);
      double dn = r.getDouble(3);
      area[g] += dn * (tp[g] + tp[g] + dp) / 2; // trapezoid between this threshold and the previous one
      tp[g] += dp;
      fp[g] += dn;
      double positives = all[g][0];
      if (positives > 0 && tp[g] + fp[g] > 0) {
        ap[g] += dp / positives * (tp[g] / (tp[g] + fp[g]));
      }
      index[g]++;
      if (index[g] % stride[g] == 0 || index[g] == (long) all[g][2]) {
        double negatives = all[g][1];
        roc.get(g).add(new double[] {negatives > 0 ? fp[g] / negatives : 0, positives > 0 ? tp[g] / positives : 0});
        pr.get(g).add(new double[] {positives > 0 ? tp[g] / positives : 0, tp[g] / (tp[g] + fp[g])});
      }
    }
    return List.of(new Partial(area, ap, roc, pr)).iterator();
  }
}
