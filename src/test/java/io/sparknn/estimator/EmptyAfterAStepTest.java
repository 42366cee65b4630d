package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassifier;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Inputs that are empty only after a step (issue 14): the error names the param that emptied the training set,
 * never "training diverged" or an internal exception.
 */
class EmptyAfterAStepTest extends SparkTestBase {
  private Dataset<Row> data(String weight, String validation) {
    return new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")
        .transform(spark.range(0, 200, 1, 2).selectExpr("cast(id % 2 as double) as label", "id * 0.01 as a",
            "id % 7 as b", weight + " as w", validation + " as v"));
  }

  @Test
  void everyRowHeldOutByTheValidationColumnNamesThatColumn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
        .setValidationIndicatorCol("v").fit(data("1.0", "true")));
    assertTrue(e.getMessage().contains("validationIndicatorCol") && e.getMessage().contains("'v' is true on all"
        + " 200 rows"), e.getMessage());
  }

  @Test
  void everyTrainingRowWeightedZeroNamesTheWeightColumnForBothEstimators() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
        .setWeightCol("w").fit(data("0.0", "false")));
    assertTrue(e.getMessage().contains("weightCol") && e.getMessage().contains("'w' is 0 on every training row"
        + " (200 rows)"), e.getMessage());
    // the validation rows keep their weights: only the training rows count
    e = assertThrows(IllegalArgumentException.class, () -> new NeuralRegressor().setWeightCol("w")
        .setValidationIndicatorCol("v").fit(data("if(id % 4 = 0, 1.0, 0.0)", "id % 4 = 0")));
    assertTrue(e.getMessage().contains("(150 rows, besides 50 validation rows)"), e.getMessage());
  }

  @Test
  void anEmptyFrameWithAssemblerMetadataSaysItIsEmpty() {
    Dataset<Row> empty = data("1.0", "false").filter("label > 5");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
        .fit(empty));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }
}
