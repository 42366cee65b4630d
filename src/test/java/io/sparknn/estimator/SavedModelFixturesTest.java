package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.regression.NeuralRegressionModel;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.attribute.NumericAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Saved models of this release's format (version 4), committed under {@code src/test/resources/models/v4} with the
 * predictions they gave when saved: a later change that stops them loading, or changes what they predict, fails
 * here. Regenerate (only on purpose, for a new format version, in a new directory) with
 * {@code mvn test -Dtest=SavedModelFixturesTest -Dsparknn.writeFixtures=src/test/resources/models/v4}.
 */
class SavedModelFixturesTest extends SparkTestBase {
  private static final Path DIR = Path.of("src/test/resources/models/v4");

  /** 400 rows: a nominal slot (4 categories, with metadata), two numeric slots; class and regression labels. */
  private Dataset<Row> data() {
    Attribute[] attrs = {NominalAttribute.defaultAttr().withName("cat").withNumValues(4),
        NumericAttribute.defaultAttr().withName("a"), NumericAttribute.defaultAttr().withName("b")};
    List<Row> rows = new java.util.ArrayList<>();
    for (int id = 0; id < 400; id++) {
      double cat = id % 4;
      double a = Math.sin(id * 0.37);
      double b = Math.cos(id * 0.11);
      rows.add(org.apache.spark.sql.RowFactory.create(id, (double) ((id % 4 + (a > 0 ? 1 : 0)) % 3),
          cat * 2 + a - b, org.apache.spark.ml.linalg.Vectors.dense(cat, a, b)));
    }
    Dataset<Row> df = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("id", "int").add("label", "double").add("y", "double")
        .add("features", new org.apache.spark.ml.linalg.VectorUDT()));
    return df.withColumn("features", org.apache.spark.sql.functions.col("features").as("features",
        new AttributeGroup("features", attrs).toMetadata()));
  }

  /**
   * 400 images of 1 × 6 × 6 pixels (a bright bar across row or column {@code id % 6}, plus a ripple), labelled
   * row bar (0) or column bar (1).
   */
  private Dataset<Row> images() {
    List<Row> rows = new java.util.ArrayList<>();
    for (int id = 0; id < 400; id++) {
      double[] px = new double[36];
      boolean column = id % 2 == 1;
      for (int p = 0; p < 36; p++) {
        int at = column ? p % 6 : p / 6;
        px[p] = (at == id % 6 ? 1.0 : 0.0) + 0.2 * Math.sin(id * 0.37 + p);
      }
      rows.add(org.apache.spark.sql.RowFactory.create(id, column ? 1.0 : 0.0, 0.0,
          org.apache.spark.ml.linalg.Vectors.dense(px)));
    }
    return spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("id", "int").add("label", "double").add("y", "double")
        .add("features", new org.apache.spark.ml.linalg.VectorUDT()));
  }

  private static String[] names() {
    return new String[] {"classifier-mlp", "classifier-ensemble", "regressor-mlp", "classifier-cnn",
        "classifier-lstm"};
  }

  /** The data fixture {@code name} scores. */
  private Dataset<Row> dataOf(String name) {
    return name.endsWith("cnn") || name.endsWith("lstm") ? images() : data();
  }

  @Test
  void modelsSavedByThisFormatStillLoadAndPredictWhatTheyDid() throws Exception {
    Dataset<Row> df = data();
    String write = System.getProperty("sparknn.writeFixtures");
    if (write != null) {
      Path out = Path.of(write);
      NeuralModel<?>[] models = {new NeuralClassifier().setEnsembleFolds(1).setMaxEpochs(5).fit(df),
          new NeuralClassifier().setEnsembleFolds(3).setMaxEpochs(5).fit(df),
          new NeuralRegressor().setLabelCol("y").setEnsembleFolds(1).setMaxEpochs(5).fit(df),
          new NeuralClassifier().setArchitecture("cnn").setInputShape(1, 6, 6).setFilters(4).setKernelSize(3)
              .setEnsembleFolds(1).setMaxEpochs(5).fit(images()),
          new NeuralClassifier().setArchitecture("lstm").setInputShape(6, 6).setHiddenSize(8).setEnsembleFolds(1)
              .setMaxEpochs(5).fit(images())};
      for (int i = 0; i < models.length; i++) {
        if (!Files.isDirectory(out.resolve(names()[i]))) { // fixtures already there stay as they were saved
          models[i].write().save(out.resolve(names()[i]).toString());
          Files.writeString(out.resolve(names()[i] + ".expected.json"),
              expected(models[i], dataOf(names()[i])).toString());
        }
      }
    }
    for (String name : names()) {
      assertLoadsAndPredicts(DIR, name, name.contains("ensemble") ? 3 : 1);
    }
  }

  /**
   * Models saved by earlier releases, committed with the predictions they gave then: format 2 (commit afbc7d6,
   * before inputShape and layers: an MLP classifier with an embedding, a regressor) and format 3 (commit 02a44f3,
   * before ensembles: the same two and a CNN) load as one network and predict what they did.
   */
  @Test
  void modelsSavedByFormatsTwoAndThreeLoadAsOneNetworkAndPredictWhatTheyDid() throws Exception {
    for (String name : new String[] {"classifier-mlp", "regressor-mlp"}) {
      assertLoadsAndPredicts(Path.of("src/test/resources/models/v2"), name, 1);
    }
    for (String name : new String[] {"classifier-mlp", "regressor-mlp", "classifier-cnn"}) {
      assertLoadsAndPredicts(Path.of("src/test/resources/models/v3"), name, 1);
    }
  }

  /** Loads {@code dir/name} and checks its predictions against {@code dir/name.expected.json} (1e-6). */
  private void assertLoadsAndPredicts(Path dir, String name, int members) throws Exception {
    String path = dir.resolve(name).toString();
    String what = dir.getFileName() + "/" + name;
    NeuralModel<?> m = name.startsWith("classifier") ? NeuralClassificationModel.load(path)
        : NeuralRegressionModel.load(path);
    JsonNode want = new ObjectMapper().readTree(Files.readString(dir.resolve(name + ".expected.json")));
    JsonNode got = expected(m, dataOf(name));
    assertEquals(50, want.size(), what);
    assertEquals(want.size(), got.size(), what);
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.get(i).size(), got.get(i).size(), what + " row " + i);
      for (int c = 0; c < want.get(i).size(); c++) {
        assertEquals(want.get(i).get(c).asDouble(), got.get(i).get(c).asDouble(), 1e-6, what + " row " + i);
      }
    }
    assertEquals(members, m.ensembleSize(), what);
    if (name.endsWith("cnn") || name.endsWith("lstm")) {
      assertEquals(name.substring(name.indexOf('-') + 1), m.getArchitecture(), what);
    } else {
      assertTrue(m.networkSpec().nominalSlots().length == 1, what + ": the nominal slot's embedding survives");
    }
  }

  /** Per row (ordered by id, first 50): the probabilities (classifier) or the prediction (regressor). */
  private static ArrayNode expected(NeuralModel<?> m, Dataset<Row> df) {
    ArrayNode rows = new ObjectMapper().createArrayNode();
    List<Row> scored = m.transform(df).orderBy("id").limit(50).collectAsList();
    for (Row r : scored) {
      ArrayNode a = rows.addArray();
      if (m instanceof NeuralClassificationModel) {
        for (double p : ((Vector) r.getAs("probability")).toArray()) {
          a.add(p);
        }
      } else {
        a.add(r.<Double>getAs("prediction"));
      }
    }
    return rows;
  }
}
