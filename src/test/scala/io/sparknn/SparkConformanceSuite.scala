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
import org.apache.spark.ml.util.{DefaultReadWriteTest, MLTestingUtils}
import org.apache.spark.sql.{DataFrame, Row, SparkSession}

/**
 * Apache Spark's own MLlib test utilities (the spark-mllib and spark-core `tests` jars: `ParamsSuite`,
 * `MLTestingUtils`, `DefaultReadWriteTest`) applied to every sparknn stage: the checks MLlib's suites run on
 * MLlib's stages. Runs on every supported Spark version (on 4.2.0 with MLlib's 4.1.0 test utilities: Central has
 * no 4.2.0 spark-mllib tests jar). `MLTestConformanceSuite` (src/test/scala-mltest) adds the checks that need
 * MLlib's `MLTest` session; that one cannot run on 4.2.0, so the stream-versus-batch check here uses only public API.
 *
 * Where a Spark check compares MLlib's exact error wording, our stages keep their clearer message (stage, uid,
 * param, column, what was found, the fix), and the test asserts ours. Every other check runs unchanged.
 */
class SparkConformanceSuite extends SparkSuite with DefaultReadWriteTest with ConformanceFixtures {
  override protected def session: SparkSession = spark

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

  test("the splitters refuse a stream with an error that says why (exact proportions need the whole table)") {
    val streamDF = spark.readStream.format("rate").load().selectExpr("cast(value % 2 as double) as label")
    for (t <- Seq[Transformer](new StratifiedSplitter(), new StratifiedKFold())) {
      val e = intercept[IllegalArgumentException](t.transform(streamDF))
      assert(e.getMessage.contains("streaming") && e.getMessage.contains("foreachBatch"), e.getMessage)
    }
  }

  test("every model, a PipelineModel and a OneVsRestModel score a file stream as they score the batch") {
    val df = blobs
    val c = classifier.setThresholds(Array(0.6, 0.4)).fit(df)
    val rows = streamsAsBatch(df, c, tempDir, "features", "rawPrediction", "probability", "prediction")
    rows.foreach { case Row(f: Vector, raw: Vector, p: Vector, pred: Double) =>
      assert(raw == c.predictRaw(f) && p == c.predictProbability(f) && pred == c.predict(f))
    }
    val r = regressor.fit(df)
    streamsAsBatch(df, r, tempDir, "features", "prediction").foreach { case Row(f: Vector, pred: Double) =>
      assert(pred == r.predict(f))
    }
    val m = mixed
    val std = new Standardizer().setInputCols("x").setOutputCols("x_z").fit(m)
    val mean = m.selectExpr("avg(x)").head().getDouble(0)
    val sd = m.selectExpr("stddev_samp(x)").head().getDouble(0)
    streamsAsBatch(m, std, tempDir, "x", "x_z").foreach { case Row(x: Double, z: Double) =>
      assert(math.abs(z - (x - mean) / sd) < 1e-9)
    }
    val enc = new CategoricalEncoder().setInputCols("colour").setOutputCols("colour_i").setEncoding("index").fit(m)
    assert(streamsAsBatch(m, enc, tempDir, "colour", "colour_i").map(_.getDouble(1)).toSet == Set(0.0, 1.0, 2.0))
    val pipeline = new Pipeline().setStages(Array(
      new CategoricalEncoder().setInputCols("colour").setOutputCols("colour_i").setEncoding("onehot"),
      new Standardizer().setInputCols("x").setOutputCols("x_z"),
      new VectorAssembler().setInputCols(Array("x_z", "colour_i")).setOutputCol("features"),
      classifier.setMaxEpochs(5))).fit(m)
    val nn = pipeline.stages.last.asInstanceOf[NeuralClassificationModel]
    streamsAsBatch(m, pipeline, tempDir, "features", "prediction").foreach { case Row(f: Vector, pred: Double) =>
      assert(pred == nn.predict(f))
    }
    val three = threeClasses(300).toDF()
    val ovr = new OneVsRest().setClassifier(new NeuralClassifier().setHiddenLayers(8).setMaxEpochs(10)
      .setEnsembleFolds(1)).setParallelism(2).fit(three)
    val hits = streamsAsBatch(three, ovr, tempDir, "label", "prediction").count(r => r.getDouble(0) == r.getDouble(1))
    assert(hits > 240, s"OneVsRest of NeuralClassifier: $hits of 300 right")
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
  // MLTestingUtils weight checks. Scaled weights: bit-identical models (row weights are divided by their mean). The
  // oversampling and outlier checks change the rows an SGD epoch visits, so the models cannot be identical: the
  // tolerance is agreement of the predictions on the training rows (fixed seeds; measured values in the note).

  private def agreement[M <: org.apache.spark.ml.PredictionModel[_, M]](data: DataFrame, fraction: Double,
      close: (Double, Double) => Boolean = _ == _)(a: M, b: M): Unit = {
    def scored(m: M) = m.transform(data).select("label", m.getPredictionCol).collect()
      .map(r => (r.getDouble(0), r.getDouble(1)))
    val (x, y) = (scored(a), scored(b))
    def share(n: Int) = n.toDouble / x.length
    val (hitsA, hitsB) = (share(x.count(p => close(p._1, p._2))), share(y.count(p => close(p._1, p._2))))
    val same = share(x.zip(y).count(p => close(p._1._2, p._2._2)))
    info(f"predictions that agree: $same%.4f (label agreement $hitsA%.4f, $hitsB%.4f)")
    withClue(s"label agreement of the two models: $hitsA, $hitsB: ") {
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
