package io.sparknn.cli;

import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reading the CLI's tables: a path in one of {@link JobConfig#FORMATS}, or a catalog table. */
final class Tables {
  private Tables() {}

  /**
   * Reads {@code path} as {@code format} ({@code table}: a catalog table name) with reader {@code options}; a
   * missing path or table is a {@link JobConfig.ConfigException} naming {@code what} (the key or option).
   */
  static Dataset<Row> read(SparkSession spark, String path, String format, Map<String, String> options,
      String what) {
    if (!JobConfig.FORMATS.contains(format)) {
      throw new JobConfig.ConfigException(what + ": format '" + format + "' is not one of " + JobConfig.FORMATS);
    }
    try {
      if (format.equals("table")) {
        return spark.table(path);
      }
      DataFrameReader r = spark.read().format(format);
      options.forEach(r::option);
      return r.load(path);
    } catch (Exception e) { // AnalysisException (checked to javac, thrown by Scala): a missing path or table
      if (e instanceof RuntimeException r && !(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw r;
      }
      throw new JobConfig.ConfigException(what + " = '" + path + "': cannot read it as " + format + ": "
          + e.getMessage().split("\n")[0]);
    }
  }
}
