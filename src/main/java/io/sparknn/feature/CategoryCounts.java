package io.sparknn.feature;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One-pass counts for {@link CategoricalEncoder}: for every (column, value, fold) the number of rows, the sum of
 * the label and the number of rows with a label. Input rows are {@code (fold int, label double, values string...)}.
 */
final class CategoryCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A (column, value, fold) key; value null for null cells, fold null for a null fold number. */
  @DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
  record Key(int column, UTF8String value, Integer fold) implements Serializable {}

  final Map<Key, double[]> counts = new HashMap<>();

  /** Adds one row. */
  CategoryCounts add(InternalRow r) {
    Integer fold = r.isNullAt(0) ? null : r.getInt(0);
    boolean hasLabel = !r.isNullAt(1);
    double y = hasLabel ? r.getDouble(1) : 0.0;
    for (int c = 0; c + 2 < r.numFields(); c++) {
      UTF8String v = r.isNullAt(c + 2) ? null : r.getUTF8String(c + 2);
      double[] acc = counts.get(new Key(c, v, fold));
      if (acc == null) { // the string may point into a reused buffer: keep a copy
        acc = new double[3];
        counts.put(new Key(c, v == null ? null : v.clone(), fold), acc);
      }
      acc[0]++;
      acc[1] += y;
      acc[2] += hasLabel ? 1 : 0;
    }
    return this;
  }

  /** Merges {@code o} into this. */
  CategoryCounts merge(CategoryCounts o) {
    o.counts.forEach((k, v) -> counts.merge(k, v, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]}));
    return this;
  }
}
