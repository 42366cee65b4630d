package io.sparknn.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.junit.jupiter.api.Test;

/**
 * Property checks of the one-pass column statistics behind {@link Standardizer} over 2,000 seeded random cases
 * with values drawn across the whole range of {@code double} (issue 14's numeric extremes): whatever the values and
 * however the rows are split into partitions, the mean, standard deviation, min and max are finite and agree with
 * an exact BigDecimal computation. A failure names the case's seed, so it can be replayed.
 */
class SlotStatsPropertyTest {
  private static final MathContext MC = MathContext.DECIMAL128;
  private static final double[] EDGES = {Double.MAX_VALUE, -Double.MAX_VALUE, 1e308, -1e308, Double.MIN_VALUE,
      0.0, -0.0};

  /** A double of any magnitude: ordinary (3/7), any decade from 1e-308 to 1e308 (3/7), or an edge value. */
  private static double anyFinite(Random r) {
    int kind = r.nextInt(7);
    if (kind < 3) {
      return (r.nextDouble() * 2 - 1) * 1e6;
    }
    if (kind < 6) {
      double v = (r.nextDouble() * 2 - 1) * 9.99 * Math.pow(10, r.nextInt(617) - 308);
      return Double.isFinite(v) ? v : Math.copySign(Double.MAX_VALUE, v);
    }
    return EDGES[r.nextInt(EDGES.length)];
  }

  @Test
  void statisticsOfAnyFiniteValuesAreFiniteAndExactWhateverThePartitioning() {
    for (long seed = 0; seed < 2000; seed++) {
      Random r = new Random(seed);
      double[] values = new double[2 + r.nextInt(39)];
      for (int i = 0; i < values.length; i++) {
        values[i] = anyFinite(r);
      }
      int partitions = 1 + r.nextInt(4);
      SlotStats merged = new SlotStats(1);
      for (int p = 0; p < partitions; p++) {
        SlotStats part = new SlotStats(1);
        for (int i = p; i < values.length; i += partitions) {
          part.addColumns(new GenericInternalRow(new Object[] {values[i]}));
        }
        merged.merge(part);
      }
      BigDecimal sum = BigDecimal.ZERO;
      double range = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double v : values) {
        sum = sum.add(new BigDecimal(v));
        range = Math.max(range, Math.abs(v));
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      BigDecimal mean = sum.divide(BigDecimal.valueOf(values.length), MC);
      BigDecimal ss = BigDecimal.ZERO;
      for (double v : values) {
        BigDecimal d = new BigDecimal(v).subtract(mean);
        ss = ss.add(d.multiply(d));
      }
      double std = ss.divide(BigDecimal.valueOf(values.length - 1), MC).sqrt(MC).doubleValue();
      double gotMean = merged.mean(0);
      double gotStd = merged.std(0);
      String which = "seed " + seed + " (" + values.length + " values, " + partitions + " partitions)";
      assertTrue(Double.isFinite(gotMean) && Double.isFinite(gotStd), which + ": mean " + gotMean + ", std "
          + gotStd);
      // one-pass arithmetic loses at most a few ulps of the largest magnitude per value
      double tolerance = 1e-12 * Math.max(range, Double.MIN_NORMAL) * values.length;
      assertEquals(mean.doubleValue(), gotMean, tolerance, which + ": mean");
      assertEquals(std, gotStd, tolerance + 1e-9 * std, which + ": std");
      assertEquals(min, merged.min[0], 0.0, which + ": min");
      assertEquals(max, merged.max[0], 0.0, which + ": max");
    }
  }
}
