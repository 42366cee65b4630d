package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassifier;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A model's {@code transform} checks its input schema as strictly as its estimator's {@code fit} (issue 14): for every
 * stage, an input column of the wrong type fails both on the driver (an IllegalArgumentException, not a task failure)
 * naming the same param and column, so a wrong type never reaches a row reader.
 */
class SchemaParityTest extends SparkTestBase {
  /** A stage, the frame it fits on, how to break its input column's type, and the param and column named. */
  private record Case(String name, Estimator<?> estimator, String param, String column,
      Function<Dataset<Row>, Dataset<Row>> breakType) {}

  private Dataset<Row> good() {
    return new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")
        .transform(spark.range(0, 60, 1, 2).selectExpr("cast(id % 2 as double) as label", "id * 0.1 as a",
            "cast(id % 5 as double) as b", "cast(id % 3 as string) as city"));
  }

  @Test
  void everyModelRejectsAWrongTypeLikeItsEstimator() {
    List<Case> cases = List.of(
        new Case("Standardizer (columns)", new Standardizer().setInputCols("a", "b").setOutputCols("az", "bz"),
            "inputCols", "a", df -> df.withColumn("a", df.col("a").cast("string"))),
        new Case("Standardizer (vector)", new Standardizer().setInputCols("features").setOutputCols("z"),
            "inputCols", "features", df -> df.withColumn("features", df.col("city"))),
        new Case("CategoricalEncoder", new CategoricalEncoder().setInputCols("city").setOutputCols("city_i")
            .setEncoding("index"), "inputCols", "city", df -> df.withColumn("city", df.col("features"))),
        new Case("NeuralClassifier", new NeuralClassifier().setMaxEpochs(1), "featuresCol", "features",
            df -> df.withColumn("features", org.apache.spark.sql.functions.array(df.col("a"), df.col("b"))
                .cast("array<string>"))),
        new Case("NeuralRegressor", new NeuralRegressor().setMaxEpochs(1), "featuresCol", "features",
            df -> df.withColumn("features", df.col("city"))));
    Dataset<Row> good = good();
    for (Case c : cases) {
      Model<?> model = (Model<?>) c.estimator().fit(good);
      Dataset<Row> bad = c.breakType().apply(good);
      IllegalArgumentException atFit = assertThrows(IllegalArgumentException.class, () -> c.estimator().fit(bad),
          c.name() + " fit");
      IllegalArgumentException atTransform = assertThrows(IllegalArgumentException.class,
          () -> model.transform(bad), c.name() + " transform");
      for (IllegalArgumentException e : new IllegalArgumentException[] {atFit, atTransform}) {
        assertTrue(e.getMessage().contains(c.param()) && e.getMessage().contains("'" + c.column() + "'")
            && e.getMessage().contains("type"), c.name() + ": " + e.getMessage());
      }
    }
    // a numeric column where the model was fitted on a 2-slot vector: fit would accept it (a one-column fit), the
    // model refuses it on the driver, naming the type and the slots it was fitted on
    Model<?> vectorModel = new Standardizer().setInputCols("features").setOutputCols("z").fit(good);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vectorModel.transform(
        good.withColumn("features", good.col("a"))));
    assertTrue(e.getMessage().contains("inputCols") && e.getMessage().contains("'features' has type decimal")
        && e.getMessage().contains("fitted on 2 columns or vector slots"), e.getMessage());
  }
}
