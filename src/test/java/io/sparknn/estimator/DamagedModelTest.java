package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.VectorAssembler;
import org.junit.jupiter.api.Test;

/** Loading a damaged model directory says which file is damaged and what was expected. */
class DamagedModelTest extends SparkTestBase {
  private Path saved(String name) throws java.io.IOException {
    NeuralClassificationModel m = new NeuralClassifier().setHiddenLayers(4).setMaxEpochs(2).fit(
        new VectorAssembler().setInputCols(new String[] {"a"}).setOutputCol("features").transform(
            spark.range(0, 200).selectExpr("cast(id % 2 as double) as label", "cast(id % 2 as double) + rand(1) as a")));
    Path dir = tmp.resolve(name);
    m.write().save(dir.toString());
    assertEquals(m.uid(), NeuralClassificationModel.load(dir.toString()).uid(), "the intact copy loads");
    return dir;
  }

  private static List<Path> files(Path dir, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-") && p.toString().endsWith(suffix)).toList();
    }
  }

  @Test
  void anEmptyOrTruncatedMetadataFileIsNamed() throws Exception {
    for (String damage : new String[] {"empty", "truncated"}) {
      Path dir = saved("meta-" + damage);
      for (Path f : files(dir.resolve("metadata"), "")) {
        String json = Files.readString(f);
        Files.writeString(f, damage.equals("empty") ? "" : json.substring(0, json.length() / 2));
      }
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> NeuralClassificationModel.load(dir.toString()));
      assertTrue(e.getMessage().contains(dir + "/metadata") && e.getMessage().contains("missing or damaged")
          && e.getMessage().contains("paramMap"), damage + ": " + e.getMessage());
    }
  }

  @Test
  void missingOrCorruptWeightsAreNamed() throws Exception {
    Path gone = saved("data-gone");
    for (Path f : files(gone.resolve("data"), ".parquet")) {
      Files.delete(f);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NeuralClassificationModel.load(gone.toString()));
    assertTrue(e.getMessage().contains(gone + "/data"), e.getMessage());
    Path corrupt = saved("data-corrupt");
    for (Path f : files(corrupt.resolve("data"), ".parquet")) {
      Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }
    IllegalStateException c = assertThrows(IllegalStateException.class,
        () -> NeuralClassificationModel.load(corrupt.toString()));
    assertTrue(c.getMessage().contains(corrupt + "/data") && c.getMessage().contains("damaged"), c.getMessage());
  }
}
