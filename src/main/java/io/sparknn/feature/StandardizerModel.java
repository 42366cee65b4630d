package io.sparknn.feature;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.sparknn.param.SharedParams;
import io.sparknn.util.Persistence;
import io.sparknn.util.SchemaChecks;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link Standardizer}: per-column (or per-slot) mean, sample std, min, max and valid-row count.
 * Numeric columns are scaled with plain Spark SQL expressions; a vector column with one batched function per row.
 */
public final class StandardizerModel extends Model<StandardizerModel> implements StandardizerParams, MLWritable {
  private static final int FORMAT_VERSION = 1;

  private final String uid;
  private final Defs defs;
  private final double[] mean;
  private final double[] std;
  private final double[] min;
  private final double[] max;
  private final long[] count;

  /** A model without statistics, for Spark Connect's stage registry: load a fitted one with {@link #load}. */
  public StandardizerModel() {
    this(org.apache.spark.ml.util.Identifiable.randomUID("standardizerModel"));
  }

  /** A model without statistics under {@code uid}, for Spark Connect: load a fitted one with {@link #load}. */
  public StandardizerModel(String uid) {
    this(uid, new double[0], new double[0], new double[0], new double[0], new long[0]);
  }

  /** A model with the given statistics, one entry per column or vector slot. */
  public StandardizerModel(String uid, double[] mean, double[] std, double[] min, double[] max, long[] count) {
    this.uid = uid;
    this.defs = new Defs(this);
    this.mean = mean.clone();
    this.std = std.clone();
    this.min = min.clone();
    this.max = max.clone();
    this.count = count.clone();
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Defs defs() {
    return defs;
  }

  /** Sets the invalid-value policy used by {@code transform}. */
  public StandardizerModel setHandleInvalid(String v) {
    set(handleInvalid(), SharedParams.checked(this, handleInvalid(), v));
    return this;
  }

  /** Sets the output columns. */
  public StandardizerModel setOutputCols(String... v) {
    set(outputCols(), SharedParams.checked(this, outputCols(), v));
    return this;
  }

  /** Fitted means (of the valid values), one per column or slot. */
  public double[] mean() {
    return mean.clone();
  }

  /** Fitted sample standard deviations (0 for a constant or single-value column). */
  public double[] std() {
    return std.clone();
  }

  /** Fitted minima. */
  public double[] min() {
    return min.clone();
  }

  /** Fitted maxima. */
  public double[] max() {
    return max.clone();
  }

  /** Number of valid values each statistic was computed from. */
  public long[] count() {
    return count.clone();
  }

  /** Offset and scale of the chosen method; scale 0 marks a zero-variance column (output 0). */
  /**
   * {offset, half scale} per slot: the output is {@link #scaled}(x, offset, half). Halves keep every step finite
   * for values near the limits of {@code double} (max − min of ±1e308 overflows; max/2 − min/2 does not).
   */
  private double[][] offsetAndScale() {
    boolean z = ZSCORE.equals(getMethod());
    double[] offset = z ? mean.clone() : min.clone();
    double[] half = new double[mean.length];
    for (int s = 0; s < half.length; s++) {
      double h = z ? std[s] * 0.5 : max[s] * 0.5 - min[s] * 0.5;
      half[s] = std[s] == 0.0 || !(h > 0) ? 0.0 : h;
    }
    return new double[][] {offset, half};
  }

  /** (x − offset) / scale computed in halves, finite for any finite x, offset and half scale; 0 if half is 0. */
  static double scaled(double x, double offset, double half) {
    return half == 0.0 ? 0.0 : (x * 0.5 - offset * 0.5) / half;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema, true);
    String[] in = getInputCols();
    String[] out = outputNames();
    boolean vector = isVectorInput(schema);
    double[][] os = offsetAndScale();
    String mode = getHandleInvalid();
    String message = SchemaChecks.where(this, "handleInvalid") + ": %s has a null, NaN or infinite value and"
        + " handleInvalid=error. Clean it, or set handleInvalid to 'skip' (drop the row) or 'keep' (impute the"
        + " fitted mean).";
    Dataset<Row> df = dataset.toDF();
    if (vector) {
      VectorScaler scaler = new VectorScaler(os[0], os[1], mean, mode, String.format(message,
          "vector column '" + in[0] + "'"));
      if ("skip".equals(mode)) {
        df = df.filter(udf((UDF1<Vector, Boolean>) VectorScaler::isValid, DataTypes.BooleanType)
            .apply(col(in[0])));
      }
      Column scaled = udf(scaler, SQLDataTypes.VectorType()).apply(col(in[0]));
      return df.withColumn(out[0], scaled, new AttributeGroup(out[0], mean.length).toMetadata());
    }
    if ("skip".equals(mode)) {
      Column all = lit(true);
      for (String c : in) {
        all = all.and(Standardizer.isValid(col(c).cast("double")));
      }
      df = df.filter(all);
    }
    java.util.Map<String, Column> outputs = new java.util.LinkedHashMap<>();
    for (int i = 0; i < in.length; i++) {
      Column x = col(in[i]).cast("double");
      Column scaled = os[1][i] == 0.0 ? lit(0.0) : x.multiply(0.5).minus(os[0][i] * 0.5).divide(os[1][i]);
      double imputed = scaled(mean[i], os[0][i], os[1][i]);
      outputs.put(out[i], switch (mode) {
        case "error" -> when(Standardizer.isValid(x), scaled)
            .otherwise(raise_error(lit(String.format(message, "column '" + in[i] + "'"))));
        case "keep" -> when(Standardizer.isValid(x), scaled).otherwise(lit(imputed));
        default -> scaled;
      });
    }
    return df.withColumns(outputs);
  }

