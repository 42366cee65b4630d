package io.sparknn

import io.sparknn.classification.NeuralClassificationModel
import io.sparknn.feature.{CategoricalEncoder, Standardizer}
import org.apache.spark.ml.Pipeline
import org.apache.spark.ml.classification.OneVsRest
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.VectorAssembler
import org.apache.spark.ml.linalg.Vector
import org.apache.spark.ml.util.MLTest
import org.apache.spark.sql.{DataFrame, Row, SparkSession}
import io.sparknn.classification.NeuralClassifier

/**
 * The MLlib checks that need MLlib's own test session ([[MLTest]]: local[2], Spark's memory streams, Spark's SQL
 * test base): `testTransformer` on a memory stream and a batch, the single-row checks and the `testInvalid*` checks.
 * Compiled and run on Spark 4.0.1 and 4.1.0; Maven Central has no 4.2.0 spark-mllib `tests` jar, and MLlib's 4.1.0
 * `MLTest` does not link against Spark 4.2.0's SQL test classes, so the spark-4.2 profile leaves this directory out
 * (`SparkConformanceSuite` runs there, with a public-API stream check).
 *
 * Where a Spark check compares MLlib's exact error wording, our stages keep their clearer message: the check runs
 * through [[mllibWording]], which asserts our message for each case and only then hands MLlib's phrase to Spark's
 * assertion.
 */
class MLTestConformanceSuite extends MLTest with ConformanceFixtures {
  import testImplicits._

  override protected def session: SparkSession = spark

  // MLTest.testTransformer: every model, and a PipelineModel of them, on a batch and on a memory-stream DataFrame

  test("MLTest.testTransformer: the classification model scores a memory stream as it scores a batch") {
    val df = blobs
    val model = classifier.setThresholds(Array(0.6, 0.4)).fit(df)
    testTransformer[(Double, Vector)](df, model, "features", "rawPrediction", "probability", "prediction") {
      case Row(f: Vector, raw: Vector, p: Vector, pred: Double) =>
        assert(raw === model.predictRaw(f) && p === model.predictProbability(f) && pred === model.predict(f))
        assert(math.abs(p.toArray.sum - 1.0) < 1e-6)
    }
    testPredictionModelSinglePrediction(model, df)
    testClassificationModelSingleRawPrediction(model, df)
    testProbClassificationModelSingleProbPrediction(model, df)
  }

  test("MLTest.testTransformer: the regression model scores a memory stream as it scores a batch") {
    val df = line(200).toDF()
    val model = regressor.setHiddenLayers(16).setMaxEpochs(40).fit(df)
    val variance = df.selectExpr("var_pop(label)").head().getDouble(0)
    testTransformerByGlobalCheckFunc[(Double, Vector)](df, model, "features", "label", "prediction") { rows =>
      rows.foreach { case Row(f: Vector, _: Double, pred: Double) => assert(pred === model.predict(f)) }
      val mse = rows.map { case Row(_, y: Double, pred: Double) => (pred - y) * (pred - y) }.sum / rows.size
      assert(rows.size == 200 && 1 - mse / variance > 0.9, s"R2 ${1 - mse / variance} on y = 2 x0 - x1")
    }
    testPredictionModelSinglePrediction(model, df)
  }

  test("MLTest.testTransformer: Standardizer, CategoricalEncoder and a PipelineModel of them and the classifier") {
    val df = mixed
    val std = new Standardizer().setInputCols("x").setOutputCols("x_z").fit(df)
    val mean = df.selectExpr("avg(x)").head().getDouble(0)
    val sd = df.selectExpr("stddev_samp(x)").head().getDouble(0)
    testTransformer[(Double, Double, String)](df, std, "x", "x_z") {
      case Row(x: Double, z: Double) => assert(math.abs(z - (x - mean) / sd) < 1e-9)
    }
    val enc = new CategoricalEncoder().setInputCols("colour").setOutputCols("colour_i").setEncoding("index").fit(df)
    testTransformerByGlobalCheckFunc[(Double, Double, String)](df, enc, "colour", "colour_i") { rows =>
      val byColour = rows.groupBy(_.getString(0)).map { case (k, rs) => k -> rs.map(_.getDouble(1)).distinct }
      assert(byColour.values.forall(_.size == 1) && byColour.values.flatten.toSet == Set(0.0, 1.0, 2.0))
    }
    val pipeline = new Pipeline().setStages(Array(
      new CategoricalEncoder().setInputCols("colour").setOutputCols("colour_i").setEncoding("onehot"),
      new Standardizer().setInputCols("x").setOutputCols("x_z"),
      new VectorAssembler().setInputCols(Array("x_z", "colour_i")).setOutputCol("features"),
      classifier.setMaxEpochs(5))).fit(df)
    val scored = pipeline.transform(df).select("features", "prediction").collect()
    val nn = pipeline.stages.last.asInstanceOf[NeuralClassificationModel]
    testTransformer[(Double, Double, String)](df, pipeline, "features", "prediction") {
      case Row(f: Vector, pred: Double) => assert(pred === nn.predict(f))
    }
    assert(scored.length == 90)
  }

