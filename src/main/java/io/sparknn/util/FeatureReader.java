package io.sparknn.util;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * How the features column becomes a float row: a vector as it is, or a sequence column — {@code array<double>}
 * holding steps × features values, or {@code array<array<double>>} holding one array per step — padded with zeros
 * to {@code inputShape[0]} steps and followed by its length (read by the network's sequence mask). Sequences may
 * be shorter than {@code inputShape[0]}, never longer, never empty.
 */
public final class FeatureReader implements Serializable {
  private final boolean sequence;
  private final boolean nested;
  private final boolean floats;
  private final int size;
  private final int steps;
  private final int features;

  private FeatureReader(boolean sequence, boolean nested, boolean floats, int size, int steps, int features) {
    this.sequence = sequence;
    this.nested = nested;
    this.floats = floats;
    this.size = size;
    this.steps = steps;
    this.features = features;
  }

  /** A reader of vectors of {@code size} values. */
  public static FeatureReader vector(int size) {
    return new FeatureReader(false, false, false, size, 0, 0);
  }

  /** True when the column type is a sequence column this reader takes. */
  public static boolean isSequence(DataType t) {
    return t instanceof ArrayType a && (isReal(a.elementType())
        || a.elementType() instanceof ArrayType b && isReal(b.elementType()));
  }

  private static boolean isReal(DataType t) {
    return t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType);
  }

  /** A reader of the sequence column {@code f} for {@code inputShape} = [maxSteps, features]. */
  public static FeatureReader sequence(StructField f, int[] inputShape, String where) {
    if (inputShape.length != 2) {
      throw new IllegalArgumentException(where + " is a sequence column (" + f.dataType().simpleString() + "); set"
          + " inputShape to [maxSteps, features] to say how long sequences may be and how many values a step has");
    }
    ArrayType a = (ArrayType) f.dataType();
    boolean nested = a.elementType() instanceof ArrayType;
    DataType element = nested ? ((ArrayType) a.elementType()).elementType() : a.elementType();
    return new FeatureReader(true, nested, element.equals(DataTypes.FloatType), inputShape[0] * inputShape[1] + 1,
        inputShape[0], inputShape[1]);
  }

  /** True for a sequence column (rows end with their length). */
  public boolean sequence() {
    return sequence;
  }

  /** Values per row. */
  public int width() {
    return size;
  }

  /**
   * Copies column {@code i} of {@code r} into {@code dst[at .. at + width())}; returns null, or what is wrong
   * (null value, wrong size, NaN, a sequence that is empty, too long or has a step of another width).
   */
  public String copy(InternalRow r, int i, float[] dst, int at) {
    if (!sequence) {
      return Rows.copyVector(r, i, size, dst, at);
    }
    if (r.isNullAt(i)) {
      return "a null sequence";
    }
    ArrayData a = r.getArray(i);
    int n = nested ? a.numElements() : a.numElements() / features;
    if (!nested && a.numElements() % features != 0) {
      return "an array of " + a.numElements() + " values, not a whole number of steps of " + features
          + " features (inputShape[1])";
    }
    if (n == 0) {
      return "an empty sequence (0 steps); every sequence needs at least one step";
    }
    if (n > steps) {
      return "a sequence of " + n + " steps; the model reads at most " + steps + " (inputShape[0]: raise it or"
          + " cut the sequences)";
    }
    java.util.Arrays.fill(dst, at, at + size - 1, 0f);
    for (int t = 0; t < n; t++) {
      ArrayData step = nested ? a.getArray(t) : a;
      if (step == null) {
        return "a null step at step " + t;
      }
      int from = nested ? 0 : t * features;
      if (nested && step.numElements() != features) {
        return "a step of " + step.numElements() + " features at step " + t + " (inputShape[1] is " + features + ")";
      }
      for (int j = 0; j < features; j++) {
        if (step.isNullAt(from + j)) {
          return "a null value at step " + t;
        }
        float v = floats ? step.getFloat(from + j) : (float) step.getDouble(from + j);
        if (!Float.isFinite(v)) {
          double source = floats ? v : step.getDouble(from + j);
          return Double.isFinite(source) ? "the value " + source + " at step " + t + ", beyond float range"
              : "NaN or infinity at step " + t;
        }
        dst[at + t * features + j] = v;
      }
    }
    dst[at + size - 1] = n;
    return null;
  }
}
