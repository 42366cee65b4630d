package io.sparknn.classification;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.StratifiedKFold;
import io.sparknn.feature.StratifiedSplitter;
import io.sparknn.regression.NeuralRegressionModel;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.OneVsRest;
import org.apache.spark.ml.classification.OneVsRestModel;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.shared.HasWeightCol;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The neural stages in MLlib's shapes: Classifier/Predictor types, single rows, thresholds, outputs, streaming. */
class MllibShapesTest extends SparkTestBase {
  private Dataset<Row> blobs(int n, long seed) {
    Random r = new Random(seed);
    double[][] centres = {{0, 0}, {3, 0}, {0, 3}};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      rows.add(RowFactory.create(i, (double) c, Vectors.dense(centres[c][0] + r.nextGaussian(),
          centres[c][1] + r.nextGaussian())));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("label", DataTypes.DoubleType).add("features", new VectorUDT()));
  }

  private static NeuralClassifier small() {
    return new NeuralClassifier().setHiddenLayers(8).setLearningRate(0.02).setBatchSize(64).setMaxEpochs(15)
        .setEnsembleFolds(1);
  }

  @Test
  void stagesHaveSparksTypesCovariantCopiesAndOwnedParams() throws Exception {
    NeuralClassifier c = new NeuralClassifier("nc1");
    assertTrue(c instanceof ProbabilisticClassifier<?, ?, ?> && c instanceof HasWeightCol);
    assertTrue(new NeuralRegressor() instanceof Regressor<?, ?, ?>);
    for (Object s : new Object[] {c, new NeuralRegressor("nr1"), new StratifiedSplitter(), new StratifiedKFold()}) {
      assertEquals(s.getClass(), s.getClass().getMethod("copy", org.apache.spark.ml.param.ParamMap.class)
          .getReturnType(), s.getClass().getSimpleName() + ".copy");
      org.apache.spark.ml.param.Params p = (org.apache.spark.ml.param.Params) s;
      for (org.apache.spark.ml.param.Param<?> q : p.params()) {
        assertEquals(p.uid(), q.parent(), "param " + q.name() + " of " + p.uid());
      }
    }
    assertEquals("nc1", c.thresholds().parent());
    assertEquals("nc1", c.featuresCol().parent());
    assertEquals("nc1", c.copy(org.apache.spark.ml.param.ParamMap.empty()).uid());
    String bad = assertThrows(IllegalArgumentException.class, () -> c.setThresholds(new double[] {-1, 1}))
        .getMessage();
    assertTrue(bad.contains("NeuralClassifier(nc1) thresholds"), bad);
  }

  @Test
  void singleRowPredictionsEqualTransformAndThresholdsFollowMllib() throws Exception {
    Dataset<Row> train = blobs(600, 1);
    NeuralClassificationModel m = small().fit(train);
    assertEquals(3, m.numClasses());
    assertEquals(2, m.numFeatures());
    List<Row> scored = m.transform(train.limit(50)).collectAsList();
    for (Row r : scored) {
      Vector x = r.getAs("features");
      Vector raw = r.getAs("rawPrediction");
      assertArrayEquals(raw.toArray(), m.predictRaw(x).toArray(), 1e-9);
      assertArrayEquals(((Vector) r.getAs("probability")).toArray(), m.predictProbability(x).toArray(), 1e-9);
      assertEquals(r.<Double>getAs("prediction"), m.predict(x), 0.0);
      assertEquals(0, raw.toArray()[0] + raw.toArray()[1] + raw.toArray()[2], 1e-9, "rawPrediction is centered");
    }
    // a threshold of ~0 on class 2 makes it the prediction of every row with any probability for it
    double[] t = {1, 1, 1e-12};
    List<Row> thresholded = m.copy(org.apache.spark.ml.param.ParamMap.empty()).setThresholds(t)
        .transform(train.limit(50)).collectAsList();
    for (Row r : thresholded) {
      double[] p = ((Vector) r.getAs("probability")).toArray();
      int expected = 0;
      for (int k = 1; k < 3; k++) {
        expected = p[k] / t[k] > p[expected] / t[expected] ? k : expected;
      }
      assertEquals(expected, r.<Double>getAs("prediction"), 0.0);
      assertEquals(2.0, r.<Double>getAs("prediction"), 0.0);
    }
    NeuralClassificationModel loaded = assertRoundTrip(m.copy(org.apache.spark.ml.param.ParamMap.empty())
        .setThresholds(t));
    assertArrayEquals(t, loaded.getThresholds());
    String wrong = assertThrows(IllegalArgumentException.class, () -> m.setThresholds(new double[] {0.5, 0.5}))
        .getMessage();
    assertTrue(wrong.contains("thresholds") && wrong.contains("3 classes"), wrong);
    String size = assertThrows(IllegalArgumentException.class, () -> m.predict(Vectors.dense(1, 2, 3)))
        .getMessage();
    assertTrue(size.contains("featuresCol") && size.contains("size 3"), size);
    String unfit = assertThrows(IllegalArgumentException.class, () -> small().setThresholds(new double[] {1, 1})
        .fit(train)).getMessage();
    assertTrue(unfit.contains("2 thresholds") && unfit.contains("3 classes"), unfit);
  }

  @Test
  void emptyOutputColumnNamesLeaveThoseOutputsOut() {
    Dataset<Row> train = blobs(300, 2);
    NeuralClassificationModel m = small().setMaxEpochs(3).fit(train);
    Dataset<Row> all = m.transform(train);
    Dataset<Row> probOnly = m.copy(org.apache.spark.ml.param.ParamMap.empty()).setRawPredictionCol("")
        .setPredictionCol("").transform(train);
    assertEquals(List.of("id", "label", "features", "probability"), List.of(probOnly.columns()));
    assertEquals(all.select("probability").collectAsList(), probOnly.select("probability").collectAsList());
    Dataset<Row> predOnly = m.copy(org.apache.spark.ml.param.ParamMap.empty()).setRawPredictionCol("")
        .setProbabilityCol("").transform(train);
    assertEquals(List.of("id", "label", "features", "prediction"), List.of(predOnly.columns()));
    assertEquals(all.select("prediction").collectAsList(), predOnly.select("prediction").collectAsList());
    Dataset<Row> none = m.copy(org.apache.spark.ml.param.ParamMap.empty()).setRawPredictionCol("")
        .setProbabilityCol("").setPredictionCol("").transform(train);
    assertEquals(3, none.columns().length);
  }

  @Test
  void modelsScoreStreamingDataFramesLikeBatchOnes() throws Exception {
    Dataset<Row> train = blobs(300, 3);
    NeuralClassificationModel c = small().setMaxEpochs(3).fit(train);
    NeuralRegressionModel r = new NeuralRegressor().setHiddenLayers(8).setMaxEpochs(3).setEnsembleFolds(1)
        .setPredictionCol("value").fit(train);
    String dir = tmp.resolve("stream-in").toString();
    train.write().parquet(dir);
    Dataset<Row> stream = spark.readStream().schema(train.schema()).option("maxFilesPerTrigger", 1).parquet(dir);
    assertTrue(stream.isStreaming());
    Dataset<Row> scored = r.transform(c.transform(stream));
    assertTrue(scored.isStreaming());
    StreamingQuery q = scored.writeStream().format("memory").queryName("scoredStream").outputMode("append").start();
    try {
      q.processAllAvailable();
    } finally {
      q.stop();
    }
    List<Row> streamed = spark.table("scoredStream").orderBy("id").collectAsList();
    List<Row> batch = r.transform(c.transform(train)).orderBy("id").collectAsList();
    assertEquals(300, streamed.size());
    assertEquals(batch, streamed);
    String why = assertThrows(IllegalArgumentException.class, () -> new StratifiedKFold().setNumFolds(3)
        .transform(stream)).getMessage();
    assertTrue(why.contains("streaming") && why.contains("foreachBatch"), why);
  }

  @Test
  void oneVsRestTrainsOnNeuralClassifiers() {
    Dataset<Row> train = blobs(600, 4);
    Dataset<Row> test = blobs(300, 5);
    OneVsRestModel ovr = new OneVsRest().setClassifier(small()).fit(train);
    assertEquals(3, ovr.models().length);
    double accuracy = new MetricsEvaluator().setMetricName("accuracy").evaluate(ovr.transform(test));
    assertTrue(accuracy > 0.8, "OneVsRest accuracy " + accuracy + " (chance 0.33)");
  }

  @Test
  void emptyFramesStayEmptyAndNullVectorsFailBeforeTraining() {
    Dataset<Row> empty = blobs(30, 6).limit(0);
    Dataset<Row> folds = new StratifiedKFold().setNumFolds(3).transform(empty);
    assertEquals(0, folds.count());
    assertTrue(List.of(folds.columns()).contains("fold"));
    assertEquals(0, new StratifiedSplitter().transform(empty).count());
    Dataset<Row> withNull = blobs(300, 7).withColumn("features", org.apache.spark.sql.functions.when(col("id")
        .equalTo(5), org.apache.spark.sql.functions.lit(null)).otherwise(col("features")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small().fit(withNull));
    assertTrue(e.getMessage().startsWith("NeuralClassifier(") && e.getMessage().contains("null vector"),
        e.getMessage());
  }

  @Test
  void defaultEvaluatorScoresALabelPredictionFrameAsClassification() {
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(0.0, 0.0), RowFactory.create(1.0, 1.0),
        RowFactory.create(1.0, 0.0), RowFactory.create(0.0, 0.0)), new StructType().add("label",
        DataTypes.DoubleType).add("prediction", DataTypes.DoubleType));
    double f1 = new MetricsEvaluator().evaluate(df);
    double mllib = new org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator().evaluate(df);
    assertEquals(mllib, f1, 1e-12);
  }

  @Test
  void everyStageIsRegisteredForSparkConnectAndRoundTrips() throws Exception {
    List<String> names = new ArrayList<>();
    for (Class<?> kind : new Class<?>[] {org.apache.spark.ml.Estimator.class, org.apache.spark.ml.Transformer.class,
        org.apache.spark.ml.evaluation.Evaluator.class}) {
      for (ServiceLoader.Provider<?> provider : ServiceLoader.load(kind).stream().toList()) {
        if (provider.type().getName().startsWith("io.sparknn")) {
          Object s = provider.get();
          names.add(s.getClass().getSimpleName());
          Object withUid = s.getClass().getConstructor(String.class).newInstance("connect1");
          assertEquals("connect1", ((org.apache.spark.ml.param.Params) withUid).uid());
          assertTrue(s.getClass().getMethod("load", String.class) != null);
          if (!s.getClass().getSimpleName().endsWith("Model")) {
            org.apache.spark.ml.util.MLWritable w = (org.apache.spark.ml.util.MLWritable) withUid;
            String path = tmp.resolve("connect-" + s.getClass().getSimpleName()).toString();
            w.write().save(path);
            Object back = s.getClass().getMethod("load", String.class).invoke(null, path);
            assertEquals("connect1", ((org.apache.spark.ml.param.Params) back).uid());
          }
        }
      }
    }
    assertEquals(List.of("CategoricalEncoder", "CategoricalEncoderModel", "MetricsEvaluator", "NeuralClassificationModel",
        "NeuralClassifier", "NeuralRegressionModel", "NeuralRegressor", "Standardizer", "StandardizerModel",
        "StratifiedKFold", "StratifiedSplitter"), names.stream().sorted().toList());
    IllegalStateException unfit = assertThrows(IllegalStateException.class, () -> new NeuralClassificationModel()
        .transform(blobs(3, 8)));
    assertTrue(unfit.getMessage().contains("load(path)"), unfit.getMessage());
    assertFalse(PipelineStage.class.isAssignableFrom(MetricsEvaluator.class));
  }
}