  test("OneVsRest of NeuralClassifier: fits, scores a memory stream as a batch, and beats 80% on three classes") {
    val data = threeClasses(300).toDF()
    val ovr = new OneVsRest().setClassifier(new NeuralClassifier().setHiddenLayers(8).setMaxEpochs(10)
      .setEnsembleFolds(1)).setParallelism(2).fit(data)
    val accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(ovr.transform(data))
    assert(accuracy > 0.8, s"accuracy $accuracy")
    testTransformerByGlobalCheckFunc[(Double, Vector)](data, ovr, "label", "prediction") { rows =>
      assert(rows.size == 300 && rows.count(r => r.getDouble(0) == r.getDouble(1)) > 240)
    }
  }

  // MLTest.testInvalid*: every bad label, weight and vector is refused, before any training job

  /**
   * Our message for each bad-input case (a fragment) and MLlib's phrase for it. [[mllibWording]] asserts that the
   * error carries ours and then rethrows it with MLlib's phrase in front, so that Spark's `testInvalid*` check runs
   * every one of its cases against our stage. MLlib's classifiers call an infinite label out of range; ours name it.
   */
  private val sharedWording: Seq[(String, String)] = Seq(
    "labelCol: column 'label' has a null label" -> "Labels MUST NOT be Null or NaN",
    "labelCol: column 'label' has a NaN label" -> "Labels MUST NOT be Null or NaN",
    "weightCol: column 'weight' has a null weight" -> "Weights MUST NOT be Null or NaN",
    "weightCol: column 'weight' has a NaN weight" -> "Weights MUST NOT be Null or NaN",
    "weightCol: column 'weight' has a negative weight (-3.0)" -> "Weights MUST NOT be Negative or Infinity",
    "weightCol: column 'weight' has an infinite weight" -> "Weights MUST NOT be Negative or Infinity",
    "featuresCol: column 'features' has a null vector" -> "Vectors MUST NOT be Null",
    "featuresCol: column 'features' has NaN or infinity at index 0" -> "Vector values MUST NOT be NaN or Infinity",
    "featuresCol: column 'features' has NaN or infinity at index 1" -> "Vector values MUST NOT be NaN or Infinity")
  private val regressionWording = sharedWording :+
    ("labelCol: column 'label' has an infinite label (-Infinity)" -> "Labels MUST NOT be Infinity")
  private val classificationWording = sharedWording ++ Seq(
    "labelCol: column 'label' has the negative label -3.0 but labels must be class" -> "Labels MUST be in [0",
    "labelCol: column 'label' has an infinite label (Infinity)" -> "Labels MUST be in [0",
    "labelCol: column 'label' has the label 0.1, not a whole number," -> "Labels MUST be Integers")

  private def mllibWording(wording: Seq[(String, String)])(fit: DataFrame => Any): DataFrame => Any = df => {
    val e = intercept[IllegalArgumentException](fit(df))
    val msg = e.getMessage
    wording.find { case (ours, _) => msg.contains(ours) } match {
      case Some((_, theirs)) => throw new IllegalArgumentException(theirs + " (sparknn: " + msg + ")", e)
      case None => throw e
    }
  }

  test("MLTest.testInvalidClassificationLabels / testInvalidWeights / testInvalidVectors: the classifier") {
    val c = classifier.setWeightCol("weight")
    val ours = mllibWording(classificationWording)(c.fit(_))
    testInvalidClassificationLabels(ours, None)
    testInvalidWeights(ours)
    testInvalidVectors(ours)
  }

  test("MLTest.testInvalidRegressionLabels / testInvalidWeights / testInvalidVectors: the regressor") {
    val r = regressor.setWeightCol("weight")
    val ours = mllibWording(regressionWording)(r.fit(_))
    testInvalidRegressionLabels(ours)
    testInvalidWeights(ours)
    testInvalidVectors(ours)
  }

}
