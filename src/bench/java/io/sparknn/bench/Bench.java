package io.sparknn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Timing and reporting for the benchmark suite: medians with spread, ratios pair by pair, Markdown and JSON. */
final class Bench {
  /** Seconds of each repetition of one side of a comparison. */
  record Timing(String name, double[] seconds) {
    double median() {
      double[] s = seconds.clone();
      Arrays.sort(s);
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    String cell() {
      double lo = Arrays.stream(seconds).min().orElseThrow();
      double hi = Arrays.stream(seconds).max().orElseThrow();
      return String.format(Locale.ROOT, "%s: %.2f s (%.2f–%.2f)", name, median(), lo, hi);
    }
  }

  /** One row of the table: ours against theirs, same data, same run. */
  record Row(String comparison, String data, Timing ours, Timing theirs) {
    /** How many times faster ours is, from the medians. */
    double speedup() {
      return theirs.median() / ours.median();
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final int repeats;

  Bench(int repeats) {
    this.repeats = repeats;
  }

  /** Runs {@code body} once to warm up, then {@code repeats} times, timing each. */
  Timing time(String name, Runnable body) {
    return time(name, 1, body);
  }

  /** Runs {@code body} {@code warmups} times untimed (JIT, first-touch of the heap), then times it. */
  Timing time(String name, int warmups, Runnable body) {
    for (int i = 0; i < warmups; i++) {
      body.run();
    }
    double[] s = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      body.run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    return new Timing(name, s);
  }

  void add(Row row) {
    rows.add(row);
    System.out.printf(Locale.ROOT, "  %s: ours %.2f s, theirs %.2f s, %.2fx%n", row.comparison(),
        row.ours().median(), row.theirs().median(), row.speedup());
  }

  /** A measured figure that is not a pair (throughput, roofline); printed under the table. */
  void note(String text) {
    notes.add(text);
    System.out.println("  " + text);
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Comparison | Data | Ours (median, min–max) | Theirs (same data, same run) | Speed-up |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f× |%n", r.comparison(), r.data(),
          r.ours().cell(), r.theirs().cell(), r.speedup()));
    }
    for (String n : notes) {
      sb.append("\n- ").append(n);
    }
    return sb.append(notes.isEmpty() ? "" : "\n").toString();
  }

  void writeJson(Path file, String machine) throws IOException {
    StringBuilder sb = new StringBuilder("{\n  \"machine\": \"" + machine + "\",\n  \"repeats\": " + repeats
        + ",\n  \"rows\": [\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT, "    {\"comparison\": \"%s\", \"data\": \"%s\", \"ours\": \"%s\","
              + " \"oursSeconds\": %s, \"theirs\": \"%s\", \"theirsSeconds\": %s, \"speedup\": %.4f}%s%n",
          r.comparison(), r.data(), r.ours().name(), Arrays.toString(r.ours().seconds()), r.theirs().name(),
          Arrays.toString(r.theirs().seconds()), r.speedup(), i + 1 < rows.size() ? "," : ""));
    }
    sb.append("  ],\n  \"notes\": [");
    for (int i = 0; i < notes.size(); i++) {
      sb.append(i == 0 ? "\n    \"" : ",\n    \"").append(notes.get(i).replace("\"", "'")).append('"');
    }
    sb.append("\n  ]\n}\n");
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString());
  }
}
