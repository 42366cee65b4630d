package io.sparknn.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Finite values near the limits of {@code double} (issue 14): statistics are computed without overflow, and a
 * value the float networks cannot hold fails naming the column and the value (or follows handleInvalid).
 */
class NumericExtremesTest extends SparkTestBase {
  private static final double[] X = {1e308, -1e308, 0, 5e307, -3e307, 1e-300};

  private Dataset<Row> column() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < X.length; i++) {
      rows.add(RowFactory.create(i, X[i], (double) (i % 2)));
    }
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("x", DataTypes.DoubleType).add("label", DataTypes.DoubleType));
  }

  /** Mean and sample standard deviation computed on values divided by 1e300 (no overflow), scaled back. */
  private static double[] reference() {
    double mean = 0;
    for (double x : X) {
      mean += x / 1e300 / X.length;
    }
    double ss = 0;
    for (double x : X) {
      ss += (x / 1e300 - mean) * (x / 1e300 - mean);
    }
    return new double[] {mean * 1e300, Math.sqrt(ss / (X.length - 1)) * 1e300};
  }

  @Test
  void zScoresAndMinMaxOfValuesNearTheDoubleLimitsAreFiniteAndExact() {
    double[] ref = reference();
    for (boolean vector : new boolean[] {false, true}) {
      Dataset<Row> df = vector ? new VectorAssembler().setInputCols(new String[] {"x"}).setOutputCol("v")
          .transform(column()) : column();
      String in = vector ? "v" : "x";
      StandardizerModel z = new Standardizer().setInputCols(in).setOutputCols("z").fit(df);
      StandardizerModel mm = new Standardizer().setInputCols(in).setOutputCols("z").setMethod("minmax").fit(df);
      List<Row> zs = z.transform(df).orderBy("id").collectAsList();
      List<Row> ms = mm.transform(df).orderBy("id").collectAsList();
      for (int i = 0; i < X.length; i++) {
        double zi = vector ? ((Vector) zs.get(i).getAs("z")).apply(0) : zs.get(i).<Double>getAs("z");
        double mi = vector ? ((Vector) ms.get(i).getAs("z")).apply(0) : ms.get(i).<Double>getAs("z");
        double expected = (X[i] / 1e300 - ref[0] / 1e300) / (ref[1] / 1e300);
        assertEquals(expected, zi, 1e-12, "z-score of " + X[i] + (vector ? " (vector)" : ""));
        assertEquals((X[i] / 2 + 0.5e308) / 1e308, mi, 1e-12, "min-max of " + X[i]);
      }
    }
  }

  @Test
  void aFeatureBeyondFloatRangeFailsTrainingAndFollowsHandleInvalidWhenScoring() {
    Dataset<Row> small = new VectorAssembler().setInputCols(new String[] {"x", "label"}).setOutputCol("features")
        .transform(column().filter("abs(x) < 1e30 or x = 0"));
    Dataset<Row> huge = new VectorAssembler().setInputCols(new String[] {"x", "label"}).setOutputCol("features")
        .transform(column());
    String fit = rootMessage(assertThrows(Exception.class, () -> new NeuralClassifier().setMaxEpochs(1)
        .fit(huge))); // raised while the rows become float blocks, in a task
    assertTrue(fit.contains("featuresCol") && fit.contains("beyond float range (±3.4E38)")
        && fit.contains("at index 0, beyond") && fit.contains("Standardizer"), fit);
    NeuralClassificationModel m = new NeuralClassifier().setMaxEpochs(1).fit(small);
    assertEquals(4, m.setHandleInvalid("keep").transform(huge).filter("isnan(prediction)").count(),
        "±1e308, 5e307 and -3e307 do not fit a float: NaN outputs");
    assertEquals(2, m.setHandleInvalid("skip").transform(huge).count(), "0 and 1e-300 are scored");
    String msg = rootMessage(assertThrows(Exception.class, () -> m.setHandleInvalid("error").transform(huge)
        .collectAsList()));
    assertTrue(msg.contains("beyond float range") && msg.contains("handleInvalid=error"), msg);
  }

  @Test
  void aRegressionLabelBeyondWhatTheFloatNetworkPredictsFailsNamingTheLabel() {
    Dataset<Row> df = new VectorAssembler().setInputCols(new String[] {"label"}).setOutputCol("features")
        .transform(column());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralRegressor()
        .setLabelCol("x").setMaxEpochs(1).fit(df));
    assertTrue(e.getMessage().contains("labelCol") && e.getMessage().contains("magnitude 1.0E308")
        && e.getMessage().contains("1.0E30"), e.getMessage());
  }
}
