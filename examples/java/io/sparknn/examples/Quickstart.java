package io.sparknn.examples;

import static org.apache.spark.sql.functions.col;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.evaluation.MetricsReport;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.CategoricalEncoderModel;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StandardizerModel;
import io.sparknn.feature.StratifiedSplitter;
import io.sparknn.train.History;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The README's first command: loads the bundled Lending Club data, splits it 80/10/10 with exact per-class
 * proportions, fits the categorical encoder and the standardizer on the training split, prints what they did,
 * trains a NeuralClassifier with early stopping on the validation split, prints its per-epoch progress and
 * diagnosis, and evaluates it on the test split with every metric.
 * Usage: {@code Quickstart [path/to/lending_club.csv]}.
 */
public final class Quickstart {
  /** The categorical columns of the Lending Club data. */
  public static final String[] CATEGORICAL = {"term", "sub_grade", "addr_state", "verification_status", "emp_length"};
  /** The numeric columns of the Lending Club data. */
  public static final String[] NUMERIC = {"funded_amnt", "int_rate", "annual_inc", "delinq_2yrs", "inq_last_6mths",
      "revol_util", "acc_now_delinq", "open_il_6m", "open_il_12m", "open_il_24m", "total_bal_il", "all_util",
      "inq_fi", "inq_last_12m", "delinq_amnt", "num_il_tl", "total_il_high_credit_limit"};

  private Quickstart() {}

  public static void main(String[] args) {
    String csv = args.length > 0 ? args[0] : "examples/data/lending_club.csv";
    SparkSession spark = SparkSession.builder().master("local[2]").appName("sparknn-quickstart")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    Dataset<Row> loans = spark.read().option("header", "true").option("inferSchema", "true").csv(csv).cache();
    System.out.printf("Loaded %,d rows x %d columns from %s%n%n", loans.count(), loans.columns().length, csv);

    // 1. Exact stratified 80/10/10 split.
    StratifiedSplitter splitter = new StratifiedSplitter().setLabelCol("Class").setWeights(0.8, 0.1, 0.1)
        .setSeed(42);
    Dataset<Row> assigned = splitter.transform(loans).cache();
    System.out.println("StratifiedSplitter(weights = 0.8/0.1/0.1, seed = 42): rows per class and split");
    System.out.printf("  %-6s %7s %7s %7s%n", "class", "train", "val", "test");
    for (Row r : assigned.groupBy("Class").pivot("split", List.of(0, 1, 2)).count().orderBy("Class")
        .collectAsList()) {
      System.out.printf("  %-6s %7d %7d %7d%n", r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3));
    }
    Dataset<Row> train = assigned.filter(col("split").equalTo(0)).drop("split");
    Dataset<Row> trainAndVal = assigned.filter(col("split").notEqual(2))
        .withColumn("isVal", col("split").equalTo(1)).drop("split");
    Dataset<Row> test = assigned.filter(col("split").equalTo(2)).drop("split");
    for (String[] s : new String[][] {{"train", "0"}, {"val", "1"}, {"test", "2"}}) {
      Dataset<Row> part = assigned.filter(col("split").equalTo(Integer.parseInt(s[1])));
      long n = part.count();
      long bad = part.filter(col("Class").equalTo("bad")).count();
      System.out.printf("  %-5s %,6d rows, %.2f %% bad%n", s[0], n, 100.0 * bad / n);
    }

    // 2. Encode categoricals as indices (for embeddings), standardize numerics, assemble one features vector.
    String[] indexed = Arrays.stream(CATEGORICAL).map(c -> c + "_idx").toArray(String[]::new);
    String[] scaled = Arrays.stream(NUMERIC).map(c -> c + "_z").toArray(String[]::new);
    String[] features = new String[indexed.length + scaled.length];
    System.arraycopy(indexed, 0, features, 0, indexed.length);
    System.arraycopy(scaled, 0, features, indexed.length, scaled.length);
    PipelineModel prep = new Pipeline().setStages(new PipelineStage[] {
        new CategoricalEncoder().setInputCols(CATEGORICAL).setOutputCols(indexed).setEncoding("index")
            .setMinFrequency(10).setHandleInvalid("keep"),
        new Standardizer().setInputCols(NUMERIC).setOutputCols(scaled).setHandleInvalid("keep"),
        new VectorAssembler().setInputCols(features).setOutputCol("features")}).fit(train);

    CategoricalEncoderModel enc = (CategoricalEncoderModel) prep.stages()[0];
    System.out.println("\nCategoricalEncoder(encoding = index, minFrequency = 10, handleInvalid = keep)");
    System.out.printf("  %-20s %8s %6s  %s%n", "column", "buckets", "rare", "most frequent");
    for (int i = 0; i < CATEGORICAL.length; i++) {
      String[] b = enc.buckets(i);
      System.out.printf("  %-20s %8d %6d  %s%n", CATEGORICAL[i], b.length, enc.otherValues(i).length,
          String.join(", ", Arrays.copyOf(b, Math.min(4, b.length))));
    }

