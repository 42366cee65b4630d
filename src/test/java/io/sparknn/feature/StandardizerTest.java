package io.sparknn.feature;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.testing.JobCounter;
import io.sparknn.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class StandardizerTest extends SparkTestBase {
  static final String[] COLS = {"a", "b", "i", "constant"};

  /** 500 rows: a ~ N(100, 15), b ~ U(-3, 7) * 1e-4, i an int in [0, 50), and a constant column. */
  Dataset<Row> numbers() {
    Random r = new Random(1);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 500; k++) {
      rows.add(RowFactory.create(k, 100 + 15 * r.nextGaussian(), (r.nextDouble() * 10 - 3) * 1e-4, r.nextInt(50),
          2.5));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType).add("i", DataTypes.IntegerType)
        .add("constant", DataTypes.DoubleType));
  }

  /** Mean and sample std of a column, computed here in plain Java. */
  static double[] meanStd(List<Double> xs) {
    double m = xs.stream().mapToDouble(x -> x).average().orElseThrow();
    double ss = xs.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
    return new double[] {m, Math.sqrt(ss / (xs.size() - 1))};
  }

  static List<Double> column(Dataset<Row> df, String c) {
    return df.select(col(c).cast("double")).collectAsList().stream().map(r -> r.getDouble(0)).toList();
  }

  @Test
  void zscoreGivesMeanZeroStdOneAndConstantColumnsZero() {
    Dataset<Row> df = numbers();
    StandardizerModel m = new Standardizer().setInputCols(COLS).fit(df);
    Dataset<Row> out = m.transform(df);
    for (String c : new String[] {"a", "b", "i"}) {
      double[] ms = meanStd(column(out, c + "_scaled"));
      assertEquals(0.0, ms[0], 1e-9, c);
      assertEquals(1.0, ms[1], 1e-9, c);
      double[] raw = meanStd(column(df, c));
      int k = java.util.Arrays.asList(COLS).indexOf(c);
      assertEquals(raw[0], m.mean()[k], 1e-9 * Math.abs(raw[0]) + 1e-15, c + " mean");
      assertEquals(raw[1], m.std()[k], 1e-9 * raw[1], c + " std");
    }
    assertTrue(column(out, "constant_scaled").stream().allMatch(x -> x == 0.0), "zero variance -> 0");
  }

  @Test
  void minmaxMapsToUnitInterval() {
    Dataset<Row> df = numbers();
    Dataset<Row> out = new Standardizer().setInputCols(COLS).setMethod("minmax").setOutputCols("a1", "b1", "i1",
        "c1").fit(df).transform(df);
    for (String c : new String[] {"a1", "b1", "i1"}) {
      List<Double> xs = column(out, c);
      assertEquals(0.0, xs.stream().mapToDouble(x -> x).min().orElseThrow(), 1e-9, c);
      assertEquals(1.0, xs.stream().mapToDouble(x -> x).max().orElseThrow(), 1e-9, c);
    }
    assertTrue(column(out, "c1").stream().allMatch(x -> x == 0.0));
  }

  @Test
  void vectorColumnIsScaledPerSlotWithTheSameStatistics() {
    Dataset<Row> df = new VectorAssembler().setInputCols(COLS).setOutputCol("v").transform(numbers());
    StandardizerModel vm = new Standardizer().setInputCols("v").fit(df);
    StandardizerModel cm = new Standardizer().setInputCols(COLS).fit(df);
    for (int k = 0; k < COLS.length; k++) {
      assertEquals(cm.mean()[k], vm.mean()[k], 1e-9 * Math.abs(cm.mean()[k]) + 1e-15);
      assertEquals(cm.std()[k], vm.std()[k], 1e-9 * cm.std()[k] + 1e-15);
    }
    Dataset<Row> out = vm.transform(df);
    assertEquals(4, AttributeGroup.fromStructField(out.schema().apply("v_scaled")).size());
    List<Double> slot0 = out.select("v_scaled").collectAsList().stream()
        .map(r -> ((Vector) r.get(0)).apply(0)).toList();
    double[] ms = meanStd(slot0);
    assertEquals(0.0, ms[0], 1e-9);
    assertEquals(1.0, ms[1], 1e-9);
  }

  @Test
  void fitReadsTheDataOnce() throws Exception {
    Dataset<Row> df = numbers().cache();
    df.count();
    assertEquals(1, JobCounter.sourcePasses(spark, () -> new Standardizer().setInputCols(COLS).fit(df)));
    Dataset<Row> v = new VectorAssembler().setInputCols(COLS).setOutputCol("v").transform(df);
    assertEquals(1, JobCounter.sourcePasses(spark, () -> new Standardizer().setInputCols("v").fit(v)));
  }

  Dataset<Row> withInvalid() {
    return spark.createDataFrame(List.of(RowFactory.create(1, 1.0, 10.0), RowFactory.create(2, 2.0, null),
        RowFactory.create(3, 3.0, Double.NaN), RowFactory.create(4, 4.0, 40.0), RowFactory.create(5, 5.0, 70.0)),
        new StructType().add("id", DataTypes.IntegerType).add("x", DataTypes.DoubleType)
            .add("y", DataTypes.DoubleType));
  }

  @Test
  void handleInvalidErrorSkipKeep() {
    Dataset<Row> df = withInvalid();
    String fit = assertThrows(IllegalArgumentException.class,
        () -> new Standardizer().setInputCols("x", "y").fit(df)).getMessage();
    assertTrue(fit.contains("Standardizer") && fit.contains("handleInvalid") && fit.contains("column 'y'")
        && fit.contains("2 null, NaN or infinite"), fit);

    StandardizerModel skip = new Standardizer().setInputCols("x", "y").setHandleInvalid("skip").fit(df);
    // y statistics from 10, 40, 70: mean 40, sample std 30
    assertEquals(40.0, skip.mean()[1], 1e-12);
    assertEquals(30.0, skip.std()[1], 1e-12);
    assertEquals(List.of(1, 4, 5), skip.transform(df).select("id").collectAsList().stream()
        .map(r -> r.getInt(0)).sorted().toList());

    Dataset<Row> kept = skip.setHandleInvalid("keep").transform(df).orderBy("id");
    assertEquals(List.of(-1.0, 0.0, 0.0, 0.0, 1.0), column(kept, "y_scaled"), "null/NaN imputed with the mean");

    Exception e = assertThrows(Exception.class,
        () -> skip.setHandleInvalid("error").transform(df).collect());
    assertTrue(rootMessage(e).contains("column 'y' has a null, NaN or infinite value"), rootMessage(e));
  }

  @Test
  void columnNamesWithDotsAreTakenLiterally() {
    Dataset<Row> df = numbers().withColumnRenamed("a", "x.box");
    StandardizerModel m = new Standardizer().setInputCols("x.box", "b").fit(df);
    double[] ms = meanStd(column(m.transform(df), "`x.box_scaled`"));
    assertEquals(0.0, ms[0], 1e-9);
    assertEquals(1.0, ms[1], 1e-9);
    Dataset<Row> s = new StratifiedSplitter().setLabelCol("x.box").setWeights(0.5, 0.5).transform(df);
    assertEquals(500, s.count());
  }

  @Test
  void badInput() {
    Dataset<Row> df = numbers();
    String missing = assertThrows(IllegalArgumentException.class,
        () -> new Standardizer().setInputCols("a", "zz").fit(df)).getMessage();
    assertTrue(missing.contains("inputCols") && missing.contains("'zz'"), missing);
    Dataset<Row> s = df.withColumn("s", col("a").cast("string"));
    String type = assertThrows(IllegalArgumentException.class,
        () -> new Standardizer().setInputCols("a", "s").fit(s)).getMessage();
    assertTrue(type.contains("'s'") && type.contains("type string"), type);
    String empty = assertThrows(IllegalArgumentException.class,
        () -> new Standardizer().setInputCols("a").fit(df.limit(0))).getMessage();
    assertTrue(empty.contains("empty"), empty);
    Dataset<Row> nulls = df.withColumn("n", org.apache.spark.sql.functions.lit(null).cast("double"));
    String allNull = assertThrows(IllegalArgumentException.class,
        () -> new Standardizer().setInputCols("a", "n").setHandleInvalid("keep").fit(nulls)).getMessage();
    assertTrue(allNull.contains("column 'n'") && allNull.contains("no valid value"), allNull);
    String method = assertThrows(IllegalArgumentException.class, () -> new Standardizer().setMethod("robust"))
        .getMessage();
    assertTrue(method.contains("method") && method.contains("zscore, minmax"), method);
    String outs = assertThrows(IllegalArgumentException.class,
        () -> new Standardizer().setInputCols("a", "b").setOutputCols("x").fit(df)).getMessage();
    assertTrue(outs.contains("1 output columns for 2 input columns"), outs);
  }

  @Test
  void paramsAndPersistenceAloneAndInAPipeline() throws Exception {
    Dataset<Row> df = numbers();
    Standardizer est = new Standardizer().setInputCols(COLS).setMethod("minmax");
    assertParamsWellFormed(est);
    assertRoundTrip(est);
    StandardizerModel m = est.fit(df);
    assertParamsWellFormed(m);
    StandardizerModel loaded = assertRoundTrip(m);
    assertEquals(sortedRows(m.transform(df)), sortedRows(loaded.transform(df)));

    PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {new Standardizer().setInputCols("a", "b")})
        .fit(df);
    String p = path("pipeline");
    pm.write().save(p);
    assertEquals(sortedRows(pm.transform(df)), sortedRows(PipelineModel.load(p).transform(df)));
  }
}
