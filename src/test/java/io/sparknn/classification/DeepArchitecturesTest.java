package io.sparknn.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.regression.NeuralRegressionModel;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import io.sparknn.util.Idx;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
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

/**
 * The {@code architecture}, {@code inputShape} and {@code layers} params end to end: CNN and recurrent networks
 * learn the committed Fashion-MNIST slice, save and load with identical predictions, work in the regressor and in a
 * CrossValidator grid, and bad settings fail at fit with the param and the numbers.
 */
class DeepArchitecturesTest extends SparkTestBase {
  private static final String DIR = "src/test/resources/fashion-mnist/";

  private Dataset<Row> images(String split, int n) {
    return Idx.read(spark, DIR + split + "-" + n + "-images-idx3-ubyte.gz",
        DIR + split + "-" + n + "-labels-idx1-ubyte.gz", 0, 2).cache();
  }

  private static double accuracy(Dataset<Row> scored) {
    return new MetricsEvaluator().setMetricName("accuracy").evaluate(scored);
  }

  private static double[] logits(Dataset<Row> scored) {
    return scored.select("rawPrediction").collectAsList().stream()
        .flatMapToDouble(r -> java.util.Arrays.stream(((Vector) r.get(0)).toArray())).toArray();
  }

  @Test
  void cnnAndRecurrentNetworksLearnImagesAndRoundTrip() throws Exception {
    Dataset<Row> train = images("train", 2000);
    Dataset<Row> test = images("t10k", 1000);
    NeuralClassifier cnn = new NeuralClassifier().setArchitecture("cnn").setInputShape(1, 28, 28).setFilters(8, 16)
        .setHiddenLayers(32).setMaxEpochs(6).setBatchSize(64);
    NeuralClassifier gru = new NeuralClassifier().setArchitecture("gru").setInputShape(28, 28).setHiddenSize(32)
        .setHiddenLayers().setMaxEpochs(6).setBatchSize(64).setLearningRate(3e-3);
    NeuralClassifier mlp = new NeuralClassifier().setHiddenLayers(32).setMaxEpochs(6).setBatchSize(64);
    NeuralClassificationModel c = cnn.fit(train);
    NeuralClassificationModel g = gru.fit(train);
    double accCnn = accuracy(c.transform(test));
    double accGru = accuracy(g.transform(test));
    double accMlp = accuracy(mlp.fit(train).transform(test));
    assertTrue(accCnn >= 0.74, "cnn on 2,000 images: " + accCnn);
    assertTrue(accGru >= 0.62, "gru reading rows on 2,000 images: " + accGru);
    assertTrue(accCnn > accMlp, "the cnn beats an MLP of the same head: " + accCnn + " vs " + accMlp);
    assertEquals("conv2d(8,3,1,1) relu maxpool(2) conv2d(16,3,1,1) relu maxpool(2) flatten dense(32) relu",
        c.networkSpec().layers());
    for (NeuralClassificationModel m : List.of(c, g)) {
      NeuralClassificationModel loaded = assertRoundTrip(m);
      assertArrayEquals(logits(m.transform(test)), logits(loaded.transform(test)), 0, m.networkSpec().layers());
      // scored with the other engine: the same predictions within 1e-4
      assertArrayEquals(logits(m.transform(test)), logits(loaded.setEngine("nd4j").transform(test)), 1e-4);
    }
  }

