package io.sparknn.feature;

import io.sparknn.param.HasHandleInvalid;
import io.sparknn.param.HasInputCols;
import io.sparknn.param.HasOutputCols;
import io.sparknn.param.SharedParams;
import io.sparknn.util.SchemaChecks;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Params shared by {@link Standardizer} and {@link StandardizerModel}. */
public interface StandardizerParams extends HasInputCols, HasOutputCols, HasHandleInvalid {
  /** z-score: {@code (x - mean) / std} with the sample standard deviation. */
  String ZSCORE = "zscore";
  /** min-max: {@code (x - min) / (max - min)}, in [0, 1] on the fitted data. */
  String MINMAX = "minmax";

  /** The param definitions of this stage, created once in its constructor. */
  Defs defs();

  /** Every param of the standardizer, defined once for the estimator and the model. */
  final class Defs {
    final StringArrayParam inputCols;
    final StringArrayParam outputCols;
    final Param<String> method;
    final Param<String> handleInvalid;

    /** Defines the params with {@code p} as parent (call after its uid is set) and sets their defaults. */
    Defs(StandardizerParams p) {
      inputCols = SharedParams.inputCols(p, "numeric columns, or one vector column");
      outputCols = SharedParams.outputCols(p, "scaled output columns");
      method = SharedParams.choice(p, "method", "scaling method: zscore = (x - mean) / std (sample std),"
          + " minmax = (x - min) / (max - min).", ZSCORE, MINMAX);
      handleInvalid = SharedParams.handleInvalid(p, "what to do with null, NaN and infinite inputs: error = fail"
          + " naming the column, skip = drop the row, keep = impute the fitted mean.", "error", "skip", "keep");
      p.setDefault(method, ZSCORE);
      p.setDefault(handleInvalid, "error");
      p.setDefault(outputCols, new String[0]);
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

  /** Scaling method: {@code zscore} (default) or {@code minmax}. */
  default Param<String> method() {
    return defs().method;
  }

  @Override
  default Param<String> handleInvalid() {
    return defs().handleInvalid;
  }

  /** The scaling method. */
  default String getMethod() {
    return getOrDefault(method());
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
