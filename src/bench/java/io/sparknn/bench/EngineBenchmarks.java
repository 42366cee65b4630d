package io.sparknn.bench;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.nn.Engine;
import io.sparknn.nn.Network;
import io.sparknn.train.History;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The engine column: training and scoring throughput of the {@code jvm} and {@code nd4j} engines (ND4J on the
 * CPU here) for the 20-64-64-3 and 20-512-512-3 networks in one task and one thread, beside the same networks in
 * PyTorch on the CPU with one thread ({@code src/bench/python/torch_mlp.py}; absent, with the reason, where
 * PyTorch is not installed).
 * <ul>
 *   <li>training rows/s: the library's own training loop inside {@code fit} (one task, batches, Adam 0.003), the
 *   median of the per-epoch rates after the first epoch, from {@code model.summary()};</li>
 *   <li>forward rows/s: the fitted network's inference pass over in-memory float rows in the engine's scoring
 *   batches (host → engine copy and the outputs back included), best of 3 — the quantity PyTorch's column
 *   measures;</li>
 *   <li>transform rows/s: {@code model.transform} through Spark on cached rows, 2 tasks (context).</li>
 * </ul>
 */
final class EngineBenchmarks {
  private EngineBenchmarks() {}

  /** One network's setting: hidden widths, batch size, training rows and epochs, rows for the forward pass. */
  private record Net(int[] hidden, int batch, int rows, int epochs, int forwardRows) {
    String name() {
      return "20-" + Arrays.stream(hidden).mapToObj(Integer::toString).reduce((a, b) -> a + "-" + b).orElse("")
          + "-3";
    }
  }

  /** Rounds of the interleaved measurement; each side keeps its best round. */
  static final int ROUNDS = 5;

