package io.sparknn.feature;

import static io.sparknn.util.SchemaChecks.col;

import io.sparknn.param.SharedParams;
import java.util.Arrays;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact stratified train/validation/test split. For a class with {@code n} rows the split sizes are the
 * largest-remainder rounding of {@code n * w} over the {@code weights} (remainder ties go to the earlier split),
 * so an 8/1/1 split of every class is as close to 8/1/1 as whole rows allow. Which rows go where is decided by a
 * seeded hash of each row's content: the same seed gives the same assignment whatever the partitioning.
 *
 * <p>{@link #transform} appends the split index ({@code outputCol}, int); {@link #split} returns one DataFrame per
 * weight. Labels may be string, integral, floating or boolean; null and NaN labels are an error. Cache the input
 * before {@code split} on large data: each returned frame re-reads it.
 */
public final class StratifiedSplitter extends StratifyingTransformer<StratifiedSplitter> {
  private static final Logger LOG = LoggerFactory.getLogger(StratifiedSplitter.class);

  private final DoubleArrayParam weights;

  /** A splitter with a random uid. */
  public StratifiedSplitter() {
    this(Identifiable.randomUID("stratifiedSplitter"));
  }

  /** A splitter with the given uid (used by the reader and by {@code copy}). */
  public StratifiedSplitter(String uid) {
    super(uid, "name of the int column with the split index", "split");
    this.weights = SharedParams.weights(this);
    setDefault(weights, new double[] {0.8, 0.1, 0.1});
  }

  /** Fraction of every class that goes to each split; default {@code [0.8, 0.1, 0.1]}. */
  public DoubleArrayParam weights() {
    return weights;
  }

  /** The split weights. */
  public double[] getWeights() {
    return getOrDefault(weights);
  }

  /** Sets the split weights, e.g. {@code 0.8, 0.1, 0.1}: each > 0, summing to 1. */
  public StratifiedSplitter setWeights(double... v) {
    set(weights, SharedParams.checked(this, weights, v));
    return this;
  }

  /**
   * Split sizes of a class with {@code n} rows: the largest-remainder rounding of {@code n * w}. The sizes sum to
   * {@code n}; leftover rows go to the splits with the largest fractional parts, the earlier split on ties.
   */
  public static long[] splitSizes(long n, double[] w) {
    long[] sizes = new long[w.length];
    double[] frac = new double[w.length];
    long assigned = 0;
    for (int s = 0; s < w.length; s++) {
      double exact = n * w[s];
      sizes[s] = (long) Math.floor(exact + 1e-9);
      frac[s] = exact - sizes[s];
      assigned += sizes[s];
    }
    Integer[] order = new Integer[w.length];
    for (int s = 0; s < w.length; s++) {
      order[s] = s;
    }
    Arrays.sort(order, (a, b) -> frac[a] != frac[b] ? Double.compare(frac[b], frac[a]) : Integer.compare(a, b));
    for (int i = 0; assigned < n; i = (i + 1) % w.length) {
      sizes[order[i]]++;
      assigned++;
    }
    for (int i = w.length - 1; assigned > n; i = (i + w.length - 1) % w.length) {
      if (sizes[order[i]] > 0) { // n*w summed above n by rounding slack: take back from the smallest remainders
        sizes[order[i]]--;
        assigned--;
      }
    }
    return sizes;
  }

  @Override
  Stratification.Assigner assigner(Stratification.Classes classes) {
    double[] w = getWeights();
    long[][] cumulative = new long[classes.counts().length][];
    for (int c = 0; c < classes.counts().length; c++) {
      long n = classes.counts()[c];
      long[] sizes = splitSizes(n, w);
      if (n < w.length) {
        LOG.warn("StratifiedSplitter: class '{}' of column '{}' has {} rows, fewer than {} splits; "
            + "largest-remainder rounding gives sizes {}", classes.labels().get(c), getLabelCol(), n, w.length,
            Arrays.toString(sizes));
      }
      cumulative[c] = new long[w.length];
      long sum = 0;
      for (int s = 0; s < w.length; s++) {
        sum += sizes[s];
        cumulative[c][s] = sum;
      }
    }
    return (c, rank) -> {
      long[] cum = cumulative[c];
      int s = 0;
      while (rank >= cum[s]) {
        s++;
      }
      return s;
    };
  }

  /** Splits {@code dataset} into one DataFrame per weight (without the split index column). */
  public Dataset<Row>[] split(Dataset<?> dataset) {
    Dataset<Row> assigned = transform(dataset);
    String out = getOutputCol();
    @SuppressWarnings("unchecked")
    Dataset<Row>[] parts = new Dataset[getWeights().length];
    for (int s = 0; s < parts.length; s++) {
      parts[s] = assigned.filter(col(out).equalTo(s)).drop(out);
    }
    return parts;
  }

  @Override
  public StratifiedSplitter copy(org.apache.spark.ml.param.ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reader for saved splitters. */
  public static MLReader<StratifiedSplitter> read() {
    return new DefaultParamsReadable<StratifiedSplitter>() {}.read();
  }

  /** Loads a splitter saved with {@code write().save(path)}. */
  public static StratifiedSplitter load(String path) {
    return read().load(path);
  }
}
