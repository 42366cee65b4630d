package io.sparknn

import io.sparknn.feature.{CategoricalEncoder, CategoricalEncoderModel, Standardizer, StandardizerModel, StratifiedKFold, StratifiedSplitter}
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.attribute.{AttributeGroup, NominalAttribute}
import org.apache.spark.ml.feature.VectorAssembler
import org.apache.spark.sql.functions.col

/** Uses the feature stages the way a Scala Spark user would: chained setters, Pipelines, save/load. */
class FeatureStagesSuite extends SparkSuite {
  private def loans = spark.read.option("header", "true").option("inferSchema", "true")
    .csv(getClass.getResource("/lending_club_sample.csv").getPath)

  test("split, encode, standardize and assemble in a Pipeline that survives save/load") {
    val df = loans
    val Array(train, valid, test) = new StratifiedSplitter().setLabelCol("Class").setWeights(0.8, 0.1, 0.1)
      .setSeed(7).split(df)
    val n = df.count()
    assert(train.count() + valid.count() + test.count() == n)
    val bad = df.filter(col("Class") === "bad").count()
    // largest-remainder rounding of the "bad" class: floor(0.8 * bad) or one more
    val trainBad = train.filter(col("Class") === "bad").count()
    assert(math.abs(trainBad - 0.8 * bad) < 1.0)

    val pipeline = new Pipeline().setStages(Array(
      new CategoricalEncoder().setInputCols("term", "addr_state").setOutputCols("term_i", "state_i")
        .setEncoding("index").setHandleInvalid("keep"),
      new Standardizer().setInputCols("int_rate", "annual_inc").setOutputCols("rate_z", "inc_z"),
      new VectorAssembler().setInputCols(Array("term_i", "state_i", "rate_z", "inc_z")).setOutputCol("features")))
    val model = pipeline.fit(train)
    val dir = java.nio.file.Files.createTempDirectory("sparknn-scala").resolve("prep").toString
    model.write.overwrite().save(dir)
    val reloaded = PipelineModel.load(dir)
    val a = model.transform(test).select("features").collect().map(_.get(0).toString).sorted
    val b = reloaded.transform(test).select("features").collect().map(_.get(0).toString).sorted
    assert(a.sameElements(b))

    val group = AttributeGroup.fromStructField(reloaded.transform(test).schema("features"))
    assert(group.getAttr(1).isInstanceOf[NominalAttribute])
    val states = reloaded.stages(0).asInstanceOf[CategoricalEncoderModel].buckets(1)
    assert(group.getAttr(1).asInstanceOf[NominalAttribute].getNumValues.get == states.length)

    val std = reloaded.stages(1).asInstanceOf[StandardizerModel]
    val z = reloaded.transform(train).select("rate_z").collect().map(_.getDouble(0))
    assert(math.abs(z.sum / z.length) < 1e-9)
    assert(std.mean()(0) > 5 && std.mean()(0) < 25, "interest rates are percentages")
  }

  test("fold column from StratifiedKFold balances every class") {
    val folds = new StratifiedKFold().setLabelCol("Class").setNumFolds(3).transform(loans)
    val perClass = folds.groupBy("Class", "fold").count().collect()
      .groupBy(_.getString(0)).view.mapValues(_.map(_.getLong(2))).toMap
    perClass.foreach { case (cls, counts) =>
      assert(counts.length == 3 && counts.max - counts.min <= 1, s"$cls: ${counts.mkString(",")}")
    }
  }

  test("params are validated with the stage and the rule in the message") {
    val e = intercept[IllegalArgumentException](new Standardizer().setMethod("robust"))
    assert(e.getMessage.contains("Standardizer") && e.getMessage.contains("zscore, minmax"))
  }
}
