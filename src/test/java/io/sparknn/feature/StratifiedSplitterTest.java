package io.sparknn.feature;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class StratifiedSplitterTest extends SparkTestBase {
  /** Five classes of very different sizes, the smallest smaller than the number of splits. */
  static final String[] CLASSES = {"a", "b", "c", "d", "e"};
  static final int[] SIZES = {1000, 237, 41, 7, 2};

  static Dataset<Row> fiveClasses(org.apache.spark.sql.SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    int id = 0;
    for (int c = 0; c < CLASSES.length; c++) {
      for (int i = 0; i < SIZES[c]; i++) {
        rows.add(RowFactory.create(id, CLASSES[c], c, (double) c, id * 0.5));
        id++;
      }
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("label", DataTypes.StringType)
        .add("intLabel", DataTypes.IntegerType).add("doubleLabel", DataTypes.DoubleType)
        .add("x", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  /** Per class (label string) -> per split counts. */
  static Map<String, long[]> countsBy(Dataset<Row> assigned, String labelCol, String outCol, int splits) {
    Map<String, long[]> counts = new HashMap<>();
    for (Row r : assigned.groupBy(labelCol, outCol).count().collectAsList()) {
      counts.computeIfAbsent(String.valueOf(r.get(0)), k -> new long[splits])[r.getInt(1)] = r.getLong(2);
    }
    return counts;
  }

  @Test
  void largestRemainderRoundingByHand() {
    double[] w = {0.8, 0.1, 0.1};
    assertArrayEquals(new long[] {800, 100, 100}, StratifiedSplitter.splitSizes(1000, w));
    assertArrayEquals(new long[] {189, 24, 24}, StratifiedSplitter.splitSizes(237, w)); // .6 .7 .7
    assertArrayEquals(new long[] {33, 4, 4}, StratifiedSplitter.splitSizes(41, w)); // .8 .1 .1
    assertArrayEquals(new long[] {5, 1, 1}, StratifiedSplitter.splitSizes(7, w)); // .6 .7 .7
    assertArrayEquals(new long[] {2, 0, 0}, StratifiedSplitter.splitSizes(2, w)); // .6 .2 .2
    assertArrayEquals(new long[] {1, 0, 0}, StratifiedSplitter.splitSizes(1, w));
    assertArrayEquals(new long[] {1, 1, 1}, StratifiedSplitter.splitSizes(3, new double[] {1 / 3.0, 1 / 3.0,
        1 / 3.0}));
    assertArrayEquals(new long[] {4, 3}, StratifiedSplitter.splitSizes(7, new double[] {0.5, 0.5}));
  }

  @Test
  void everyClassSplitsExactlyForStringIntAndDoubleLabels() {
    Dataset<Row> df = fiveClasses(spark);
    long[][] expected = {{800, 100, 100}, {189, 24, 24}, {33, 4, 4}, {5, 1, 1}, {2, 0, 0}};
    for (String labelCol : new String[] {"label", "intLabel", "doubleLabel"}) {
      Dataset<Row> out = new StratifiedSplitter().setLabelCol(labelCol).setSeed(7).transform(df);
      assertEquals(df.count(), out.count(), "no row lost");
      Map<String, long[]> counts = countsBy(out, "label", "split", 3);
      for (int c = 0; c < CLASSES.length; c++) {
        assertArrayEquals(expected[c], counts.get(CLASSES[c]), labelCol + " class " + CLASSES[c]);
      }
    }
  }

  @Test
  void splitReturnsDisjointFramesCoveringTheInput() {
    Dataset<Row> df = fiveClasses(spark);
    Dataset<Row>[] parts = new StratifiedSplitter().setWeights(0.7, 0.3).setLabelCol("label").split(df);
    assertEquals(2, parts.length);
    assertEquals(df.columns().length, parts[0].columns().length, "split column dropped");
    long a = parts[0].count();
    long b = parts[1].count();
    assertEquals(df.count(), a + b);
    assertEquals(0, parts[0].select("id").intersect(parts[1].select("id")).count());
    // 1000*.7=700, 237*.7=165.9->166, 41*.7=28.7->29, 7*.7=4.9->5, 2*.7=1.4->1 (remainders .4 vs .6 -> split 1)
    assertEquals(700 + 166 + 29 + 5 + 1, a);
  }

  @Test
  void sameSeedSameAssignmentWhateverThePartitioning() {
    Dataset<Row> df = fiveClasses(spark);
    StratifiedSplitter s = new StratifiedSplitter().setSeed(11);
    List<String> one = sortedRows(s.transform(df.coalesce(1)).select("id", "split"));
    List<String> many = sortedRows(s.transform(df.repartition(7, col("x"))).select("id", "split"));
    assertEquals(one, many);
    List<String> otherSeed = sortedRows(new StratifiedSplitter().setSeed(12).transform(df).select("id", "split"));
    assertNotEquals(one, otherSeed);
  }

  @Test
  void rowsThatDifferOnlyInAMapColumnSplitTheSameWhateverThePartitioning() {
    // 400 rows of two classes whose only other content is a map (and an array of maps): before maps were
    // hashed, every row of a class tied and the order of the partitions decided the split
    Dataset<Row> df = spark.range(0, 400).selectExpr("cast(id % 2 as double) as label",
        "map('k', id * 7 % 400) as m", "array(map('a', id % 3)) as am");
    StratifiedSplitter s = new StratifiedSplitter().setSeed(5).setWeights(0.5, 0.5);
    List<String> one = sortedRows(s.transform(df.coalesce(1)).selectExpr("m['k'] as key", "split"));
    List<String> many = sortedRows(s.transform(df.repartition(7)).selectExpr("m['k'] as key", "split"));
    List<String> reversed = sortedRows(s.transform(df.orderBy(col("m").getItem("k").desc()).repartition(3))
        .selectExpr("m['k'] as key", "split"));
    assertEquals(400, one.size());
    assertEquals(one, many);
    assertEquals(one, reversed);
    assertEquals(200, s.transform(df).filter("split = 0").count());
    List<String> folds = sortedRows(new StratifiedKFold().setNumFolds(4).setSeed(5).transform(df.repartition(5))
        .selectExpr("m['k'] as key", "fold"));
    assertEquals(folds, sortedRows(new StratifiedKFold().setNumFolds(4).setSeed(5).transform(df.coalesce(1))
        .selectExpr("m['k'] as key", "fold")));
  }

  @Test
  void paramsAndPersistence() throws Exception {
    StratifiedSplitter s = new StratifiedSplitter().setWeights(0.6, 0.2, 0.2).setSeed(3).setOutputCol("part");
    assertParamsWellFormed(s);
    StratifiedSplitter loaded = assertRoundTrip(s);
    Dataset<Row> df = fiveClasses(spark);
    assertEquals(sortedRows(s.transform(df)), sortedRows(loaded.transform(df)));
  }

  @Test
  void badInputFailsWithAClearMessage() {
    Dataset<Row> df = fiveClasses(spark);
    String missing = assertThrows(IllegalArgumentException.class,
        () -> new StratifiedSplitter().setLabelCol("nope").transform(df)).getMessage();
    assertTrue(missing.contains("StratifiedSplitter") && missing.contains("labelCol") && missing.contains("'nope'")
        && missing.contains("Available columns"), missing);

    Dataset<Row> vec = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1.0))),
        new StructType().add("label", new org.apache.spark.ml.linalg.VectorUDT()));
    String type = assertThrows(IllegalArgumentException.class, () -> new StratifiedSplitter().transform(vec))
        .getMessage();
    assertTrue(type.contains("type vector") && type.contains("string, numeric or boolean"), type);

    Dataset<Row> withNull = spark.createDataFrame(List.of(RowFactory.create(1, "a"), RowFactory.create(2, null)),
        new StructType().add("id", DataTypes.IntegerType).add("label", DataTypes.StringType));
    String nul = assertThrows(IllegalArgumentException.class, () -> new StratifiedSplitter().transform(withNull))
        .getMessage();
    assertTrue(nul.contains("1 null labels") && nul.contains("'label'"), nul);

    Dataset<Row>[] empty = new StratifiedSplitter().split(df.limit(0)); // empty in, empty splits out
    assertEquals(new StratifiedSplitter().getWeights().length, empty.length);
    for (Dataset<Row> part : empty) {
      assertEquals(0, part.count());
    }

    String weights = assertThrows(IllegalArgumentException.class,
        () -> new StratifiedSplitter().setWeights(0.5, 0.4)).getMessage();
    assertTrue(weights.contains("StratifiedSplitter") && weights.contains("weights") && weights.contains("[0.5,0.4]") && weights.contains("summing to 1"), weights);

    String exists = assertThrows(IllegalArgumentException.class,
        () -> new StratifiedSplitter().setOutputCol("x").transform(df)).getMessage();
    assertTrue(exists.contains("outputCol") && exists.contains("already exists"), exists);
  }
}
