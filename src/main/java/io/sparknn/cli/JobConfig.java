package io.sparknn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A training job read from a JSON file in {@code conf/jobs/}: the table, the label, the preprocessing, the
 * estimator's params, an optional cross-validation grid and the output directory. Everything is checked before any
 * Spark job: an unknown key, a wrong type or a value outside the allowed set is a {@link ConfigException} that
 * names the key, the value found and what is allowed. Estimator param names and values are checked against the
 * estimator itself ({@link #estimatorParams}, {@link #grid}) by the job before it starts Spark work.
 *
 * <pre>{@code
 * {"input": {"path": "examples/data/letter.csv", "format": "csv"}, "label": "lettr", "task": "classification",
 *  "split": {"weights": [0.8, 0.2], "seed": 42}, "estimator": {"hiddenLayers": [64, 64]},
 *  "output": "target/jobs/letter"}
 * }</pre>
 */
public final class JobConfig {
  /** Formats {@code input.format} accepts ({@code table} reads a catalog table named by {@code input.path}). */
  public static final List<String> FORMATS = List.of("csv", "parquet", "json", "orc", "table");
  /** Values of {@code task}. */
  public static final List<String> TASKS = List.of("classification", "regression");
  /** Values of {@code standardize}. */
  public static final List<String> SCALINGS = List.of("zscore", "minmax", "none");
  /** Values of {@code encoding}. */
  public static final List<String> ENCODINGS = List.of("index", "onehot", "target");
  /** Values of {@code labelTransform} (regression). */
  public static final List<String> LABEL_TRANSFORMS = List.of("none", "log");

  private static final Set<String> TOP = Set.of("input", "label", "positiveLabel", "task", "categorical", "numeric",
      "exclude", "split", "standardize", "encoding", "labelTransform", "estimator", "crossValidation", "output",
      "spark");

  private final String file;
  /** Table location: a path, or a table name when {@code format} is {@code table}. */
  public final String inputPath;
  /** One of {@link #FORMATS}. */
  public final String inputFormat;
  /** Reader options (CSV: header and inferSchema default to true). */
  public final Map<String, String> inputOptions;
  /** The label column. */
  public final String label;
  /** For binary classification of a string or numeric label: the value that becomes 1.0 (null: index the label). */
  public final String positiveLabel;
  /** {@code classification} or {@code regression}. */
  public final String task;
  /** Categorical input columns (encoded with {@link #encoding}). */
  public final List<String> categorical;
  /** Numeric input columns; null = every column that is not the label, categorical or excluded. */
  public final List<String> numeric;
  /** Columns never used as inputs (ids, leaks). */
  public final List<String> exclude;
  /** Split weights: {train, test} or {train, validation, test}. */
  public final double[] splitWeights;
  /** Split seed. */
  public final long splitSeed;
  /** One of {@link #SCALINGS}. */
  public final String standardize;
  /** One of {@link #ENCODINGS}. */
  public final String encoding;
  /** One of {@link #LABEL_TRANSFORMS}. */
  public final String labelTransform;
  /** Estimator params by name, as JSON values (checked against the estimator). */
  public final Map<String, JsonNode> estimatorParams;
  /** Cross-validation folds; 0 = no cross-validation. */
  public final int numFolds;
  /** The metric cross-validation maximises (or minimises, for errors). */
  public final String cvMetric;
  /** Cross-validation grid: param name to the values to try. */
  public final Map<String, List<JsonNode>> grid;
  /** Output directory (model, metrics.json, summary.json, plots). */
  public final String output;
  /** Master used when none is set (spark-submit sets one); default local[*]. */
  public final String master;
  /** Extra Spark settings for the session. */
  public final Map<String, String> sparkConf;

  private JobConfig(String file, JsonNode root) {
    this.file = file;
    if (root == null || !root.isObject()) {
      throw error("", root, "a JSON object");
    }
    keys(root, "", TOP);
    JsonNode input = required(root, "input");
    keys(input, "input.", Set.of("path", "format", "options"));
    inputPath = string(input, "input.path", null);
    inputFormat = choice(input, "input.format", null, FORMATS);
    inputOptions = Main.readerOptions(inputFormat, stringMap(input.get("options"), "input.options"));
    label = string(root, "label", null);
    task = choice(root, "task", null, TASKS);
    positiveLabel = root.has("positiveLabel") ? scalar(root.get("positiveLabel"), "positiveLabel") : null;
    if (positiveLabel != null && task.equals("regression")) {
      throw error("positiveLabel", root.get("positiveLabel"), "no positiveLabel with task regression");
    }
    categorical = strings(root.get("categorical"), "categorical");
    numeric = root.has("numeric") ? strings(root.get("numeric"), "numeric") : null;
    exclude = strings(root.get("exclude"), "exclude");
    JsonNode split = root.get("split");
    if (split != null) {
      keys(split, "split.", Set.of("weights", "seed"));
    }
    splitWeights = weights(split == null ? null : split.get("weights"));
    splitSeed = split != null && split.has("seed") ? integer(split.get("seed"), "split.seed") : 42;
    standardize = choice(root, "standardize", "zscore", SCALINGS);
    encoding = choice(root, "encoding", "index", ENCODINGS);
    labelTransform = choice(root, "labelTransform", "none", LABEL_TRANSFORMS);
    if (labelTransform.equals("log") && !task.equals("regression")) {
      throw error("labelTransform", root.get("labelTransform"), "labelTransform log only with task regression");
    }
    JsonNode est = root.get("estimator");
    estimatorParams = new LinkedHashMap<>();
    if (est != null) {
      if (!est.isObject()) {
        throw error("estimator", est, "an object of estimator params, e.g. {\"maxEpochs\": 50}");
      }
      est.fields().forEachRemaining(e -> estimatorParams.put(e.getKey(), e.getValue()));
    }
    JsonNode cv = root.get("crossValidation");
    grid = new LinkedHashMap<>();
    if (cv != null) {
      keys(cv, "crossValidation.", Set.of("numFolds", "metric", "grid"));
      numFolds = (int) integer(required(cv, "numFolds", "crossValidation."), "crossValidation.numFolds");
      if (numFolds < 2) {
        throw error("crossValidation.numFolds", cv.get("numFolds"), "an integer >= 2");
      }
      cvMetric = string(cv, "crossValidation.metric", task.equals("regression") ? "rmse" : "accuracy");
      JsonNode g = required(cv, "grid", "crossValidation.");
      if (!g.isObject() || g.size() == 0) {
        throw error("crossValidation.grid", g, "an object of param name -> array of values to try");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isArray() || e.getValue().size() == 0) {
          throw error("crossValidation.grid." + e.getKey(), e.getValue(), "a non-empty array of values");
        }
        List<JsonNode> values = new ArrayList<>();
        e.getValue().forEach(values::add);
        grid.put(e.getKey(), values);
      }
    } else {
      numFolds = 0;
      cvMetric = null;
    }
    output = string(root, "output", null);
    JsonNode spark = root.get("spark");
    if (spark != null) {
      keys(spark, "spark.", Set.of("master", "conf"));
    }
    master = spark != null && spark.has("master") ? string(spark, "spark.master", null) : "local[*]";
    sparkConf = stringMap(spark == null ? null : spark.get("conf"), "spark.conf");
  }

  /** Reads and checks {@code path}; a missing file or invalid JSON is a {@link ConfigException} too. */
  public static JobConfig read(Path path) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(path));
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read the config: " + e.getMessage().split("\n")[0]);
    }
    return new JobConfig(path.toString(), root);
  }

  /** A config error about {@code key} (dotted path) in this config's file. */
  ConfigException error(String key, JsonNode found, String allowed) {
    return new ConfigException(file + ": " + (key.isEmpty() ? "the file" : "key '" + key + "'") + " = "
        + (found == null ? "(missing)" : found.toString()) + ": expected " + allowed);
  }

  private void keys(JsonNode node, String prefix, Set<String> allowed) {
    if (!node.isObject()) {
      throw error(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), node, "an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new ConfigException(file + ": unknown key '" + prefix + k + "'. Allowed here: "
            + new TreeSet<>(allowed));
      }
    }
  }

  private JsonNode required(JsonNode node, String key) {
    return required(node, key, "");
  }

  private JsonNode required(JsonNode node, String key, String prefix) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw error(prefix + key, null, "a value (the key is required)");
    }
    return v;
  }

  private String string(JsonNode node, String key, String dflt) {
    String name = key.substring(key.lastIndexOf('.') + 1);
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        throw error(key, null, "a non-empty string (the key is required)");
      }
      return dflt;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw error(key, v, "a non-empty string");
    }
    return v.asText();
  }

  private String choice(JsonNode node, String key, String dflt, List<String> allowed) {
    String v = string(node, key, dflt);
    if (!allowed.contains(v.toLowerCase(Locale.ROOT))) {
      throw error(key, node.get(key.substring(key.lastIndexOf('.') + 1)), "one of " + allowed);
    }
    return v.toLowerCase(Locale.ROOT);
  }

  private String scalar(JsonNode v, String key) {
    if (v == null || !v.isValueNode() || v.isNull()) {
      throw error(key, v, "a string or a number");
    }
    return v.asText();
  }

  private long integer(JsonNode v, String key) {
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw error(key, v, "an integer");
    }
    return v.asLong();
  }

  private List<String> strings(JsonNode v, String key) {
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw error(key, v, "an array of column names");
    }
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw error(key, v, "an array of non-empty strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  private Map<String, String> stringMap(JsonNode v, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!(v instanceof ObjectNode)) {
      throw error(key, v, "an object of string settings");
    }
    v.fields().forEachRemaining(e -> out.put(e.getKey(), scalar(e.getValue(), key + "." + e.getKey())));
    return out;
  }

  private double[] weights(JsonNode v) {
    if (v == null) {
      return new double[] {0.8, 0.2};
    }
    if (!v.isArray() || v.size() < 2 || v.size() > 3) {
      throw error("split.weights", v, "2 weights {train, test} or 3 {train, validation, test}");
    }
    double[] w = new double[v.size()];
    for (int i = 0; i < w.length; i++) {
      if (!v.get(i).isNumber() || !(v.get(i).asDouble() > 0)) {
        throw error("split.weights", v, "positive numbers");
      }
      w[i] = v.get(i).asDouble();
    }
    return w;
  }

  /** The config's file, for messages. */
  public String file() {
    return file;
  }

  @Override
  public String toString() {
    return file + ": " + task + " of '" + label + "' from " + inputFormat + " " + inputPath + ", split "
        + Arrays.toString(splitWeights) + ", " + estimatorParams.size() + " estimator param(s)"
        + (numFolds > 0 ? ", " + numFolds + "-fold cross-validation over " + grid.keySet() : "");
  }

  /** A bad config or argument: the CLI prints the message and exits with status 2. */
  public static final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error whose message names the key, the value found and what is allowed. */
    public ConfigException(String message) {
      super(message);
    }
  }
}
