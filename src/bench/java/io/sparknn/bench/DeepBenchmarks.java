package io.sparknn.bench;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.nn.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Fashion-MNIST CNN and LSTM with default params (the networks {@code FashionMnist} trains) against the same
 * networks in PyTorch ({@code src/bench/python/torch_deep.py}), one task and one thread each, on random 28 × 28
 * images (speed only): training images/s (median epoch of a fit, batch 256, Adam; batch, l2 and one network are
 * pinned, since a table this small would otherwise get the small-table settings) and scoring images/s (inference
 * over in-memory rows in the network's scoring batches; PyTorch: no_grad forward in batches of 1,024). The sides
 * take turns for {@link #ROUNDS} rounds and each keeps its best.
 */
final class DeepBenchmarks {
  static final int ROUNDS = 3;

  private DeepBenchmarks() {}

  static void run(SparkSession spark, Bench bench, int rows) {
    Random r = new Random(3);
    List<Row> data = new ArrayList<>();
    float[] host = new float[rows * 784];
    for (int i = 0; i < rows; i++) {
      double[] v = new double[784];
      for (int j = 0; j < 784; j++) {
        v[j] = r.nextDouble();
        host[i * 784 + j] = (float) v[j];
      }
      data.add(RowFactory.create(Vectors.dense(v), (double) r.nextInt(10)));
    }
    Dataset<Row> train = spark.createDataFrame(data, new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.DoubleType)).repartition(1).cache();
    train.count();
    List<String> table = new ArrayList<>();
    table.add("| network | training images/s | scoring images/s | PyTorch training | PyTorch scoring | training vs"
        + " PyTorch | scoring vs PyTorch |");
    table.add("|---|---|---|---|---|---|---|");
    for (String arch : new String[] {"cnn", "lstm"}) {
      double[] ours = {0, 0};
      double[] torch = {0, 0};
      boolean present = true;
      for (int round = 0; round < ROUNDS; round++) {
        double[] t = present ? EngineBenchmarks.pytorch(arch, 7, round == 0 ? table : new ArrayList<>(),
            "src/bench/python/torch_deep.py", Integer.toString(rows), "1", arch) : null;
        present = t != null;
        if (t != null) {
          torch[0] = Math.max(torch[0], t[0]);
          torch[1] = Math.max(torch[1], t[1]);
        }
        NeuralClassificationModel m = new NeuralClassifier().setArchitecture(arch)
            .setInputShape(arch.equals("cnn") ? new int[] {1, 28, 28} : new int[] {28, 28}).setEngine("jvm")
            .setMaxEpochs(3).setBatchSize(256).setParam("ensembleFolds", 1).setParam("l2", 0.0)
            .setParam("validationFraction", 0.0).setParam("patience", 0).fit(train);
        ours[0] = Math.max(ours[0], EngineBenchmarks.trainingRate(m.summary(), rows));
        ours[1] = Math.max(ours[1], scoringRate(m.network(), host));
        System.out.printf(Locale.ROOT, "  %s round %d: PyTorch %s; ours %,.0f / %,.0f images/s%n", arch, round,
            t == null ? "absent" : String.format(Locale.ROOT, "%,.0f / %,.0f", t[0], t[1]), ours[0], ours[1]);
      }
      table.add(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %s | %s | %s | %s |", arch, ours[0], ours[1],
          present ? String.format(Locale.ROOT, "%,.0f", torch[0]) : "—",
          present ? String.format(Locale.ROOT, "%,.0f", torch[1]) : "—",
          EngineBenchmarks.ratio(ours[0], torch[0]), EngineBenchmarks.ratio(ours[1], torch[1])));
    }
    train.unpersist();
    String text = "deep (Fashion-MNIST-shaped random images, " + String.format(Locale.ROOT, "%,d", rows)
        + " rows; one task, one thread; best of " + ROUNDS + " interleaved rounds):\n\n" + String.join("\n", table)
        + "\n";
    System.out.println(text);
    bench.note(text);
  }

  /** Best of 3 inference passes (after a warm-up) over the host rows, in the network's scoring batches. */
  private static double scoringRate(Network net, float[] x) {
    int rows = x.length / net.inputs();
    int batch = net.scoringBatch();
    double best = Double.POSITIVE_INFINITY;
    for (int pass = 0; pass < 4; pass++) {
      long t0 = System.nanoTime();
      double sink = 0;
      for (int s = 0; s < rows; s += batch) {
        sink += net.infer(x, s, Math.min(batch, rows - s))[0];
      }
      if (pass > 0 && !Double.isNaN(sink)) {
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    return rows / best;
  }
}
