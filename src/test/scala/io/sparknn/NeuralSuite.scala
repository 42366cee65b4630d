package io.sparknn

import io.sparknn.classification.{NeuralClassificationModel, NeuralClassifier}
import io.sparknn.evaluation.MetricsEvaluator
import io.sparknn.feature.{CategoricalEncoder, Standardizer, StratifiedKFold, StratifiedSplitter}
import io.sparknn.regression.NeuralRegressor
import io.sparknn.train.{History, TrainingListener}
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.feature.VectorAssembler
import org.apache.spark.ml.tuning.{CrossValidator, ParamGridBuilder}
import org.apache.spark.sql.functions.{col, log}

/** The neural estimators from Scala: a Pipeline from raw columns to predictions, CrossValidator, save/load. */
class NeuralSuite extends SparkSuite {
  private def loans = spark.read.option("header", "true").option("inferSchema", "true")
    .csv(getClass.getResource("/lending_club_sample.csv").getPath)
    .withColumn("label", (col("Class") === "bad").cast("double"))

  private def prep = Array(
    new CategoricalEncoder().setInputCols("term", "addr_state").setOutputCols("term_i", "state_i")
      .setEncoding("index").setHandleInvalid("keep"),
    new Standardizer().setInputCols("int_rate", "annual_inc").setOutputCols("rate_z", "inc_z")
      .setHandleInvalid("keep"),
    new VectorAssembler().setInputCols(Array("term_i", "state_i", "rate_z", "inc_z")).setOutputCol("features"))

  test("a Pipeline from raw columns to a NeuralClassifier, with embeddings, survives save/load") {
    val Array(train, test) = new StratifiedSplitter().setLabelCol("label").setWeights(0.8, 0.2).setSeed(1)
      .split(loans)
    val clf = new NeuralClassifier().setHiddenLayers(16).setMaxEpochs(20).setEmbeddingDim(3)
    val model = new Pipeline().setStages(prep :+ clf).fit(train)
    val nn = model.stages.last.asInstanceOf[NeuralClassificationModel]
    assert(nn.networkSpec.nominalSlots.toSeq == Seq(0, 1), "term and addr_state go through embeddings")
    assert(nn.ensembleSize == 5, "1,200 training rows: a bagged ensemble of 5 (ensembleFolds auto)")
    assert(nn.memberSummaries.size() == 5 && nn.summary.epochs.size() <= 20)
    val scored = model.transform(test)
    assert(scored.count() == test.count())
    val auc = new MetricsEvaluator().setMetricName("auc").evaluate(scored)
    assert(auc > 0.6 && auc < 1.0, s"held-out AUC $auc (chance: 0.5; measured 0.695)")
    val dir = java.nio.file.Files.createTempDirectory("sparknn-scala").resolve("nn").toString
    model.write.overwrite().save(dir)
    val again = PipelineModel.load(dir).transform(test).select("probability").collect().map(_.get(0).toString)
    assert(again.sameElements(scored.select("probability").collect().map(_.get(0).toString)))
  }

  test("a TrainingListener written in Scala follows every epoch and stops the fit") {
    val Array(train, _) = new StratifiedSplitter().setLabelCol("label").setWeights(0.8, 0.2).setSeed(1).split(loans)
    val seen = scala.collection.mutable.ArrayBuffer.empty[TrainingListener.Progress]
    var ended = 0
    val clf = new NeuralClassifier().setHiddenLayers(8).setMaxEpochs(30).setPatience(0).setEnsembleFolds(1)
      .addTrainingListener(new TrainingListener {
        override def onEpoch(p: TrainingListener.Progress): Boolean = { seen += p; p.epoch < 3 }
        override def onEnd(h: History): Unit = ended += 1
      })
    val model = new Pipeline().setStages(prep :+ clf).fit(train)
    val nn = model.stages.last.asInstanceOf[NeuralClassificationModel]
    assert(seen.map(_.epoch) == Seq(0, 1, 2, 3), "stopped after the epoch that returned false")
    assert(nn.summary.epochs.size() == 4 && ended == 1)
    assert(seen.forall(p => p.maxEpochs == 30 && p.metricName == "accuracy" && p.trainLoss > 0))
  }

  test("CrossValidator tunes a NeuralRegressor over learningRate with stratified folds") {
    val df = new StratifiedKFold().setLabelCol("Class").setNumFolds(2).setSeed(3)
      .transform(new Pipeline().setStages(prep).fit(loans).transform(loans)
        .withColumn("target", log(col("funded_amnt"))))
    val reg = new NeuralRegressor().setLabelCol("target").setHiddenLayers(8).setMaxEpochs(3)
    val grid = new ParamGridBuilder().addGrid(reg.learningRate, Array(1e-2, 1e-5)).build()
    val cv = new CrossValidator().setEstimator(reg).setEstimatorParamMaps(grid).setFoldCol("fold").setNumFolds(2)
      .setEvaluator(new MetricsEvaluator().setMetricName("rmse").setLabelCol("target")).fit(df)
    assert(cv.avgMetrics.length == 2)
    assert(cv.avgMetrics(0) < cv.avgMetrics(1), s"lr 1e-2 beats 1e-5 in 3 epochs: ${cv.avgMetrics.toSeq}")
  }

  test("variable-length Seq[Seq[Double]] sequences train a bidirectional GRU and a grid over layer stacks") {
    val session = spark
    import session.implicits._
    val rng = new scala.util.Random(4)
    val data = (0 until 600).map { _ =>
      val steps = Seq.fill(2 + rng.nextInt(4))(Seq(rng.nextGaussian(), rng.nextGaussian()))
      (steps, if (steps.last.head + steps.head(1) > 0) 1.0 else 0.0)
    }.toDF("seq", "label")
    val clf = new NeuralClassifier().setFeaturesCol("seq").setInputShape(5, 2).setArchitecture("gru")
      .setHiddenSize(12).setBidirectional(true).setHiddenLayers().setMaxEpochs(30).setBatchSize(32)
      .setLearningRate(3e-3)
    val grid = new ParamGridBuilder().addGrid(clf.layers, Array("", "lstm(12) last")).build()
    val cv = new CrossValidator().setEstimator(clf).setEstimatorParamMaps(grid).setNumFolds(2).setSeed(1)
      .setEvaluator(new MetricsEvaluator().setMetricName("accuracy")).fit(data)
    assert(cv.avgMetrics.forall(_ > 0.8), s"both stacks learn the sequences: ${cv.avgMetrics.toSeq}")
    val best = cv.bestModel.asInstanceOf[NeuralClassificationModel]
    assert(best.networkSpec.masked)
  }
}
