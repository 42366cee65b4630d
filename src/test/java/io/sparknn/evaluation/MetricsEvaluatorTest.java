package io.sparknn.evaluation;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparknn.testing.JobCounter;
import io.sparknn.testing.SparkTestBase;
import java.io.IOException;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every value of scikit-learn 1.2.1 in src/test/resources/metrics/expected.json, reproduced within 1e-9. */
class MetricsEvaluatorTest extends SparkTestBase {
  static final double TOL = 1e-9;
  JsonNode expected;

  @BeforeAll
  void readExpected() throws IOException {
    expected = new ObjectMapper().readTree(getClass().getResource("/metrics/expected.json"));
  }

  Dataset<Row> csv(String name) {
    return spark.read().option("header", "true").option("inferSchema", "true")
        .csv(getClass().getResource("/metrics/" + name).getPath());
  }

  /** A probability vector column with the ML metadata Spark's classifiers write (its size). */
  static Dataset<Row> withProbability(Dataset<Row> df, int k, org.apache.spark.sql.Column... p) {
    return df.withColumn("probability", functions.array_to_vector(array(p))
        .as("probability", new AttributeGroup("probability", k).toMetadata()));
  }

  Dataset<Row> binary() {
    return withProbability(csv("binary.csv"), 2, lit(1.0).minus(col("score")), col("score"));
  }

  Dataset<Row> multiclass() {
    return withProbability(csv("multiclass.csv"), 4, col("p0"), col("p1"), col("p2"), col("p3"));
  }

  static void assertMatrix(JsonNode expected, double[][] actual) {
    assertEquals(expected.size(), actual.length);
    for (int r = 0; r < actual.length; r++) {
      for (int c = 0; c < actual.length; c++) {
        assertEquals(expected.get(r).get(c).asDouble(), actual[r][c], 0.0, "confusion[" + r + "][" + c + "]");
      }
    }
  }

