package io.sparknn

import io.sparknn.evaluation.{MetricsEvaluator, MetricsReport}
import org.apache.spark.ml.attribute.AttributeGroup
import org.apache.spark.ml.functions.array_to_vector
import org.apache.spark.sql.functions.{array, col, lit}

/** MetricsEvaluator from Scala: one report with every metric, and evaluate() for a single one. */
class EvaluationSuite extends SparkSuite {
  test("binary scores: every metric in one report, matching scikit-learn") {
    val scored = spark.read.option("header", "true").option("inferSchema", "true")
      .csv(getClass.getResource("/metrics/binary.csv").getPath)
      .withColumn("probability", array_to_vector(array(lit(1.0) - col("score"), col("score")))
        .as("probability", new AttributeGroup("probability", 2).toMetadata()))
    val report: MetricsReport = new MetricsEvaluator().evaluateAll(scored)
    // scikit-learn 1.2.1 on the same table (src/test/resources/metrics/expected.json)
    assert(math.abs(report.metric("auc") - 0.8884698069825824) < 1e-9)
    assert(math.abs(report.metric("f1_binary") - 0.6046170758519605) < 1e-9)
    assert(report.confusionMatrix()(1)(1) == 825.0)
    val auc = new MetricsEvaluator().setMetricName("auc").evaluate(scored)
    assert(auc == report.metric("auc"))
    assert(report.toString.contains("auc"))
  }
}
