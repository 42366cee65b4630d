package io.sparknn.util;

import io.sparknn.train.TrainingRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Fast row access for one-pass aggregations: Spark's internal rows skip the conversion to external {@code Row}
 * objects (boxing every value), which dominated the cost of fitting on cached data. The only place that touches
 * Spark's internal row format.
 */
public final class Rows {
  private Rows() {}

  private static final VectorUDT VECTOR = new VectorUDT();

  /** The rows of {@code df} in Spark's internal format; values must be read by the column's type. */
  public static JavaRDD<InternalRow> internal(Dataset<?> df) {
    return df.queryExecution().toRdd().toJavaRDD();
  }

  /**
   * Converts {@code df}'s rows {@code (features vector, label double, weight double, validation boolean)} into one
   * {@link TrainingRows} block per partition. Null or non-finite features, labels or weights, negative weights and
   * vectors of another size fail with a message starting with the given column descriptions.
   */
  public static JavaRDD<TrainingRows> trainingBlocks(Dataset<?> df, FeatureReader reader, String[] where) {
    int features = reader.width();
    return internal(df).mapPartitions(it -> {
      float[] x = new float[1024 * features];
      List<double[]> lw = new ArrayList<>();
      List<Boolean> val = new ArrayList<>();
      while (it.hasNext()) {
        InternalRow r = it.next();
        int at = lw.size() * features;
        if (at + features > x.length) {
          x = java.util.Arrays.copyOf(x, Math.max(2 * x.length, at + features));
        }
        String problem = reader.copy(r, 0, x, at);
        if (problem != null) {
          throw new IllegalArgumentException(where[0] + " has " + problem + (problem.startsWith("NaN")
              ? "; a model must never train on NaN or infinite input. Clean the data or impute it (Standardizer"
                  + " with handleInvalid=keep)." : problem.endsWith("float range") ? " (±3.4E38): the networks"
                  + " compute in float. Rescale that column, e.g. with Standardizer."
                  : reader.sequence() ? ". Fix or drop those rows."
                  : "; every training row needs a vector of " + features + " values. Fix or drop those rows."));
        }
        if (r.isNullAt(1) || !Double.isFinite(r.getDouble(1))) {
          throw new IllegalArgumentException(where[1] + " has a null or non-finite label; every training row"
              + " needs one.");
        }
        double w = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
        if (!(w >= 0) || Double.isInfinite(w)) {
          throw new IllegalArgumentException(where[2] + " has the weight " + w + "; weights must be finite and"
              + " >= 0.");
        }
        lw.add(new double[] {r.getDouble(1), w});
        val.add(!r.isNullAt(3) && r.getBoolean(3));
      }
      double[] y = new double[lw.size()];
      double[] w = new double[lw.size()];
      boolean[] v = new boolean[lw.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = lw.get(i)[0];
        w[i] = lw.get(i)[1];
        v[i] = val.get(i);
      }
      return List.of(new TrainingRows(features, java.util.Arrays.copyOf(x, y.length * features), y, w, v))
          .iterator();
    });
  }

  /**
   * Size of the vectors in {@code column}: from its Spark ML attribute metadata when present, else from the first
   * non-null row (one small job); 0 when the column has no non-null vector.
   */
  public static int vectorSize(Dataset<?> df, String column) {
    int size = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(df.schema().apply(column)).size();
    if (size > 0) {
      return size;
    }
    List<org.apache.spark.sql.Row> first = df.select(SchemaChecks.col(column))
        .filter(SchemaChecks.col(column).isNotNull()).limit(1).collectAsList();
    return first.isEmpty() ? 0 : ((Vector) first.get(0).get(0)).size();
  }

  /**
   * Copies the vector in column {@code i} of an internal row into {@code dst[at..at+size)} as floats, reading
   * Spark's vector struct in place (no vector object). Returns null when done, else what is wrong: a null vector,
   * another size, or a NaN/infinite value.
   */
  public static String copyVector(InternalRow r, int i, int size, float[] dst, int at) {
    if (r.isNullAt(i)) {
      return "a null vector";
    }
    InternalRow v = r.getStruct(i, 4);
    int found = v.getByte(0) == 1 ? v.getArray(3).numElements() : v.getInt(1);
    if (found != size) {
      return "a vector of size " + found + " (the model takes " + size + ")";
    }
    org.apache.spark.sql.catalyst.util.ArrayData values = v.getArray(3);
    if (v.getByte(0) == 1) {
      for (int j = 0; j < size; j++) {
        dst[at + j] = (float) values.getDouble(j);
      }
    } else {
      java.util.Arrays.fill(dst, at, at + size, 0f);
      org.apache.spark.sql.catalyst.util.ArrayData indices = v.getArray(2);
      for (int k = 0; k < indices.numElements(); k++) {
        dst[at + indices.getInt(k)] = (float) values.getDouble(k);
      }
    }
    for (int j = 0; j < size; j++) {
      if (!Float.isFinite(dst[at + j])) {
        double source = sourceValue(v, j);
        return Double.isFinite(source) ? "the value " + source + " at index " + j + ", beyond float range" : "NaN"
            + " or infinity at index " + j;
      }
    }
    return null;
  }

  /** Entry {@code j} of a vector in VectorUDT's internal struct (0 for an absent sparse entry). */
  private static double sourceValue(InternalRow v, int j) {
    org.apache.spark.sql.catalyst.util.ArrayData values = v.getArray(3);
    if (v.getByte(0) == 1) {
      return values.getDouble(j);
    }
    org.apache.spark.sql.catalyst.util.ArrayData indices = v.getArray(2);
    for (int k = 0; k < indices.numElements(); k++) {
      if (indices.getInt(k) == j) {
        return values.getDouble(k);
      }
    }
    return 0;
  }

  /** A DataFrame of {@code schema} over internal rows (the scoring output; rows need not be unsafe rows). */
  public static Dataset<org.apache.spark.sql.Row> dataFrame(org.apache.spark.sql.SparkSession spark,
      JavaRDD<InternalRow> rows, org.apache.spark.sql.types.StructType schema) {
    return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows.rdd(), schema, false);
  }

  /** The vector in column {@code i} of an internal row, or null. */
  public static Vector vector(InternalRow r, int i) {
    return r.isNullAt(i) ? null : VECTOR.deserialize(r.getStruct(i, 4));
  }
}
