package io.sparknn

import io.sparknn.classification.{NeuralClassificationModel, NeuralClassifier}
import io.sparknn.evaluation.MetricsEvaluator
import io.sparknn.feature.{CategoricalEncoder, Standardizer, StratifiedKFold, StratifiedSplitter}
import io.sparknn.regression.{NeuralRegressionModel, NeuralRegressor}
import org.apache.spark.ml.linalg.Vectors
import org.apache.spark.ml.param.{ParamMap, ParamsSuite}
import org.apache.spark.ml.util.MLTestingUtils

/**
 * Apache Spark's own MLlib test utilities (the spark-mllib `tests` jar) applied to every sparknn stage: the checks
 * MLlib's suites run on MLlib's stages.
 */
class SparkConformanceSuite extends SparkSuite {
  private def blobs = spark.createDataFrame((0 until 120).map { i =>
    val c = i % 2
    (c.toDouble, Vectors.dense(c * 3 + (i % 7) * 0.1, (i % 5) * 0.2))
  }).toDF("label", "features")

  private def classifier = new NeuralClassifier().setHiddenLayers(4).setMaxEpochs(3).setEnsembleFolds(1)
  private def regressor = new NeuralRegressor().setHiddenLayers(4).setMaxEpochs(3).setEnsembleFolds(1)

  test("ParamsSuite.checkParams: params ordered, owned by the stage, copy returns the stage's class") {
    val df = blobs
    val c = classifier.fit(df)
    val r = regressor.fit(df)
    val num = df.withColumn("x", df("label") * 2)
    val std = new Standardizer().setInputCols("x").setOutputCols("x_z")
    val enc = new CategoricalEncoder().setInputCols("label").setOutputCols("label_i")
    for (stage <- Seq(new NeuralClassifier(), new NeuralRegressor(), c, r, new StratifiedSplitter(),
        new StratifiedKFold(), std, std.fit(num), enc, enc.fit(df), new MetricsEvaluator())) {
      ParamsSuite.checkParams(stage)
    }
  }

  test("MLTestingUtils.checkCopyAndUids: the model keeps the estimator's uid, copy keeps it and the parent") {
    val df = blobs
    val c = classifier
    MLTestingUtils.checkCopyAndUids(c, c.fit(df))
    val r = regressor
    MLTestingUtils.checkCopyAndUids(r, r.fit(df))
    val std = new Standardizer().setInputCols("label").setOutputCols("label_z")
    MLTestingUtils.checkCopyAndUids(std, std.fit(df))
  }

  /**
   * Runs an MLlib check whose last step compares a string label's error with MLlib's own wording; our message is
   * clearer (stage, uid, param, column, type, fix), so that step fails, after every numeric type has passed: this
   * asserts our wording there instead.
   */
  private def withOurLabelMessage(check: => Unit): Unit = {
    val e = intercept[org.scalatest.exceptions.TestFailedException](check)
    assert(e.getMessage.contains("labelCol: column 'label' has type string but must be numeric"), e.getMessage)
  }

  test("MLTestingUtils.checkNumericTypes: byte/short/int/long/float/decimal labels give the double label's model") {
    withOurLabelMessage(MLTestingUtils.checkNumericTypes[NeuralClassificationModel, NeuralClassifier](classifier,
      spark) { (a, b) => assert(a.network().toFloats.sameElements(b.network().toFloats)) })
    withOurLabelMessage(MLTestingUtils.checkNumericTypes[NeuralRegressionModel, NeuralRegressor](regressor, spark,
      isClassification = false) { (a, b) => assert(a.network().toFloats.sameElements(b.network().toFloats)) })
    withOurLabelMessage(MLTestingUtils.checkNumericTypes(new MetricsEvaluator().setMetricName("accuracy"), spark))
  }

  test("a copy with an extra ParamMap carries the extra value, and thresholds reach the model") {
    val c = classifier
    val copied = c.copy(ParamMap(c.thresholds -> Array(0.4, 0.6)))
    assert(copied.getThresholds.toSeq == Seq(0.4, 0.6) && !c.isDefined(c.thresholds))
    assert(copied.fit(blobs).getThresholds.toSeq == Seq(0.4, 0.6))
  }
}
