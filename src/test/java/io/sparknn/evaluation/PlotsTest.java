package io.sparknn.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassifier;
import io.sparknn.testing.SparkTestBase;
import io.sparknn.train.History;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Every plot is a real PNG of the asked size with a drawing on it, and bad requests fail with a reason. */
class PlotsTest extends SparkTestBase {
  /** Checks size and that the picture has many colours (axes, lines, text), not an empty canvas. */
  private static void assertPicture(byte[] png, int w, int h) throws Exception {
    assertArrayEquals(new int[] {w, h}, Plots.size(png));
    BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(png));
    Set<Integer> colours = new HashSet<>();
    int dark = 0;
    for (int y = 0; y < h; y += 2) {
      for (int x = 0; x < w; x += 2) {
        int rgb = img.getRGB(x, y);
        colours.add(rgb);
        int grey = ((rgb >> 16 & 255) + (rgb >> 8 & 255) + (rgb & 255)) / 3;
        dark += grey < 128 ? 1 : 0;
      }
    }
    assertTrue(colours.size() > 20, "colours " + colours.size());
    assertTrue(dark > 200, "dark pixels (text, axes, lines) " + dark);
  }

  private Dataset<Row> threeClasses() {
    return new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")
        .transform(spark.range(0, 1500, 1, 2).selectExpr("cast(id % 3 as double) as label")
            .selectExpr("label", "label + randn(1) as a", "label * label / 2 + randn(2) as b"))
        .select("features", "label").cache();
  }

  @Test
  void trainingCurvesAndClassificationPlotsArePicturesOfTheAskedSize() throws Exception {
    Dataset<Row> data = threeClasses();
    var model = new NeuralClassifier().setHiddenLayers(8).setMaxEpochs(6).fit(data);
    History h = model.summary();
    assertPicture(Plots.trainingCurves(h, "curves", 900, 600), 900, 600);
    MetricsReport r = new MetricsEvaluator().evaluateAll(model.transform(data));
    assertPicture(Plots.roc(r, "ROC", 640, 480), 640, 480);
    assertPicture(Plots.precisionRecall(r, "PR", 640, 480), 640, 480);
    assertPicture(Plots.confusionMatrix(r, "confusion", 500, 500), 500, 500);
    Path file = tmp.resolve("plots/roc.png");
    Plots.write(Plots.roc(r, "ROC", 300, 200), file.toString(), spark.sparkContext().hadoopConfiguration());
    assertArrayEquals(new int[] {300, 200}, Plots.size(Files.readAllBytes(file)));
    assertThrows(IllegalArgumentException.class, () -> Plots.roc(r, "tiny", 50, 50));
  }

  @Test
  void regressionPlotsSampleTheRowsAndAClassificationOnlyPlotIsRefused() throws Exception {
    Dataset<Row> scored = spark.range(0, 20000).selectExpr("cast(id as double) / 100 as y",
        "cast(id as double) / 100 + randn(3) as prediction");
    assertPicture(Plots.predictedVsActual(scored, "y", "prediction", 2000, "pred vs actual", 800, 600), 800, 600);
    assertPicture(Plots.residuals(scored, "y", "prediction", 2000, "residuals", 800, 600), 800, 600);
    MetricsReport reg = new MetricsEvaluator().setLabelCol("y").evaluateAll(scored);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.confusionMatrix(reg, "x", 400, 400));
    assertTrue(e.getMessage().contains("regression"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Plots.roc(reg, "x", 400, 400));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Plots.residuals(
        scored.selectExpr("y", "cast(null as double) as prediction"), "y", "prediction", 100, "x", 400, 400));
    assertTrue(none.getMessage().contains("no row with a finite"), none.getMessage());
  }
}