  /** Scales one vector; invalid slots fail, or are imputed with the mean, as {@code handleInvalid} says. */
  private static final class VectorScaler implements UDF1<Vector, Vector> {
    private final double[] offset;
    private final double[] scale;
    private final double[] centre;
    private final boolean fail;
    private final String message;

    VectorScaler(double[] offset, double[] scale, double[] centre, String mode, String message) {
      this.offset = offset;
      this.scale = scale;
      this.centre = centre;
      this.fail = "error".equals(mode);
      this.message = message;
    }

    static Boolean isValid(Vector v) {
      if (v == null) {
        return false;
      }
      for (double x : v.toArray()) {
        if (!Double.isFinite(x)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Vector call(Vector v) {
      if (fail && !isValid(v)) {
        throw new IllegalArgumentException(message);
      }
      double[] x = v == null ? centre.clone() : v.toArray().clone();
      if (x.length != offset.length) {
        throw new IllegalArgumentException(message.replaceFirst(" has a null.*", " has a vector of size "
            + x.length + " but the model was fitted on size " + offset.length + "."));
      }
      for (int s = 0; s < x.length; s++) {
        double value = Double.isFinite(x[s]) ? x[s] : centre[s];
        x[s] = scaled(value, offset[s], scale[s]);
      }
      return Vectors.dense(x);
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (count.length == 0) {
      throw SchemaChecks.unfitted("StandardizerModel(" + uid + ")");
    }
    StructType out = checkAndTransformSchema(schema);
    String[] in = getInputCols();
    if (!isVectorInput(schema) && in.length != mean.length) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": " + in.length + " numeric"
          + " column(s) " + java.util.Arrays.toString(in) + " (column '" + in[0] + "' has type "
          + SchemaChecks.typeName(schema.apply(in[0]).dataType()) + ") but the model was fitted on "
          + mean.length + " columns or vector slots; give it the columns, or the vector, it was fitted on.");
    }
    return out;
  }

  @Override
  public StandardizerModel copy(ParamMap extra) {
    return copyValues(new StandardizerModel(uid, mean, std, min, max, count), extra).setParent(parent());
  }

  private static final StructType DATA = new StructType()
      .add("mean", DataTypes.createArrayType(DataTypes.DoubleType), false)
      .add("std", DataTypes.createArrayType(DataTypes.DoubleType), false)
      .add("min", DataTypes.createArrayType(DataTypes.DoubleType), false)
      .add("max", DataTypes.createArrayType(DataTypes.DoubleType), false)
      .add("count", DataTypes.createArrayType(DataTypes.LongType), false);

  @Override
  public MLWriter write() {
    return new Persistence.Writer(this, FORMAT_VERSION, DATA,
        List.of(RowFactory.create(mean, std, min, max, count)));
  }

  /** Reader for saved models. */
  public static MLReader<StandardizerModel> read() {
    return new Persistence.Reader<>(StandardizerModel.class, FORMAT_VERSION, (uid, rows) -> {
      Row r = rows.get(0);
      return new StandardizerModel(uid, Persistence.doubles(r, "mean"), Persistence.doubles(r, "std"),
          Persistence.doubles(r, "min"), Persistence.doubles(r, "max"), Persistence.longs(r, "count"));
    });
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static StandardizerModel load(String path) {
    return read().load(path);
  }
}
