package io.sparknn.evaluation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every metric of one evaluation: the scalar metrics by name, and for classification the confusion matrix
 * (rows = true class, columns = predicted), per-class precision/recall/F1/support and the ROC and
 * precision-recall curves (exact points, at most 1,000 per class). {@link #toString()} prints aligned tables,
 * {@link #toJson()} gives the same for machines.
 *
 * <p>Metric names: {@code accuracy}, {@code precision|recall|f1} with suffix {@code _macro}, {@code _weighted}
 * (by support) or, for two classes, {@code _binary} (the positive class); {@code auc} (binary: the positive class;
 * with more classes {@code auc_macro} and {@code auc_weighted}, one-vs-rest, weighted by prevalence); {@code prAuc}
 * likewise (average precision, as scikit-learn's {@code average_precision_score}); {@code logLoss};
 * regression: {@code rmse}, {@code mse}, {@code mae}, {@code r2}.
 */
public final class MetricsReport {
  /** What was evaluated. */
  public enum Task { CLASSIFICATION, REGRESSION }

  private final Task task;
  private final long rows;
  private final double totalWeight;
  private final Map<String, Double> metrics;
  private final double[][] confusion;
  private final double[][] perClass;
  private final double[][][] roc;
  private final double[][][] pr;

  MetricsReport(Task task, long rows, double totalWeight, Map<String, Double> metrics, double[][] confusion,
      double[][] perClass, double[][][] roc, double[][][] pr) {
    this.task = task;
    this.rows = rows;
    this.totalWeight = totalWeight;
    this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    this.confusion = confusion;
    this.perClass = perClass;
    this.roc = roc;
    this.pr = pr;
  }

  /** Classification or regression. */
  public Task task() {
    return task;
  }

  /** Number of rows evaluated. */
  public long rows() {
    return rows;
  }

  /** Sum of the row weights (the row count without a weight column). */
  public double totalWeight() {
    return totalWeight;
  }

  /** All scalar metrics by name, in a stable order. */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /** One metric by name; fails naming the available ones if it was not computed. */
  public double metric(String name) {
    Double v = metrics.get(name);
    if (v == null) {
      throw new IllegalArgumentException("MetricsReport: no metric '" + name + "' for this " + task.name()
          .toLowerCase(Locale.ROOT) + " report; available: " + metrics.keySet());
    }
    return v;
  }

  /** Weighted confusion matrix, rows = true class, columns = predicted class (empty for regression). */
  public double[][] confusionMatrix() {
    return deepCopy(confusion);
  }

  /** Per class: {precision, recall, f1, support} (empty for regression). */
  public double[][] perClass() {
    return deepCopy(perClass);
  }

  /** ROC points (false positive rate, true positive rate) of score group {@code g} (binary: 0). */
  public double[][] rocCurve(int g) {
    return deepCopy(roc[g]);
  }

  /** Precision-recall points (recall, precision) of score group {@code g} (binary: 0). */
  public double[][] prCurve(int g) {
    return deepCopy(pr[g]);
  }

  /** Number of score groups with curves: 1 for binary, the number of classes for multiclass, 0 without scores. */
  public int curveCount() {
    return roc.length;
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s metrics (%,d rows, total weight %s)%n", task == Task.CLASSIFICATION
        ? "Classification" : "Regression", rows, count(totalWeight)));
    metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-20s %.6f%n", k, v)));
    if (task == Task.CLASSIFICATION) {
      sb.append(String.format(Locale.ROOT, "%n  %-6s %10s %10s %10s %12s%n", "class", "precision", "recall", "f1",
          "support"));
      for (int c = 0; c < perClass.length; c++) {
        sb.append(String.format(Locale.ROOT, "  %-6d %10.4f %10.4f %10.4f %12s%n", c, perClass[c][0],
            perClass[c][1], perClass[c][2], count(perClass[c][3])));
      }
      sb.append("\n  confusion matrix (rows true, columns predicted)\n");
      for (double[] row : confusion) {
        sb.append("  ");
        for (double v : row) {
          sb.append(String.format(Locale.ROOT, "%12s", count(v)));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** A weight sum: as an integer when it is one (unweighted counts), else with 6 significant digits. */
  private static String count(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
        : String.format(Locale.ROOT, "%.6g", v);
  }

  /** The report as JSON: task, rows, totalWeight, metrics, confusionMatrix, perClass, roc, pr. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"task\":\"").append(task.name().toLowerCase(Locale.ROOT))
        .append("\",\"rows\":").append(rows).append(",\"totalWeight\":").append(num(totalWeight))
        .append(",\"metrics\":{");
    int i = 0;
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      sb.append(i++ > 0 ? "," : "").append('"').append(e.getKey()).append("\":").append(num(e.getValue()));
    }
    sb.append("},\"confusionMatrix\":").append(json(confusion)).append(",\"perClass\":").append(json(perClass))
        .append(",\"roc\":[");
    for (int g = 0; g < roc.length; g++) {
      sb.append(g > 0 ? "," : "").append(json(roc[g]));
    }
    sb.append("],\"pr\":[");
    for (int g = 0; g < pr.length; g++) {
      sb.append(g > 0 ? "," : "").append(json(pr[g]));
    }
    return sb.append("]}").toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  private static String json(double[][] m) {
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r < m.length; r++) {
      sb.append(r > 0 ? "," : "").append('[');
      for (int c = 0; c < m[r].length; c++) {
        sb.append(c > 0 ? "," : "").append(num(m[r][c]));
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }
}
