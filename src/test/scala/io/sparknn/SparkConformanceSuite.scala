package io.sparknn

import io.sparknn.classification.{NeuralClassificationModel, NeuralClassifier}
import io.sparknn.evaluation.MetricsEvaluator
import io.sparknn.feature.{CategoricalEncoder, CategoricalEncoderModel, Standardizer, StandardizerModel,
  StratifiedKFold, StratifiedSplitter}
import io.sparknn.regression.{NeuralRegressionModel, NeuralRegressor}
import org.apache.spark.ml.{Pipeline, PipelineModel, Transformer}
import org.apache.spark.ml.classification.OneVsRest
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.{LabeledPoint, VectorAssembler}
import org.apache.spark.ml.linalg.{Vector, Vectors}
import org.apache.spark.ml.param.{ParamMap, ParamsSuite}
import org.apache.spark.ml.tuning.{CrossValidator, ParamGridBuilder}
import org.apache.spark.ml.util.{DefaultReadWriteTest, MLTest, MLTestingUtils}
import org.apache.spark.sql.{DataFrame, Dataset, Row}

/**
 * Apache Spark's own MLlib test utilities (the spark-mllib, spark-sql, spark-catalyst and spark-core `tests` jars)
 * applied to every sparknn stage: the checks MLlib's suites run on MLlib's stages, in MLlib's own test session
 * ([[MLTest]]: local[2], memory streams).
 *
 * Where a Spark check compares MLlib's exact error wording, our stages keep their clearer message (stage, uid,
 * param, column, what was found, the fix): the check runs through [[mllibWording]], which asserts our message for
 * each case and only then hands MLlib's phrase to Spark's assertion. Every other check runs unchanged.
 */
class SparkConformanceSuite extends MLTest with DefaultReadWriteTest {
  import testImplicits._

  /** 120 rows, two separable classes, two features. */
  private def blobs: DataFrame = spark.createDataFrame((0 until 120).map { i =>
    val c = i % 2
    (c.toDouble, Vectors.dense(c * 3 + (i % 7) * 0.1, (i % 5) * 0.2))
  }).toDF("label", "features")

  /** Three Gaussian classes in four dimensions, a fixed seed: the weight checks' data. */
  private def threeClasses(n: Int): Dataset[LabeledPoint] = {
    val rng = new scala.util.Random(7)
    spark.createDataset((0 until n).map { i =>
      val c = i % 3
      LabeledPoint(c, Vectors.dense(Array.tabulate(4)(j => (if (j == c) 2.5 else 0.0) + rng.nextGaussian())))
    })
  }

  /** A regression table y = 2 x0 - x1 + noise. */
  private def line(n: Int): Dataset[LabeledPoint] = {
    val rng = new scala.util.Random(11)
    spark.createDataset((0 until n).map { _ =>
      val x0 = rng.nextGaussian(); val x1 = rng.nextGaussian()
      LabeledPoint(2 * x0 - x1 + 0.05 * rng.nextGaussian(), Vectors.dense(x0, x1))
    })
  }

  private def classifier = new NeuralClassifier().setHiddenLayers(4).setMaxEpochs(3).setEnsembleFolds(1)
  private def regressor = new NeuralRegressor().setHiddenLayers(4).setMaxEpochs(3).setEnsembleFolds(1)

  private def sameWeights(a: io.sparknn.estimator.NeuralModel[_], b: io.sparknn.estimator.NeuralModel[_]): Unit = {
    val (x, y) = (a.network().toFloats, b.network().toFloats)
    assert(x.sameElements(y), s"the two models' weights differ by up to ${x.zip(y).map(p => math.abs(p._1 - p._2)).max}")
  }

