package io.sparknn.examples;

import static org.apache.spark.sql.functions.col;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StratifiedKFold;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A hyperparameter sweep with Spark's own CrossValidator: the telco churn data, StratifiedKFold's fold column
 * (3 folds with exact class proportions), a grid of hiddenLayers × learningRate for NeuralClassifier, AUC from
 * MetricsEvaluator. Prints every grid point's mean AUC and the best model's params; saves and reloads the
 * CrossValidatorModel. Usage: {@code CrossValidatorSweep [path/to/wa_churn.csv]}.
 */
public final class CrossValidatorSweep {
  private CrossValidatorSweep() {}

  public static void main(String[] args) throws java.io.IOException {
    String csv = args.length > 0 ? args[0] : "examples/data/wa_churn.csv";
    SparkSession spark = SparkSession.builder().master("local[2]").appName("sparknn-cv")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true").csv(csv)
        .withColumn("label", col("churn").equalTo("Yes").cast("double"));
    String[] categorical = {"multiple_lines", "internet_service", "online_security", "online_backup",
        "device_protection", "tech_support", "streaming_tv", "streaming_movies", "contract", "payment_method"};
    String[] numeric = {"female", "senior_citizen", "partner", "dependents", "tenure", "phone_service",
        "paperless_billing", "monthly_charges", "total_charges"};
    String[] indexed = Arrays.stream(categorical).map(c -> c + "_idx").toArray(String[]::new);
    String[] scaled = Arrays.stream(numeric).map(c -> c + "_z").toArray(String[]::new);
    String[] features = java.util.stream.Stream.concat(Arrays.stream(indexed), Arrays.stream(scaled))
        .toArray(String[]::new);
    PipelineModel prep = new Pipeline().setStages(new PipelineStage[] {
        new CategoricalEncoder().setInputCols(categorical).setOutputCols(indexed).setEncoding("index")
            .setHandleInvalid("keep"),
        new Standardizer().setInputCols(numeric).setOutputCols(scaled).setHandleInvalid("keep"),
        new VectorAssembler().setInputCols(features).setOutputCol("features")}).fit(raw);
    Dataset<Row> data = new StratifiedKFold().setLabelCol("label").setNumFolds(3).setSeed(42)
        .transform(prep.transform(raw)).cache();

    // The folds' fits (4,695 rows) are small tables (at most 5,000 rows) and the final refit on 7,043 rows is not:
    // pin the regime so the sweep measures the model it refits (one network, batch 256, no L2).
    NeuralClassifier clf = new NeuralClassifier().setMaxEpochs(30).setSeed(42).setEnsembleFolds(1).setBatchSize(256)
        .setL2(0);
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(clf.hiddenLayers(), CollectionConverters.asScala(List.of(new int[] {32}, new int[] {64, 64})))
        .addGrid(clf.learningRate(), new double[] {1e-3, 1e-2})
        .build();
    CrossValidator cv = new CrossValidator().setEstimator(clf).setEstimatorParamMaps(grid)
        .setEvaluator(new MetricsEvaluator().setMetricName("auc")).setFoldCol("fold").setSeed(42);
    long t0 = System.nanoTime();
    CrossValidatorModel model = cv.fit(data);
    System.out.printf(Locale.ROOT, "%nCrossValidator: %d grid points x 3 stratified folds in %.1f s%n",
        grid.length, (System.nanoTime() - t0) / 1e9);
    System.out.printf("  %-14s %13s %9s%n", "hiddenLayers", "learningRate", "mean AUC");
    // ParamGridBuilder's order depends on the params' hashes: print the grid sorted by its values
    Integer[] order = new Integer[grid.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, java.util.Comparator.<Integer, Integer>comparing(i -> grid[i].apply(clf.hiddenLayers()).length)
        .thenComparing(i -> (Double) grid[i].apply(clf.learningRate())));
    for (int i : order) {
      System.out.printf(Locale.ROOT, "  %-14s %13s %9.4f%n", Arrays.toString(grid[i].apply(clf.hiddenLayers())),
          grid[i].apply(clf.learningRate()), model.avgMetrics()[i]);
    }
    NeuralClassificationModel best = (NeuralClassificationModel) model.bestModel();
    System.out.printf("Best: hiddenLayers %s, learningRate %s, %d epochs (best epoch %d)%n",
        Arrays.toString(best.getHiddenLayers()), best.getLearningRate(), best.summary().epochs().size(),
        best.summary().bestEpoch());
    String path = System.getProperty("java.io.tmpdir") + "/sparknn-cv-model";
    model.write().overwrite().save(path);
    double reloaded = new MetricsEvaluator().setMetricName("auc")
        .evaluate(CrossValidatorModel.load(path).transform(data));
    System.out.printf(Locale.ROOT, "Saved to %s and reloaded: AUC on all rows %.4f%n", path, reloaded);
    spark.stop();
  }
}
