package io.sparknn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparknn.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Every subcommand of the job CLI in this JVM (the class's local session is reused), and bad configs. */
class MainTest extends SparkTestBase {
  /** Exit status, stdout and stderr of one CLI run. */
  private record Run(int status, String out, String err) {}

  private Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    Run r = new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.print(r.out);
    System.err.print(r.err);
    return r;
  }

  /** A config file from {@code json} with {@code "OUT"} replaced by a fresh output directory. */
  private Path config(String name, String json) throws Exception {
    Path p = tmp.resolve(name + ".json");
    Files.writeString(p, json.replace("OUT", tmp.resolve(name + "-out").toString()));
    return p;
  }

  private static final String LENDING = "{\"input\": {\"path\": \"examples/data/lending_club.csv\", \"format\":"
      + " \"csv\"}, \"label\": \"Class\", \"positiveLabel\": \"bad\", \"task\": \"classification\", \"categorical\":"
      + " [\"term\", \"sub_grade\", \"addr_state\", \"verification_status\", \"emp_length\"], \"split\":"
      + " {\"weights\": [0.8, 0.1, 0.1], \"seed\": 42}, \"estimator\": {\"maxEpochs\": 15}, \"output\": \"OUT\"}";

  @Test
  void trainScoreEvaluateAndDescribeALendingClubModel() throws Exception {
    Path cfg = config("lending", LENDING);
    Run train = cli("train", "--config", cfg.toString());
    assertEquals(0, train.status, train.err);
    Path out = tmp.resolve("lending-out");
    assertTrue(train.out.contains("test (986 rows): accuracy"), train.out);
    JsonNode metrics = new ObjectMapper().readTree(Files.readString(out.resolve("metrics.json")));
    assertEquals(986, metrics.get("rows").asInt(), "the 10 % test split");
    assertTrue(metrics.get("metrics").get("auc").asDouble() > 0.65, metrics.get("metrics").toString());
    JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
    assertEquals(8871, summary.get("trainRows").asInt(), "train + validation rows");
    int epochs = summary.get("history").get("epochs").size();
    assertTrue(epochs >= 1 && epochs <= 15, "epochs " + epochs);
    assertEquals(15, summary.get("params").get("maxEpochs").asInt());
    for (String png : new String[] {"training-curves", "test-roc", "test-pr", "test-confusion"}) {
      assertArrayEquals(new int[] {900, 600}, io.sparknn.evaluation.Plots.size(Files.readAllBytes(
          out.resolve(png + ".png"))), png);
    }

    Run again = cli("train", "--config", cfg.toString());
    assertEquals(Main.BAD_CONFIG, again.status, "an existing output is not replaced without --overwrite");
    assertTrue(again.err.contains("--overwrite"), again.err);

    String scored = tmp.resolve("scored").toString();
    Run score = cli("score", "--model", out.resolve("model").toString(), "--input",
        "examples/data/lending_club.csv", "--output", scored);
    assertEquals(0, score.status, score.err);
    Dataset<Row> s = spark.read().parquet(scored);
    assertEquals(9857, s.count(), "every input row is scored");
    assertTrue(s.filter("probability is null or predictedLabel is null").isEmpty());
    assertEquals(2, s.select("predictedLabel").distinct().count() + (s.filter("prediction = 1").isEmpty() ? 1 : 0));

    Path report = tmp.resolve("evaluated.json");
    Run eval = cli("evaluate", "--input", scored, "--label-col", "Class", "--model", out.resolve("model").toString(),
        "--output", report.toString());
    assertEquals(0, eval.status, eval.err);
    JsonNode all = new ObjectMapper().readTree(Files.readString(report));
    assertEquals(9857, all.get("rows").asInt());
    // the evaluate command's accuracy is the scored file's (quality is asserted on the held-out split above)
    // (the positive label is 'bad': other classes are predicted as '(other)')
    double right = s.filter("(Class = 'bad') = (predictedLabel = 'bad')").count() / 9857.0;
    assertEquals(right, all.get("metrics").get("accuracy").asDouble(), 1e-12, all.get("metrics").toString());
    assertTrue(eval.out.contains("confusion matrix"), eval.out);
    assertTrue(Files.exists(tmp.resolve("evaluated-roc.png")), "plots next to the JSON");

    Run describe = cli("describe", "--model", out.resolve("model").toString());
    assertEquals(0, describe.status, describe.err);
    assertTrue(describe.out.contains("NeuralClassificationModel") && describe.out.contains("diagnosis:")
        && describe.out.contains("CategoricalEncoderModel") && describe.out.contains("best epoch"), describe.out);
  }

  @Test
  void regressionWithALogLabelAndCrossValidationWithStratifiedFolds() throws Exception {
    Run diamonds = cli("train", "--config", config("diamonds", "{\"input\": {\"path\":"
        + " \"examples/data/diamonds.csv\", \"format\": \"csv\"}, \"label\": \"price\", \"task\": \"regression\","
        + " \"labelTransform\": \"log\", \"categorical\": [\"cut\", \"color\", \"clarity\"], \"estimator\":"
        + " {\"maxEpochs\": 4}, \"output\": \"OUT\"}").toString());
    assertEquals(0, diamonds.status, diamonds.err);
    JsonNode m = new ObjectMapper().readTree(Files.readString(tmp.resolve("diamonds-out/metrics.json")));
    assertTrue(m.get("metrics").get("r2").asDouble() > 0.9, "R² on price (not log price): " + m);
    assertTrue(m.get("metrics").get("rmse").asDouble() > 100, "in dollars: " + m);
    assertArrayEquals(new int[] {900, 600}, io.sparknn.evaluation.Plots.size(Files.readAllBytes(
        tmp.resolve("diamonds-out/test-predicted-vs-actual.png"))));

    Run cv = cli("train", "--config", config("churn", "{\"input\": {\"path\": \"examples/data/wa_churn.csv\","
        + " \"format\": \"csv\"}, \"label\": \"churn\", \"positiveLabel\": \"Yes\", \"task\": \"classification\","
        + " \"categorical\": [\"contract\", \"payment_method\", \"internet_service\"], \"exclude\":"
        + " [\"multiple_lines\", \"online_security\", \"online_backup\", \"device_protection\", \"tech_support\","
        + " \"streaming_tv\", \"streaming_movies\"], \"estimator\": {\"maxEpochs\": 10, \"learningRate\": 0.01},"
        + " \"crossValidation\":"
        + " {\"numFolds\": 2, \"metric\": \"auc\", \"grid\": {\"hiddenLayers\": [[16], [32, 16]]}}, \"output\":"
        + " \"OUT\"}").toString());
    assertEquals(0, cv.status, cv.err);
    JsonNode results = new ObjectMapper().readTree(Files.readString(tmp.resolve("churn-out/summary.json")))
        .get("crossValidation").get("results");
    assertEquals(2, results.size(), results.toString());
    for (JsonNode r : results) {
      assertTrue(r.get("auc").asDouble() > 0.75, results.toString());
      assertTrue(r.get("hiddenLayers").isArray(), results.toString());
    }
  }

  @Test
  void badConfigsAndArgumentsExitWithStatusTwoAndNameTheKey() throws Exception {
    String[][] cases = {
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\": \"classification\","
            + " \"output\": \"OUT\", \"epochs\": 3}", "unknown key 'epochs'"},
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"xls\"}, \"label\": \"y\", \"task\": \"classification\","
            + " \"output\": \"OUT\"}", "key 'input.format' = \"xls\": expected one of [csv, parquet, json, orc, table]"},
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\": \"clustering\","
            + " \"output\": \"OUT\"}", "key 'task' = \"clustering\": expected one of [classification, regression]"},
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\": \"classification\","
            + " \"output\": \"OUT\", \"estimator\": {\"maxEpoch\": 3}}", "NeuralClassifier has no param 'maxEpoch'"},
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\": \"classification\","
            + " \"output\": \"OUT\", \"estimator\": {\"maxEpochs\": -1}}", "key 'estimator.maxEpochs' = -1"},
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\": \"classification\","
            + " \"output\": \"OUT\", \"estimator\": {\"hiddenLayers\": \"wide\"}}",
            "key 'estimator.hiddenLayers' = \"wide\""},
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\": \"classification\","
            + " \"output\": \"OUT\", \"split\": {\"weights\": [0.9]}}", "key 'split.weights' = [0.9]"},
        {"{\"input\": {\"path\": \"x.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\": \"classification\","
            + " \"output\": \"OUT\", \"crossValidation\": {\"numFolds\": 3, \"grid\": {\"dropout\": [0.1, 2.0]}}}",
            "key 'crossValidation.grid.dropout' = 2.0"},
        {"{\"input\": {\"path\": \"examples/data/letter.csv\", \"format\": \"csv\"}, \"label\": \"letter\","
            + " \"task\": \"classification\", \"output\": \"OUT\"}", "key 'label' names column 'letter', which the"
            + " input does not have"},
        {"{\"input\": {\"path\": \"examples/data/no-such.csv\", \"format\": \"csv\"}, \"label\": \"y\", \"task\":"
            + " \"classification\", \"output\": \"OUT\"}", "input.path = 'examples/data/no-such.csv': cannot read"},
        {"{\"input\": [1, 2]}", "key 'input' = [1,2]: expected an object"},
        {"not json", "cannot read the config"},
    };
    int i = 0;
    for (String[] c : cases) {
      Run r = cli("train", "--config", config("bad" + i++, c[0]).toString());
      assertEquals(Main.BAD_CONFIG, r.status, c[1] + " / " + r.err);
      assertTrue(r.err.contains(c[1]), "expected '" + c[1] + "' in: " + r.err);
      assertFalse(r.err.contains("\tat "), "no stack trace without --verbose: " + r.err);
    }
    assertEquals(Main.BAD_CONFIG, cli("train").status, "--config is required");
    assertEquals(Main.BAD_CONFIG, cli("fit", "--config", "x").status, "unknown subcommand");
    assertEquals(Main.BAD_CONFIG, cli().status, "no subcommand");
    Run noModel = cli("describe", "--model", tmp.resolve("nothing").toString());
    assertEquals(Main.BAD_CONFIG, noModel.status);
    assertTrue(noModel.err.contains("is not a PipelineModel written by train"), noModel.err);
    // a job that fails (not a config problem): 1, and the stack trace only with --verbose
    spark.range(5).selectExpr("cast(id as double) as y").write().parquet(tmp.resolve("nopred").toString());
    Run failed = cli("evaluate", "--input", tmp.resolve("nopred").toString(), "--label-col", "y");
    assertEquals(Main.JOB_FAILED, failed.status, failed.err);
    assertTrue(failed.err.contains("prediction") && !failed.err.contains("\tat "), failed.err);
    Run verbose = cli("evaluate", "--input", tmp.resolve("nopred").toString(), "--label-col", "y", "--verbose");
    assertEquals(Main.JOB_FAILED, verbose.status);
    assertTrue(verbose.err.contains("\tat "), "stack trace with --verbose");
  }

  @Test
  void everyBundledJobConfigIsValid() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("conf/jobs"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        JobConfig c = JobConfig.read(f);
        new TrainJob(c, System.out); // checks every estimator param and the grid
        assertTrue(Files.exists(Path.of(c.inputPath)), f + ": " + c.inputPath);
      }
    }
    for (String name : new String[] {"letter", "diamonds", "lending_club"}) {
      assertTrue(Files.exists(Path.of("conf/jobs/" + name + ".json")), name);
    }
  }
}
