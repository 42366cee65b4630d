package io.sparknn.util;

import java.util.List;
import java.util.function.BiFunction;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The one adapter to Spark's internal persistence helpers ({@code DefaultParamsWriter/Reader}), plus the layout
 * of fitted models: params as Spark's JSON metadata under {@code path/metadata}, fitted values as Parquet under
 * {@code path/data} with a {@code formatVersion} column. No Java serialization.
 */
public final class Persistence {
  private Persistence() {}

  private static final String VERSION = "formatVersion";

  /** The array column {@code field} of a data row as doubles. */
  public static double[] doubles(Row r, String field) {
    return r.<Double>getList(r.fieldIndex(field)).stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The array column {@code field} of a data row as longs. */
  public static long[] longs(Row r, String field) {
    return r.<Long>getList(r.fieldIndex(field)).stream().mapToLong(Long::longValue).toArray();
  }

  /** The array column {@code field} of a data row as ints. */
  public static int[] ints(Row r, String field) {
    return r.<Integer>getList(r.fieldIndex(field)).stream().mapToInt(Integer::intValue).toArray();
  }

  /** The array column {@code field} of a data row as strings. */
  public static String[] strings(Row r, String field) {
    return r.<String>getList(r.fieldIndex(field)).toArray(new String[0]);
  }

  /** Writes a model: its params as metadata and {@code rows} (of {@code schema}) as its data. */
  public static final class Writer extends MLWriter {
    private final Params instance;
    private final StructType schema;
    private final List<Row> rows;
    private final int formatVersion;

    /** A writer for {@code instance} whose fitted values are {@code rows} of {@code schema}. */
    public Writer(Params instance, int formatVersion, StructType schema, List<Row> rows) {
      this.instance = instance;
      this.formatVersion = formatVersion;
      this.schema = schema;
      this.rows = rows;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
      StructType withVersion = schema.add(VERSION, DataTypes.IntegerType, false);
      List<Row> versioned = rows.stream().map(r -> {
        Object[] v = new Object[r.size() + 1];
        for (int i = 0; i < r.size(); i++) {
          v[i] = r.get(i);
        }
        v[r.size()] = formatVersion;
        return RowFactory.create(v);
      }).toList();
      sparkSession().createDataFrame(versioned, withVersion).coalesce(1).write().parquet(path + "/data");
    }
  }

  /** Reads a model written by {@link Writer}: builds it from its uid and data rows, then sets its params. */
  public static final class Reader<T extends Params> extends MLReader<T> {
    private final Class<T> cls;
    private final int minVersion;
    private final int maxVersion;
    private final BiFunction<String, List<Row>, T> build;

    /** A reader of {@code cls} that supports data format versions up to {@code maxVersion}. */
    public Reader(Class<T> cls, int maxVersion, BiFunction<String, List<Row>, T> build) {
      this(cls, 1, maxVersion, build);
    }

    /** A reader of {@code cls} that supports data format versions {@code minVersion..maxVersion}. */
    public Reader(Class<T> cls, int minVersion, int maxVersion, BiFunction<String, List<Row>, T> build) {
      this.cls = cls;
      this.minVersion = minVersion;
      this.maxVersion = maxVersion;
      this.build = build;
    }

    @Override
    public T load(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsReader.Metadata meta;
      try {
        meta = DefaultParamsReader.loadMetadata(path, spark, cls.getName());
      } catch (Exception e) { // empty or truncated JSON, a missing directory (IOExceptions arrive unchecked)
        throw new IllegalStateException(cls.getSimpleName() + ": cannot load " + path + ": its metadata file ("
            + path + "/metadata) is missing or damaged — expected one JSON line with class, uid and paramMap as"
            + " model.write().save() writes it (" + e.getClass().getSimpleName() + ": "
            + String.valueOf(e.getMessage()).split("\n")[0] + ")", e);
      }
      List<Row> rows;
      try {
        rows = spark.read().parquet(path + "/data").collectAsList();
      } catch (Exception e) {
        throw new IllegalStateException(cls.getSimpleName() + ": cannot load " + path + ": its data ("
            + path + "/data, Parquet) is missing or damaged (" + e.getClass().getSimpleName() + ": "
            + String.valueOf(e.getMessage()).split("\n")[0] + "). Re-save the model.", e);
      }
      if (rows.isEmpty()) {
        throw new IllegalStateException(cls.getSimpleName() + ": no model data under " + path + "/data");
      }
      for (Row r : rows) {
        int v = r.getInt(r.fieldIndex(VERSION));
        if (v > maxVersion) {
          throw new IllegalStateException(cls.getSimpleName() + ": unknown formatVersion " + v + " in " + path
              + "; this sparknn reads at most version " + maxVersion + ". Upgrade sparknn to load it.");
        }
        if (v < minVersion) {
          throw new IllegalStateException(cls.getSimpleName() + ": formatVersion " + v + " in " + path + " is no"
              + " longer supported; this sparknn reads versions " + minVersion + " to " + maxVersion + ". Retrain"
              + " the model.");
        }
      }
      T instance;
      try {
        instance = build.apply(meta.uid(), rows);
      } catch (IllegalArgumentException e) { // parts that do not fit together
        throw new IllegalStateException(cls.getSimpleName() + ": cannot load " + path + ": its data (" + path
            + "/data) is damaged: " + e.getMessage() + ". Re-save the model.", e);
      }
      meta.getAndSetParams(instance, scala.Option.empty());
      return instance;
    }
  }
}
