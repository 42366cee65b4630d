package io.sparknn.estimator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.attribute.NumericAttribute;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Values in the data never size an allocation without a bound (issue 14): a class index or a score vector's
 * length, and a nominal slot's number of categories, fail with the limit before anything that large is allocated.
 */
class AllocationBoundsTest extends SparkTestBase {
  /** Rows (label, prediction, features) with the given labels; features 2-D. */
  private Dataset<Row> rows(double... labels) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(labels[i], (double) (i % 2), Vectors.dense(i % 3, i % 5)));
    }
    return spark.createDataFrame(rows, new StructType().add("label", DataTypes.DoubleType)
        .add("prediction", DataTypes.DoubleType).add("features", new VectorUDT()));
  }

  @Test
  void aClassIndexOf50000FailsWithTheLimitInTheEvaluatorAndTheClassifier() {
    Dataset<Row> df = rows(0, 1, 50_000, 1);
    String m = rootMessage(assertThrows(Exception.class, // raised in the task: Spark wraps it
        () -> new MetricsEvaluator().setMetricName("accuracy").evaluate(df)));
    assertTrue(m.contains("label 50000.0") && m.contains("at most 1000 classes") && m.contains("'label'"), m);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
        .setMaxEpochs(1).fit(df.drop("prediction")));
    assertTrue(e.getMessage().contains("label 50000.0") && e.getMessage().contains("k <= 10000")
        && e.getMessage().contains("labelCol"), e.getMessage());
    // 9,999 is a valid class index for the classifier (10,000 outputs); the evaluator's limit is lower
    assertTrue(new NeuralClassifier().setMaxEpochs(1).setEnsembleFolds(1)
        .fit(rows(0, 1, 9_999, 1, 0, 1, 0, 1).drop("prediction")).numClasses() == 10_000);
  }

  @Test
  void aScoreVectorWiderThanTheLimitFailsBeforeTheConfusionMatrixIsAllocated() {
    List<Row> rows = List.of(RowFactory.create(0.0, 0.0, Vectors.dense(new double[5_000])));
    Dataset<Row> df = spark.createDataFrame(rows, new StructType().add("label", DataTypes.DoubleType)
        .add("prediction", DataTypes.DoubleType).add("probability", new VectorUDT()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MetricsEvaluator().setMetricName("logLoss").evaluate(df));
    assertTrue(e.getMessage().contains("5000 class scores") && e.getMessage().contains("at most 1000"),
        e.getMessage());
  }

  @Test
  void aNominalSlotWithTenMillionCategoriesFailsBeforeItsEmbeddingIsAllocated() {
    Attribute[] attrs = {NominalAttribute.defaultAttr().withName("id").withNumValues(10_000_000),
        NumericAttribute.defaultAttr().withName("x")};
    Dataset<Row> df = rows(0, 1, 0, 1).drop("prediction").withColumn("features",
        org.apache.spark.sql.functions.col("features").as("features",
            new AttributeGroup("features", attrs).toMetadata()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralClassifier()
        .setMaxEpochs(1).fit(df));
    assertTrue(e.getMessage().contains("slot 0 alone has 10000000 categories")
        && e.getMessage().contains("more than 50000000") && e.getMessage().contains("maxCategories"),
        e.getMessage());
  }
}
