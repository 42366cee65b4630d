package io.sparknn.classification;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.StratifiedKFold;
import io.sparknn.testing.SparkTestBase;
import io.sparknn.train.History;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class NeuralClassifierTest extends SparkTestBase {
  /** Three Gaussian blobs in 4-D (two informative dimensions), labels 0..2. */
  Dataset<Row> blobs(int n, long seed) {
    Random r = new Random(seed);
    double[][] centres = {{0, 0}, {4, 0}, {0, 4}};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      rows.add(RowFactory.create(i, (double) c, Vectors.dense(centres[c][0] + r.nextGaussian(),
          centres[c][1] + r.nextGaussian(), r.nextGaussian(), r.nextGaussian())));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("label", DataTypes.DoubleType).add("features", new VectorUDT()));
  }

  NeuralClassifier small() {
    return new NeuralClassifier().setHiddenLayers(16).setLearningRate(0.01).setBatchSize(64).setMaxEpochs(20);
  }

  @Test
  void learnsWritesSparkColumnsAndKeepsAHistory() {
    Dataset<Row> train = blobs(900, 1);
    Dataset<Row> test = blobs(300, 2);
    NeuralClassificationModel m = small().fit(train);
    Dataset<Row> scored = m.transform(test);
    assertEquals(300, scored.count());
    double accuracy = new MetricsEvaluator().setMetricName("accuracy").evaluate(scored);
    assertTrue(accuracy >= 0.95, "accuracy " + accuracy);
    assertEquals(3, AttributeGroup.fromStructField(scored.schema().apply("probability")).size());
    Row first = scored.first();
    double sum = 0;
    for (double p : ((org.apache.spark.ml.linalg.Vector) first.getAs("probability")).toArray()) {
      sum += p;
    }
    assertEquals(1.0, sum, 1e-9);
    History h = m.summary();
    assertTrue(h.epochs().size() >= 1 && h.epochs().size() <= 20);
    assertTrue(h.bestEpoch() >= 0);
    assertTrue(!Double.isNaN(h.epochs().get(0).validationLoss()), "validationFraction 0.1 by default");
    assertTrue(h.diagnosis().reason().length() > 0);
  }

  @Test
  void sameSeedSameModelAndSaveLoadGivesIdenticalPredictions() throws Exception {
    Dataset<Row> train = blobs(600, 3);
    NeuralClassifier est = small().setMaxEpochs(5).setSeed(7);
    NeuralClassificationModel a = est.fit(train);
    NeuralClassificationModel b = est.fit(train);
    assertEquals(sortedRows(a.transform(train)), sortedRows(b.transform(train)));
    assertParamsWellFormed(est);
    assertRoundTrip(est);
    assertParamsWellFormed(a);
    NeuralClassificationModel loaded = assertRoundTrip(a);
    assertEquals(sortedRows(a.transform(train)), sortedRows(loaded.transform(train)));
    assertEquals(a.summary().epochs(), loaded.summary().epochs());
    assertEquals(a.summary().bestEpoch(), loaded.summary().bestEpoch());
    // a version-2 model (an MLP saved before inputShape and layers existed) still loads
    String v2 = path("v2");
    NeuralClassificationModel one = est.copy(new ParamMap()).setEnsembleFolds(1).fit(train);
    one.write().save(v2);
    spark.read().parquet(v2 + "/data").drop("inputShape", "layers", "memberBestEpochs", "memberHistories")
        .withColumn("formatVersion", lit(2)).write()
        .parquet(v2 + "/data2");
    org.apache.commons.io.FileUtils.deleteDirectory(new java.io.File(v2 + "/data"));
    new java.io.File(v2 + "/data2").renameTo(new java.io.File(v2 + "/data"));
    assertEquals(sortedRows(one.transform(train)), sortedRows(NeuralClassificationModel.load(v2).transform(train)));
    // weights that do not fit the saved architecture and members: a damaged model, named as such
    String v3 = path("v3-damaged");
    a.write().save(v3);
    spark.read().parquet(v3 + "/data").drop("memberBestEpochs", "memberHistories").write().parquet(v3 + "/data2");
    org.apache.commons.io.FileUtils.deleteDirectory(new java.io.File(v3 + "/data"));
    new java.io.File(v3 + "/data2").renameTo(new java.io.File(v3 + "/data"));
    String damaged = assertThrows(IllegalStateException.class, () -> NeuralClassificationModel.load(v3))
        .getMessage();
    assertTrue(damaged.contains(v3 + "/data) is damaged") && damaged.contains("655 weights, but 1 network(s)"),
        damaged);
    for (int version : new int[] {1, 5}) {
      String saved = path("v" + version);
      a.write().save(saved);
      Dataset<Row> data = spark.read().parquet(saved + "/data").withColumn("formatVersion", lit(version));
      data.write().mode("overwrite").parquet(saved + "/data2");
      org.apache.commons.io.FileUtils.deleteDirectory(new java.io.File(saved + "/data"));
      new java.io.File(saved + "/data2").renameTo(new java.io.File(saved + "/data"));
      String msg = assertThrows(IllegalStateException.class, () -> NeuralClassificationModel.load(saved))
          .getMessage();
      assertTrue(msg.contains("formatVersion " + version) && msg.contains(version == 1 ? "Retrain" : "Upgrade"),
          msg);
    }
  }

  @Test
  void crossValidatorSweepWithStratifiedFoldsAndPipelinePersistence() throws Exception {
    Dataset<Row> data = new StratifiedKFold().setNumFolds(2).transform(blobs(300, 4));
    NeuralClassifier clf = small().setMaxEpochs(10); // 150 training rows a fold: each fit a bagged ensemble
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(clf.hiddenLayers(), CollectionConverters.asScala(List.of(new int[] {8}, new int[] {16, 8})))
        .addGrid(clf.learningRate(), new double[] {0.01, 0.0001}).build();
    CrossValidatorModel cv = new CrossValidator().setEstimator(clf).setEstimatorParamMaps(grid)
        .setEvaluator(new MetricsEvaluator().setMetricName("accuracy")).setFoldCol("fold").setNumFolds(2)
        .fit(data);
    assertEquals(4, cv.avgMetrics().length);
    double worstFast = 1;
    double bestSlow = 0;
    for (int i = 0; i < grid.length; i++) { // the grid's order is Spark's: look the learning rate up
      double lr = (Double) grid[i].apply(clf.learningRate());
      worstFast = lr == 0.01 ? Math.min(worstFast, cv.avgMetrics()[i]) : worstFast;
      bestSlow = lr == 0.0001 ? Math.max(bestSlow, cv.avgMetrics()[i]) : bestSlow;
    }
    assertTrue(worstFast > bestSlow + 0.3, "lr 0.01 beats 0.0001 after 10 epochs: "
        + java.util.Arrays.toString(cv.avgMetrics()));
    assertEquals(5, ((NeuralClassificationModel) cv.bestModel()).ensembleSize());
    String cvPath = path("cv");
    cv.write().save(cvPath);
    assertEquals(sortedRows(cv.transform(data)), sortedRows(CrossValidatorModel.load(cvPath).transform(data)),
        "CrossValidatorModel save/load keeps the best NeuralClassificationModel");
    PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {small().setMaxEpochs(2)}).fit(data);
    String p = path("pipeline");
    pm.write().save(p);
    assertEquals(sortedRows(pm.transform(data)), sortedRows(PipelineModel.load(p).transform(data)));
  }

  @Test
  void invalidRowsAtScoringFollowHandleInvalid() {
    Dataset<Row> train = blobs(300, 5);
    NeuralClassificationModel m = small().setMaxEpochs(2).fit(train);
    Dataset<Row> bad = train.withColumn("features", when(col("id").equalTo(3), lit(null))
        .otherwise(col("features")));
    String msg = rootMessage(assertThrows(Exception.class, () -> m.transform(bad).count()));
    assertTrue(msg.contains("featuresCol: column 'features' has a null vector"), msg);
    assertEquals(299, m.setHandleInvalid("skip").transform(bad).count());
    Dataset<Row> kept = m.setHandleInvalid("keep").transform(bad);
    assertEquals(300, kept.count());
    assertTrue(Double.isNaN(kept.filter(col("id").equalTo(3)).first().<Double>getAs("prediction")));
  }

  /**
   * Scoring reuses its batch buffers (512 rows on jvm) and keeps two sets of input rows: 2,300 rows of one
   * partition (five batches), rows of varying width and 24 invalid rows, through an operator that buffers rows
   * (a sort). Every row keeps its own columns and gets its own outputs: the network's on that row alone.
   */
  @Test
  void scoringManyBatchesKeepsEveryRowWithItsOwnOutputs() {
    NeuralClassificationModel m = small().setMaxEpochs(2).setEnsembleFolds(1).fit(blobs(300, 5));
    Dataset<Row> rows = blobs(2300, 7).coalesce(1)
        .withColumn("tag", org.apache.spark.sql.functions.expr("repeat('x', id % 40)"))
        .withColumn("features", when(col("id").mod(97).equalTo(5), lit(null)).otherwise(col("features")));
    assertEquals(1, rows.rdd().getNumPartitions());
    Map<Integer, double[]> features = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      features.put(r.getInt(0), r.isNullAt(2) ? null : ((org.apache.spark.ml.linalg.Vector) r.get(2)).toArray());
    }
    io.sparknn.nn.Network net = m.network();
    List<Row> kept = m.setHandleInvalid("keep").transform(rows).orderBy(col("id").desc()).collectAsList();
    assertEquals(2300, kept.size());
    int invalid = 0;
    for (int i = 0; i < kept.size(); i++) {
      Row r = kept.get(i);
      int id = r.getInt(0);
      assertEquals(2299 - i, id);
      assertEquals("x".repeat(id % 40), r.getAs("tag"));
      double[] x = features.get(id);
      double[] raw = ((org.apache.spark.ml.linalg.Vector) r.getAs("rawPrediction")).toArray();
      if (x == null) {
        invalid++;
        assertTrue(r.isNullAt(2) && Double.isNaN(r.<Double>getAs("prediction")) && Double.isNaN(raw[0]), "row " + id);
        continue;
      }
      assertArrayEquals(x, ((org.apache.spark.ml.linalg.Vector) r.get(2)).toArray(), "row " + id);
      float[] one = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        one[j] = (float) x[j];
      }
      double[] logits = net.infer(one, 0, 1);
      double mean = (logits[0] + logits[1] + logits[2]) / 3;
      double[] expected = {logits[0] - mean, logits[1] - mean, logits[2] - mean}; // rawPrediction is centered
      for (int c = 0; c < 3; c++) {
        assertEquals(expected[c], raw[c], 1e-4 * Math.max(1, Math.abs(expected[c])), "row " + id + " logit " + c);
      }
      assertEquals(io.sparknn.nn.Loss.argmax(expected), r.<Double>getAs("prediction"), 0.0, "row " + id);
    }
    assertEquals(24, invalid);
    List<Row> skipped = m.setHandleInvalid("skip").transform(rows).select("id").collectAsList();
    assertEquals(2300 - 24, skipped.size());
    for (int i = 1; i < skipped.size(); i++) {
      assertTrue(skipped.get(i).getInt(0) > skipped.get(i - 1).getInt(0), "the partition's order is kept");
    }
  }

  @Test
  void badInputFailsClearly() {
    Dataset<Row> df = blobs(60, 6);
    String missing = assertThrows(IllegalArgumentException.class,
        () -> small().setFeaturesCol("x").fit(df)).getMessage();
    assertTrue(missing.contains("featuresCol") && missing.contains("'x'"), missing);
    String type = assertThrows(IllegalArgumentException.class,
        () -> small().setFeaturesCol("label").fit(df)).getMessage();
    assertTrue(type.contains("must be a vector"), type);
    String range = rootMessage(assertThrows(Exception.class,
        () -> small().fit(df.withColumn("label", when(col("id").equalTo(1), 2.5).otherwise(col("label"))))));
    assertTrue(range.contains("labelCol") && range.contains("2.5"), range);
    String nul = rootMessage(assertThrows(Exception.class,
        () -> small().fit(df.withColumn("label", when(col("id").equalTo(1), null).otherwise(col("label"))))));
    assertTrue(nul.contains("labelCol: column 'label' has a null label"), nul);
    String single = assertThrows(IllegalArgumentException.class,
        () -> small().fit(df.withColumn("label", lit(1.0)))).getMessage();
    assertTrue(single.contains("single class"), single);
    Dataset<Row> withNaN = df.withColumn("features", when(col("id").equalTo(2),
        org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.array(lit(Double.NaN), lit(0.0),
            lit(0.0), lit(0.0)))).otherwise(col("features")));
    String nan = rootMessage(assertThrows(Exception.class, () -> small().fit(withNaN)));
    assertTrue(nan.contains("must never train on NaN"), nan);
    String batch = assertThrows(IllegalArgumentException.class, () -> small().setBatchSize(0)).getMessage();
    assertTrue(batch.contains("batchSize") && batch.contains(">= 1"), batch);
    String momentum = assertThrows(IllegalArgumentException.class, () -> small().setParam("momentum", 1.5))
        .getMessage();
    assertTrue(momentum.contains("momentum") && momentum.contains("[0, 1)"), momentum);
    String engine = assertThrows(IllegalArgumentException.class, () -> small().setEngine("cuda")).getMessage();
    assertTrue(engine.contains("engine") && engine.contains("nd4j"), engine);
    String empty = assertThrows(IllegalArgumentException.class, () -> small().fit(df.limit(0))).getMessage();
    assertTrue(empty.contains("empty"), empty);
  }

  /** Label = whether a 12-valued category is in a random-looking subset: learnable through an embedding only. */
  Dataset<Row> categories(int n, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String cat = "c" + r.nextInt(12);
      rows.add(RowFactory.create(i, cat, r.nextGaussian(), "c1 c4 c5 c9 c10".contains(cat + " ")
          || cat.equals("c11") ? 1.0 : 0.0));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("cat", DataTypes.StringType).add("x", DataTypes.DoubleType).add("label", DataTypes.DoubleType));
  }

  @Test
  void nominalSlotsFromEncoderMetadataBecomeEmbeddings() {
    Dataset<Row> raw = categories(2000, 8);
    PipelineModel prep = new Pipeline().setStages(new PipelineStage[] {
        new io.sparknn.feature.CategoricalEncoder().setInputCols(new String[] {"cat"})
            .setOutputCols(new String[] {"cat_idx"}).setEncoding("index").setHandleInvalid("keep"),
        new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"x", "cat_idx"})
            .setOutputCol("features")}).fit(raw);
    Dataset<Row> df = prep.transform(raw);
    NeuralClassificationModel m = small().setParam("embeddingDim", 4).fit(df);
    assertEquals(List.of(1), java.util.Arrays.stream(m.networkSpec().nominalSlots()).boxed().toList());
    assertEquals(13, m.networkSpec().cardinalities()[0], "12 values + the unknown bucket");
    double acc = new MetricsEvaluator().setMetricName("accuracy").evaluate(m.transform(df));
    assertTrue(acc >= 0.99, "accuracy " + acc);
    Dataset<Row> outOfRange = df.withColumn("features", when(col("id").equalTo(5),
        org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.array(lit(0.0), lit(20.0))))
        .otherwise(col("features")).as("features", df.schema().apply("features").metadata()));
    String train = rootMessage(assertThrows(Exception.class, () -> small().fit(outOfRange)));
    assertTrue(train.contains("slot 1 is nominal with 13 categories") && train.contains("20.0"), train);
    String score = rootMessage(assertThrows(Exception.class, () -> m.transform(outOfRange).count()));
    assertTrue(score.contains("invalid category index 20.0 in nominal slot 1"), score);
    assertEquals(1999, m.setHandleInvalid("skip").transform(outOfRange).count());
  }

  @Test
  void normalizationResidualPreluMixupAndNoiseTrainAndPersist() throws Exception {
    Dataset<Row> train = blobs(900, 9);
    NeuralClassifier est = small().setHiddenLayers(16, 16).setActivation("prelu")
        .setParam("normalization", "batch").setParam("residual", true).setParam("mixup", 0.2)
        .setParam("inputNoise", 0.1).setParam("dropout", 0.1);
    NeuralClassificationModel a = est.fit(train);
    NeuralClassificationModel b = est.fit(train);
    double acc = new MetricsEvaluator().setMetricName("accuracy").evaluate(a.transform(blobs(300, 10)));
    assertTrue(acc >= 0.93, "accuracy " + acc);
    assertEquals(sortedRows(a.transform(train)), sortedRows(b.transform(train)), "same seed, same model");
    NeuralClassificationModel loaded = assertRoundTrip(a);
    assertEquals(sortedRows(a.transform(train)), sortedRows(loaded.transform(train)),
        "BatchNorm running statistics and PReLU slopes are saved");
    NeuralClassificationModel layer = small().setParam("normalization", "layer").fit(train);
    assertTrue(new MetricsEvaluator().setMetricName("accuracy").evaluate(layer.transform(train)) >= 0.93);
    String bad = assertThrows(IllegalArgumentException.class, () -> small().setParam("normalization", "group"))
        .getMessage();
    assertTrue(bad.contains("normalization") && bad.contains("batch"), bad);
  }

  @Test
  void weightColWeighsRows() {
    // 60 % of the rows get a rotated label: with weight 0 they are ignored, with weight 1 they win
    Dataset<Row> noisy = blobs(1500, 11).withColumn("label", when(col("id").mod(5).lt(3),
        col("label").plus(1).mod(3)).otherwise(col("label")))
        .withColumn("w", when(col("id").mod(5).lt(3), 0.0).otherwise(1.0));
    Dataset<Row> test = blobs(300, 12);
    MetricsEvaluator acc = new MetricsEvaluator().setMetricName("accuracy");
    double weighted = acc.evaluate(small().setParam("weightCol", "w").fit(noisy).transform(test));
    double unweighted = acc.evaluate(small().fit(noisy).transform(test));
    assertTrue(weighted >= 0.95, "weighted accuracy " + weighted);
    assertTrue(unweighted < 0.5, "unweighted, the rotated majority wins: " + unweighted);
    String neg = rootMessage(assertThrows(Exception.class, () -> small().setParam("weightCol", "w")
        .fit(noisy.withColumn("w", lit(-1.0)))));
    assertTrue(neg.contains("weightCol") && neg.contains("-1.0"), neg);
  }
}
