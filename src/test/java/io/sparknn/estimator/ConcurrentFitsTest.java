package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.StratifiedKFold;
import io.sparknn.testing.SparkTestBase;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Fits that run at once in one SparkSession share no mutable state (issue 14): CrossValidator's parallelism and
 * two concurrent fits give exactly the models and metrics of sequential ones (same seeds). Small tables make each
 * fit a bagged ensemble whose members also train in parallel threads.
 */
class ConcurrentFitsTest extends SparkTestBase {
  private Dataset<Row> data() {
    return new StratifiedKFold().setNumFolds(2).setSeed(1).transform(new VectorAssembler()
        .setInputCols(new String[] {"a", "b", "c"}).setOutputCol("features")
        .transform(spark.range(0, 600, 1, 3).selectExpr("cast(id % 3 as double) as label")
            .selectExpr("label", "label + randn(1) as a", "randn(2) as b", "label * label - randn(3) as c")))
        .cache();
  }

  private CrossValidatorModel sweep(Dataset<Row> df, int parallelism) {
    NeuralClassifier clf = new NeuralClassifier().setMaxEpochs(8);
    ParamMap[] grid = new ParamGridBuilder().addGrid(clf.learningRate(), new double[] {0.01, 0.001}).build();
    return new CrossValidator().setEstimator(clf).setEstimatorParamMaps(grid).setFoldCol("fold").setNumFolds(2)
        .setEvaluator(new MetricsEvaluator().setMetricName("logLoss")).setParallelism(parallelism).fit(df);
  }

  @Test
  void crossValidatorParallelismTwoGivesTheModelsAndMetricsOfParallelismOne() {
    Dataset<Row> df = data();
    CrossValidatorModel one = sweep(df, 1);
    CrossValidatorModel two = sweep(df, 2);
    assertArrayEquals(one.avgMetrics(), two.avgMetrics(), 0, "bit-identical fold metrics");
    NeuralClassificationModel a = (NeuralClassificationModel) one.bestModel();
    NeuralClassificationModel b = (NeuralClassificationModel) two.bestModel();
    assertEquals(5, a.ensembleSize());
    for (int j = 0; j < a.ensembleSize(); j++) {
      assertArrayEquals(a.network(j).toFloats(), b.network(j).toFloats(), "member " + j);
    }
  }

  @Test
  void twoFitsAtOnceEqualTheSameFitsOneAfterTheOther() throws Exception {
    Dataset<Row> df = data();
    NeuralClassifier x = new NeuralClassifier().setMaxEpochs(6).setSeed(3).setEnsembleFolds(1);
    NeuralClassifier y = new NeuralClassifier().setMaxEpochs(6).setSeed(4).setHiddenLayers(16, 8);
    NeuralClassificationModel x1 = x.fit(df);
    NeuralClassificationModel y1 = y.fit(df);
    CompletableFuture<NeuralClassificationModel> x2 = CompletableFuture.supplyAsync(() -> x.fit(df));
    CompletableFuture<NeuralClassificationModel> y2 = CompletableFuture.supplyAsync(() -> y.fit(df));
    assertArrayEquals(x1.network().toFloats(), x2.get().network().toFloats());
    for (int j = 0; j < y1.ensembleSize(); j++) {
      assertArrayEquals(y1.network(j).toFloats(), y2.get().network(j).toFloats(), "member " + j);
    }
  }
}