  /** Sequences of 6 steps × 2 features; the label is a function of the order of the steps. */
  private Dataset<Row> sequences(int n, boolean classification, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[12];
      double y = 0;
      for (int t = 0; t < 6; t++) {
        x[2 * t] = r.nextGaussian();
        x[2 * t + 1] = r.nextGaussian();
        y += (t - 2.5) * x[2 * t] - 0.3 * x[2 * t + 1] * x[2 * t + 1];
      }
      rows.add(RowFactory.create(Vectors.dense(x), classification ? (y > -0.9 ? 1.0 : 0.0) : y));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void regressorTakesEveryArchitecture() throws Exception {
    Dataset<Row> train = sequences(1500, false, 1);
    Dataset<Row> test = sequences(500, false, 2);
    for (String arch : new String[] {"lstm", "rnn", "cnn", "transformer"}) {
      NeuralRegressionModel m = new NeuralRegressor().setArchitecture(arch).setInputShape(6, 2).setHiddenSize(16)
          .setFilters(16).setModelDim(16).setNumHeads(2).setBidirectional(arch.equals("lstm")).setSequencePooling(arch.equals("rnn") ? "mean"
              : "last").setMaxEpochs(40).setBatchSize(32).setLearningRate(3e-3).fit(train);
      double r2 = new MetricsEvaluator().setMetricName("r2").evaluate(m.transform(test));
      assertTrue(r2 > 0.8, arch + " R² " + r2 + " with layers " + m.networkSpec().layers());
      NeuralRegressionModel loaded = assertRoundTrip(m);
      assertEquals(sortedRows(m.transform(test)), sortedRows(loaded.transform(test)), arch);
    }
  }

  @Test
  void tabularTransformerTokenizesNumericAndNominalSlots() throws Exception {
    Random r = new Random(5);
    List<Row> rows = new ArrayList<>();
    String[] cats = {"a", "b", "c"};
    for (int i = 0; i < 1200; i++) {
      double x1 = r.nextGaussian();
      double x2 = r.nextGaussian();
      int c = r.nextInt(3);
      double logit = 2 * x1 - x2 * x2 + (c - 1) * 1.5;
      rows.add(RowFactory.create(x1, x2, cats[c], logit > -0.5 ? 1.0 : 0.0));
    }
    Dataset<Row> raw = spark.createDataFrame(rows, new StructType().add("x1", DataTypes.DoubleType)
        .add("x2", DataTypes.DoubleType).add("c", DataTypes.StringType).add("label", DataTypes.DoubleType));
    org.apache.spark.ml.PipelineModel prep = new org.apache.spark.ml.Pipeline().setStages(
        new org.apache.spark.ml.PipelineStage[] {new io.sparknn.feature.CategoricalEncoder().setInputCols("c")
            .setOutputCols("c_idx").setEncoding("index"), new org.apache.spark.ml.feature.VectorAssembler()
            .setInputCols(new String[] {"x1", "c_idx", "x2"}).setOutputCol("features")}).fit(raw);
    Dataset<Row> data = prep.transform(raw);
    Dataset<Row>[] parts = data.randomSplit(new double[] {0.75, 0.25}, 1);
    NeuralClassificationModel m = new NeuralClassifier().setArchitecture("transformer").setModelDim(8)
        .setNumHeads(2).setHiddenLayers(16).setMaxEpochs(30).setBatchSize(32).fit(parts[0]);
    assertEquals("tokens(8) cls encoder(2,16) layernorm first dense(16) relu", m.networkSpec().layers());
    assertArrayEquals(new int[] {8}, m.networkSpec().embeddingDims(), "the nominal slot embeds at token width");
    double auc = new MetricsEvaluator().setMetricName("auc").evaluate(m.transform(parts[1]));
    assertTrue(auc > 0.9, "tabular transformer AUC " + auc);
    NeuralClassificationModel loaded = assertRoundTrip(m);
    assertArrayEquals(logits(m.transform(parts[1])), logits(loaded.transform(parts[1])), 0);
  }

  @Test
  void layerStacksAreGridSearchable() {
    Dataset<Row> data = sequences(600, true, 3);
    NeuralClassifier clf = new NeuralClassifier().setInputShape(6, 2).setMaxEpochs(15).setBatchSize(32);
    ParamMap[] grid = new ParamGridBuilder().addGrid(clf.layers(), scala.jdk.javaapi.CollectionConverters.asScala(
        List.of("gru(8) last", "conv1d(8,3) relu flatten dense(8) relu")).toSeq()).build();
    CrossValidatorModel cv = new CrossValidator().setEstimator(clf).setEstimatorParamMaps(grid).setNumFolds(2)
        .setEvaluator(new MetricsEvaluator().setMetricName("auc")).setSeed(1).fit(data);
    assertEquals(2, cv.avgMetrics().length);
    for (double auc : cv.avgMetrics()) {
      assertTrue(auc > 0.75, "each stack learns the sequences: " + java.util.Arrays.toString(cv.avgMetrics()));
    }
    String msg = assertThrows(IllegalArgumentException.class, () -> clf.setLayers("gru(8) lastt")).getMessage();
    assertTrue(msg.contains("token 2 'lastt' is unknown"), msg);
  }

  /** Variable-length sequences (2..6 steps of 2 features) as array<array<double>>; the label is the sign of the
   * last real step's first feature plus the first step's second. */
  private Dataset<Row> ragged(int n, long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = 2 + r.nextInt(5);
      List<List<Double>> seq = new ArrayList<>();
      double[][] v = new double[len][2];
      for (int t = 0; t < len; t++) {
        v[t][0] = r.nextGaussian();
        v[t][1] = r.nextGaussian();
        seq.add(List.of(v[t][0], v[t][1]));
      }
      double y = v[len - 1][0] + v[0][1] > 0 ? 1.0 : 0.0;
      rows.add(RowFactory.create(scala.jdk.javaapi.CollectionConverters.asScala(seq.stream()
          .map(l -> scala.jdk.javaapi.CollectionConverters.asScala(l).toSeq()).toList()).toSeq(), y));
    }
    StructType schema = new StructType().add("seq", DataTypes.createArrayType(DataTypes.createArrayType(
        DataTypes.DoubleType))).add("label", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void variableLengthSequenceColumnsTrainScoreAndRoundTrip() throws Exception {
    Dataset<Row> train = ragged(1500, 6);
    Dataset<Row> test = ragged(400, 7);
    NeuralClassificationModel m = new NeuralClassifier().setFeaturesCol("seq").setArchitecture("gru")
        .setInputShape(6, 2).setHiddenSize(16).setHiddenLayers().setMaxEpochs(40).setBatchSize(32)
        .setLearningRate(3e-3).fit(train);
    assertTrue(m.networkSpec().masked());
    double acc = accuracy(m.transform(test));
    assertTrue(acc > 0.85, "the gru finds the last real step of each sequence: " + acc);
    NeuralClassificationModel loaded = assertRoundTrip(m);
    assertArrayEquals(logits(m.transform(test)), logits(loaded.transform(test)), 0);
    // the same sequences flattened to array<double> score the same
    Dataset<Row> flat = test.withColumn("seq", org.apache.spark.sql.functions.flatten(
        org.apache.spark.sql.functions.col("seq")));
    assertArrayEquals(logits(m.transform(test)), logits(m.transform(flat)), 0);
    // bad sequences name the column and the fix
    String msg = assertThrows(Exception.class, () -> m.transform(spark.sql("select array(array(1d, 2d),"
        + " array(1d, 2d), array(1d, 2d), array(1d, 2d), array(1d, 2d), array(1d, 2d), array(1d, 2d)) as seq"))
        .count()).getMessage();
    assertTrue(msg.contains("a sequence of 7 steps; the model reads at most 6 (inputShape[0]: raise it"), msg);
    msg = assertThrows(Exception.class, () -> m.transform(spark.sql("select cast(array() as array<array<double>>)"
        + " as seq")).count()).getMessage();
    assertTrue(msg.contains("an empty sequence (0 steps)"), msg);
    msg = assertThrows(Exception.class, () -> m.transform(spark.sql("select array(array(1d, 2d), array(1d)) as seq"))
        .count()).getMessage();
    assertTrue(msg.contains("a step of 1 features at step 1 (inputShape[1] is 2)"), msg);
    assertEquals(1, m.setHandleInvalid("skip").transform(spark.sql("select array(array(1d, 2d)) as seq union all"
        + " select array(array(1d)) as seq")).count(), "handleInvalid=skip drops the ragged row");
    msg = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setFeaturesCol("seq")
        .setArchitecture("gru").fit(train)).getMessage();
    assertTrue(msg.contains("set inputShape to [maxSteps, features]"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> m.transform(sequences(5, true, 1).withColumnRenamed(
        "features", "seq"))).getMessage();
    assertTrue(msg.contains("but this model was trained on sequences"), msg);
  }

  @Test
  void badShapesFailAtFitWithTheParamAndTheNumbers() {
    Dataset<Row> data = sequences(50, true, 4);
    String msg = assertThrows(IllegalArgumentException.class,
        () -> new NeuralClassifier().setArchitecture("lstm").setInputShape(5, 2).fit(data)).getMessage();
    assertTrue(msg.contains("inputShape: inputShape [5, 2] holds 10 values but each features vector has 12"), msg);
    msg = assertThrows(IllegalArgumentException.class,
        () -> new NeuralClassifier().setArchitecture("cnn").fit(data)).getMessage();
    assertTrue(msg.contains(" architecture: architecture cnn reads images or sequences: set inputShape"), msg);
    msg = assertThrows(IllegalArgumentException.class,
        () -> new NeuralClassifier().setInputShape(1, 3, 4).setLayers("conv2d(4,5)").fit(data)).getMessage();
    assertTrue(msg.contains(" layers: layers 'conv2d(4,5)': token 1 'conv2d(4,5)' on [3 x 4, 1 channels]"), msg);
    assertTrue(msg.contains("floor((3 + 2*0 - 5) / 1) + 1 = -1"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setInputShape(2, 2, 2, 2))
        .getMessage();
    assertTrue(msg.contains("inputShape"), msg);
  }
}
