package io.sparknn.util;

import io.sparknn.train.TrainingRows;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;

/**
 * Fast row access for one-pass aggregations: Spark's internal rows skip the conversion to external {@code Row}
 * objects (boxing every value), which dominated the cost of fitting on cached data. The adapter to Spark's
 * internals: the row encoder, internal DataFrames, and the Catalyst row classes that build rows
 * ({@code GenericInternalRow}, {@code JoinedRow}, {@code UnsafeRow}, {@code UnsafeArrayData}). Elsewhere the code
 * reads rows only through {@link InternalRow} and {@code ArrayData}, the row types of Spark's public DataSource V2
 * connector API.
 */
public final class Rows {
  private Rows() {}

  private static final VectorUDT VECTOR = new VectorUDT();

  /** The rows of {@code df} in Spark's internal format; values must be read by the column's type. */
  public static JavaRDD<InternalRow> internal(Dataset<?> df) {
    return df.queryExecution().toRdd().toJavaRDD();
  }

  /** Feature bytes of one cached training block (a block holds at least 64 rows). */
  static final int BLOCK_BYTES = 4 << 20;

  /**
   * Converts {@code df}'s rows {@code (features vector, label double, weight double, validation boolean)} into
   * {@link TrainingRows} blocks of about {@link #BLOCK_BYTES} of features each, read lazily, so Spark caches (and
   * spills) a partition block by block and building one never holds more than a block. Null or non-finite
   * features, labels or weights, negative weights and vectors of another size fail with a message starting with
   * the given column descriptions.
   */
  public static JavaRDD<TrainingRows> trainingBlocks(Dataset<?> df, FeatureReader reader, String[] where) {
    int features = reader.width();
    int blockRows = Math.max(64, BLOCK_BYTES / (4 * Math.max(1, features)));
    return internal(df).mapPartitions(it -> new java.util.Iterator<TrainingRows>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public TrainingRows next() {
        if (!it.hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        float[] x = new float[blockRows * features];
        double[] y = new double[blockRows];
        double[] w = new double[blockRows];
        boolean[] v = new boolean[blockRows];
        int n = 0;
        while (n < blockRows && it.hasNext()) {
          InternalRow r = it.next();
          String problem = reader.copy(r, 0, x, n * features);
          if (problem != null) {
            throw new IllegalArgumentException(where[0] + " has " + problem + (problem.startsWith("NaN")
                ? "; a model must never train on NaN or infinite input. Clean the data or impute it (Standardizer"
                    + " with handleInvalid=keep)." : problem.endsWith("float range") ? " (±3.4E38): the networks"
                    + " compute in float. Rescale that column, e.g. with Standardizer."
                    : reader.sequence() ? ". Fix or drop those rows."
                    : "; every training row needs a vector of " + features + " values. Fix or drop those rows."));
          }
          if (r.isNullAt(1) || !Double.isFinite(r.getDouble(1))) {
            throw new IllegalArgumentException(where[1] + " has " + (r.isNullAt(1) ? "a null label"
                : Double.isNaN(r.getDouble(1)) ? "a NaN label" : "an infinite label (" + r.getDouble(1) + ")")
                + "; every training row needs a finite label. Drop or fix those rows.");
          }
          double weight = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
          if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(where[2] + " has " + (r.isNullAt(2) ? "a null weight"
                : Double.isNaN(weight) ? "a NaN weight" : weight < 0 ? "a negative weight (" + weight + ")"
                : "an infinite weight") + "; weights must be finite and >= 0 (0 leaves a row out).");
          }
          y[n] = r.getDouble(1);
          w[n] = weight;
          v[n] = !r.isNullAt(3) && r.getBoolean(3);
          n++;
        }
        TrainingRows block = new TrainingRows(features, x, y, w, v);
        return n == blockRows ? block : block.slice(0, n);
      }
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
      boolean finite = true;
      for (int j = 0; j < size; j++) {
        float f = (float) values.getDouble(j);
        dst[at + j] = f;
        finite &= Float.isFinite(f);
      }
      if (finite) {
        return null;
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

  /**
   * {@code df} with each partition's internal rows mapped by {@code fn} into rows of {@code schema}: for a batch
   * DataFrame over its RDD of internal rows; for a streaming one through {@code Dataset.mapPartitions} with the
   * rows encoded to and from Spark's internal format (a stateless operator, so any output mode and trigger).
   */
  public static Dataset<org.apache.spark.sql.Row> mapPartitions(Dataset<org.apache.spark.sql.Row> df,
      org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<InternalRow>, InternalRow> fn,
      org.apache.spark.sql.types.StructType schema) {
    if (!df.isStreaming()) {
      return dataFrame(df.sparkSession(), internal(df).mapPartitions(fn), schema);
    }
    org.apache.spark.sql.types.StructType in = df.schema();
    return df.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<org.apache.spark.sql.Row,
        org.apache.spark.sql.Row>) rows -> {
      ExpressionEncoder.Serializer<org.apache.spark.sql.Row> to = ExpressionEncoder.apply(in).createSerializer();
      ExpressionEncoder<org.apache.spark.sql.Row> out = ExpressionEncoder.apply(schema);
      ExpressionEncoder.Deserializer<org.apache.spark.sql.Row> from = out.resolveAndBind(
          out.resolveAndBind$default$1(), out.resolveAndBind$default$2()).createDeserializer();
      java.util.Iterator<InternalRow> scored = fn.call(new java.util.Iterator<InternalRow>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public InternalRow next() {
          return to.apply(rows.next());
        }
      });
      return new java.util.Iterator<org.apache.spark.sql.Row>() {
        @Override
        public boolean hasNext() {
          return scored.hasNext();
        }

        @Override
        public org.apache.spark.sql.Row next() {
          return from.apply(scored.next());
        }
      };
    }, org.apache.spark.sql.Encoders.row(schema));
  }

