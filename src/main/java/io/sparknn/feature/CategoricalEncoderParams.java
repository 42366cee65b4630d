package io.sparknn.feature;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import io.sparknn.param.HasHandleInvalid;
import io.sparknn.param.HasInputCols;
import io.sparknn.param.HasLabelCol;
import io.sparknn.param.HasNumFolds;
import io.sparknn.param.HasOutputCols;
import io.sparknn.param.HasSeed;
import io.sparknn.param.SharedParams;
import io.sparknn.util.SchemaChecks;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Params shared by {@link CategoricalEncoder} and {@link CategoricalEncoderModel}. */
public interface CategoricalEncoderParams
    extends HasInputCols, HasOutputCols, HasHandleInvalid, HasLabelCol, HasNumFolds, HasSeed {
  /** One-hot: a sparse 0/1 vector with one slot per bucket. */
  String ONEHOT = "onehot";
  /** Index: the bucket number as a double, with nominal metadata, for embeddings. */
  String INDEX = "index";
  /** Target: the smoothed, out-of-fold mean of the label in the category. */
  String TARGET = "target";

  /** The param definitions of this stage, created once in its constructor. */
  Defs defs();

  /** Every param of the encoder, defined once for the estimator and the model. */
  final class Defs {
    final StringArrayParam inputCols;
    final StringArrayParam outputCols;
    final Param<String> encoding;
    final IntParam minFrequency;
    final IntParam maxCategories;
    final Param<String> handleInvalid;
    final Param<String> labelCol;
    final Param<String> foldCol;
    final IntParam numFolds;
    final DoubleParam smoothing;
    final LongParam seed;

    /** Defines the params with {@code p} as parent (call after its uid is set) and sets their defaults. */
    Defs(CategoricalEncoderParams p) {
      inputCols = SharedParams.inputCols(p, "categorical columns: string, numeric (whole-number codes, e.g."
          + " StringIndexer's output) or boolean; NaN counts as null");
      outputCols = SharedParams.outputCols(p, "encoded output columns");
      encoding = SharedParams.choice(p, "encoding", "onehot = sparse 0/1 vector; index = bucket number with"
          + " nominal metadata (for embeddings); target = smoothed out-of-fold label mean.", ONEHOT, INDEX, TARGET);
      minFrequency = SharedParams.intAtLeast(p, "minFrequency", "values seen fewer times at fit go to the other"
          + " bucket", 1);
      maxCategories = SharedParams.intAtLeast(p, "maxCategories", "most frequent values kept per column, the rest"
          + " go to the other bucket; 0 = no limit", 0);
      handleInvalid = SharedParams.handleInvalid(p, "what to do with null values and values unseen at fit:"
          + " error = fail naming the column and value, skip = drop the row, keep = the unknown bucket (target:"
          + " the prior mean).", "error", "skip", "keep");
      labelCol = SharedParams.labelCol(p);
      foldCol = SharedParams.optionalString(p, "foldCol", "int fold column for out-of-fold target encoding, e.g."
          + " from StratifiedKFold; empty = folds from a seeded hash of each row");
      numFolds = SharedParams.numFolds(p, "number of hashed folds for out-of-fold target encoding when foldCol"
          + " is empty");
      smoothing = SharedParams.doubleAtLeast(p, "smoothing", "smoothing strength m of target encoding:"
          + " (sum + m * prior) / (count + m)", 0.0);
      seed = SharedParams.seed(p);
      p.setDefault(outputCols, new String[0]);
      p.setDefault(encoding, ONEHOT);
      p.setDefault(minFrequency, 1);
      p.setDefault(maxCategories, 0);
      p.setDefault(handleInvalid, "error");
      p.setDefault(labelCol, "label");
      p.setDefault(foldCol, "");
      p.setDefault(numFolds, 5);
      p.setDefault(smoothing, 10.0);
      p.setDefault(seed, 42L);
    }
  }

  @Override
  default StringArrayParam inputCols() {
    return defs().inputCols;
  }

  @Override
  default StringArrayParam outputCols() {
    return defs().outputCols;
  }

  /** Encoding: {@code onehot} (default), {@code index} or {@code target}. */
  default Param<String> encoding() {
    return defs().encoding;
  }

  /** Values seen fewer times than this at fit go to the "other" bucket (default 1: none). */
  default IntParam minFrequency() {
    return defs().minFrequency;
  }

  /** Keep at most this many most frequent values per column, the rest go to "other" (default 0: no limit). */
  default IntParam maxCategories() {
    return defs().maxCategories;
  }

  @Override
  default Param<String> handleInvalid() {
    return defs().handleInvalid;
  }

  @Override
  default Param<String> labelCol() {
    return defs().labelCol;
  }

  /** Optional int fold column for out-of-fold target encoding (e.g. from StratifiedKFold); "" = hashed folds. */
  default Param<String> foldCol() {
    return defs().foldCol;
  }

  @Override
  default IntParam numFolds() {
    return defs().numFolds;
  }

  /** Smoothing strength m of target encoding: {@code (sum + m * prior) / (count + m)} (default 10). */
  default DoubleParam smoothing() {
    return defs().smoothing;
  }

  @Override
  default LongParam seed() {
    return defs().seed;
  }

  /** The encoding. */
  default String getEncoding() {
    return getOrDefault(encoding());
  }

  /** The minimum frequency. */
  default int getMinFrequency() {
    return (Integer) getOrDefault(minFrequency());
  }

  /** The maximum number of kept categories per column (0 = no limit). */
  default int getMaxCategories() {
    return (Integer) getOrDefault(maxCategories());
  }

  /** The fold column ("" = none). */
  default String getFoldCol() {
    return getOrDefault(foldCol());
  }

  /** The smoothing strength. */
  default double getSmoothing() {
    return (Double) getOrDefault(smoothing());
  }

  /** Output column names (given, or {@code <input>_<encoding>}). */
  default String[] outputNames() {
    return SchemaChecks.outputNames(this, getInputCols(), getOrDefault(outputCols()), "_" + getEncoding());
  }

  /** Checks inputs, label (target encoding) and outputs; returns the output schema without metadata. */
  default StructType checkAndTransformSchema(StructType schema, boolean fitting) {
    if (!isDefined(inputCols())) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols")
          + ": no input columns set; call setInputCols(...) with string, numeric or boolean columns.");
    }
    String[] in = getInputCols();
    String[] out = outputNames();
    for (String c : in) {
      StructField f = SchemaChecks.requireColumn(this, "inputCols", schema, c);
      SchemaChecks.requireDiscrete(this, "inputCols", f);
    }
    if (TARGET.equals(getEncoding()) && fitting) {
      SchemaChecks.requireNumeric(this, "labelCol", SchemaChecks.requireColumn(this, "labelCol", schema,
          getLabelCol()));
    }
    if (TARGET.equals(getEncoding()) && !getFoldCol().isEmpty() && (fitting
        || Arrays.asList(schema.fieldNames()).contains(getFoldCol()))) {
      StructField f = SchemaChecks.requireColumn(this, "foldCol", schema, getFoldCol());
      if (!(f.dataType() instanceof IntegralType)) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "foldCol") + ": column '" + f.name()
            + "' has type " + SchemaChecks.typeName(f.dataType()) + " but must be an integer fold number.");
      }
    }
    StructType result = schema;
    for (String o : out) {
      SchemaChecks.requireNewColumn(this, "outputCols", result, o);
      result = result.add(o, ONEHOT.equals(getEncoding()) ? SQLDataTypes.VectorType() : DataTypes.DoubleType,
          false);
    }
    return result;
  }

  /**
   * The category of each row of {@code column} as a string (a number by its Spark string form, e.g. "2.0"); a
   * floating NaN is null, so {@code handleInvalid} treats it as a missing value.
   */
  static Column categoryValue(StructType schema, String column) {
    Column c = col(column);
    return floating(schema, column) ? when(not(isnan(c)), c.cast("string")) : c.cast("string");
  }

  /** "null (or NaN)" for a floating column, else "null": what a missing value of {@code column} is. */
  static String missing(StructType schema, String column) {
    return floating(schema, column) ? "null (or NaN)" : "null";
  }

  private static boolean floating(StructType schema, String column) {
    org.apache.spark.sql.types.DataType t = schema.apply(column).dataType();
    return t instanceof DoubleType || t instanceof FloatType;
  }

  /** The fold of each row: a seeded hash of the named columns modulo {@code folds}. */
  static Column hashedFold(StructType schema, String[] columns, long seed, int folds) {
    return pmod(Stratification.rowHash(schema, columns, seed), lit((long) folds)).cast("int");
  }
}
