package io.sparknn.feature;

import io.sparknn.param.SharedParams;

import static org.apache.spark.sql.functions.abs;
import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.sparknn.util.Rows;
import io.sparknn.util.SchemaChecks;
import java.util.Arrays;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
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
  private final Defs defs;

  /** A standardizer with a random uid. */
  public Standardizer() {
    this(Identifiable.randomUID("standardizer"));
  }

  /** A standardizer with the given uid. */
  public Standardizer(String uid) {
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

  /** Sets the input columns: numeric columns, or exactly one vector column. */
  public Standardizer setInputCols(String... v) {
    set(inputCols(), SharedParams.checked(this, inputCols(), v));
    return this;
  }

  /** Sets the output columns (default {@code <input>_scaled}). */
  public Standardizer setOutputCols(String... v) {
    set(outputCols(), SharedParams.checked(this, outputCols(), v));
    return this;
  }

  /** Sets the method: {@code zscore} (default) or {@code minmax}. */
  public Standardizer setMethod(String v) {
    set(method(), SharedParams.checked(this, method(), v));
    return this;
  }

  /** Sets the invalid-value policy: {@code error} (default), {@code skip} or {@code keep}. */
  public Standardizer setHandleInvalid(String v) {
    set(handleInvalid(), SharedParams.checked(this, handleInvalid(), v));
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
    int width = vector ? 0 : in.length;
    Column[] cols = Arrays.stream(in).map(c -> vector ? col(c) : col(c).cast("double")).toArray(Column[]::new);
    SlotStats st = Rows.internal(dataset.select(cols)).aggregate(new SlotStats(width),
        (acc, r) -> vector ? acc.addVector(r) : acc.addColumns(r), SlotStats::merge);
    if (st.mismatch != null) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": vectors in column '" + in[0]
          + "' have different sizes (" + st.mismatch[0] + " and " + st.mismatch[1] + "). Every row needs a"
          + " vector of the same size.");
    }
    int slots = st.n.length;
    if (slots == 0 || st.n[0] + st.bad[0] + st.nullRows == 0) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": " + SchemaChecks.columns(in)
          + ": the input DataFrame is empty" + (slots == 0 && st.nullRows > 0 ? " of non-null vectors" : "")
          + "; there is nothing to fit.");
    }
    double[] std = new double[slots];
    for (int s = 0; s < slots; s++) {
      String name = StandardizerParams.slotName(in, vector, s);
      long bad = st.bad[s] + st.nullRows;
      std[s] = st.std(s);
      if (st.n[s] == 0) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": " + name
            + " has no valid value (all " + bad + " rows are null, NaN or infinite); nothing to fit."
            + " Drop the column or fill it first.");
      }
      if (bad > 0 && "error".equals(getHandleInvalid())) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "handleInvalid") + ": " + name + " has "
            + bad + " null, NaN or infinite values and handleInvalid=error. Clean them, or set handleInvalid"
            + " to 'skip' (drop those rows) or 'keep' (impute the fitted mean).");
      }
      if (std[s] == 0.0) {
        LOG.warn("Standardizer: {} has zero variance (every valid value is {}); it scales to 0.", name,
            st.min[s]);
      }
    }
    double[] mean = new double[slots];
    for (int s = 0; s < slots; s++) {
      mean[s] = st.mean(s);
    }
    return copyValues(new StandardizerModel(uid, mean, std, st.min, st.max, st.n), ParamMap.empty())
        .setParent(this);
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
