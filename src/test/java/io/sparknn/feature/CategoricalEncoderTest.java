package io.sparknn.feature;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.testing.JobCounter;
import io.sparknn.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CategoricalEncoderTest extends SparkTestBase {

  /** color: red x4, blue x3, green x2, pink x1; size: an int category; x: a number. */
  Dataset<Row> colors() {
    String[] color = {"red", "red", "red", "red", "blue", "blue", "blue", "green", "green", "pink"};
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < color.length; k++) {
      rows.add(RowFactory.create(k, color[k], k % 3, k * 1.5));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("color", DataTypes.StringType).add("size", DataTypes.IntegerType).add("x", DataTypes.DoubleType));
  }

  static List<Double> doubles(Dataset<Row> df, String c) {
    return df.orderBy("id").select(c).collectAsList().stream().map(r -> r.getDouble(0)).toList();
  }

  @Test
  void indexOrdersByFrequencyAndWritesNominalMetadataThatSurvivesVectorAssembler() {
    Dataset<Row> df = colors();
    CategoricalEncoderModel m = new CategoricalEncoder().setInputCols("color", "size").setEncoding("index").fit(df);
    assertArrayEquals(new String[] {"red", "blue", "green", "pink", "__unknown__"}, m.buckets(0));
    // size: k % 3 over k = 0..9 -> 0 x4, 1 x3, 2 x3 (ties by value)
    assertArrayEquals(new String[] {"0", "1", "2", "__unknown__"}, m.buckets(1));
    Dataset<Row> out = m.transform(df);
    assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0), doubles(out, "color_index"));
    NominalAttribute attr = (NominalAttribute) Attribute.fromStructField(out.schema().apply("color_index"));
    assertEquals(5, attr.getNumValues().get());

    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"x", "color_index", "size_index"})
        .setOutputCol("features").transform(out);
    AttributeGroup group = AttributeGroup.fromStructField(assembled.schema().apply("features"));
    assertTrue(group.getAttr(1) instanceof NominalAttribute, "slot 1 nominal after VectorAssembler");
    assertEquals(5, ((NominalAttribute) group.getAttr(1)).getNumValues().get());
    assertEquals(4, ((NominalAttribute) group.getAttr(2)).getNumValues().get());
  }

  @Test
  void oneHotVectorsAndRareValuesFoldedIntoOther() {
    Dataset<Row> df = colors();
    CategoricalEncoderModel m = new CategoricalEncoder().setInputCols("color").setMinFrequency(2).fit(df);
    assertArrayEquals(new String[] {"red", "blue", "green", "__other__", "__unknown__"}, m.buckets(0));
    assertArrayEquals(new String[] {"pink"}, m.otherValues(0));
    List<Row> rows = m.transform(df).orderBy("id").select("color_onehot").collectAsList();
    assertEquals(Vectors.sparse(5, new int[] {0}, new double[] {1}), rows.get(0).get(0));
    assertEquals(Vectors.sparse(5, new int[] {3}, new double[] {1}), rows.get(9).get(0), "pink -> other");
    assertEquals(5, AttributeGroup.fromStructField(m.transform(df).schema().apply("color_onehot")).size());

    CategoricalEncoderModel top2 = new CategoricalEncoder().setInputCols("color").setMaxCategories(2)
        .setEncoding("index").fit(df);
    assertArrayEquals(new String[] {"red", "blue", "__other__", "__unknown__"}, top2.buckets(0));
    assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0),
        doubles(top2.transform(df), "color_index"));
  }

  @Test
  void unseenValuesFollowHandleInvalid() {
    Dataset<Row> df = colors();
    Dataset<Row> fresh = spark.createDataFrame(List.of(RowFactory.create(0, "red", 1, 0.0),
        RowFactory.create(1, "violet", 1, 0.0), RowFactory.create(2, null, 1, 0.0)), df.schema());
    CategoricalEncoderModel m = new CategoricalEncoder().setInputCols("color").setEncoding("index").fit(df);
    Exception e = assertThrows(Exception.class, () -> m.transform(fresh).collect());
    String msg = rootMessage(e);
    assertTrue(msg.contains("column 'color'") && msg.contains("'violet'") && msg.contains("handleInvalid"), msg);
    assertEquals(List.of(0), m.setHandleInvalid("skip").transform(fresh).select("id").collectAsList().stream()
        .map(r -> r.getInt(0)).toList());
    assertEquals(List.of(0.0, 4.0, 4.0), doubles(m.setHandleInvalid("keep").transform(fresh), "color_index"));
  }

  /** The hand-computed example of the README: two folds, smoothing 1. */
  Dataset<Row> targetFrame() {
    return spark.createDataFrame(List.of(
            RowFactory.create(1, "a", 1.0, 0), RowFactory.create(2, "a", 1.0, 0), RowFactory.create(3, "a", 0.0, 1),
            RowFactory.create(4, "b", 0.0, 0), RowFactory.create(5, "b", 1.0, 1), RowFactory.create(6, "b", 0.0, 1)),
        new StructType().add("id", DataTypes.IntegerType).add("cat", DataTypes.StringType)
            .add("label", DataTypes.DoubleType).add("fold", DataTypes.IntegerType));
  }

  @Test
  void targetEncodingIsOutOfFoldAndMatchesHandComputedValues() {
    Dataset<Row> df = targetFrame();
    CategoricalEncoderModel m = new CategoricalEncoder().setInputCols("cat").setEncoding("target")
        .setFoldCol("fold").setSmoothing(1.0).fit(df);
    // Row 1 (a, fold 0) sees only fold 1: prior 1/3, a has n=1, sum=0 -> (0 + 1/3) / (1 + 1) = 1/6.
    // Row 3 (a, fold 1) sees fold 0: prior 2/3, a has n=2, sum=2 -> (2 + 2/3) / 3 = 8/9.
    // Row 4 (b, fold 0): prior 1/3, b n=2 sum=1 -> (1 + 1/3) / 3 = 4/9. Rows 5, 6 (b, fold 1): (0 + 2/3) / 2 = 1/3.
    List<Double> oof = doubles(m.transform(df), "cat_target");
    double[] expected = {1 / 6.0, 1 / 6.0, 8 / 9.0, 4 / 9.0, 1 / 3.0, 1 / 3.0};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], oof.get(i), 1e-12, "row " + (i + 1));
    }
    // Scoring data without the fold column: all folds. prior 1/2; a: (2 + 1/2) / 4, b: (1 + 1/2) / 4.
    Dataset<Row> scoring = df.drop("fold", "label");
    assertEquals(List.of(0.625, 0.625, 0.625, 0.375, 0.375, 0.375), doubles(m.transform(scoring), "cat_target"));
    Dataset<Row> unseen = spark.createDataFrame(List.of(RowFactory.create(9, "zzz")),
        new StructType().add("id", DataTypes.IntegerType).add("cat", DataTypes.StringType));
    assertEquals(List.of(0.5), doubles(m.setHandleInvalid("keep").transform(unseen), "cat_target"));
  }

  @Test
  void hashedFoldsNeverShowARowItsOwnLabel() {
    // Every row its own category: any leak of the row's label would push y=1 rows up and y=0 rows down.
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      rows.add(RowFactory.create(k, "id" + k, (double) (k % 2)));
    }
    Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("cat", DataTypes.StringType).add("label", DataTypes.DoubleType));
    CategoricalEncoderModel m = new CategoricalEncoder().setInputCols("cat").setEncoding("target")
        .setSmoothing(1.0).setNumFolds(4).fit(df);
    List<Row> out = m.transform(df).select("label", "cat_target").collectAsList();
    for (Row r : out) { // out-of-fold: the prior of the other folds, ~0.5; a leak would give 0.25 or 0.75
      assertEquals(0.5, r.getDouble(1), 0.1, "row with label " + r.getDouble(0));
    }
    List<Row> scored = m.transform(df.drop("label")).select("id", "cat_target").orderBy("id").collectAsList();
    assertEquals(0.75, scored.get(1).getDouble(1), 0.05, "without the label the full-data value is used");
  }

  @Test
  void fitCountsEveryColumnInOnePass() throws Exception {
    Dataset<Row> df = colors().cache();
    df.count();
    assertEquals(1, JobCounter.sourcePasses(spark,
        () -> new CategoricalEncoder().setInputCols("color", "size").fit(df)));
    Dataset<Row> t = targetFrame().cache();
    t.count();
    assertEquals(1, JobCounter.sourcePasses(spark,
        () -> new CategoricalEncoder().setInputCols("cat", "id").setEncoding("target").fit(t)));
  }

  @Test
  void badInput() {
    Dataset<Row> df = colors();
    String missing = assertThrows(IllegalArgumentException.class,
        () -> new CategoricalEncoder().setInputCols("colour").fit(df)).getMessage();
    assertTrue(missing.contains("CategoricalEncoder") && missing.contains("inputCols") && missing.contains("'colour'"),
        missing);
    Dataset<Row> vec = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1.0))),
        new StructType().add("v", new org.apache.spark.ml.linalg.VectorUDT()));
    String type = assertThrows(IllegalArgumentException.class,
        () -> new CategoricalEncoder().setInputCols("v").fit(vec)).getMessage();
    assertTrue(type.contains("type vector"), type);
    String empty = assertThrows(IllegalArgumentException.class,
        () -> new CategoricalEncoder().setInputCols("color").fit(df.limit(0))).getMessage();
    assertTrue(empty.contains("empty"), empty);
    Dataset<Row> nulls = df.withColumn("n", org.apache.spark.sql.functions.lit(null).cast("string"));
    String allNull = assertThrows(IllegalArgumentException.class,
        () -> new CategoricalEncoder().setInputCols("color", "n").setHandleInvalid("keep").fit(nulls)).getMessage();
    assertTrue(allNull.contains("column 'n'") && allNull.contains("no non-null value"), allNull);
    String nullErr = assertThrows(IllegalArgumentException.class,
        () -> new CategoricalEncoder().setInputCols("n").fit(nulls)).getMessage();
    assertTrue(nullErr.contains("10 null values") && nullErr.contains("handleInvalid"), nullErr);
    String label = assertThrows(IllegalArgumentException.class, () -> new CategoricalEncoder().setInputCols("size")
        .setEncoding("target").setLabelCol("color").fit(df)).getMessage();
    assertTrue(label.contains("labelCol") && label.contains("must be numeric"), label);
    Dataset<Row> nullLabel = targetFrame().withColumn("label",
        org.apache.spark.sql.functions.when(col("id").equalTo(2), null).otherwise(col("label")));
    String nl = assertThrows(IllegalArgumentException.class, () -> new CategoricalEncoder().setInputCols("cat")
        .setEncoding("target").fit(nullLabel)).getMessage();
    assertTrue(nl.contains("null, NaN or infinite labels"), nl);
    String enc = assertThrows(IllegalArgumentException.class, () -> new CategoricalEncoder().setEncoding("hash"))
        .getMessage();
    assertTrue(enc.contains("onehot, index, target"), enc);
  }

  @Test
  void paramsAndPersistenceAloneAndInAPipeline() throws Exception {
    Dataset<Row> df = targetFrame();
    for (String encoding : new String[] {"onehot", "index", "target"}) {
      CategoricalEncoder est = new CategoricalEncoder().setInputCols("cat", "fold").setEncoding(encoding)
          .setHandleInvalid("keep").setMinFrequency(2);
      assertParamsWellFormed(est);
      assertRoundTrip(est);
      CategoricalEncoderModel m = est.fit(df);
      assertParamsWellFormed(m);
      CategoricalEncoderModel loaded = assertRoundTrip(m);
      assertEquals(sortedRows(m.transform(df)), sortedRows(loaded.transform(df)), encoding);
      assertEquals(m.transform(df).schema().json(), loaded.transform(df).schema().json(), "metadata " + encoding);
    }
    PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {
        new CategoricalEncoder().setInputCols("cat").setEncoding("index"),
        new VectorAssembler().setInputCols(new String[] {"cat_index", "label"}).setOutputCol("features")}).fit(df);
    String p = path("pipeline");
    pm.write().save(p);
    List<String> a = sortedRows(pm.transform(df));
    assertEquals(a, sortedRows(PipelineModel.load(p).transform(df)));
    assertTrue(((Vector) pm.transform(df).first().getAs("features")).size() == 2);
  }
}