  static void run(SparkSession spark, Bench bench, int scoreRows) {
    List<Net> nets = List.of(new Net(new int[] {64, 64}, 128, 60_000, 4, scoreRows),
        new Net(new int[] {512, 512}, 512, 12_000, 3, scoreRows / 10));
    String[] engines = {"jvm", "nd4j"};
    List<String> table = new ArrayList<>();
    table.add("| network | engine | training rows/s | forward rows/s | transform rows/s (2 tasks) | training vs"
        + " PyTorch | forward vs PyTorch |");
    table.add("|---|---|---|---|---|---|---|");
    Dataset<Row> scoring = NeuralBenchmarks.synthetic(spark, 1_000_000, 4);
    for (Net net : nets) {
      Dataset<Row> train = NeuralBenchmarks.synthetic(spark, net.rows(), 1);
      float[] hostRows = hostRows(net.forwardRows());
      // this machine's speed drifts up to 4x within minutes: the sides take turns, each keeping its best round
      double[][] ours = new double[engines.length][2];
      double[] torch = {0, 0};
      NeuralClassificationModel[] models = new NeuralClassificationModel[engines.length];
      boolean torchPresent = true;
      for (int round = 0; round < ROUNDS; round++) {
        double[] t = torchPresent ? pytorch(net, round == 0 ? table : new ArrayList<>()) : null;
        torchPresent = t != null;
        if (t != null) {
          torch[0] = Math.max(torch[0], t[0]);
          torch[1] = Math.max(torch[1], t[1]);
        }
        for (int e = 0; e < engines.length; e++) {
          models[e] = new NeuralClassifier().setHiddenLayers(net.hidden()).setBatchSize(net.batch())
              .setLearningRate(0.003).setMaxEpochs(net.epochs()).setEngine(engines[e])
              .setParam("validationFraction", 0.0).setParam("patience", 0).fit(train);
          ours[e][0] = Math.max(ours[e][0], trainingRate(models[e].summary(), net.rows()));
          ours[e][1] = Math.max(ours[e][1], forwardRate(models[e], Engine.of(engines[e]), hostRows));
        }
        System.out.printf(Locale.ROOT, "  %s round %d: PyTorch %s; jvm %,.0f / %,.0f; nd4j %,.0f / %,.0f rows/s%n",
            net.name(), round, t == null ? "absent" : String.format(Locale.ROOT, "%,.0f / %,.0f", t[0], t[1]),
            ours[0][0], ours[0][1], ours[1][0], ours[1][1]);
      }
      for (int e = 0; e < engines.length; e++) {
        NeuralBenchmarks.consume(models[e].transform(scoring)); // warm-up
        long t0 = System.nanoTime();
        NeuralBenchmarks.consume(models[e].transform(scoring));
        double transformRate = 1_000_000 / ((System.nanoTime() - t0) / 1e9);
        table.add(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %,.0f | %s | %s |", net.name(),
            engines[e], ours[e][0], ours[e][1], transformRate, ratio(ours[e][0], torch[0]), ratio(ours[e][1],
            torch[1])));
      }
      if (torchPresent) {
        table.add(String.format(Locale.ROOT, "| %s | PyTorch 1.13 (1 thread) | %,.0f | %,.0f | — | 1 | 1 |",
            net.name(), torch[0], torch[1]));
      }
      train.unpersist();
    }
    scoring.unpersist();
    String text = "engines (one task, one thread; best of " + ROUNDS + " interleaved rounds; forward over "
        + String.format(Locale.ROOT, "%,d", scoreRows) + " in-memory rows for 20-64-64-3, a tenth of that for"
        + " 20-512-512-3; transform over 1,000,000 cached rows):\n\n" + String.join("\n", table) + "\n";
    System.out.println(text);
    bench.note(text);
  }

  static String ratio(double ours, double theirs) {
    return theirs > 0 ? String.format(Locale.ROOT, "%.2f×", ours / theirs) : "—";
  }

  /** Median rows/s over the epochs after the first. */
  static double trainingRate(History h, int rows) {
    double[] rates = h.epochs().stream().skip(1).mapToDouble(e -> rows / e.seconds()).sorted().toArray();
    return rates[rates.length / 2];
  }

  /** {@code rows} × 20 standard normal floats. */
  private static float[] hostRows(int rows) {
    Random r = new Random(7);
    float[] x = new float[rows * NeuralBenchmarks.FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** Best of 3 inference passes over {@code x} in the engine's scoring batches, copies to and from the engine included. */
  static double forwardRate(NeuralClassificationModel model, Engine engine, float[] x) {
    int d = NeuralBenchmarks.FEATURES;
    int rows = x.length / d;
    Network net = model.networkSpec().build(engine, false, 0).load(model.network().toFloats());
    int batch = engine.scoringBatch(d);
    double best = Double.POSITIVE_INFINITY;
    for (int pass = 0; pass < 4; pass++) { // the first pass warms up
      long t0 = System.nanoTime();
      double sink = 0;
      for (int s = 0; s < rows; s += batch) {
        int n = Math.min(batch, rows - s);
        sink += net.infer(x, s, n)[0];
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (pass > 0 && !Double.isNaN(sink)) {
        best = Math.min(best, seconds);
      }
    }
    return rows / best;
  }

  /** {training rows/s, forward rows/s} of the PyTorch peer, or null (with a table note) when it cannot run. */
  private static double[] pytorch(Net net, List<String> table) {
    String hidden = Arrays.stream(net.hidden()).mapToObj(Integer::toString).reduce((a, b) -> a + "-" + b)
        .orElseThrow();
    return pytorch(net.name(), 7, table, "src/bench/python/torch_mlp.py", hidden, Integer.toString(net.rows()),
        Integer.toString(net.batch()), Integer.toString(net.epochs()), Integer.toString(net.forwardRows()));
  }

  /**
   * {training rows/s, scoring rows/s} from the last JSON line of a PyTorch script run with one thread, or null
   * (with a row of {@code columns} cells saying why in {@code table}) when PyTorch is absent.
   */
  static double[] pytorch(String name, int columns, List<String> table, String... script) {
    String blanks = " |".repeat(columns - 3);
    for (String python : new String[] {"/usr/bin/python3", "python3"}) {
      try {
        List<String> command = new ArrayList<>(List.of(python));
        command.addAll(List.of(script));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("MKL_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            last = line;
          }
        }
        int code = p.waitFor();
        if (code == 0 && last != null && last.contains("train_rows_per_s")) {
          System.out.println("  PyTorch peer: " + last);
          return new double[] {number(last, "train_rows_per_s"), number(last, "score_rows_per_s")};
        }
        if (code == 3) {
          table.add("| " + name + " | PyTorch | absent: " + last + blanks);
          return null;
        }
      } catch (java.io.IOException e) {
        continue; // try the next interpreter
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    table.add("| " + name + " | PyTorch | absent: no python3 with PyTorch (apt-get install python3-torch)" + blanks);
    return null;
  }

  private static double number(String json, String key) {
    int at = json.indexOf("\"" + key + "\":") + key.length() + 3;
    int end = at;
    while (end < json.length() && ("0123456789.eE+-".indexOf(json.charAt(end)) >= 0 || json.charAt(end) == ' ')) {
      end++;
    }
    return Double.parseDouble(json.substring(at, end).trim());
  }
}
