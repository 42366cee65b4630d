package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.JobCounter;
import io.sparknn.testing.SparkTestBase;
import io.sparknn.train.History;
import io.sparknn.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Training listeners, stopping a fit from a listener or by cancelling its job group, and job descriptions. */
class TrainingListenerTest extends SparkTestBase {
  /** Two noisy Gaussian classes in 3-D, 2,000 rows. */
  private Dataset<Row> data() {
    return new VectorAssembler().setInputCols(new String[] {"a", "b", "c"}).setOutputCol("features")
        .transform(spark.range(0, 2000, 1, 2).selectExpr("cast(id % 2 as double) as label")
            .selectExpr("label", "label + randn(1) as a", "randn(2) as b", "label - randn(3) as c"))
        .select("features", "label").cache();
  }

  /** Records every call. */
  private static final class Recorder implements TrainingListener {
    final List<Progress> epochs = new ArrayList<>();
    final List<History> ends = new ArrayList<>();
    final int stopAfter;

    Recorder(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    @Override
    public boolean onEpoch(Progress p) {
      epochs.add(p);
      return p.epoch() + 1 < stopAfter;
    }

    @Override
    public void onEnd(History h) {
      ends.add(h);
    }
  }

  @Test
  void aListenerHearsEveryEpochAndTheJobsSayWhichStageAndEpochTheyBelongTo() throws Exception {
    Dataset<Row> train = data();
    Recorder r = new Recorder(Integer.MAX_VALUE);
    NeuralClassifier est = new NeuralClassifier().setEnsembleFolds(1).setMaxEpochs(4).setParam("patience", 0)
        .addTrainingListener(r);
    NeuralClassificationModel m;
    List<String> jobs;
    try (JobCounter.Events events = JobCounter.Events.watch(spark)) {
      m = est.fit(train);
      events.close();
      jobs = events.descriptions;
    }
    assertEquals(4, r.epochs.size());
    for (int i = 0; i < 4; i++) {
      TrainingListener.Progress p = r.epochs.get(i);
      assertEquals(i, p.epoch());
      assertEquals(4, p.maxEpochs());
      assertEquals(est.uid(), p.stage());
      assertEquals("accuracy", p.metricName());
      assertEquals(m.summary().epochs().get(i).trainLoss(), p.trainLoss(), 0);
      assertEquals(m.summary().epochs().get(i).validationMetric(), p.validationMetric(), 0);
      assertTrue(p.rowsPerSecond() > 0 && p.secondsLeft() >= 0 && p.learningRate() > 0, p.toString());
    }
    assertEquals(0, r.epochs.get(3).secondsLeft(), 0, "nothing left after the last epoch");
    assertEquals(List.of(m.summary()).size(), r.ends.size());
    assertEquals(4, r.ends.get(0).epochs().size());
    assertEquals(4, jobs.size(), "one training round per epoch with one worker: " + jobs);
    assertTrue(jobs.get(2).startsWith("sparknn NeuralClassifier fit: epoch 3/4, steps 0-"), jobs.get(2));
    assertTrue(jobs.get(2).contains("| sparknn-" + est.uid()), "the fit's own job group: " + jobs.get(2));
    // copies (as CrossValidator makes) keep the listeners; removing one works
    assertEquals(List.of(r), est.copy(new org.apache.spark.ml.param.ParamMap()).trainingListeners());
    assertTrue(est.removeTrainingListener(r).trainingListeners().isEmpty());
  }

  @Test
  void aListenerThatSaysStopEndsTheFitWithTheBestEpochSoFar() {
    Dataset<Row> train = data();
    Recorder stop = new Recorder(3);
    NeuralClassificationModel m = new NeuralClassifier().setEnsembleFolds(1).setMaxEpochs(50).setParam("patience", 0)
        .addTrainingListener(stop).fit(train);
    assertEquals(3, m.summary().epochs().size(), "stopped after the third epoch");
    assertEquals(3, stop.epochs.size());
    assertEquals(1, stop.ends.size());
    // the regressor takes listeners too, with its metric
    Recorder reg = new Recorder(2);
    new NeuralRegressor().setEnsembleFolds(1).setMaxEpochs(10).addTrainingListener(reg).fit(train);
    assertEquals(2, reg.epochs.size());
    assertEquals("rmse", reg.epochs.get(0).metricName());
  }

  @Test
  void cancellingTheCallersJobGroupStopsTheFitWithTheBestEpochSoFar() throws Exception {
    Dataset<Row> train = data();
    train.count();
    spark.sparkContext().setJobGroup("my-sweep", "a user's job group", false);
    try {
      TrainingListener canceller = new TrainingListener() {
        @Override
        public boolean onEpoch(Progress p) {
          if (p.epoch() == 2) { // from another thread, as a user or a scheduler would
            Thread t = new Thread(() -> spark.sparkContext().cancelJobGroupAndFutureJobs("my-sweep"));
            t.start();
            try {
              t.join();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return true;
        }
      };
      NeuralClassificationModel m = new NeuralClassifier().setEnsembleFolds(1).setMaxEpochs(50)
          .setParam("patience", 0).addTrainingListener(canceller).fit(train);
      assertEquals(3, m.summary().epochs().size(), "the history ends with the last finished epoch");
      assertTrue(m.summary().bestEpoch() <= 2);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    assertEquals(2000, train.count(), "other job groups run on");
  }
}
