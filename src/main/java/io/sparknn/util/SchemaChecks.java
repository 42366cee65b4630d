package io.sparknn.util;

import java.util.Arrays;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks run by {@code transformSchema} before any Spark job. Every message names the stage, the param,
 * the column, what was found and the fix.
 */
public final class SchemaChecks {
  private SchemaChecks() {}

  /**
   * The column named {@code name}, quoted so that names with dots or spaces (e.g. {@code x.box}) are taken
   * literally instead of as struct fields.
   */
  public static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /** "StageName(uid) param": the prefix of every message about {@code param} of {@code stage}. */
  public static String where(Params stage, String param) {
    return stage.getClass().getSimpleName() + "(" + stage.uid() + ") " + param;
  }

  /**
   * The error for an empty input: "... {param}: column 'c' (or columns 'a', 'b'): the input DataFrame is empty;
   * there is nothing to {task}." {@code columns} are the columns {@code param} names.
   */
  public static IllegalArgumentException emptyInput(Params stage, String param, String task, String... columns) {
    return new IllegalArgumentException(where(stage, param) + ": " + columns(columns)
        + ": the input DataFrame is empty; there is nothing to " + task + ".");
  }

  /** "column 'c'" or "columns 'a', 'b'": how messages name the columns of a param. */
  public static String columns(String... names) {
    StringBuilder b = new StringBuilder(names.length == 1 ? "column " : "columns ");
    for (int i = 0; i < names.length; i++) {
      b.append(i == 0 ? "'" : ", '").append(names[i]).append('\'');
    }
    return b.toString();
  }

  /**
   * The error for a model made by its no-argument or {@code (String uid)} constructor (which exist for Spark
   * Connect's stage registry) and then used: {@code who} names it.
   */
  public static IllegalStateException unfitted(String who) {
    return new IllegalStateException(who + " holds nothing fitted: it was made by its no-argument or (String uid)"
        + " constructor, which exist for Spark Connect's stage registry. Fit a model, or load a saved one with"
        + " load(path).");
  }

  /** Returns the field named {@code column}, or fails naming the param and the available columns. */
  public static StructField requireColumn(Params stage, String param, StructType schema, String column) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException(where(stage, param) + ": no column name set; set " + param + ".");
    }
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(where(stage, param) + ": column '" + column
          + "' does not exist. Available columns: " + Arrays.toString(schema.fieldNames())
          + ". Set " + param + " to one of them.");
    }
    return schema.apply(column);
  }

  /** Fails if {@code column} already exists, since the stage would overwrite it. */
  public static void requireNewColumn(Params stage, String param, StructType schema, String column) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(where(stage, param) + ": output column '" + column
          + "' already exists. Set " + param + " to a new name, or drop the column first.");
    }
  }

  /** A numeric column (any integral, floating or decimal type). */
  public static boolean isNumeric(DataType t) {
    return t instanceof NumericType;
  }

  /** A Spark ML vector column. */
  public static boolean isVector(DataType t) {
    return t instanceof VectorUDT;
  }

  /** A column usable as a class label or a category: string, numeric or boolean. */
  public static boolean isDiscrete(DataType t) {
    return t instanceof StringType || t instanceof NumericType || t instanceof BooleanType;
  }

  /** Human-readable type name; Spark prints vectors as a struct, we say "vector". */
  public static String typeName(DataType t) {
    return isVector(t) ? "vector" : t.simpleString();
  }

  /** Fails unless the field is numeric. */
  public static void requireNumeric(Params stage, String param, StructField f) {
    if (!isNumeric(f.dataType())) {
      throw new IllegalArgumentException(where(stage, param) + ": column '" + f.name() + "' has type "
          + typeName(f.dataType()) + " but must be numeric. Cast it (col.cast(\"double\")) or index it first.");
    }
  }

  /** Fails unless the field is string, numeric or boolean (a label or category). */
  public static void requireDiscrete(Params stage, String param, StructField f) {
    if (!isDiscrete(f.dataType())) {
      throw new IllegalArgumentException(where(stage, param) + ": column '" + f.name() + "' has type "
          + typeName(f.dataType()) + " but must be string, numeric or boolean.");
    }
  }

  /** Output names: the given ones (same count as the inputs), or {@code input + suffix} when none are given. */
  public static String[] outputNames(Params stage, String[] inputs, String[] outputs, String suffix) {
    if (outputs == null || outputs.length == 0) {
      return Arrays.stream(inputs).map(c -> c + suffix).toArray(String[]::new);
    }
    if (outputs.length != inputs.length) {
      throw new IllegalArgumentException(where(stage, "outputCols") + ": " + outputs.length
          + " output columns for " + inputs.length + " input columns " + Arrays.toString(inputs)
          + ". Give one output per input, or leave outputCols empty to use '<input>" + suffix + "'.");
    }
    return outputs;
  }
}
