package io.sparknn.feature;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import io.sparknn.util.SchemaChecks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Ranks the rows of every class in a seeded pseudo-random order that depends only on each row's content (so
 * repartitioning does not change it), then appends an int column computed from (class index, rank in class).
 * Shared by {@link StratifiedSplitter} and {@link StratifiedKFold}.
 */
final class Stratification {
  private Stratification() {}

  /** Maps (class index, rank of the row within its class) to the value of the output column. */
  interface Assigner extends Serializable {
    int assign(int classIndex, long rank);
  }

  /** Classes in a fixed order (Spark's sort order of the label) with their row counts. */
  record Classes(List<Object> labels, long[] counts) {}

  /** Counts rows per class; fails on an empty frame and on null or NaN labels. */
  static Classes countClasses(Params stage, Dataset<Row> df, String labelCol) {
    List<Row> rows = df.groupBy(col(labelCol)).count().orderBy(col(labelCol)).collectAsList();
    if (rows.isEmpty()) {
      throw SchemaChecks.emptyInput(stage, "labelCol", "stratify", labelCol);
    }
    List<Object> labels = new ArrayList<>();
    long[] counts = new long[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Object label = rows.get(i).get(0);
      long n = rows.get(i).getLong(1);
      if (label == null || (label instanceof Double d && d.isNaN()) || (label instanceof Float f && f.isNaN())) {
        throw new IllegalArgumentException(SchemaChecks.where(stage, "labelCol") + ": column '" + labelCol
            + "' has " + n + " " + (label == null ? "null" : "NaN") + " labels; every row needs a class."
            + " Drop or fill them first, e.g. df.na().drop(new String[]{\"" + labelCol + "\"}).");
      }
      labels.add(label);
      counts[i] = n;
    }
    return new Classes(labels, counts);
  }

  /**
   * Appends {@code outputCol}: rows sorted by (label, seeded content hash), numbered, and passed with their
   * class index and rank to {@code assigner}. The classes must come from {@link #countClasses} on {@code df}.
   */
  static Dataset<Row> assign(Dataset<Row> df, String labelCol, long seed, Classes classes, String outputCol,
      Assigner assigner) {
    StructType schema = df.schema();
    String key = "__sparknn_key";
    Column[] original = Arrays.stream(schema.fieldNames()).map(n -> col(n)).toArray(Column[]::new);
    // Sorting by the label first gives the class order countClasses used; the hash orders rows within a class.
    JavaRDD<Row> sorted = df.withColumn(key, rowHash(schema, hashableColumns(schema), seed))
        .orderBy(col(labelCol), col(key))
        .select(original)
        .toJavaRDD();
    long[] starts = new long[classes.counts().length + 1];
    for (int c = 0; c < classes.counts().length; c++) {
      starts[c + 1] = starts[c] + classes.counts()[c];
    }
    JavaRDD<Row> out = sorted.zipWithIndex().map(t -> {
      long index = t._2();
      int c = Arrays.binarySearch(starts, index);
      c = c >= 0 ? c : -c - 2; // every class has >= 1 row, so starts is strictly increasing
      Row r = t._1();
      Object[] values = new Object[r.size() + 1];
      for (int i = 0; i < r.size(); i++) {
        values[i] = r.get(i);
      }
      values[r.size()] = assigner.assign(c, index - starts[c]);
      return RowFactory.create(values);
    });
    return df.sparkSession().createDataFrame(out, schema.add(outputCol, DataTypes.IntegerType, false));
  }

  /** Columns whose values identify a row for hashing: all of them ({@link #rowHash} hashes every type). */
  static String[] hashableColumns(StructType schema) {
    return schema.fieldNames();
  }

  /**
   * A seeded 64-bit hash of the named columns of each row: depends on content only, not on partitioning. Spark's
   * hash takes no maps, so a column whose type holds a map anywhere (a map, or an array or struct of maps) is hashed
   * through its JSON text, which keeps every key and value in the row's own entry order.
   */
  static Column rowHash(StructType schema, String[] columns, long seed) {
    List<Column> cols = new ArrayList<>();
    cols.add(lit(seed));
    for (String c : columns) {
      cols.add(holdsMap(schema.apply(c).dataType()) ? to_json(col(c)) : col(c));
    }
    return xxhash64(cols.toArray(new Column[0]));
  }

  private static boolean holdsMap(DataType t) {
    if (t instanceof MapType) {
      return true;
    }
    if (t instanceof ArrayType a) {
      return holdsMap(a.elementType());
    }
    if (t instanceof StructType st) {
      return Arrays.stream(st.fields()).anyMatch(f -> holdsMap(f.dataType()));
    }
    return false;
  }

  /** Checks the label column of a stratifying transformer and the output column. */
  static StructType checkSchema(Params stage, StructType schema, String labelCol, String outputCol) {
    StructField label = SchemaChecks.requireColumn(stage, "labelCol", schema, labelCol);
    SchemaChecks.requireDiscrete(stage, "labelCol", label);
    SchemaChecks.requireNewColumn(stage, "outputCol", schema, outputCol);
    return schema.add(outputCol, DataTypes.IntegerType, false);
  }
}
