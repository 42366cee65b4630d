package io.sparknn

import io.sparknn.classification.NeuralClassifier
import io.sparknn.estimator.NeuralModel
import io.sparknn.regression.NeuralRegressor
import org.apache.spark.ml.Transformer
import org.apache.spark.ml.feature.LabeledPoint
import org.apache.spark.ml.linalg.Vectors
import org.apache.spark.sql.{DataFrame, Dataset, Row, SparkSession}
import org.scalatest.Assertions

/** Tables, small estimators and checks shared by the conformance suites (any Spark session). */
trait ConformanceFixtures extends Assertions {
  /** The suite's session. */
  protected def session: SparkSession

  /** 120 rows, two separable classes, two features. */
  protected def blobs: DataFrame = session.createDataFrame((0 until 120).map { i =>
    val c = i % 2
    (c.toDouble, Vectors.dense(c * 3 + (i % 7) * 0.1, (i % 5) * 0.2))
  }).toDF("label", "features")

  /** Three Gaussian classes in four dimensions, a fixed seed: the weight checks' data. */
  protected def threeClasses(n: Int): Dataset[LabeledPoint] = {
    val s = session
    import s.implicits._
    val rng = new scala.util.Random(7)
    s.createDataset((0 until n).map { i =>
      val c = i % 3
      LabeledPoint(c, Vectors.dense(Array.tabulate(4)(j => (if (j == c) 2.5 else 0.0) + rng.nextGaussian())))
    })
  }

  /** A regression table y = 2 x0 - x1 + noise. */
  protected def line(n: Int): Dataset[LabeledPoint] = {
    val s = session
    import s.implicits._
    val rng = new scala.util.Random(11)
    s.createDataset((0 until n).map { _ =>
      val x0 = rng.nextGaussian(); val x1 = rng.nextGaussian()
      LabeledPoint(2 * x0 - x1 + 0.05 * rng.nextGaussian(), Vectors.dense(x0, x1))
    })
  }

  /** 90 rows for the feature stages: a 0/1 label, a numeric column x, a string category colour (a, b, c). */
  protected def mixed: DataFrame = session.createDataFrame((0 until 90).map { i =>
    ((i % 2).toDouble, (i % 9).toDouble * 1.5, Seq("a", "b", "c")(i % 3))
  }).toDF("label", "x", "colour")

  protected def classifier: NeuralClassifier =
    new NeuralClassifier().setHiddenLayers(4).setMaxEpochs(3).setEnsembleFolds(1)
  protected def regressor: NeuralRegressor =
    new NeuralRegressor().setHiddenLayers(4).setMaxEpochs(3).setEnsembleFolds(1)

  protected def sameWeights(a: NeuralModel[_], b: NeuralModel[_]): Unit = {
    val (x, y) = (a.network().toFloats, b.network().toFloats)
    assert(x.sameElements(y), s"the two models' weights differ by up to ${x.zip(y).map(p => math.abs(p._1 - p._2)).max}")
  }

  /**
   * Public-API streaming check (any Spark version): `df` written as Parquet, read back with `readStream`, scored
   * by `t` into a memory sink; the stream's rows of `cols` must equal the batch's, as a multiset.
   */
  protected def streamsAsBatch(df: DataFrame, t: Transformer, dir: java.io.File, cols: String*): Seq[Row] = {
    val in = new java.io.File(dir, "in-" + t.uid).getPath
    df.write.parquet(in)
    val name = ("scored_" + t.uid).replaceAll("[^A-Za-z0-9_]", "_")
    val query = t.transform(session.readStream.schema(df.schema).parquet(in)).select(cols.head, cols.tail: _*)
      .writeStream.format("memory").queryName(name).outputMode("append").start()
    try query.processAllAvailable() finally query.stop()
    val streamed = session.table(name).collect().toSeq
    val batch = t.transform(df).select(cols.head, cols.tail: _*).collect().toSeq
    assert(streamed.size == batch.size && streamed.map(_.toString).sorted == batch.map(_.toString).sorted,
      s"${t.uid}: the stream's ${streamed.size} rows differ from the batch's ${batch.size}")
    batch
  }
}
