package io.sparknn.estimator;

import io.sparknn.train.TrainingRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The workers' shares of a fit's cached training blocks without a shuffle: share i holds rows [i·N/w, (i+1)·N/w) of
 * the blocks in partition order (N rows, w workers), so shares differ by at most one row. A share reads the cached
 * partitions it overlaps (from another executor's block manager when they live there) and slices the blocks at its
 * bounds; a lost block is recomputed from the lineage, as for any cached RDD. Like Spark's {@code CoalescedRDD}, a
 * share depends narrowly on several parent partitions.
 */
final class BalancedShares extends RDD<TrainingRows> {
  private static final long serialVersionUID = 1L;
  private static final ClassTag<TrainingRows> TAG = ClassTag$.MODULE$.apply(TrainingRows.class);

  /**
   * One share: the parent partitions it reads (their indices, and the partitions themselves: a task cannot ask the
   * parent RDD for them, they are not shipped) and, per partition, the rows [from, to) it takes.
   */
  private record Share(int index, int[] parents, Partition[] parentPartitions, long[] from, long[] to)
      implements Partition {}

  private final Share[] shares;

  private BalancedShares(RDD<TrainingRows> parent, Share[] shares) {
    super(parent.context(), dependencies(parent, shares), TAG);
    this.shares = shares;
  }

  /** {@code workers} shares of {@code blocks}, whose partition p holds {@code partitionRows[p]} rows. */
  static JavaRDD<TrainingRows> of(JavaRDD<TrainingRows> blocks, long[] partitionRows, int workers) {
    long total = Arrays.stream(partitionRows).sum();
    Share[] shares = new Share[workers];
    Partition[] all = blocks.rdd().partitions();
    long start = 0;
    for (int i = 0; i < workers; i++) {
      long end = total * (i + 1) / workers;
      List<long[]> parts = new ArrayList<>();
      long at = 0;
      for (int p = 0; p < partitionRows.length; p++) {
        long[] rows = overlap(start, end, at, partitionRows[p]);
        if (rows != null) {
          parts.add(new long[] {p, rows[0], rows[1]});
        }
        at += partitionRows[p];
      }
      int[] parents = parts.stream().mapToInt(a -> (int) a[0]).toArray();
      shares[i] = new Share(i, parents, Arrays.stream(parents).mapToObj(p -> all[p]).toArray(Partition[]::new),
          parts.stream().mapToLong(a -> a[1]).toArray(), parts.stream().mapToLong(a -> a[2]).toArray());
      start = end;
    }
    return new BalancedShares(blocks.rdd(), shares).toJavaRDD();
  }

  private static scala.collection.immutable.Seq<org.apache.spark.Dependency<?>> dependencies(
      RDD<TrainingRows> parent, Share[] shares) {
    NarrowDependency<TrainingRows> dep = new NarrowDependency<>(parent) {
      private static final long serialVersionUID = 1L;

      @Override
      public scala.collection.immutable.Seq<Object> getParents(int partitionId) {
        List<Object> ids = new ArrayList<>();
        for (int p : shares[partitionId].parents) {
          ids.add(p);
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(ids).toList();
      }
    };
    List<org.apache.spark.Dependency<?>> deps = List.of(dep);
    return scala.jdk.javaapi.CollectionConverters.asScala(deps).toList();
  }

  @Override
  public Partition[] getPartitions() {
    return shares.clone();
  }

  /** The share's blocks, read when first asked for (a training round whose worker is cached never asks). */
  @Override
  public scala.collection.Iterator<TrainingRows> compute(Partition split, TaskContext context) {
    RDD<TrainingRows> parent = firstParent(TAG);
    java.util.Iterator<TrainingRows> lazy = new java.util.Iterator<>() {
      private java.util.Iterator<TrainingRows> rows;

      private java.util.Iterator<TrainingRows> rows() {
        if (rows == null) {
          rows = read((Share) split, parent, context).iterator();
        }
        return rows;
      }

      @Override
      public boolean hasNext() {
        return rows().hasNext();
      }

      @Override
      public TrainingRows next() {
        return rows().next();
      }
    };
    return scala.jdk.javaapi.CollectionConverters.asScala(lazy);
  }

  private static List<TrainingRows> read(Share s, RDD<TrainingRows> parent, TaskContext context) {
    List<TrainingRows> out = new ArrayList<>();
    for (int j = 0; j < s.parents.length; j++) {
      scala.collection.Iterator<TrainingRows> it = parent.iterator(s.parentPartitions[j], context);
      long at = 0;
      while (it.hasNext()) {
        TrainingRows b = it.next();
        long[] rows = overlap(s.from[j], s.to[j], at, b.rows());
        if (rows != null) {
          out.add(rows[1] - rows[0] == b.rows() ? b : b.slice((int) rows[0], (int) rows[1]));
        }
        at += b.rows();
      }
    }
    return out;
  }

  /**
   * The rows of [{@code from}, {@code to}) that fall in a run of {@code n} rows starting at row {@code at}, relative
   * to that run ({first, end}), or null when none do.
   */
  private static long[] overlap(long from, long to, long at, long n) {
    long lo = Math.max(from, at);
    long hi = Math.min(to, at + n);
    return lo < hi ? new long[] {lo - at, hi - at} : null;
  }

  @Override
  public scala.collection.immutable.Seq<String> getPreferredLocations(Partition split) {
    Share s = (Share) split;
    return s.parents.length == 0 ? scala.jdk.javaapi.CollectionConverters.asScala(List.<String>of()).toList()
        : firstParent(TAG).preferredLocations(s.parentPartitions[0]).toList();
  }
}
