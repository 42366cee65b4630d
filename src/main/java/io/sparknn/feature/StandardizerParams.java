package io.sparknn.feature;

import io.sparknn.param.HasHandleInvalid;
import io.sparknn.param.HasInputCols;
import io.sparknn.param.HasOutputCols;
import io.sparknn.param.SharedParams;
import io.sparknn.util.SchemaChecks;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Params shared by {@link Standardizer} and {@link StandardizerModel}. */
public interface StandardizerParams extends HasInputCols, HasOutputCols, HasHandleInvalid {
  /** z-score: {@code (x - mean) / std} with the sample standard deviation. */
  String ZSCORE = "zscore";
  /** min-max: {@code (x - min) / (max - min)}, in [0, 1] on the fitted data. */
  String MINMAX = "minmax";

  /** Scaling method: {@code zscore} (default) or {@code minmax}. */
  Param<String> method();

  /** The scaling method. */
  default String getMethod() {
    return getOrDefault(method());
  }

  /** Declares the params' defaults; called by both constructors. */
  static void setDefaults(StandardizerParams p) {
    p.setDefault(p.method(), ZSCORE);
    p.setDefault(p.handleInvalid(), "error");
    p.setDefault(p.outputCols(), new String[0]);
  }

  /** The method param. */
  static Param<String> methodParam(StandardizerParams p) {
    return SharedParams.choice(p, "method", "scaling method: zscore = (x - mean) / std (sample std),"
        + " minmax = (x - min) / (max - min).", ZSCORE, MINMAX);
  }

  /** The handleInvalid param. */
  static Param<String> handleInvalidParam(StandardizerParams p) {
    return SharedParams.handleInvalid(p, "what to do with null, NaN and infinite inputs: error = fail naming the"
        + " column, skip = drop the row, keep = impute the fitted mean.", "error", "skip", "keep");
  }

  /** "column 'x'" or "slot 3 of vector column 'v'", for messages. */
  static String slotName(String[] in, boolean vector, int s) {
    return vector ? "slot " + s + " of vector column '" + in[0] + "'" : "column '" + in[s] + "'";
  }

  /** True when the input is one vector column rather than numeric columns. */
  default boolean isVectorInput(StructType schema) {
    String[] in = getInputCols();
    return in.length == 1 && SchemaChecks.isVector(SchemaChecks.requireColumn(this, "inputCols", schema,
        in[0]).dataType());
  }

  /** Output column names (given, or {@code <input>_scaled}). */
  default String[] outputNames() {
    return SchemaChecks.outputNames(this, getInputCols(), getOrDefault(outputCols()), "_scaled");
  }

  /** Checks inputs (all numeric, or exactly one vector) and outputs; returns the output schema. */
  default StructType checkAndTransformSchema(StructType schema) {
    if (!isDefined(inputCols())) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols")
          + ": no input columns set; call setInputCols(...) with numeric columns or one vector column.");
    }
    String[] in = getInputCols();
    String[] out = outputNames();
    boolean vector = isVectorInput(schema);
    StructType result = schema;
    for (int i = 0; i < in.length; i++) {
      StructField f = SchemaChecks.requireColumn(this, "inputCols", schema, in[i]);
      if (!vector && !SchemaChecks.isNumeric(f.dataType())) {
        throw new IllegalArgumentException(SchemaChecks.where(this, "inputCols") + ": column '" + in[i]
            + "' has type " + SchemaChecks.typeName(f.dataType()) + "; inputCols must be numeric columns or"
            + " exactly one vector column" + (SchemaChecks.isVector(f.dataType())
            ? " (assemble several vectors with VectorAssembler first)." : ". Cast or encode it first."));
      }
      SchemaChecks.requireNewColumn(this, "outputCols", result, out[i]);
      result = result.add(out[i], vector ? SQLDataTypes.VectorType() : DataTypes.DoubleType, true);
    }
    if (Arrays.stream(out).distinct().count() != out.length) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "outputCols") + ": duplicate names in "
          + Arrays.toString(out) + ".");
    }
    return result;
  }
}
