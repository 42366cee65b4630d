package io.sparknn.util;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads image data in the IDX format of MNIST and Fashion-MNIST (plain or {@code .gz}, any Hadoop path) into a
 * DataFrame with a {@code features} vector (pixels row by row, scaled to [0, 1]) and a {@code label} double — the
 * input of a {@code cnn} with {@code inputShape [1, height, width]}, or of a recurrent network reading the image
 * row by row with {@code inputShape [height, width]}. Fashion-MNIST: the Debian package {@code dataset-fashion-mnist}
 * installs it to {@code /usr/share/datasets/fashion-mnist}; it is also at
 * https://github.com/zalandoresearch/fashion-mnist (MIT licence).
 */
public final class Idx {
  private static final StructType SCHEMA = new StructType()
      .add("features", SQLDataTypes.VectorType(), false)
      .add("label", DataTypes.DoubleType, false);

  private Idx() {}

  /**
   * The images of {@code images} with the labels of {@code labels}, at most {@code limit} of them (0 = all), in
   * {@code partitions} partitions.
   *
   * @throws IllegalArgumentException when a file is not IDX, or the two files do not match
   */
  public static Dataset<Row> read(SparkSession spark, String images, String labels, int limit, int partitions) {
    byte[][] pixels = (byte[][]) read(spark, images, 3, limit);
    byte[] y = (byte[]) read(spark, labels, 1, limit);
    if (y.length != pixels.length) {
      throw new IllegalArgumentException("IDX files do not match: " + images + " holds " + pixels.length
          + " images, " + labels + " holds " + y.length + " labels");
    }
    List<Row> rows = new ArrayList<>(y.length);
    for (int i = 0; i < y.length; i++) {
      double[] v = new double[pixels[i].length];
      for (int j = 0; j < v.length; j++) {
        v[j] = (pixels[i][j] & 0xff) / 255.0;
      }
      rows.add(RowFactory.create(Vectors.dense(v), (double) (y[i] & 0xff)));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(Math.max(1, partitions));
  }

  /** byte[][] items of a rank-3 file (images), or byte[] of a rank-1 file (labels). */
  private static Object read(SparkSession spark, String file, int rank, int limit) {
    Path path = new Path(file);
    try (InputStream raw = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
            file.endsWith(".gz") ? new GZIPInputStream(raw) : raw))) {
      int magic = in.readInt();
      if (magic >>> 8 != 0x08 || (magic & 0xff) != rank) {
        throw new IllegalArgumentException(file + " is not an IDX file of unsigned bytes with " + rank
            + " dimension(s) (magic number 0x" + Integer.toHexString(magic) + ", expected 0x0000080" + rank + ")");
      }
      int n = in.readInt();
      int items = limit > 0 ? Math.min(limit, n) : n;
      if (rank == 1) {
        byte[] out = new byte[items];
        in.readFully(out);
        return out;
      }
      int size = in.readInt() * in.readInt();
      byte[][] out = new byte[items][size];
      for (byte[] item : out) {
        in.readFully(item);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read IDX file " + file + ": " + e.getMessage(), e);
    }
  }
}
