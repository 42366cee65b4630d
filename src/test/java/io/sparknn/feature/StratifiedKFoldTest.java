package io.sparknn.feature;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.testing.SparkTestBase;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class StratifiedKFoldTest extends SparkTestBase {

  @Test
  void perClassAndOverallFoldSizesDifferByAtMostOne() {
    Dataset<Row> df = StratifiedSplitterTest.fiveClasses(spark);
    Dataset<Row> out = new StratifiedKFold().setNumFolds(4).setSeed(5).transform(df);
    Map<String, long[]> counts = StratifiedSplitterTest.countsBy(out, "label", "fold", 4);
    for (int c = 0; c < StratifiedSplitterTest.CLASSES.length; c++) {
      long[] f = counts.get(StratifiedSplitterTest.CLASSES[c]);
      long n = StratifiedSplitterTest.SIZES[c];
      assertEquals(n, Arrays.stream(f).sum());
      assertTrue(Arrays.stream(f).max().getAsLong() - Arrays.stream(f).min().getAsLong() <= 1,
          "class " + c + " folds " + Arrays.toString(f));
    }
    long[] overall = new long[4];
    for (Row r : out.groupBy("fold").count().collectAsList()) {
      overall[r.getInt(0)] = r.getLong(1);
    }
    // 1287 rows into 4 folds: 322, 322, 322, 321 in some order
    assertEquals(1, Arrays.stream(overall).max().getAsLong() - Arrays.stream(overall).min().getAsLong());
    assertEquals(1287, Arrays.stream(overall).sum());
  }

  @Test
  void deterministicAcrossPartitioning() {
    Dataset<Row> df = StratifiedSplitterTest.fiveClasses(spark);
    StratifiedKFold k = new StratifiedKFold().setNumFolds(3).setLabelCol("intLabel");
    assertEquals(sortedRows(k.transform(df.coalesce(1)).select("id", "fold")),
        sortedRows(k.transform(df.repartition(5, col("x"))).select("id", "fold")));
  }

  @Test
  void foldColumnDrivesCrossValidator() {
    Dataset<Row> raw = StratifiedSplitterTest.fiveClasses(spark)
        .withColumn("y", col("intLabel").equalTo(0).cast("double"))
        .withColumn("noise", org.apache.spark.sql.functions.rand(1));
    Dataset<Row> df = new VectorAssembler().setInputCols(new String[] {"doubleLabel", "noise"})
        .setOutputCol("features").transform(raw);
    Dataset<Row> folded = new StratifiedKFold().setLabelCol("y").setNumFolds(3).setOutputCol("fold").transform(df);
    LogisticRegression lr = new LogisticRegression().setLabelCol("y").setMaxIter(20);
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.0, 10.0}).build();
    CrossValidator cv = new CrossValidator().setEstimator(lr).setEstimatorParamMaps(grid)
        .setEvaluator(new BinaryClassificationEvaluator().setLabelCol("y")).setNumFolds(3).setFoldCol("fold");
    CrossValidatorModel m = cv.fit(folded);
    assertEquals(2, m.avgMetrics().length);
    // "doubleLabel" separates class a (y=1) perfectly: the unregularized model must reach AUC 1 on every fold.
    assertEquals(1.0, m.avgMetrics()[0], 1e-12);
    assertTrue(m.avgMetrics()[0] >= m.avgMetrics()[1]);
  }

  @Test
  void paramsPersistenceAndBadInput() throws Exception {
    StratifiedKFold k = new StratifiedKFold().setNumFolds(3).setSeed(9);
    assertParamsWellFormed(k);
    StratifiedKFold loaded = assertRoundTrip(k);
    Dataset<Row> df = StratifiedSplitterTest.fiveClasses(spark);
    assertEquals(sortedRows(k.transform(df)), sortedRows(loaded.transform(df)));
    String msg = assertThrows(IllegalArgumentException.class, () -> new StratifiedKFold().setNumFolds(1))
        .getMessage();
    assertTrue(msg.contains("numFolds") && msg.contains(">= 2"), msg);
    Dataset<Row> empty = new StratifiedKFold().transform(df.limit(0)); // an empty fold stays empty, as in MLlib
    assertEquals(0, empty.count());
    assertEquals("fold", empty.columns()[empty.columns().length - 1]);
    assertEquals(List.of("fold"), Arrays.asList(new StratifiedKFold().transformSchema(df.schema())
        .fieldNames()).subList(df.columns().length, df.columns().length + 1));
  }
}
