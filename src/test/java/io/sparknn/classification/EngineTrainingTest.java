package io.sparknn.classification;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StratifiedSplitter;
import io.sparknn.regression.NeuralRegressionModel;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * The {@code nd4j} engine (ND4J ops on nd4j-native, the calls a GPU runs) trains the bundled real data sets with
 * default params as well as the {@code jvm} engine, and saved models score the same whichever engine trained or
 * scores them.
 */
class EngineTrainingTest extends SparkTestBase {
  /**
   * A bundled table split 80/20 (stratified, seed 42) into {train, test}: string columns index-encoded (embeddings),
   * numbers z-scored, the label indexed ({@code positive} = null) or 1.0 for {@code positive}.
   */
  private Dataset<Row>[] table(String file, String label, String positive) {
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true")
        .csv("examples/data/" + file);
    raw = raw.toDF(Arrays.stream(raw.columns()).map(c -> c.replace('.', '_')).toArray(String[]::new));
    Dataset<Row> labelled = positive == null
        ? new StringIndexer().setInputCol(label).setOutputCol("label").fit(raw).transform(raw)
        : raw.withColumn("label", col(label).equalTo(positive).cast("double"));
    List<StructField> inputs = Arrays.stream(raw.schema().fields()).filter(f -> !f.name().equals(label)).toList();
    String[] strings = inputs.stream().filter(f -> f.dataType() instanceof StringType).map(StructField::name)
        .toArray(String[]::new);
    String[] numbers = inputs.stream().filter(f -> !(f.dataType() instanceof StringType)).map(StructField::name)
        .toArray(String[]::new);
    String[] encoded = Arrays.stream(strings).map(c -> "e_" + c).toArray(String[]::new);
    String[] scaled = Arrays.stream(numbers).map(c -> "z_" + c).toArray(String[]::new);
    String[] assembled = java.util.stream.Stream.of(encoded, scaled).flatMap(Arrays::stream).toArray(String[]::new);
    Dataset<Row>[] parts = new StratifiedSplitter().setWeights(0.8, 0.2).setSeed(42).split(labelled);
    PipelineStage[] stages = strings.length == 0
        ? new PipelineStage[] {new Standardizer().setInputCols(numbers).setOutputCols(scaled)}
        : new PipelineStage[] {new CategoricalEncoder().setInputCols(strings).setOutputCols(encoded)
            .setEncoding("index").setHandleInvalid("keep"),
            new Standardizer().setInputCols(numbers).setOutputCols(scaled).setHandleInvalid("keep")};
    Pipeline prep = new Pipeline().setStages(java.util.stream.Stream.concat(Arrays.stream(stages), java.util.stream
        .Stream.of(new VectorAssembler().setInputCols(assembled).setOutputCol("features")))
        .toArray(PipelineStage[]::new));
    var model = prep.fit(parts[0]);
    parts[0] = model.transform(parts[0]).select("label", "features").cache();
    parts[1] = model.transform(parts[1]).select("label", "features").cache();
    return parts;
  }

  private static double metric(NeuralClassificationModel m, Dataset<Row> test, String name) {
    return new MetricsEvaluator().setMetricName(name).evaluate(m.transform(test));
  }

  /**
   * Fits the default classifier on {train, test}[0] with each engine, checks the {@code jvm} test metric reaches
   * {@code floor} and {@code nd4j} is within 0.01 of it; returns {jvm model, nd4j model}.
   */
  private static NeuralClassificationModel[] fitOnBothEngines(Dataset<Row>[] data, String name, String metric,
      double floor) {
    NeuralClassificationModel jvm = new NeuralClassifier().setEngine("jvm").fit(data[0]);
    NeuralClassificationModel nd4j = new NeuralClassifier().setEngine("nd4j").fit(data[0]);
    double a = metric(jvm, data[1], metric);
    double b = metric(nd4j, data[1], metric);
    System.out.printf("engine parity, %s test %s: jvm %.4f, nd4j %.4f%n", name, metric, a, b);
    assertTrue(a >= floor && Math.abs(a - b) <= 0.01, name + " " + metric + ": jvm " + a + ", nd4j " + b);
    return new NeuralClassificationModel[] {jvm, nd4j};
  }

