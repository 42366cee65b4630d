package io.sparknn

import org.apache.spark.sql.SparkSession
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

/** A suite with one local[2] Spark session (UI off, 2 shuffle partitions), stopped after the suite. */
abstract class SparkSuite extends AnyFunSuite with BeforeAndAfterAll {
  protected var spark: SparkSession = _

  override def beforeAll(): Unit = {
    spark = SparkSession.builder().master("local[2]").appName(getClass.getSimpleName)
      .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
      .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer") // as conf/spark-defaults.conf
      .getOrCreate()
  }

  override def afterAll(): Unit = spark.stop()
}
