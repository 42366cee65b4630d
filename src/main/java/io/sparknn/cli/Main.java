package io.sparknn.cli;

import static org.apache.spark.sql.functions.col;

import io.sparknn.estimator.NeuralModel;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.evaluation.MetricsReport;
import io.sparknn.train.History;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job CLI: {@code train}, {@code score}, {@code evaluate} and {@code describe}, for
 * {@code spark-submit --class io.sparknn.cli.Main target/sparknn_2.13-VERSION-with-deps.jar train --config
 * conf/jobs/letter.json} or, with embedded Spark, {@code mvn -q -Pexamples compile exec:exec
 * -Dexample.main=io.sparknn.cli.Main -Dexample.args="train --config conf/jobs/letter.json"}. Exit status: 0 ok, 2 bad config or arguments, 1 job failure; errors go to stderr, with
 * a stack trace only under {@code --verbose}.
 */
@Command(name = "sparknn", mixinStandardHelpOptions = true, version = "sparknn 0.1.0",
    description = "Train, score, evaluate and describe sparknn models with Spark.",
    subcommands = {Main.Train.class, Main.Score.class, Main.Evaluate.class})
public final class Main implements Runnable {
  /** Exit status of a bad config or bad arguments. */
  public static final int BAD_CONFIG = 2;
  /** Exit status of a job that failed. */
  public static final int JOB_FAILED = 1;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private PrintStream out = System.out;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: train, score, evaluate or"
        + " describe");
  }

  /** {@code describe}: prints a saved model's stages, params, network, history and diagnosis. */
  @Command(name = "describe", mixinStandardHelpOptions = true, description = "A saved model's stages, params,"
      + " network, training history and diagnosis.")
  int describe(@CommandLine.Mixin SavedModel saved, @CommandLine.Mixin Common common) {
    String text = common.withSpark("describe", null, Map.of(), spark -> describe(loadPipeline(saved.model)));
    out.print(text);
    return 0;
  }

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the CLI in this JVM (an active SparkSession is reused and left running) and returns the exit status. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    Main main = new Main();
    main.out = out;
    CommandLine cl = new CommandLine(main);
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExitCodeExceptionMapper(e -> e instanceof JobConfig.ConfigException
        || e instanceof CommandLine.ParameterException ? BAD_CONFIG : JOB_FAILED);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      boolean verbose = parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose");
      Throwable cause = e;
      while (!(cause instanceof JobConfig.ConfigException || cause instanceof CommandLine.ParameterException)
          && cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      boolean config = cause instanceof JobConfig.ConfigException || cause instanceof CommandLine.ParameterException;
      err.println("sparknn " + (parsed.subcommand() == null ? "" : parsed.subcommand().commandSpec().name())
          + ": " + (config ? "bad config or arguments: " + cause.getMessage() : "failed: " + e));
      if (verbose) {
        e.printStackTrace(err);
      } else if (!config) {
        err.println("(run with --verbose for the stack trace)");
      }
      return config ? BAD_CONFIG : JOB_FAILED;
    });
    return cl.execute(args);
  }

  /** Options every subcommand has. */
  static class Common {
    @Option(names = "--master", description = "Spark master when none is set (spark-submit sets one); default:"
        + " the config's spark.master, else local[*]")
    String master;

    @Option(names = "--verbose", description = "print stack traces")
    boolean verbose;

    @CommandLine.ParentCommand
    Main parent;

    /** Runs {@code body} with a session: the active one, or a new one that is stopped afterwards. */
    <T> T withSpark(String appName, String configMaster, Map<String, String> conf,
        java.util.function.Function<SparkSession, T> body) {
      scala.Option<SparkSession> active = SparkSession.getActiveSession();
      if (active.isDefined()) {
        return body.apply(active.get());
      }
      SparkSession.Builder b = SparkSession.builder().appName("sparknn " + appName);
      org.apache.spark.SparkConf sc = new org.apache.spark.SparkConf();
      if (!sc.contains("spark.master")) {
        b.master(master != null ? master : configMaster != null ? configMaster : "local[*]");
      }
      conf.forEach(b::config);
      SparkSession spark = b.getOrCreate();
      try {
        return body.apply(spark);
      } finally {
        spark.stop();
      }
    }
  }

  /** The {@code --model} option of score and describe. */
  static final class SavedModel {
    @Option(names = "--model", required = true, description = "a PipelineModel directory written by train")
    String model;
  }

  /** The input table of score and evaluate. */
  static class Input extends Common {
    @Option(names = "--input", required = true, description = "a path, or a table name with --format table")
    String input;

    @Option(names = "--format", description = "input format: csv, parquet, json, orc or table; default from the"
        + " extension, else parquet")
    String format;

    @Option(names = "--option", description = "a reader option key=value (CSV header and inferSchema default to"
        + " true)")
    Map<String, String> options = new LinkedHashMap<>();

    /** The input with dots in column names turned into underscores, as train reads its table. */
    Dataset<Row> read(SparkSession spark) {
      String fmt = inputFormat(input, format);
      return underscored(Tables.read(spark, input, fmt, readerOptions(fmt, options), "--input"));
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Fit the preprocessing and a neural"
      + " estimator from a config in conf/jobs; write <output>/model, metrics.json and summary.json.")
  static final class Train extends Common implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the job's JSON config (see conf/jobs)")
    Path config;

    @Option(names = "--overwrite", description = "replace an existing output directory")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
      JobConfig c = JobConfig.read(config);
      TrainJob job = new TrainJob(c, parent.out); // params and grid are checked before Spark starts
      withSpark("train " + config.getFileName(), c.master, c.sparkConf, spark -> {
        try {
          return job.run(spark, overwrite);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true, description = "Score a table with a saved"
      + " PipelineModel (from train) and write the input columns plus the model's outputs.")
  static final class Score extends Input implements Callable<Integer> {
    @CommandLine.Mixin
    SavedModel saved;

    @Option(names = "--output", required = true, description = "where to write: a path, or a table name with"
        + " --output-format table")
    String output;

    @Option(names = "--output-format", defaultValue = "parquet", description = "parquet (default), orc, json or"
        + " table")
    String outputFormat;

    @Option(names = "--partition-by", split = ",", description = "columns to partition the output by (default:"
        + " the input's partitions, one file each)")
    String[] partitionBy = new String[0];

    @Option(names = "--overwrite", description = "replace an existing output")
    boolean overwrite;

    @Override
    public Integer call() {
      if (!List.of("parquet", "orc", "json", "table").contains(outputFormat)) {
        throw new JobConfig.ConfigException("--output-format '" + outputFormat + "' is not one of [parquet, orc,"
            + " json, table]");
      }
      long rows = withSpark("score", null, Map.of(), spark -> {
        PipelineModel m = loadPipeline(saved.model);
        Dataset<Row> in = read(spark);
        Dataset<Row> scored = m.transform(in);
        DataFrameWriter<Row> w = scored.write().mode(overwrite ? "overwrite" : "errorifexists")
            .partitionBy(partitionBy);
        if (outputFormat.equals("table")) {
          w.saveAsTable(output);
        } else {
          w.format(outputFormat).save(output);
        }
        Dataset<Row> written = outputFormat.equals("table") ? spark.table(output)
            : spark.read().format(outputFormat).load(output);
        return written.count();
      });
      parent.out.printf(Locale.ROOT, "scored %,d rows of %s with %s into %s (%s)%n", rows, input, saved.model, output,
          outputFormat);
      return 0;
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Every metric of a scored table"
      + " (printed, and as JSON with --output).")
  static final class Evaluate extends Input implements Callable<Integer> {
    @Option(names = "--label-col", required = true, description = "the true label (numeric, or see --model)")
    String labelCol;

    @Option(names = "--model", description = "the PipelineModel that scored the table: maps a string label to"
        + " the class indices it was trained with")
    String model;

    @Option(names = "--prediction-col", defaultValue = "prediction", description = "default prediction")
    String predictionCol;

    @Option(names = "--output", description = "write the report as JSON to this file, and its plots (PNG) next to"
        + " it")
    String output;

    @Override
    public Integer call() {
      withSpark("evaluate", null, Map.of(), spark -> {
        Dataset<Row> df = read(spark);
        String label = labelCol.replace('.', '_');
        if (!Arrays.asList(df.columns()).contains(label)) {
          throw new JobConfig.ConfigException("--label-col '" + labelCol + "': the table has no such column."
              + " Columns: " + Arrays.toString(df.columns()));
        }
        if (df.schema().apply(label).dataType() instanceof StringType) {
          String[] labels = model == null ? null : labelsOf(loadPipeline(model));
          if (labels == null) {
            throw new JobConfig.ConfigException("--label-col '" + labelCol + "' holds strings; pass --model with"
                + " the PipelineModel that scored the table, so its class labels map them to indices");
          }
          df = df.withColumn(TrainJob.LABEL, TrainJob.labelIndex(col(label), labels));
          label = TrainJob.LABEL;
        } else if (!(df.schema().apply(label).dataType() instanceof NumericType)) {
          throw new JobConfig.ConfigException("--label-col '" + labelCol + "' is "
              + df.schema().apply(label).dataType().simpleString() + "; expected a number or a string");
        }
        MetricsReport r = new MetricsEvaluator().setLabelCol(label).setPredictionCol(predictionCol).evaluateAll(df);
        parent.out.print(r);
        if (output != null) {
          try {
            java.nio.file.Files.writeString(Path.of(output), r.toJson());
            List<String> plots = TrainJob.plots(r, df, label, predictionCol, output.replaceFirst("\\.json$", ""),
                spark);
            parent.out.println("wrote " + output + " and " + String.join(", ", plots));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return r;
      });
      return 0;
    }
  }

  /** A PipelineModel's description: each stage with its set params; the neural stage's network and history. */
  static String describe(PipelineModel m) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "PipelineModel %s: %d stages%n", m.uid(), m.stages().length));
    for (Transformer t : m.stages()) {
      b.append(String.format(Locale.ROOT, "%n%s (%s)%n", t.getClass().getSimpleName(), t.uid()));
      for (Param<?> p : t.params()) {
        if (t.isSet(p)) {
          @SuppressWarnings("unchecked")
          Param<Object> po = (Param<Object>) p;
          String v = po.jsonEncode(t.getOrDefault(p));
          b.append(String.format(Locale.ROOT, "  %-24s %s%n", p.name(), v.length() > 100 ? v.substring(0, 97)
              + "..." : v));
        }
      }
      if (t instanceof NeuralModel<?> n) {
        History h = n.summary();
        b.append(String.format(Locale.ROOT, "  network: %d inputs, %d outputs, %,d values%s%n", n.numFeatures(),
            n.networkSpec().outputs(), n.network().size(), n.ensembleSize() == 1 ? ""
            : " each; a bagged ensemble of " + n.ensembleSize() + " networks (best epochs " + n.memberSummaries()
            .stream().map(e -> String.valueOf(e.bestEpoch())).collect(java.util.stream.Collectors.joining(", "))
            + "; the history below is the first's)"));
        b.append(String.format(Locale.ROOT, "  history: %d epochs, best epoch %d (%s)%n", h.epochs().size(),
            h.bestEpoch(), h.metricName()));
        b.append(String.format(Locale.ROOT, "  %6s %12s %12s %12s %10s%n", "epoch", "train loss", "val loss",
            h.metricName(), "lr"));
        for (History.Epoch e : h.epochs()) {
          b.append(String.format(Locale.ROOT, "  %6d %12.5f %12.5f %12.5f %10.2e%n", e.epoch(), e.trainLoss(),
              e.validationLoss(), e.validationMetric(), e.learningRate()));
        }
        b.append(String.format(Locale.ROOT, "  diagnosis: %s: %s%n", h.diagnosis().fit(), h.diagnosis().reason()));
      }
    }
    return b.toString();
  }

  /** Loads a PipelineModel, or fails with a {@link JobConfig.ConfigException} that says what the path holds. */
  static PipelineModel loadPipeline(String path) {
    try {
      return PipelineModel.load(path);
    } catch (Exception e) { // Hadoop's IOExceptions arrive unchecked from Scala
      throw new JobConfig.ConfigException("--model '" + path + "' is not a PipelineModel written by train: "
          + String.valueOf(e.getMessage()).split("\n")[0]);
    }
  }

  /** The class labels of a pipeline written by train (its IndexToString stage), or null. */
  static String[] labelsOf(PipelineModel m) {
    for (Transformer t : m.stages()) {
      if (t instanceof IndexToString s) {
        return s.getLabels();
      }
    }
    return null;
  }

  static String inputFormat(String path, String format) {
    if (format != null) {
      if (!JobConfig.FORMATS.contains(format)) {
        throw new JobConfig.ConfigException("--format '" + format + "' is not one of " + JobConfig.FORMATS);
      }
      return format;
    }
    String p = path.toLowerCase(Locale.ROOT);
    for (String f : List.of("csv", "json", "orc")) {
      if (p.endsWith("." + f)) {
        return f;
      }
    }
    return "parquet";
  }

  static Map<String, String> readerOptions(String format, Map<String, String> given) {
    Map<String, String> o = new LinkedHashMap<>();
    if (format.equals("csv")) {
      o.put("header", "true");
      o.put("inferSchema", "true");
    }
    o.putAll(given);
    return o;
  }

  /** Dots in column names become underscores, as train does (VectorAssembler cannot read dotted names). */
  static Dataset<Row> underscored(Dataset<Row> df) {
    return df.toDF(Arrays.stream(df.columns()).map(c -> c.replace('.', '_')).toArray(String[]::new));
  }

}
