package io.sparknn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.nn.Architecture;
import org.junit.jupiter.api.Test;

/** The validation hold-outs: a stratified fraction, or the k folds of a bagged ensemble that partition the rows. */
class HoldOutTest {
  private static TrainingJob job(String loss, double fraction, int fold, int folds) {
    Architecture a = new Architecture(2, new int[0], new int[0], new int[0], new int[] {4}, "relu", "none", false,
        0, "auto", loss.equals("mse") ? 1 : 3, new int[0], "", false);
    return new TrainingJob(a, new TrainingJob.Config(loss, 0, "adam", 0.9, false, 0, 0, 0, 0, 0, "constant", 0,
        new Trainer.Settings(32, 1, 1e-3, 0, 0, 7), fraction, false, 0, 0, "jvm",
        new TrainingJob.HoldOut(7, fold, folds)));
  }

  /** 103 rows: class 0 × 50, class 1 × 40, class 2 × 13. */
  private static double[] labels() {
    double[] y = new double[103];
    for (int i = 0; i < y.length; i++) {
      y[i] = i < 50 ? 0 : i < 90 ? 1 : 2;
    }
    return y;
  }

  @Test
  void theFoldsOfAnEnsemblePartitionTheRowsAndEachFoldIsStratified() {
    double[] y = labels();
    int[] times = new int[y.length];
    for (int fold = 0; fold < 5; fold++) {
      boolean[] held = job("crossEntropy", 0.1, fold, 5).stratifiedHoldOut(y, true, 0);
      int[] perClass = new int[3];
      for (int i = 0; i < y.length; i++) {
        if (held[i]) {
          times[i]++;
          perClass[(int) y[i]]++;
        }
      }
      assertEquals(10, perClass[0], "fold " + fold);
      assertEquals(8, perClass[1], "fold " + fold);
      assertTrue(perClass[2] == 2 || perClass[2] == 3, "13 rows of class 2 in 5 folds: " + perClass[2]);
    }
    for (int i = 0; i < y.length; i++) {
      assertEquals(1, times[i], "row " + i + " is validation in exactly one member");
    }
  }

  @Test
  void smallClassesSpreadOverTheFoldsSoNoMemberLosesAllItsTrainingRows() {
    double[] y = {0, 1, 2, 3, 4, 5, 5}; // six classes, five of a single row
    for (int fold = 0; fold < 3; fold++) {
      boolean[] held = job("crossEntropy", 0.1, fold, 3).stratifiedHoldOut(y, true, 0);
      int n = 0;
      for (boolean b : held) {
        n += b ? 1 : 0;
      }
      assertTrue(n == 2 || n == 3, "fold " + fold + " holds " + n + " of 7 rows");
    }
  }

  @Test
  void aSingleNetworkHoldsOutItsFractionPerClassAndRegressionFoldsCoverEveryRow() {
    double[] y = labels();
    boolean[] held = job("crossEntropy", 0.1, 0, 1).stratifiedHoldOut(y, true, 0);
    int[] perClass = new int[3];
    for (int i = 0; i < y.length; i++) {
      perClass[(int) y[i]] += held[i] ? 1 : 0;
    }
    assertEquals(5, perClass[0]);
    assertEquals(4, perClass[1]);
    assertEquals(1, perClass[2]);
    int total = 0;
    for (int fold = 0; fold < 4; fold++) {
      boolean[] h = job("mse", 0.1, fold, 4).stratifiedHoldOut(y, false, 0);
      for (boolean b : h) {
        total += b ? 1 : 0;
      }
    }
    assertEquals(103, total);
  }
}
