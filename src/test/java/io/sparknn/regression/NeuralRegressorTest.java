package io.sparknn.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.evaluation.MetricsReport;
import io.sparknn.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class NeuralRegressorTest extends SparkTestBase {
  /** y = 1000 + 300·sin(2 x₀) + 200·x₁² + noise(10): nonlinear, far from zero mean and unit scale. */
  Dataset<Row> curve(int n, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = r.nextGaussian();
      double b = r.nextGaussian();
      rows.add(RowFactory.create(i, 1000 + 300 * Math.sin(2 * a) + 200 * b * b + 10 * r.nextGaussian(),
          Vectors.dense(a, b, r.nextGaussian())));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("label", DataTypes.DoubleType).add("features", new VectorUDT()));
  }

  NeuralRegressor small() {
    return new NeuralRegressor().setHiddenLayers(32, 32).setLearningRate(0.01).setBatchSize(64).setMaxEpochs(40);
  }

  @Test
  void learnsInTheLabelsUnitsAndRoundTrips() throws Exception {
    NeuralRegressionModel m = small().fit(curve(3000, 1));
    Dataset<Row> scored = m.transform(curve(1000, 2));
    MetricsReport report = new MetricsEvaluator().evaluateAll(scored);
    assertTrue(report.metric("r2") > 0.97, "R² " + report.metric("r2"));
    assertTrue(report.metric("rmse") < 60, "RMSE " + report.metric("rmse") + " (label std ≈ 330)");
    assertEquals("rmse", m.summary().metricName());
    double lastRmse = m.summary().epochs().get(m.summary().bestEpoch()).validationMetric();
    assertTrue(lastRmse < 60, "validation RMSE is reported in label units: " + lastRmse);
    assertEquals(List.of("id", "label", "features", "prediction"), List.of(scored.columns()));
    assertParamsWellFormed(m);
    NeuralRegressionModel loaded = assertRoundTrip(m);
    assertEquals(sortedRows(scored), sortedRows(loaded.transform(curve(1000, 2))));
  }

  @Test
  void robustLossesTrainAndWrongLossKindFails() {
    Dataset<Row> df = curve(600, 3);
    Dataset<Row> heldOut = curve(1000, 4);
    for (String loss : new String[] {"mae", "huber(0.5)"}) {
      double r2 = new MetricsEvaluator().setMetricName("r2")
          .evaluate(small().setParam("loss", loss).fit(df).transform(heldOut));
      // R² 0 is the constant (mean) predictor
      assertTrue(r2 > 0.9, loss + ": R² " + r2 + " on 1,000 held-out rows");
    }
    String msg = assertThrows(IllegalArgumentException.class,
        () -> small().setParam("loss", "crossEntropy").fit(df)).getMessage();
    assertTrue(msg.contains("loss") && msg.contains("classification loss") && msg.contains("mse"), msg);
    String empty = assertThrows(IllegalArgumentException.class, () -> small().fit(df.limit(0))).getMessage();
    assertTrue(empty.contains("empty"), empty);
  }
}
