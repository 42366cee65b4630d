package io.sparknn.feature;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;

import io.sparknn.param.SharedParams;
import io.sparknn.util.Rows;
import io.sparknn.util.SchemaChecks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * Encodes categorical columns (string, numeric codes or boolean) as one-hot vectors, as indices for embeddings (with
 * Spark ML nominal metadata that survives {@code VectorAssembler}), or as out-of-fold target means. Values are
 * ordered by frequency (then by value); those seen fewer than {@code minFrequency} times, or beyond the
 * {@code maxCategories} most frequent, share an "other" bucket. The counts of all columns come from one Spark job.
 *
 * <p>Target encoding never shows a row its own label: statistics are kept per fold (from {@code foldCol}, or a
 * seeded hash of the whole row) and a row is encoded from the other folds whenever its fold can be determined at
 * transform time (the fold column is present, or all columns seen at fit are). Rows without a fold (new data to
 * score) get the encoding from all folds. The label must be numeric (0/1 for binary classification).
 */
public final class CategoricalEncoder extends Estimator<CategoricalEncoderModel>
    implements CategoricalEncoderParams, DefaultParamsWritable {
  private final String uid;
  private final Defs defs;

  /** An encoder with a random uid. */
  public CategoricalEncoder() {
    this(Identifiable.randomUID("categoricalEncoder"));
  }

  /** An encoder with the given uid. */
  public CategoricalEncoder(String uid) {
    this.uid = uid;
    this.defs = new Defs(this);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Defs defs() {
    return defs;
  }

  /** Sets the categorical input columns. */
  public CategoricalEncoder setInputCols(String... v) {
    set(inputCols(), SharedParams.checked(this, inputCols(), v));
    return this;
  }

  /** Sets the output columns (default {@code <input>_<encoding>}). */
  public CategoricalEncoder setOutputCols(String... v) {
    set(outputCols(), SharedParams.checked(this, outputCols(), v));
    return this;
  }

  /** Sets the encoding: {@code onehot} (default), {@code index} or {@code target}. */
  public CategoricalEncoder setEncoding(String v) {
    set(encoding(), SharedParams.checked(this, encoding(), v));
    return this;
  }

  /** Sets the minimum count for a value to keep its own bucket (default 1). */
  public CategoricalEncoder setMinFrequency(int v) {
    set(minFrequency(), SharedParams.checked(this, minFrequency(), v));
    return this;
  }

  /** Sets the maximum number of kept values per column (default 0 = no limit). */
  public CategoricalEncoder setMaxCategories(int v) {
    set(maxCategories(), SharedParams.checked(this, maxCategories(), v));
    return this;
  }

  /** Sets the policy for nulls and unseen values: {@code error} (default), {@code skip} or {@code keep}. */
  public CategoricalEncoder setHandleInvalid(String v) {
    set(handleInvalid(), SharedParams.checked(this, handleInvalid(), v));
    return this;
  }

  /** Sets the label column used by target encoding (default "label"). */
  public CategoricalEncoder setLabelCol(String v) {
    set(labelCol(), SharedParams.checked(this, labelCol(), v));
    return this;
  }

  /** Sets the int fold column for out-of-fold target encoding (default "": hashed folds). */
  public CategoricalEncoder setFoldCol(String v) {
    set(foldCol(), SharedParams.checked(this, foldCol(), v));
    return this;
  }

  /** Sets the number of hashed folds for target encoding (default 5). */
  public CategoricalEncoder setNumFolds(int v) {
    set(numFolds(), SharedParams.checked(this, numFolds(), v));
    return this;
  }

  /** Sets the target-encoding smoothing strength (default 10). */
  public CategoricalEncoder setSmoothing(double v) {
    set(smoothing(), SharedParams.checked(this, smoothing(), v));
    return this;
  }

  /** Sets the seed of the hashed folds (default 42). */
  public CategoricalEncoder setSeed(long v) {
    set(seed(), SharedParams.checked(this, seed(), v));
    return this;
  }

  @Override
  public CategoricalEncoderModel fit(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema, true);
    String[] in = getInputCols();
    boolean target = TARGET.equals(getEncoding());
    String[] hashCols = Stratification.hashableColumns(schema);
    Column fold = !target ? lit(0)
        : getFoldCol().isEmpty() ? CategoricalEncoderParams.hashedFold(schema, hashCols, getSeed(),
            getNumFolds())
        : col(getFoldCol()).cast("int");
    Column label = target ? col(getLabelCol()).cast("double") : lit(0.0);
    Column[] cols = new Column[in.length + 2];
    cols[0] = fold;
    cols[1] = label;
    for (int i = 0; i < in.length; i++) {
      cols[i + 2] = CategoricalEncoderParams.categoryValue(schema, in[i]);
    }
    CategoryCounts counts = Rows.internal(dataset.select(cols)).aggregate(new CategoryCounts(),
        CategoryCounts::add, CategoryCounts::merge);
    if (counts.counts.isEmpty()) {
      throw SchemaChecks.emptyInput(this, "inputCols", "fit", in);
    }
    // fold ids in order; column -> value -> fold -> (n, s)
    TreeMap<Integer, Integer> foldIds = new TreeMap<>();
    List<Map<String, Map<Integer, double[]>>> perColumn = new ArrayList<>();
    long[] nulls = new long[in.length];
    for (int i = 0; i < in.length; i++) {
      perColumn.add(new HashMap<>());
    }
    for (Map.Entry<CategoryCounts.Key, double[]> e : counts.counts.entrySet()) {
      CategoryCounts.Key k = e.getKey();
      double[] a = e.getValue();
      if (k.fold() == null) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "foldCol") + ": column '" + getFoldCol()
            + "' has null fold numbers; every row needs a fold.");
      }
      if (target && (a[2] < a[0] || !Double.isFinite(a[1]))) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "labelCol") + ": column '" + getLabelCol()
            + "' has null, NaN or infinite labels; target encoding needs a numeric label on every row."
            + " Drop or fill them first.");
      }
      foldIds.put(k.fold(), 0);
      if (k.value() == null) {
        nulls[k.column()] += (long) a[0];
        continue;
      }
      perColumn.get(k.column()).computeIfAbsent(k.value().toString(), x -> new HashMap<>())
          .merge(k.fold(), new double[] {a[0], a[1]}, (x, y) -> new double[] {x[0] + y[0], x[1] + y[1]});
    }
    int f = 0;
    for (Map.Entry<Integer, Integer> e : foldIds.entrySet()) {
      e.setValue(f++);
    }
    CategoryTable[] tables = new CategoryTable[in.length];
    for (int i = 0; i < in.length; i++) {
      if (nulls[i] > 0 && "error".equals(getHandleInvalid())) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "handleInvalid") + ": column '" + in[i]
            + "' has " + nulls[i] + " " + CategoricalEncoderParams.missing(schema, in[i]) + " values and"
            + " handleInvalid=error. Fill them (e.g. with \"missing\"), or set handleInvalid to 'skip' (drop those"
            + " rows) or 'keep' (the unknown bucket).");
      }
      if (perColumn.get(i).isEmpty()) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": column '" + in[i]
            + "' has no non-null value; nothing to encode. Drop the column or fill it.");
      }
      tables[i] = table(perColumn.get(i), foldIds, target);
    }
    return copyValues(new CategoricalEncoderModel(uid, tables, foldIds.keySet().stream().mapToInt(x -> x)
        .toArray(), hashCols), ParamMap.empty()).setParent(this);
  }

  /** Orders values by count (then value), folds the rare ones into "other", and lays out the fold statistics. */
  private CategoryTable table(Map<String, Map<Integer, double[]>> values, Map<Integer, Integer> foldIds,
      boolean target) {
    Map<String, Double> totals = new HashMap<>();
    values.forEach((v, byFold) -> totals.put(v, byFold.values().stream().mapToDouble(a -> a[0]).sum()));
    List<String> order = new ArrayList<>(values.keySet());
    order.sort(Comparator.comparingDouble((String v) -> -totals.get(v)).thenComparing(Comparator.naturalOrder()));
    int limit = getMaxCategories() == 0 ? Integer.MAX_VALUE : getMaxCategories();
    List<String> kept = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (String v : order) {
      (kept.size() < limit && totals.get(v) >= getMinFrequency() ? kept : other).add(v);
    }
    int folds = target ? foldIds.size() : 0;
    int buckets = kept.size() + (other.isEmpty() ? 0 : 1);
    double[] n = new double[buckets * folds];
    double[] s = new double[buckets * folds];
    if (target) {
      for (int b = 0; b < kept.size() + other.size(); b++) {
        String v = b < kept.size() ? kept.get(b) : other.get(b - kept.size());
        int bucket = Math.min(b, kept.size());
        for (Map.Entry<Integer, double[]> e : values.get(v).entrySet()) {
          int at = bucket * folds + foldIds.get(e.getKey());
          n[at] += e.getValue()[0];
          s[at] += e.getValue()[1];
        }
      }
    }
    return new CategoryTable(kept.toArray(new String[0]), other.toArray(new String[0]), n, s, folds);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return checkAndTransformSchema(schema, true);
  }

  @Override
  public CategoricalEncoder copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reader for saved estimators. */
  public static MLReader<CategoricalEncoder> read() {
    return new DefaultParamsReadable<CategoricalEncoder>() {}.read();
  }

  /** Loads an estimator saved with {@code write().save(path)}. */
  public static CategoricalEncoder load(String path) {
    return read().load(path);
  }
}