    StandardizerModel std = (StandardizerModel) prep.stages()[1];
    System.out.println("\nStandardizer(method = zscore, handleInvalid = keep): fitted on the training split");
    System.out.printf("  %-28s %14s %14s %8s%n", "column", "mean", "std", "valid");
    for (int i = 0; i < NUMERIC.length; i++) {
      System.out.printf("  %-28s %14.4f %14.4f %8d%n", NUMERIC[i], std.mean()[i], std.std()[i], std.count()[i]);
    }

    Dataset<Row> out = prep.transform(test);
    AttributeGroup group = AttributeGroup.fromStructField(out.schema().apply("features"));
    long nominal = Arrays.stream(group.attributes().get()).filter(a -> a instanceof NominalAttribute).count();
    System.out.printf("%nfeatures: %d slots, %d nominal (embedding inputs):", group.size(), nominal);
    for (Attribute a : group.attributes().get()) {
      if (a instanceof NominalAttribute na) {
        System.out.printf(" %s(%d)", na.name().get(), na.getNumValues().get());
      }
    }
    System.out.println("\n\nFirst test rows:");
    for (Row r : out.select("Class", "features").limit(3).collectAsList()) {
      String v = r.get(1).toString();
      System.out.printf("  %-5s %s%n", r.getString(0), v.length() > 110 ? v.substring(0, 110) + "...]" : v);
    }

    // 3. A neural classifier: embeddings for the 5 nominal slots, two hidden layers of 64 ReLU units, Adam,
    //    early stopping on the validation split (patience 10), the best epoch's weights restored.
    NeuralClassifier clf = new NeuralClassifier().setLabelCol("label").setValidationIndicatorCol("isVal")
        .setSeed(42);
    NeuralClassificationModel model = clf.fit(prep.transform(trainAndVal)
        .withColumn("label", col("Class").equalTo("bad").cast("double")));
    History h = model.summary();
    System.out.printf("%nNeuralClassifier(hiddenLayers = [64, 64], activation = relu, optimizer = adam, lr = 1e-3,"
        + " batchSize = 256, patience = 10): %d epochs%n", h.epochs().size());
    System.out.printf("  %5s %11s %10s %9s %8s%n", "epoch", "train loss", "val loss", "val acc", "seconds");
    for (History.Epoch e : h.epochs()) {
      System.out.printf("  %5d %11.5f %10.5f %9.4f %8.3f%s%n", e.epoch(), e.trainLoss(), e.validationLoss(),
          e.validationMetric(), e.seconds(), e.epoch() == h.bestEpoch() ? "  <- best, restored" : "");
    }
    System.out.println("Diagnosis: " + h.diagnosis().fit() + " (" + h.diagnosis().reason() + ")");

    Dataset<Row> scored = model.transform(out.withColumn("label", col("Class").equalTo("bad").cast("double")));
    MetricsReport report = new MetricsEvaluator().evaluateAll(scored);
    System.out.println("\nTest split, MetricsEvaluator.evaluateAll (positive class = bad):");
    System.out.print(report);

    // 4. The class we care about: with 5 % positives no test row crosses p = 0.5. Pick the threshold t with the
    //    largest F1 of "bad" on the validation rows, then predict with thresholds = [1 - t, t] (MLlib's largest
    //    p / threshold rule: "bad" iff p(bad) > t). The test split is scored once, with the chosen t.
    List<Row> val = model.transform(prep.transform(trainAndVal.filter(col("isVal")))
        .withColumn("label", col("Class").equalTo("bad").cast("double"))).select("label", "probability")
        .collectAsList();
    double bestT = 0.5;
    double bestF1 = -1;
    for (int i = 1; i < 100; i++) {
      double t = i / 100.0;
      int tp = 0;
      int fp = 0;
      int fn = 0;
      for (Row r : val) {
        boolean bad = r.getDouble(0) == 1.0;
        boolean flagged = ((org.apache.spark.ml.linalg.Vector) r.get(1)).apply(1) > t;
        tp += bad && flagged ? 1 : 0;
        fp += !bad && flagged ? 1 : 0;
        fn += bad && !flagged ? 1 : 0;
      }
      double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
      if (f1 > bestF1) {
        bestF1 = f1;
        bestT = t;
      }
    }
    NeuralClassificationModel tuned = model.copy(org.apache.spark.ml.param.ParamMap.empty())
        .setThresholds(new double[] {1 - bestT, bestT});
    MetricsReport after = new MetricsEvaluator().evaluateAll(tuned.transform(out.withColumn("label",
        col("Class").equalTo("bad").cast("double"))));
    System.out.printf("%nthresholds = [%.2f, %.2f] (chosen on the %d validation rows: F1 of bad %.4f)%n", 1 - bestT,
        bestT, val.size(), bestF1);
    System.out.printf("Test split with these thresholds: precision_binary %.4f, recall_binary %.4f, f1_binary"
        + " %.4f, accuracy %.4f%n", after.metric("precision_binary"), after.metric("recall_binary"),
        after.metric("f1_binary"), after.metric("accuracy"));
    spark.stop();
  }
}
