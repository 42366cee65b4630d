package io.sparknn.examples;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.util.Idx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Trains one architecture on Fashion-MNIST (the official 60k/10k split) with default params and prints test
 * accuracy, fit time and scoring throughput. Images are read channels first as {@code [1, 28, 28]} by {@code cnn},
 * row by row as 28 steps of 28 features by {@code lstm}, {@code gru}, {@code rnn} and {@code transformer}, flat by
 * {@code mlp}.
 * Usage: {@code FashionMnist [architecture] [dir] [maxEpochs] [trainRows]}; dir defaults to
 * {@code /usr/share/datasets/fashion-mnist} (Debian package {@code dataset-fashion-mnist}), maxEpochs to the
 * param's default (100, with early stopping), trainRows to all.
 */
public final class FashionMnist {
  private FashionMnist() {}

  public static void main(String[] args) {
    String arch = args.length > 0 ? args[0] : "cnn";
    String dir = args.length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist";
    if (!Files.exists(Path.of(dir, "train-images-idx3-ubyte.gz"))) {
      System.err.println("Fashion-MNIST not found in " + dir + ": install the Debian package dataset-fashion-mnist"
          + " or download the four .gz files from https://github.com/zalandoresearch/fashion-mnist and pass the"
          + " folder as the second argument.");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("sparknn-fashion-mnist")
        .config("spark.ui.enabled", "false").getOrCreate();
    int limit = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    Dataset<Row> train = Idx.read(spark, dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz",
        limit, 4).cache();
    Dataset<Row> test = Idx.read(spark, dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz", 0, 4)
        .cache();
    NeuralClassifier clf = new NeuralClassifier().setArchitecture(arch);
    if (!arch.equals("mlp")) {
      clf.setInputShape(arch.equals("cnn") ? new int[] {1, 28, 28} : new int[] {28, 28});
    }
    if (args.length > 2) {
      clf.setMaxEpochs(Integer.parseInt(args[2]));
    }
    System.out.printf("Fashion-MNIST: %,d training images, %,d test images; architecture %s%n", train.count(),
        test.count(), arch);
    long t0 = System.nanoTime();
    NeuralClassificationModel model = clf.fit(train);
    double fit = (System.nanoTime() - t0) / 1e9;
    System.out.println("layers: " + model.networkSpec().layers());
    System.out.printf("parameters: %,d; epochs: %d (best %d)%n", model.network().size(),
        model.summary().epochs().size(), model.summary().bestEpoch());
    long t1 = System.nanoTime();
    Dataset<Row> scored = model.transform(test).cache();
    double acc = new MetricsEvaluator().setMetricName("accuracy").evaluate(scored);
    double score = (System.nanoTime() - t1) / 1e9;
    System.out.printf("test accuracy %.4f; fit %.0f s (%.0f images/s per epoch); scoring %.1f s%n", acc, fit,
        train.count() * 0.9 * model.summary().epochs().size() / fit, score);
    spark.stop();
  }
}