  /** Saves {@code model}, loads it, scores {@code test} with the other engine: the same logits within 1e-4. */
  private void assertOtherEngineScoresTheSame(NeuralClassificationModel model, Dataset<Row> test, String what)
      throws Exception {
    String saved = path(what.replace(' ', '-'));
    model.write().overwrite().save(saved);
    NeuralClassificationModel loaded = NeuralClassificationModel.load(saved);
    assertEquals(model.getEngine(), loaded.getEngine(), "the engine param is saved like every param");
    String other = model.getEngine().equals("jvm") ? "nd4j" : "jvm";
    assertSameScores(model.transform(test).select("rawPrediction", "prediction").collectAsList(),
        loaded.setEngine(other).transform(test).select("rawPrediction", "prediction").collectAsList(),
        what + " scored by " + model.getEngine() + " and, after load, by " + other);
  }

  @Test
  void nd4jTrainsLetterAndChurnWithinOneHundredthOfJvm() throws Exception {
    Dataset<Row>[] letter = table("letter.csv", "lettr", null);
    NeuralClassificationModel[] onLetter = fitOnBothEngines(letter, "letter", "accuracy", 0.94);
    assertOtherEngineScoresTheSame(onLetter[1], letter[1], "nd4j-trained letter model");

    Dataset<Row>[] churn = table("wa_churn.csv", "churn", "Yes");
    NeuralClassificationModel[] onChurn = fitOnBothEngines(churn, "wa_churn", "auc", 0.82);
    assertTrue(onChurn[0].networkSpec().nominalSlots().length > 0, "wa_churn trains embeddings on both engines");
    assertOtherEngineScoresTheSame(onChurn[0], churn[1], "jvm-trained churn model (embeddings)");
  }

  private static void assertSameScores(List<Row> a, List<Row> b, String what) {
    assertEquals(a.size(), b.size(), what + ": rows");
    for (int i = 0; i < a.size(); i++) {
      double[] x = ((Vector) a.get(i).get(0)).toArray();
      double[] y = ((Vector) b.get(i).get(0)).toArray();
      for (int j = 0; j < x.length; j++) {
        assertEquals(x[j], y[j], 1e-4 * Math.max(1, Math.abs(x[j])), what + ": row " + i + " logit " + j);
      }
    }
  }

  @Test
  void regressorTrainsAndScoresOnNd4jWithMixupAndNoise() {
    Dataset<Row>[] churn = table("wa_churn.csv", "churn", "Yes");
    // the churn indicator as a regression target (a probability estimate), with every augmentation on nd4j
    Dataset<Row> train = churn[0];
    NeuralRegressor r = new NeuralRegressor().setEngine("nd4j").setMaxEpochs(10).setParam("mixup", 0.2)
        .setParam("inputNoise", 0.05).setParam("dropout", 0.1).setParam("normalization", "batch")
        .setParam("clipNorm", 1.0).setLabelCol("label");
    NeuralRegressionModel m = r.fit(train);
    double rmse = new MetricsEvaluator().setMetricName("rmse").evaluate(m.transform(churn[1]));
    double jvmRmse = new MetricsEvaluator().setMetricName("rmse").evaluate(m.setEngine("jvm").transform(churn[1]));
    assertEquals(rmse, jvmRmse, 1e-5, "one model, two scoring engines");
    double mean = train.selectExpr("avg(label)").first().getDouble(0);
    double constant = Math.sqrt(churn[1].selectExpr("avg((label - " + mean + ") * (label - " + mean + "))").first()
        .getDouble(0));
    // the named baseline: the training mean on every held-out row (measured: 0.374 against 0.44)
    assertTrue(rmse < 0.92 * constant, "held-out RMSE " + rmse + " against the constant predictor's " + constant);
  }
}
