package io.sparknn.feature;

import io.sparknn.param.SharedParams;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.posexplode_outer;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.sparknn.util.SchemaChecks;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standardizes many numeric columns, or every slot of one vector column: z-score ({@code (x - mean) / std}, sample
 * std) or min-max ({@code (x - min) / (max - min)}). All statistics come from one Spark job. A column with zero
 * variance (or a single value) scales to 0 and is reported with a warning, never NaN or infinity. Null, NaN and
 * infinite values follow {@code handleInvalid}; the statistics use the valid values of each column.
 */
public final class Standardizer extends Estimator<StandardizerModel>
    implements StandardizerParams, DefaultParamsWritable {
  private static final Logger LOG = LoggerFactory.getLogger(Standardizer.class);

  private final String uid;
  private final StringArrayParam inputCols;
  private final StringArrayParam outputCols;
  private final Param<String> method;
  private final Param<String> handleInvalid;

  /** A standardizer with a random uid. */
  public Standardizer() {
    this(Identifiable.randomUID("standardizer"));
  }

  /** A standardizer with the given uid. */
  public Standardizer(String uid) {
    this.uid = uid;
    this.inputCols = SharedParams.inputCols(this, "numeric columns, or one vector column");
    this.outputCols = SharedParams.outputCols(this, "scaled output columns");
    this.method = StandardizerParams.methodParam(this);
    this.handleInvalid = StandardizerParams.handleInvalidParam(this);
    StandardizerParams.setDefaults(this);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public StringArrayParam inputCols() {
    return inputCols;
  }

  @Override
  public StringArrayParam outputCols() {
    return outputCols;
  }

  @Override
  public Param<String> method() {
    return method;
  }

  @Override
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  /** Sets the input columns: numeric columns, or exactly one vector column. */
  public Standardizer setInputCols(String... v) {
    set(inputCols, SharedParams.checked(this, inputCols, v));
    return this;
  }

  /** Sets the output columns (default {@code <input>_scaled}). */
  public Standardizer setOutputCols(String... v) {
    set(outputCols, SharedParams.checked(this, outputCols, v));
    return this;
  }

  /** Sets the method: {@code zscore} (default) or {@code minmax}. */
  public Standardizer setMethod(String v) {
    set(method, SharedParams.checked(this, method, v));
    return this;
  }

  /** Sets the invalid-value policy: {@code error} (default), {@code skip} or {@code keep}. */
  public Standardizer setHandleInvalid(String v) {
    set(handleInvalid, SharedParams.checked(this, handleInvalid, v));
    return this;
  }

  /** Valid = not null, not NaN, not infinite. */
  static Column isValid(Column x) {
    return x.isNotNull().and(not(isnan(x))).and(abs(x).notEqual(lit(Double.POSITIVE_INFINITY)));
  }

  @Override
  public StandardizerModel fit(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema, true);
    String[] in = getInputCols();
    boolean vector = isVectorInput(schema);
    Dataset<Row> longForm;
    if (vector) {
      longForm = dataset.select(posexplode_outer(functions.vector_to_array(col(in[0]), "float64")))
          .toDF("slot", "v");
    } else {
      Column[] cells = new Column[in.length];
      for (int i = 0; i < in.length; i++) {
        cells[i] = struct(lit(i).as("slot"), col(in[i]).cast("double").as("v"));
      }
      longForm = dataset.select(inline(array(cells)));
    }
    Column v = col("v");
    Column good = when(isValid(v), v);
    List<Row> stats = longForm.groupBy("slot").agg(count(good), avg(good), stddev_samp(good), min(good),
        max(good), sum(when(isValid(v), 0L).otherwise(1L))).collectAsList();
    if (stats.isEmpty() || stats.stream().allMatch(r -> r.getLong(1) + r.getLong(6) == 0)) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols")
          + ": the input DataFrame is empty; there is nothing to fit.");
    }
    long nullVectors = stats.stream().filter(r -> r.isNullAt(0)).mapToLong(r -> r.getLong(6)).sum();
    int slots = (int) stats.stream().filter(r -> !r.isNullAt(0)).count();
    double[] mean = new double[slots];
    double[] std = new double[slots];
    double[] lo = new double[slots];
    double[] hi = new double[slots];
    long[] n = new long[slots];
    long[] bad = new long[slots];
    for (Row r : stats) {
      if (r.isNullAt(0)) {
        continue;
      }
      int s = r.getInt(0);
      n[s] = r.getLong(1);
      mean[s] = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
      std[s] = r.isNullAt(3) || Double.isNaN(r.getDouble(3)) ? 0.0 : r.getDouble(3);
      lo[s] = r.isNullAt(4) ? Double.NaN : r.getDouble(4);
      hi[s] = r.isNullAt(5) ? Double.NaN : r.getDouble(5);
      bad[s] = r.getLong(6) + nullVectors;
    }
    for (int s = 0; s < slots; s++) {
      String name = StandardizerParams.slotName(in, vector, s);
      if (n[s] + bad[s] != n[0] + bad[0]) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": vectors in column '"
            + in[0] + "' have different sizes (slot " + s + " is present in " + (n[s] + bad[s]) + " rows, slot 0 in "
            + (n[0] + bad[0]) + "). Every row needs a vector of the same size.");
      }
      if (n[s] == 0) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": " + name
            + " has no valid value (all " + bad[s] + " rows are null, NaN or infinite); nothing to fit."
            + " Drop the column or fill it first.");
      }
      if (bad[s] > 0 && "error".equals(getHandleInvalid())) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "handleInvalid") + ": " + name + " has "
            + bad[s] + " null, NaN or infinite values and handleInvalid=error. Clean them, or set handleInvalid"
            + " to 'skip' (drop those rows) or 'keep' (impute the fitted mean).");
      }
      if (std[s] == 0.0 || hi[s] == lo[s]) {
        LOG.warn("Standardizer: {} has zero variance (every valid value is {}); it scales to 0.", name, lo[s]);
      }
    }
    return copyValues(new StandardizerModel(uid, mean, std, lo, hi, n), ParamMap.empty()).setParent(this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return checkAndTransformSchema(schema);
  }

  @Override
  public Standardizer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reader for saved estimators. */
  public static MLReader<Standardizer> read() {
    return new DefaultParamsReadable<Standardizer>() {}.read();
  }

  /** Loads an estimator saved with {@code write().save(path)}. */
  public static Standardizer load(String path) {
    return read().load(path);
  }
}