  @Test
  void rowsWhoseWeightsSumToZeroFailNamingWeightColInsteadOfNaN() {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df = spark.range(0, 10).selectExpr(
        "cast(id % 2 as double) as label", "cast(id % 2 as double) as prediction", "0.0 as w",
        "cast(id as double) as y", "cast(id as double) + 0.5 as yhat");
    IllegalArgumentException c = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new MetricsEvaluator().setWeightCol("w").setMetricName("accuracy").evaluate(df));
    assertTrue(c.getMessage().contains("weightCol") && c.getMessage().contains("10 row(s)")
        && c.getMessage().contains("sum to 0.0"), c.getMessage());
    IllegalArgumentException r = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new MetricsEvaluator().setWeightCol("w").setLabelCol("y").setPredictionCol("yhat")
            .setMetricName("rmse").evaluate(df));
    assertTrue(r.getMessage().contains("weightCol"), r.getMessage());
    // one positive weight is enough
    assertEquals(1.0, new MetricsEvaluator().setWeightCol("w").setMetricName("accuracy")
        .evaluate(df.withColumn("w", org.apache.spark.sql.functions.expr("if(y = 3, 2.0, 0.0)"))), 0);
  }

  @Test
  void binaryMatchesScikitLearn() {
    JsonNode e = expected.get("binary");
    MetricsReport r = new MetricsEvaluator().evaluateAll(binary());
    assertEquals(5000, r.rows());
    assertEquals(e.get("accuracy").asDouble(), r.metric("accuracy"), TOL);
    assertEquals(e.get("precision").asDouble(), r.metric("precision_binary"), TOL);
    assertEquals(e.get("recall").asDouble(), r.metric("recall_binary"), TOL);
    assertEquals(e.get("f1").asDouble(), r.metric("f1_binary"), TOL);
    assertEquals(e.get("auc").asDouble(), r.metric("auc"), TOL);
    assertEquals(e.get("prAuc_average_precision").asDouble(), r.metric("prAuc"), TOL);
    assertEquals(e.get("logLoss").asDouble(), r.metric("logLoss"), TOL);
    assertMatrix(e.get("confusion_matrix_rows_true_cols_pred"), r.confusionMatrix());
    double[][] roc = r.rocCurve(0);
    assertTrue(roc.length <= MetricsEvaluator.MAX_CURVE_POINTS + 1);
    assertEquals(1.0, roc[roc.length - 1][0], 1e-12);
    assertEquals(1.0, roc[roc.length - 1][1], 1e-12);

    JsonNode w = e.get("weighted");
    MetricsReport rw = new MetricsEvaluator().setWeightCol("weight").evaluateAll(binary());
    assertEquals(w.get("accuracy").asDouble(), rw.metric("accuracy"), TOL);
    assertEquals(w.get("f1").asDouble(), rw.metric("f1_binary"), TOL);
    assertEquals(w.get("auc").asDouble(), rw.metric("auc"), TOL);
  }

  @Test
  void multiclassMatchesScikitLearn() {
    JsonNode e = expected.get("multiclass");
    MetricsReport r = new MetricsEvaluator().evaluateAll(multiclass());
    for (String name : new String[] {"accuracy", "f1_macro", "f1_weighted", "precision_macro", "recall_macro",
        "precision_weighted", "recall_weighted", "logLoss"}) {
      assertEquals(e.get(name).asDouble(), r.metric(name), TOL, name);
    }
    assertEquals(e.get("auc_ovr_macro").asDouble(), r.metric("auc_macro"), TOL);
    assertEquals(e.get("auc_ovr_weighted").asDouble(), r.metric("auc_weighted"), TOL);
    assertMatrix(e.get("confusion_matrix_rows_true_cols_pred"), r.confusionMatrix());
    assertEquals(4, r.curveCount());
    assertTrue(r.toString().contains("auc_macro") && r.toJson().startsWith("{\"task\":\"classification\""));
  }

  @Test
  void regressionMatchesScikitLearn() {
    JsonNode e = expected.get("regression");
    MetricsReport r = new MetricsEvaluator().setTask("regression").evaluateAll(csv("regression.csv"));
    for (String name : new String[] {"rmse", "mse", "mae", "r2"}) {
      assertEquals(e.get(name).asDouble(), r.metric(name), TOL * Math.max(1, Math.abs(r.metric(name))), name);
    }
    MetricsReport rw = new MetricsEvaluator().setTask("regression").setWeightCol("weight")
        .evaluateAll(csv("regression.csv"));
    for (String name : new String[] {"rmse", "mae", "r2"}) {
      assertEquals(e.get("weighted").get(name).asDouble(), rw.metric(name), TOL * Math.max(1, rw.metric(name)),
          name);
    }
    // task auto: no score columns -> regression; metricName set -> its task
    assertEquals(r.metric("r2"), new MetricsEvaluator().evaluateAll(csv("regression.csv")).metric("r2"), 0.0);
    assertEquals(r.metric("mae"), new MetricsEvaluator().setMetricName("mae").evaluate(csv("regression.csv")), 0.0);
  }

  @Test
  void evaluatePicksTheMetricAndItsDirection() {
    JsonNode e = expected.get("multiclass");
    MetricsEvaluator ev = new MetricsEvaluator();
    assertEquals(e.get("f1_weighted").asDouble(), ev.evaluate(multiclass()), TOL, "default f1, weighted");
    assertEquals(e.get("auc_ovr_macro").asDouble(),
        ev.setMetricName("auc").setAveraging("macro").evaluate(multiclass()), TOL);
    assertEquals(e.get("precision_macro").asDouble(), ev.setMetricName("precision").evaluate(multiclass()), TOL);
    assertEquals(expected.get("binary").get("f1").asDouble(),
        new MetricsEvaluator().setAveraging("binary").evaluate(binary()), TOL);
    assertTrue(ev.setMetricName("auc").isLargerBetter());
    assertFalse(ev.setMetricName("logLoss").isLargerBetter());
    assertFalse(ev.setMetricName("rmse").isLargerBetter());
    assertTrue(ev.setMetricName("r2").isLargerBetter());
    Dataset<Row> noScores = multiclass().drop("probability");
    MetricsReport plain = new MetricsEvaluator().setTask("classification").evaluateAll(noScores);
    assertEquals(e.get("accuracy").asDouble(), plain.metric("accuracy"), TOL);
    assertEquals(4, plain.confusionMatrix().length, "classes inferred from labels and predictions");
    assertEquals(0, plain.curveCount());
    String binOnMulti = assertThrows(IllegalArgumentException.class,
        () -> new MetricsEvaluator().setAveraging("binary").evaluate(multiclass())).getMessage();
    assertTrue(binOnMulti.contains("averaging") && binOnMulti.contains("4"), binOnMulti);
  }

  @Test
  void evaluateAllReadsTheDataOnceForMetricsAndOnceForTheSort() throws Exception {
    Dataset<Row> df = binary().cache();
    df.count();
    // one aggregation + one sort of the distinct scores; without AUC, the aggregation alone
    assertEquals(2, JobCounter.sourcePasses(spark, () -> new MetricsEvaluator().evaluateAll(df)));
    assertEquals(1, JobCounter.sourcePasses(spark, () -> new MetricsEvaluator().setMetricName("f1").evaluate(df)));
    Dataset<Row> m = multiclass().cache();
    m.count();
    assertEquals(2, JobCounter.sourcePasses(spark, () -> new MetricsEvaluator().evaluateAll(m)));
  }

  @Test
  void worksInCrossValidatorAndTrainValidationSplitAndSurvivesSaveLoad() throws Exception {
    Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"p0", "p1", "p2"}).setOutputCol("features")
        .transform(csv("multiclass.csv")).select("label", "features").limit(1500);
    LogisticRegression lr = new LogisticRegression().setMaxIter(30).setFamily("multinomial");
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {0.0, 1.0}).build();
    MetricsEvaluator auc = new MetricsEvaluator().setMetricName("auc").setAveraging("macro");
    CrossValidatorModel cv = new CrossValidator().setEstimator(lr).setEstimatorParamMaps(grid).setEvaluator(auc)
        .setNumFolds(3).setSeed(1).fit(data);
    assertEquals(2, cv.avgMetrics().length);
    assertTrue(cv.avgMetrics()[0] > 0.75 && cv.avgMetrics()[0] <= 1.0, "AUC " + cv.avgMetrics()[0]);
    assertTrue(cv.avgMetrics()[0] > cv.avgMetrics()[1], "strong regularization must lose AUC");
    String p = path("cv");
    cv.write().save(p);
    CrossValidatorModel loaded = CrossValidatorModel.load(p);
    assertTrue(loaded.getEvaluator() instanceof MetricsEvaluator);
    assertEquals(auc.evaluate(cv.transform(data)), loaded.getEvaluator().evaluate(loaded.transform(data)), 1e-12);

    TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(lr).setEstimatorParamMaps(grid)
        .setEvaluator(auc).setTrainRatio(0.7).setSeed(1).fit(data);
    assertEquals(2, tvs.validationMetrics().length);
    assertTrue(tvs.validationMetrics()[0] > tvs.validationMetrics()[1]);
  }

  @Test
  void paramsAndPersistence() throws Exception {
    MetricsEvaluator ev = new MetricsEvaluator().setMetricName("prAuc").setAveraging("macro").setWeightCol("w");
    assertParamsWellFormed(ev);
    assertRoundTrip(ev);
  }

  @Test
  void badInputNamesTheColumn() {
    Dataset<Row> b = binary();
    MetricsEvaluator ev = new MetricsEvaluator();
    String nanPred = rootMessage(assertThrows(Exception.class, () -> ev.evaluateAll(
        b.withColumn("prediction", when(col("score").equalTo(0.44), Double.NaN).otherwise(col("prediction"))))));
    assertTrue(nanPred.contains("predictionCol: column 'prediction' has a non-finite prediction"), nanPred);
    String nullProb = rootMessage(assertThrows(Exception.class, () -> ev.evaluateAll(
        b.withColumn("probability", when(col("score").equalTo(0.44), null).otherwise(col("probability"))))));
    assertTrue(nullProb.contains("column 'probability' has a null score vector"), nullProb);
    Dataset<Row> three = withProbability(csv("binary.csv"), 3, lit(0.2), lit(0.3), lit(0.5))
        .withColumn("probability", when(col("score").equalTo(0.44),
            functions.array_to_vector(array(lit(0.5), lit(0.5)))).otherwise(col("probability"))
            .as("probability", new AttributeGroup("probability", 3).toMetadata()));
    String wrongLength = rootMessage(assertThrows(Exception.class, () -> ev.evaluateAll(three)));
    assertTrue(wrongLength.contains("vector of size 2") && wrongLength.contains("3 class scores"), wrongLength);
    String outOfRange = rootMessage(assertThrows(Exception.class, () -> ev.evaluateAll(
        b.withColumn("label", when(col("score").equalTo(0.44), 2).otherwise(col("label"))))));
    assertTrue(outOfRange.contains("labelCol: column 'label' has label 2.0") && outOfRange.contains("0..1"),
        outOfRange);
    String empty = assertThrows(IllegalArgumentException.class, () -> ev.evaluateAll(b.limit(0))).getMessage();
    assertTrue(empty.contains("empty"), empty);
    String single = assertThrows(IllegalArgumentException.class,
        () -> ev.evaluateAll(b.filter(col("label").equalTo(1)))).getMessage();
    assertTrue(single.contains("ROC AUC is undefined") && single.contains("class 1"), single);
    String negative = rootMessage(assertThrows(Exception.class, () -> ev.setWeightCol("weight").evaluateAll(
        b.withColumn("weight", when(col("score").equalTo(0.44), -1.0).otherwise(col("weight"))))));
    assertTrue(negative.contains("weightCol: column 'weight' has the negative weight -1.0"), negative);
    String missing = assertThrows(IllegalArgumentException.class,
        () -> new MetricsEvaluator().setLabelCol("y").evaluate(b)).getMessage();
    assertTrue(missing.contains("labelCol") && missing.contains("'y'"), missing);
  }
}
