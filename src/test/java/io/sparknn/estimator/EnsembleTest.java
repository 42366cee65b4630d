package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.nn.Loss;
import io.sparknn.regression.NeuralRegressionModel;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import io.sparknn.train.History;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Bagged early stopping ({@code ensembleFolds}): members, averaged outputs, persistence, the auto rule, errors. */
class EnsembleTest extends SparkTestBase {
  /** Three noisy classes in 3-D; {@code n} rows. */
  private Dataset<Row> data(long n) {
    return new VectorAssembler().setInputCols(new String[] {"a", "b", "c"}).setOutputCol("features")
        .transform(spark.range(0, n, 1, 2).selectExpr("id", "cast(id % 3 as double) as label")
            .selectExpr("label", "label + randn(1) as a", "randn(2) as b", "label * label - randn(3) as c",
                "label + randn(4) as y", "id % 2 = 0 as isVal"))
        .cache();
  }

  /** The features of the first {@code n} rows, row after row. */
  private static float[] features(List<Row> rows) {
    float[] x = new float[rows.size() * 3];
    for (int i = 0; i < rows.size(); i++) {
      Vector v = rows.get(i).getAs("features");
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = (float) v.apply(j);
      }
    }
    return x;
  }

  @Test
  void aClassifierEnsembleAveragesItsMembersProbabilitiesAndSurvivesSaveAndLoad() throws Exception {
    Dataset<Row> train = data(600);
    NeuralClassificationModel m = new NeuralClassifier().setEnsembleFolds(3).setMaxEpochs(15).fit(train);
    assertEquals(3, m.ensembleSize());
    assertEquals(3, m.memberSummaries().size());
    assertEquals(m.memberSummaries().get(0), m.summary());
    for (int j = 0; j < 3; j++) {
      // each member validated on its own fold: 200 of the 600 rows, so its history has validation metrics
      assertTrue(m.memberSummaries().get(j).bestEpoch() >= 0);
      History h = m.memberSummaries().get(j);
      double best = h.epochs().get(h.bestEpoch()).validationMetric();
      assertTrue(best > 0.6, "member " + j + ": best-epoch accuracy " + best + " on its 200 held-out rows (chance and"
          + " majority: 1/3)");
    }
    assertNotEquals(m.network(0).toFloats()[0], m.network(1).toFloats()[0], "members start from other seeds");

    List<Row> rows = m.transform(train).limit(20).collectAsList();
    float[] x = features(rows);
    double[][] each = new double[3][];
    for (int j = 0; j < 3; j++) {
      each[j] = m.network(j).infer(x, 0, rows.size());
    }
    for (int i = 0; i < rows.size(); i++) {
      Vector p = rows.get(i).getAs("probability");
      Vector raw = rows.get(i).getAs("rawPrediction");
      double sum = 0;
      int best = 0;
      double[] mean = new double[3];
      for (int c = 0; c < 3; c++) {
        for (int j = 0; j < 3; j++) {
          mean[c] += Loss.softmax(java.util.Arrays.copyOfRange(each[j], i * 3, i * 3 + 3))[c] / 3;
        }
      }
      double logMean = (Math.log(mean[0]) + Math.log(mean[1]) + Math.log(mean[2])) / 3;
      for (int c = 0; c < 3; c++) {
        assertEquals(mean[c], p.apply(c), 1e-6, "row " + i + " class " + c);
        assertEquals(Math.log(mean[c]) - logMean, raw.apply(c), 1e-6,
            "rawPrediction = log of the averaged probability, centered");
        sum += p.apply(c);
        best = p.apply(c) > p.apply(best) ? c : best;
      }
      assertEquals(1, sum, 1e-9);
      assertEquals(best, rows.get(i).<Double>getAs("prediction"), 0);
    }

    String path = tmp.resolve("ensemble-classifier").toString();
    m.write().overwrite().save(path);
    NeuralClassificationModel back = NeuralClassificationModel.load(path);
    assertEquals(3, back.ensembleSize());
    for (int j = 0; j < 3; j++) {
      assertEquals(m.memberSummaries().get(j).bestEpoch(), back.memberSummaries().get(j).bestEpoch());
      assertEquals(m.memberSummaries().get(j).epochs().size(), back.memberSummaries().get(j).epochs().size());
    }
    List<Row> again = back.transform(train).limit(20).collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      assertArrayEquals(((Vector) rows.get(i).getAs("probability")).toArray(),
          ((Vector) again.get(i).getAs("probability")).toArray(), 0);
    }
  }

  @Test
  void aRegressorEnsemblePredictsTheMeanOfItsMembers() {
    Dataset<Row> train = data(500);
    NeuralRegressionModel m = new NeuralRegressor().setLabelCol("y").setEnsembleFolds(2).setMaxEpochs(10)
        .fit(train);
    assertEquals(2, m.ensembleSize());
    List<Row> rows = m.transform(train).limit(10).collectAsList();
    float[] x = features(rows);
    double[] a = m.network(0).infer(x, 0, rows.size());
    double[] b = m.network(1).infer(x, 0, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertNotEquals(a[i], b[i]);
      // float networks: OpenBLAS's AVX-512 kernels round a product differently for 10 rows than for the
      // transform's batch, by a few float ulps
      assertEquals((a[i] + b[i]) / 2, rows.get(i).<Double>getAs("prediction"), 1e-5);
    }
  }

  @Test
  void autoBagsSmallTablesOnlyAndAnExplicitOneIsASingleNetwork() {
    NeuralClassifier est = new NeuralClassifier().setMaxEpochs(2);
    assertEquals(0, est.getEnsembleFolds(), "default: auto");
    assertEquals(5, est.fit(data(1_000)).ensembleSize(), "auto on 1,000 rows");
    assertEquals(1, est.fit(data(6_000)).ensembleSize(), "auto on 6,000 rows");
    assertEquals(1, est.copy(new org.apache.spark.ml.param.ParamMap()).setValidationIndicatorCol("isVal")
        .fit(data(1_000)).ensembleSize(), "auto with a validation column");
    assertEquals(1, new NeuralClassifier().setMaxEpochs(2).setEnsembleFolds(1).fit(data(1_000)).ensembleSize());
    assertEquals(1, new NeuralClassifier().setMaxEpochs(2).setCheckpointDir(tmp.resolve("ck1").toString())
        .fit(data(1_000)).ensembleSize(), "auto with checkpoints: one resumable network");
  }

  @Test
  void theSparkContextsCheckpointDirectoryAloneGivesOneCheckpointedNetwork() throws Exception {
    java.nio.file.Path dir = tmp.resolve("sc-checkpoints");
    spark.sparkContext().setCheckpointDir(dir.toString());
    try {
      java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
      NeuralClassifier est = new NeuralClassifier().setMaxEpochs(4).setCheckpointInterval(1);
      est.addTrainingListener(new io.sparknn.train.TrainingListener() {
        @Override
        public boolean onEpoch(Progress p) {
          try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
            seen.accumulateAndGet(s.filter(java.nio.file.Files::isRegularFile).count(), Math::max);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return true;
        }
      });
      NeuralClassificationModel m = est.fit(data(1_000));
      assertEquals(1, m.ensembleSize(), "auto with the SparkContext's checkpoint directory: one network");
      assertTrue(seen.get() > 0, "the fit wrote checkpoints under the SparkContext's directory " + dir);
      assertEquals(5, new NeuralClassifier().setMaxEpochs(2).setCheckpointInterval(-1).fit(data(1_000))
          .ensembleSize(), "checkpointInterval = -1 writes none: auto bags");
    } finally {
      spark.sparkContext().setCheckpointDir(null);
    }
    assertEquals(5, new NeuralClassifier().setMaxEpochs(2).fit(data(1_000)).ensembleSize());
  }

  @Test
  void aListenerHearsEachMemberAndStoppingOneSkipsTheMembersNotStarted() {
    List<io.sparknn.train.TrainingListener.Progress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.sparknn.train.TrainingListener stopFirst = new io.sparknn.train.TrainingListener() {
      @Override
      public boolean onEpoch(Progress p) {
        seen.add(p);
        return p.member() != 0 || p.epoch() < 1; // member 0 stops after its second epoch
      }
    };
    NeuralClassificationModel m = new NeuralClassifier().setEnsembleFolds(3).setMaxEpochs(25).setPatience(0)
        .addTrainingListener(stopFirst).fit(data(600));
    // local[2]: members 0 and 1 start together; member 2 would start when member 0 ends, and is skipped
    assertEquals(2, m.ensembleSize());
    assertEquals(2, m.memberSummaries().get(0).epochs().size());
    assertEquals(25, m.memberSummaries().get(1).epochs().size());
    assertEquals(27, seen.size());
    assertTrue(seen.stream().allMatch(p -> p.members() == 3 && p.member() < 2), seen.toString());
  }

  @Test
  void aSmallTableTrainsWithSizedDefaultsAndTheModelSaysWhichUnlessTheUserSetThem() {
    NeuralClassifier est = new NeuralClassifier().setMaxEpochs(1);
    NeuralClassificationModel tiny = est.fit(data(300));
    assertArrayEquals(new int[] {32}, tiny.getHiddenLayers(), "one layer of 32 below 512 rows");
    assertArrayEquals(new int[] {32}, tiny.networkSpec().hidden());
    assertEquals(32, tiny.getBatchSize());
    assertEquals(2.5 / 300, tiny.getL2(), 1e-12);
    assertEquals(5, tiny.getEnsembleFolds());
    assertArrayEquals(new int[] {16}, est.fit(data(200)).getHiddenLayers(), "below 256 rows");
    assertArrayEquals(new int[] {64, 64}, est.fit(data(2_000)).getHiddenLayers(), "from 512 rows");
    NeuralClassificationModel large = est.fit(data(6_000));
    assertArrayEquals(new int[] {64, 64}, large.getHiddenLayers());
    assertEquals(256, large.getBatchSize());
    assertEquals(0, large.getL2());
    assertEquals(1, large.getEnsembleFolds());
    // the estimator's own params do not change, and what the user sets wins on any table
    assertEquals(256, est.getBatchSize());
    assertArrayEquals(new int[] {64, 64}, est.getHiddenLayers());
    NeuralClassificationModel mine = new NeuralClassifier().setMaxEpochs(1).setHiddenLayers(8).setBatchSize(64)
        .setL2(0).fit(data(300));
    assertArrayEquals(new int[] {8}, mine.networkSpec().hidden());
    assertEquals(64, mine.getBatchSize());
    assertEquals(0, mine.getL2());
  }

  @Test
  void impossibleEnsemblesFailNamingTheParamAndTheFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
        .setEnsembleFolds(3).setValidationIndicatorCol("isVal").fit(data(300)));
    assertTrue(e.getMessage().contains("ensembleFolds = 3") && e.getMessage().contains("validationIndicatorCol")
        && e.getMessage().contains("Set ensembleFolds to 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setEnsembleFolds(8)
        .fit(data(6)));
    assertTrue(e.getMessage().contains("has 6 rows") && e.getMessage().contains("at most 6"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setEnsembleFolds(2)
        .setCheckpointDir(tmp.resolve("ck").toString()).fit(data(300)));
    assertTrue(e.getMessage().contains("checkpointDir") && e.getMessage().contains("Set ensembleFolds to 1"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier().setEnsembleFolds(-1));
    assertTrue(e.getMessage().contains("ensembleFolds"), e.getMessage());
  }
}
