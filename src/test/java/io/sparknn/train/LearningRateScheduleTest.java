package io.sparknn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each schedule's trace equals its formula, written out here independently. */
class LearningRateScheduleTest {
  static double[] trace(String spec, long warmup, int total, double lr) {
    LearningRateSchedule s = LearningRateSchedule.parse(spec, warmup);
    double[] t = new double[total];
    for (int i = 0; i < total; i++) {
      t[i] = s.at(i, total, lr);
    }
    return t;
  }

  static void assertTrace(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, "step " + i);
    }
  }

  @Test
  void constantStepAndExponential() {
    assertTrace(new double[] {0.1, 0.1, 0.1}, trace("constant", 0, 3, 0.1));
    assertTrace(new double[] {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025}, trace("step(3, 0.5)", 0, 7, 0.1));
    assertTrace(new double[] {0.1, 0.09, 0.081, 0.0729}, trace("exponential(0.9)", 0, 4, 0.1));
  }

  @Test
  void cosineAnnealsToItsFloor() {
    double[] t = trace("cosine", 0, 10, 1.0);
    for (int i = 0; i < 10; i++) {
      assertEquals((1 + Math.cos(Math.PI * i / 10)) / 2, t[i], 1e-12);
    }
    double[] floor = trace("cosine(0.1)", 0, 4, 2.0);
    assertEquals(2.0, floor[0], 1e-12);
    assertEquals(2.0 * (0.1 + 0.9 * (1 + Math.cos(Math.PI * 3 / 4)) / 2), floor[3], 1e-12);
  }

  @Test
  void cyclicIsTriangular() {
    assertTrace(new double[] {1, 2, 3, 2, 1, 2, 3}, trace("cyclic(2, 3)", 0, 7, 1.0));
  }

  @Test
  void oneCycleRisesToTheBaseRateThenAnneals() {
    double[] t = trace("oneCycle(0.3)", 0, 100, 1.0);
    assertEquals(1.0 / 25, t[0], 1e-12);
    assertEquals(1.0, t[30], 1e-12);
    assertEquals(1.0 / 25 + (1 - 1.0 / 25) * (1 - Math.cos(Math.PI * 15 / 30)) / 2, t[15], 1e-12);
    double end = 1.0 / 25 / 1e4;
    assertEquals(end + (1 - end) * (1 + Math.cos(Math.PI * 69 / 70.0)) / 2, t[99], 1e-12);
    for (int i = 31; i < 100; i++) {
      assertTrue(t[i] < t[i - 1], "decreasing after the peak at step " + i);
    }
  }

  @Test
  void warmupRampsLinearlyThenHandsOver() {
    // warmup 4 then step(2, 0.5) on the remaining steps
    assertTrace(new double[] {0.25, 0.5, 0.75, 1, 1, 1, 0.5, 0.5, 0.25}, trace("step(2, 0.5)", 4, 9, 1.0));
    double[] cos = trace("cosine", 2, 12, 1.0);
    assertEquals(0.5, cos[0], 1e-12);
    assertEquals(1.0, cos[1], 1e-12);
    assertEquals(1.0, cos[2], 1e-12);
    assertEquals((1 + Math.cos(Math.PI * 5 / 10)) / 2, cos[7], 1e-12);
  }

  @Test
  void badSpecs() {
    String unknown = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.parse("poly", 0)).getMessage();
    assertTrue(unknown.contains("poly") && unknown.contains("oneCycle"), unknown);
    String args = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.parse("step(3)", 0)).getMessage();
    assertTrue(args.contains("needs 2 numbers"), args);
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("constant", -1));
  }
}
