package io.sparknn.param;

import java.util.Arrays;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The one place where every shared param is defined: name, doc string (with its constraint) and validator.
 * Estimators and their models call the same factory method, so a param means the same thing on both.
 */
public final class SharedParams {
  private SharedParams() {}

  /**
   * Returns {@code value} if {@code param} accepts it; otherwise fails with a message that names the stage, the
   * param, the value and the rule (Spark's own message names neither the rule nor the fix).
   */
  public static <T> T checked(Params stage, Param<T> param, T value) {
    if (!param.isValid().apply(value).equals(Boolean.TRUE)) {
      throw new IllegalArgumentException(stage.getClass().getSimpleName() + "(" + stage.uid() + ") "
          + param.name() + ": invalid value " + param.jsonEncode(value) + ". Expected: " + param.doc());
    }
    return value;
  }

  /** Sets {@code stage}'s param {@code name} to {@code value} once {@link #checked} has accepted it. */
  @SuppressWarnings("unchecked")
  public static void setChecked(Params stage, String name, Object value) {
    Param<Object> p = (Param<Object>) stage.getParam(name);
    stage.set(p, checked(stage, p, value));
  }

  /** Name of the label column. */
  public static Param<String> labelCol(Params p) {
    return new Param<>(p, "labelCol", "label column name (non-empty)", (String v) -> v != null && !v.isEmpty());
  }

  /** A required column-name param other than the label (non-empty). */
  public static Param<String> column(Params p, String name, String doc) {
    return new Param<>(p, name, doc + " (non-empty)", (String v) -> v != null && !v.isEmpty());
  }

  /** Name of the single output column. */
  public static Param<String> outputCol(Params p, String doc) {
    return new Param<>(p, "outputCol", doc, (String v) -> v != null && !v.isEmpty());
  }

  /** Names of the input columns (non-empty, no duplicates). */
  public static StringArrayParam inputCols(Params p, String doc) {
    return new StringArrayParam(p, "inputCols", doc + " (non-empty, distinct)",
        (String[] v) -> v.length > 0 && Arrays.stream(v).distinct().count() == v.length);
  }

  /** Names of the output columns, one per input column (empty: derived from the input names). */
  public static StringArrayParam outputCols(Params p, String doc) {
    return new StringArrayParam(p, "outputCols", doc + " (distinct; empty = derived from inputCols)",
        (String[] v) -> Arrays.stream(v).distinct().count() == v.length);
  }

  /** Seed of every random choice the stage makes. */
  public static LongParam seed(Params p) {
    return new LongParam(p, "seed", "random seed");
  }

  /** Policy for invalid values; {@code options} lists what the stage supports. */
  public static Param<String> handleInvalid(Params p, String doc, String... options) {
    return new Param<>(p, "handleInvalid",
        doc + " Supported: " + String.join(", ", options) + ".",
        ParamValidators.inArray(options));
  }

  /** Number of folds (>= 2). */
  public static IntParam numFolds(Params p, String doc) {
    return new IntParam(p, "numFolds", doc + " (>= 2)", ParamValidators.gtEq(2));
  }

  /** Split weights: each in (0, 1], at least two, summing to 1 (within 1e-6). */
  public static DoubleArrayParam weights(Params p) {
    return new DoubleArrayParam(p, "weights",
        "fraction of every class that goes to each split, e.g. [0.8, 0.1, 0.1]"
            + " (at least 2 weights, each > 0, summing to 1)",
        (double[] w) -> w.length >= 2 && Arrays.stream(w).allMatch(x -> x > 0 && x <= 1)
            && Math.abs(Arrays.stream(w).sum() - 1.0) <= 1e-6);
  }

  /** A string param restricted to {@code options}. */
  public static Param<String> choice(Params p, String name, String doc, String... options) {
    return new Param<>(p, name, doc + " Supported: " + String.join(", ", options) + ".",
        ParamValidators.inArray(options));
  }

  /** An int param with a lower bound. */
  public static IntParam intAtLeast(Params p, String name, String doc, int min) {
    return new IntParam(p, name, doc + " (>= " + min + ")", ParamValidators.gtEq(min));
  }

  /** A double param with a lower bound. */
  public static DoubleParam doubleAtLeast(Params p, String name, String doc, double min) {
    return new DoubleParam(p, name, doc + " (>= " + min + ")", ParamValidators.gtEq(min));
  }

  /** An optional string param; the empty string means "not set". */
  public static Param<String> optionalString(Params p, String name, String doc) {
    return new Param<>(p, name, doc, (String v) -> v != null);
  }

  /** A free string param, typically a column name. */
  public static Param<String> string(Params p, String name, String doc) {
    return new Param<>(p, name, doc, (String v) -> v != null && !v.isEmpty());
  }
}