  /**
   * Copies a features vector into {@code dst[0..size)} as floats with the checks of
   * {@link #copyVector(InternalRow, int, int, float[], int)}; returns null when done, else what is wrong.
   */
  public static String copyVector(Vector v, int size, float[] dst) {
    if (v == null) {
      return "a null vector";
    }
    return copyVector(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {
        VECTOR.serialize(v)}), 0, size, dst, 0);
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

  /**
   * A dense vector as the internal struct of VectorUDT: {type, size, indices, values}. The values are set one by
   * one: {@code UnsafeArrayData.fromPrimitiveArray}'s bulk copy costs more than the few values of an output row.
   */
  public static InternalRow denseVector(double[] values) {
    org.apache.spark.sql.catalyst.expressions.UnsafeArrayData a =
        org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.createFreshArray(values.length, Double.BYTES);
    for (int i = 0; i < values.length; i++) {
      a.setDouble(i, values[i]);
    }
    return new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {(byte) 1, null, null, a});
  }

  /** A copy of r, into {@code reuse}'s buffer when both are unsafe rows (no allocation once it is large enough). */
  public static InternalRow copy(InternalRow r, InternalRow reuse) {
    if (r instanceof org.apache.spark.sql.catalyst.expressions.UnsafeRow u
        && reuse instanceof org.apache.spark.sql.catalyst.expressions.UnsafeRow mine) {
      mine.copyFrom(u);
      return mine;
    }
    return r.copy();
  }

  /** A reusable view of an input row followed by output values, without copying either. */
  public static final class Joined {
    private final org.apache.spark.sql.catalyst.expressions.JoinedRow row =
        new org.apache.spark.sql.catalyst.expressions.JoinedRow();

    /** This view over {@code left}'s columns then {@code values} (internal values, e.g. {@link #denseVector}). */
    public InternalRow of(InternalRow left, Object[] values) {
      return row.apply(left, new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(values));
    }
  }
}