  // ---------------------------------------------------------------------------------------------------------------
  // ParamsSuite, MLTestingUtils.checkCopyAndUids / checkNumericTypes

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
    val enc = new CategoricalEncoder().setInputCols("label").setOutputCols("label_i")
    MLTestingUtils.checkCopyAndUids(enc, enc.fit(df))
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
      spark) { (a, b) => sameWeights(a, b) })
    withOurLabelMessage(MLTestingUtils.checkNumericTypes[NeuralRegressionModel, NeuralRegressor](regressor, spark,
      isClassification = false) { (a, b) => sameWeights(a, b) })
    withOurLabelMessage(MLTestingUtils.checkNumericTypes(new MetricsEvaluator().setMetricName("accuracy"), spark))
  }

  test("a copy with an extra ParamMap carries the extra value, and thresholds reach the model") {
    val c = classifier
    val copied = c.copy(ParamMap(c.thresholds -> Array(0.4, 0.6)))
    assert(copied.getThresholds.toSeq == Seq(0.4, 0.6) && !c.isDefined(c.thresholds))
    assert(copied.fit(blobs).getThresholds.toSeq == Seq(0.4, 0.6))
  }

  // ---------------------------------------------------------------------------------------------------------------
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
    val df = spark.createDataFrame((0 until 90).map { i =>
      ((i % 2).toDouble, (i % 9).toDouble * 1.5, Seq("a", "b", "c")(i % 3))
    }).toDF("label", "x", "colour")
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

  test("the splitters refuse a stream with an error that says why (exact proportions need the whole table)") {
    val streamDF = spark.readStream.format("rate").load().selectExpr("cast(value % 2 as double) as label")
    for (t <- Seq[Transformer](new StratifiedSplitter(), new StratifiedKFold())) {
      val e = intercept[IllegalArgumentException](t.transform(streamDF))
      assert(e.getMessage.contains("streaming") && e.getMessage.contains("foreachBatch"), e.getMessage)
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // DefaultReadWriteTest

  test("DefaultReadWriteTest.testEstimatorAndModelReadWrite: both neural estimators and models, both features") {
    val df = blobs
    testEstimatorAndModelReadWrite[NeuralClassifier, NeuralClassificationModel](classifier, df,
      Map("maxEpochs" -> 2, "hiddenLayers" -> Array(3), "thresholds" -> Array(0.3, 0.7), "seed" -> 5L),
      Map("thresholds" -> Array(0.3, 0.7), "seed" -> 5L), (a, b) => {
        sameWeights(a, b); assert(a.numClasses == b.numClasses && a.numFeatures == b.numFeatures)
      })
    testEstimatorAndModelReadWrite[NeuralRegressor, NeuralRegressionModel](regressor, df,
      Map("maxEpochs" -> 2, "learningRate" -> 0.01), Map("learningRate" -> 0.01), (a, b) => sameWeights(a, b))
    val num = df.withColumn("x", df("label") * 2 + 1)
    testEstimatorAndModelReadWrite[Standardizer, StandardizerModel](new Standardizer(), num,
      Map("inputCols" -> Array("x"), "outputCols" -> Array("x_z")), Map("outputCols" -> Array("x_z")),
      (a, b) => assert(a.mean().sameElements(b.mean()) && a.std().sameElements(b.std())))
    val cat = df.withColumn("c", df("label").cast("string"))
    testEstimatorAndModelReadWrite[CategoricalEncoder, CategoricalEncoderModel](new CategoricalEncoder(), cat,
      Map("inputCols" -> Array("c"), "outputCols" -> Array("c_i")), Map("outputCols" -> Array("c_i")),
      (a, b) => assert(a.transform(cat).select("c_i").collect().sameElements(b.transform(cat).select("c_i").collect())))
  }

  test("DefaultReadWriteTest.testDefaultReadWrite: the splitters and the evaluator") {
    testDefaultReadWrite(new StratifiedSplitter().setSeed(3L))
    testDefaultReadWrite(new StratifiedKFold().setNumFolds(4))
    testDefaultReadWrite(new MetricsEvaluator().setMetricName("accuracy"))
  }

  // ---------------------------------------------------------------------------------------------------------------
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

  // ---------------------------------------------------------------------------------------------------------------
  // MLTestingUtils weight checks. Scaled weights: bit-identical models (weights are normalised per batch). The
  // oversampling and outlier checks change the rows an SGD epoch visits, so the models cannot be identical: the
  // tolerance is agreement of the predictions on the training rows (fixed seeds; measured values in the note).

  private def agreement[M <: org.apache.spark.ml.PredictionModel[_, M]](data: DataFrame, fraction: Double,
      close: (Double, Double) => Boolean = _ == _)(a: M, b: M): Unit = {
    def hits(m: M) = m.transform(data).select("label", m.getPredictionCol).collect()
      .count(r => close(r.getDouble(0), r.getDouble(1))).toDouble / data.count()
    val same = a.transform(data).select(a.getPredictionCol).collect().zip(b.transform(data)
      .select(b.getPredictionCol).collect()).count(p => close(p._1.getDouble(0), p._2.getDouble(0))).toDouble
    info(f"predictions that agree: ${same / data.count()}%.4f (label agreement ${hits(a)}%.4f, ${hits(b)}%.4f)")
    withClue(s"label agreement of the two models: ${hits(a)}, ${hits(b)}: ") {
      MLTestingUtils.modelPredictionEquals(data, (x: Double, y: Double) => close(x, y), fraction)(a, b)
    }
  }

  private def weightedClassifier = new NeuralClassifier().setHiddenLayers(16).setMaxEpochs(40).setEnsembleFolds(1)
    .setSeed(3L)
  private def weightedRegressor = new NeuralRegressor().setHiddenLayers(16).setMaxEpochs(30).setLearningRate(0.01)
    .setEnsembleFolds(1).setSeed(3L)

  test("MLTestingUtils.testArbitrarilyScaledWeights: weights 0.01, 1, 1000 give bit-identical models") {
    MLTestingUtils.testArbitrarilyScaledWeights[NeuralClassificationModel, NeuralClassifier](threeClasses(300),
      weightedClassifier, (a, b) => sameWeights(a, b))
    MLTestingUtils.testArbitrarilyScaledWeights[NeuralRegressionModel, NeuralRegressor](line(300),
      weightedRegressor, (a, b) => sameWeights(a, b))
  }

  test("MLTestingUtils.testOversamplingVsWeighting: weight n predicts as n copies (>= 95% same predictions)") {
    val data = threeClasses(600)
    MLTestingUtils.testOversamplingVsWeighting[NeuralClassificationModel, NeuralClassifier](data,
      weightedClassifier, agreement(data.toDF(), 0.95), 42L)
    val l = line(600)
    MLTestingUtils.testOversamplingVsWeighting[NeuralRegressionModel, NeuralRegressor](l, weightedRegressor,
      agreement(l.toDF(), 0.95, (x, y) => math.abs(x - y) < 0.5), 42L)
  }

  test("MLTestingUtils.testOutliersWithSmallWeights: 3 flipped copies of weight 1e-4 do not move the model") {
    val data = threeClasses(600)
    MLTestingUtils.testOutliersWithSmallWeights[NeuralClassificationModel, NeuralClassifier](data,
      weightedClassifier, 3, agreement(data.toDF(), 0.95), 3)
    val l = line(600)
    MLTestingUtils.testOutliersWithSmallWeights[NeuralRegressionModel, NeuralRegressor](l, weightedRegressor, 0,
      agreement(l.toDF(), 0.95, (x, y) => math.abs(x - y) < 0.5), 3)
  }

  test("the evaluator's weights, exactly: scaled weights give the same metric, weight n equals n copies") {
    val data = threeClasses(300)
    val (overSampled, weighted) = MLTestingUtils.genEquivalentOversampledAndWeightedInstances(data, 42L)
    val model = weightedClassifier.fit(data)
    for (metric <- Seq("accuracy", "f1", "precision", "logLoss", "auc")) {
      val ev = new MetricsEvaluator().setMetricName(metric)
      val plain = ev.evaluate(model.transform(overSampled))
      val byWeight = ev.copy(ParamMap.empty).setWeightCol("weight").evaluate(model.transform(weighted))
      assert(math.abs(plain - byWeight) < 1e-12, s"$metric: $plain oversampled, $byWeight weighted")
      val scaled = Seq(0.01, 1.0, 1000.0).map(w => ev.copy(ParamMap.empty).setWeightCol("weight")
        .evaluate(model.transform(weighted.drop("weight").withColumn("weight", org.apache.spark.sql.functions.lit(w)))))
      assert(scaled.forall(v => math.abs(v - scaled(1)) < 1e-12), s"$metric under scaled weights: $scaled")
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Pipeline, CrossValidator with ParamGridBuilder, OneVsRest

  test("CrossValidator with ParamGridBuilder over a Pipeline: one metric per grid point, best model saved/loaded") {
    val data = threeClasses(300).toDF()
    val c = new NeuralClassifier().setMaxEpochs(6).setEnsembleFolds(1).setSeed(1L)
    val pipeline = new Pipeline().setStages(Array(
      new Standardizer().setInputCols("features").setOutputCols("features_z"), c.setFeaturesCol("features_z")))
    val grid = new ParamGridBuilder().addGrid(c.hiddenLayers, Array(Array(4), Array(16)))
      .addGrid(c.learningRate, Array(0.003, 0.03)).build()
    val cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setNumFolds(3)
      .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setParallelism(2).setSeed(5L)
    val cvModel = cv.fit(data)
    val metrics = cvModel.avgMetrics
    assert(metrics.length == 4 && metrics.forall(a => a > 0 && a <= 1.0) && metrics.max > 0.85, metrics.mkString(", "))
    val best = cvModel.bestModel.asInstanceOf[PipelineModel].stages.last.asInstanceOf[NeuralClassificationModel]
    val chosen = grid(metrics.indexOf(metrics.max))
    assert(best.getLearningRate == chosen(c.learningRate) && best.getHiddenLayers.sameElements(chosen(c.hiddenLayers)))
    val path = new java.io.File(tempDir, "cv").getPath
    cvModel.write.overwrite().save(path)
    val loaded = org.apache.spark.ml.tuning.CrossValidatorModel.load(path)
    assert(loaded.avgMetrics.sameElements(cvModel.avgMetrics))
    assert(loaded.transform(data).select("prediction").collect().sameElements(
      cvModel.transform(data).select("prediction").collect()))
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

  test("R2: MLlib's value unweighted; weighted, scikit-learn's definition (MLlib rescales the total sum of squares)") {
    val rng = new scala.util.Random(5)
    val rows = (0 until 200).map { _ =>
      val y = rng.nextGaussian() * 3; (y, y + rng.nextGaussian(), 0.5 + rng.nextInt(4))
    }
    val df = spark.createDataFrame(rows).toDF("label", "prediction", "w")
    val ours = new MetricsEvaluator().setMetricName("r2")
    val mllib = new org.apache.spark.ml.evaluation.RegressionEvaluator().setMetricName("r2")
    assert(math.abs(ours.evaluate(df) - mllib.evaluate(df)) < 1e-9)
    val (wsum, w2) = (rows.map(_._3).sum, rows.map(r => r._3 * r._3).sum)
    val mean = rows.map(r => r._3 * r._1).sum / wsum
    val ssErr = rows.map(r => r._3 * (r._1 - r._2) * (r._1 - r._2)).sum
    val ssTot = rows.map(r => r._3 * (r._1 - mean) * (r._1 - mean)).sum
    val weighted = ours.copy(ParamMap.empty).setWeightCol("w").evaluate(df)
    assert(math.abs(weighted - (1 - ssErr / ssTot)) < 1e-9, s"ours $weighted, scikit-learn's ${1 - ssErr / ssTot}")
    val theirs = mllib.setWeightCol("w").evaluate(df)
    val rescaled = 1 - ssErr / (ssTot * (wsum - 1) / (wsum - w2 / wsum))
    assert(math.abs(theirs - rescaled) < 1e-9 && math.abs(theirs - weighted) > 1e-6, s"MLlib $theirs vs $rescaled")
  }
}
