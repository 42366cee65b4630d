package io.sparknn.util;

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

  /** The vector in column {@code i} of an internal row, or null. */
  public static Vector vector(InternalRow r, int i) {
    return r.isNullAt(i) ? null : VECTOR.deserialize(r.getStruct(i, 4));
  }
}
