package io.sparknn.estimator;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.classification.NeuralClassificationModel;
import io.sparknn.classification.NeuralClassifier;
import io.sparknn.evaluation.MetricsEvaluator;
import io.sparknn.feature.CategoricalEncoder;
import io.sparknn.feature.CategoricalEncoderModel;
import io.sparknn.feature.Standardizer;
import io.sparknn.feature.StandardizerModel;
import io.sparknn.feature.StratifiedKFold;
import io.sparknn.feature.StratifiedSplitter;
import io.sparknn.regression.NeuralRegressionModel;
import io.sparknn.regression.NeuralRegressor;
import io.sparknn.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input matrix of issue 14: every stage × every kind of bad or extreme input, each cell asserting its
 * outcome category — a clear error (the message names the stage and its uid with the param, the column and what
 * was found; a damaged saved model, which has no stage yet, its class, the file and what was expected) or the documented policy with exact row counts. One dynamic test per cell, named "stage × kind"; the
 * README's "What happens with bad input" table summarises the rules, this class is the list of cases.
 */
class BadInputMatrixTest extends SparkTestBase {
  private static final VectorUDT VECTOR = new VectorUDT();
  private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
      .add("label", DataTypes.DoubleType).add("cat", DataTypes.StringType).add("x", DataTypes.DoubleType)
      .add("w", DataTypes.DoubleType).add("v", DataTypes.BooleanType).add("features", VECTOR);
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private NeuralClassificationModel classifier;
  private NeuralRegressionModel regressor;
  private StandardizerModel standardizer;
  private CategoricalEncoderModel encoder;

  /** A row of the base table: the features vector is (x, id mod 3). */
  private static Row row(int id, Double label, String cat, Double x, Double w, Boolean v) {
    return RowFactory.create(id, label, cat, x, w, v, x == null ? null : Vectors.dense(x, id % 3));
  }

  /** 60 clean rows: labels 0/1/2, categories a/b/c, x separates the classes. */
  private List<Row> clean() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(row(i, (double) (i % 3), "abc".substring(i % 3, i % 3 + 1), (i % 3) * 2.0 + (i % 7) * 0.1, 1.0,
          i % 5 == 0));
    }
    return rows;
  }

  private Dataset<Row> table(List<Row> rows) {
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** The clean table with row {@code at} replaced. */
  private Dataset<Row> with(int at, Row bad) {
    List<Row> rows = clean();
    rows.set(at, bad);
    return table(rows);
  }

  /** The clean table with a column replaced by {@code value} on every row. */
  private Dataset<Row> everywhere(String column, Object value) {
    return table(clean()).withColumn(column, lit(value));
  }

  private Dataset<Row> empty() {
    return table(new ArrayList<>());
  }

  private NeuralClassifier nn() {
    return new NeuralClassifier().setMaxEpochs(2).setEnsembleFolds(1).setFeaturesCol("features");
  }

  private NeuralRegressor reg() {
    return new NeuralRegressor().setMaxEpochs(2).setEnsembleFolds(1).setLabelCol("x").setFeaturesCol("features");
  }

  private NeuralClassificationModel classifier() {
    if (classifier == null) {
      classifier = nn().fit(table(clean()));
    }
    return classifier;
  }

  private NeuralRegressionModel regressor() {
    if (regressor == null) {
      regressor = reg().fit(table(clean()));
    }
    return regressor;
  }

  private StandardizerModel standardizer() {
    if (standardizer == null) {
      standardizer = new Standardizer().setInputCols("x").setOutputCols("z").fit(table(clean()));
    }
    return standardizer;
  }

  private CategoricalEncoderModel encoder() {
    if (encoder == null) {
      encoder = new CategoricalEncoder().setInputCols("cat").setOutputCols("e").setEncoding("index")
          .fit(table(clean()));
    }
    return encoder;
  }

  /** A stage's error prefix: "Class(uid) param". */
  private static String where(Params stage, String param) {
    return stage.getClass().getSimpleName() + "(" + stage.uid() + ") " + param;
  }

  private record Cell(String stage, String kind, Runnable check) {}

  private final List<Cell> cells = new ArrayList<>();

  /**
   * A cell whose outcome is an error naming what the README promises: {@code stage}'s class and uid with the
   * param ("Class(uid) param"), the column ('column') and what was found ({@code found}: the value, type or
   * condition).
   */
  private void error(String cell, String kind, Supplier<? extends Params> stage, String param, String column,
      String found, Runnable action) {
    cells.add(new Cell(cell, kind, () -> {
      String m = rootMessage(assertThrows(Exception.class, action::run));
      for (String f : new String[] {where(stage.get(), param), "'" + column + "'", found}) {
        assertTrue(m.contains(f), "the message should contain '" + f + "': " + m);
      }
      outcomes.merge("error", 1, Integer::sum);
    }));
  }

  /** A cell whose outcome is a documented policy: {@code rows} gives exactly {@code expected} rows. */
  private void rows(String stage, String kind, Supplier<Dataset<Row>> rows, long expected) {
    cells.add(new Cell(stage, kind, () -> {
      assertEquals(expected, rows.get().count());
      outcomes.merge("policy", 1, Integer::sum);
    }));
  }

  /** A cell whose outcome is a documented policy checked by {@code check}. */
  private void policy(String stage, String kind, Runnable check) {
    cells.add(new Cell(stage, kind, () -> {
      check.run();
      outcomes.merge("policy", 1, Integer::sum);
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyStageAnswersEveryKindOfBadInputByItsRule() {
    splitters();
    standardizers();
    encoders();
    classifiers();
    regressors();
    evaluators();
    return cells.stream().map(c -> DynamicTest.dynamicTest(c.stage() + " × " + c.kind(), c.check()::run));
  }

  @AfterAll
  void printCounts() {
    System.out.println("bad-input matrix: " + cells.size() + " cells, outcomes " + outcomes);
  }

  private void splitters() {
    for (String name : new String[] {"StratifiedSplitter", "StratifiedKFold"}) {
      Supplier<Params> stage = () -> name.equals("StratifiedSplitter") ? new StratifiedSplitter()
          : new StratifiedKFold();
      Params one = stage.get(); // the stage of the error cells, whose uid the messages name
      java.util.function.Function<Dataset<Row>, Dataset<Row>> run = df -> {
        Params s = stage.get();
        return s instanceof StratifiedSplitter sp ? sp.transform(df) : ((StratifiedKFold) s).transform(df);
      };
      java.util.function.Function<Dataset<Row>, Dataset<Row>> runOne = df -> one instanceof StratifiedSplitter sp
          ? sp.transform(df) : ((StratifiedKFold) one).transform(df);
      Supplier<Params> s = () -> one;
      error(name, "null label", s, "labelCol", "label", "1 null labels",
          () -> runOne.apply(with(3, row(3, null, "a", 1.0, 1.0, false))).count());
      error(name, "NaN label", s, "labelCol", "label", "1 NaN labels",
          () -> runOne.apply(with(3, row(3, Double.NaN, "a", 1.0, 1.0, false))).count());
      rows(name, "labels near the double limits (±1e308 as classes)",
          () -> run.apply(with(3, row(3, 1e308, "a", 1.0, 1.0, false))
              .union(with(4, row(4, -1e308, "a", 1.0, 1.0, false)))).where(col("id").geq(0)), 120);
      rows(name, "empty input (an empty frame with the output column, as MLlib's transformers)",
          () -> run.apply(empty()), 0);
      error(name, "wrong type (vector label)", s, "labelCol", "label", "type vector",
          () -> runOne.apply(table(clean()).withColumn("label", col("features"))));
      error(name, "missing column", s, "labelCol", "label", "does not exist",
          () -> runOne.apply(table(clean()).drop("label")));
      policy(name, "huge cardinality (every row its own class)", () -> {
        Dataset<Row> out = run.apply(table(clean()).withColumn("label", col("id").cast("double")));
        assertEquals(60, out.count());
        assertEquals(60, out.select("id").distinct().count(), "each row once");
      });
    }
  }

  private void standardizers() {
    String fit = "Standardizer fit";
    Standardizer z = new Standardizer().setInputCols("x").setOutputCols("z");
    Supplier<Params> zs = () -> z;
    String invalid = "1 null, NaN or infinite values and handleInvalid=error";
    error(fit, "null value (handleInvalid error)", zs, "handleInvalid", "x", invalid,
        () -> z.fit(with(3, row(3, 0.0, "a", null, 1.0, false))));
    error(fit, "NaN value (handleInvalid error)", zs, "handleInvalid", "x", invalid,
        () -> z.fit(with(3, row(3, 0.0, "a", Double.NaN, 1.0, false))));
    error(fit, "+∞ value (handleInvalid error)", zs, "handleInvalid", "x", invalid,
        () -> z.fit(with(3, row(3, 0.0, "a", Double.POSITIVE_INFINITY, 1.0, false))));
    policy(fit, "null value (handleInvalid skip): statistics of the other 59 rows", () -> assertEquals(59,
        new Standardizer().setInputCols("x").setOutputCols("z").setHandleInvalid("skip")
            .fit(with(3, row(3, 0.0, "a", null, 1.0, false))).count()[0]));
    policy(fit, "values near the double limits: finite statistics", () -> {
      StandardizerModel m = new Standardizer().setInputCols("x").setOutputCols("z")
          .fit(with(3, row(3, 0.0, "a", 1e308, 1.0, false)).union(with(4, row(4, 0.0, "a", -1e308, 1.0,
              false))));
      assertTrue(Double.isFinite(m.mean()[0]) && Double.isFinite(m.std()[0]) && m.std()[0] > 1e306,
          "mean " + m.mean()[0] + ", std " + m.std()[0]);
    });
    error(fit, "empty input", zs, "inputCols", "x", "the input DataFrame is empty", () -> z.fit(empty()));
    Standardizer skip = new Standardizer().setInputCols("x").setOutputCols("z").setHandleInvalid("skip");
    error(fit, "empty after a step (every value invalid, handleInvalid skip)", () -> skip, "inputCols", "x",
        "no valid value (all 60 rows are null, NaN or infinite)",
        () -> skip.fit(everywhere("x", null).withColumn("x", col("x").cast("double"))));
    error(fit, "wrong type (string column)", zs, "inputCols", "x", "type string",
        () -> z.fit(table(clean()).withColumn("x", col("cat"))));
    error(fit, "missing column", zs, "inputCols", "x", "does not exist", () -> z.fit(table(clean()).drop("x")));
    Standardizer vz = new Standardizer().setInputCols("features").setOutputCols("z");
    error(fit, "vectors of different sizes", () -> vz, "inputCols", "features", "different sizes (2 and 3)",
        () -> vz.fit(with(3, RowFactory.create(3, 0.0, "a", 1.0, 1.0, false, Vectors.dense(1, 2, 3)))));
    policy(fit, "sparse and dense vectors: the same statistics", () -> {
      StandardizerModel dense = new Standardizer().setInputCols("features").setOutputCols("z")
          .fit(table(clean()));
      StandardizerModel sparse = new Standardizer().setInputCols("features").setOutputCols("z")
          .fit(table(clean()).withColumn("features", org.apache.spark.sql.functions.udf(
              (Vector v) -> v.toSparse(), VECTOR).apply(col("features"))));
      assertTrue(java.util.Arrays.equals(dense.mean(), sparse.mean()) && java.util.Arrays.equals(dense.std(),
          sparse.std()));
    });

    String tr = "StandardizerModel transform";
    error(tr, "null value (handleInvalid error)", this::standardizer, "handleInvalid", "x",
        "a null, NaN or infinite value and handleInvalid=error",
        () -> standardizer().transform(with(3, row(3, 0.0, "a", null, 1.0, false))).count());
    rows(tr, "null value (handleInvalid skip)", () -> standardizer().copy(new org.apache.spark.ml.param
        .ParamMap()).setHandleInvalid("skip").transform(with(3, row(3, 0.0, "a", null, 1.0, false))), 59);
    policy(tr, "NaN value (handleInvalid keep): the fitted mean, z = 0", () -> {
      StandardizerModel keep = standardizer().copy(new org.apache.spark.ml.param.ParamMap())
          .setHandleInvalid("keep");
      List<Row> out = keep.transform(with(3, row(3, 0.0, "a", Double.NaN, 1.0, false))).where("id = 3")
          .select("z").collectAsList();
      assertEquals(0.0, out.get(0).getDouble(0), 0.0);
    });
    error(tr, "wrong type (string column)", this::standardizer, "inputCols", "x", "type string",
        () -> standardizer().transform(table(clean()).withColumn("x", col("cat"))));
    rows(tr, "empty input", () -> standardizer().transform(empty()), 0);
  }

  private void encoders() {
    String fit = "CategoricalEncoder fit";
    CategoricalEncoder e = new CategoricalEncoder().setInputCols("cat").setOutputCols("e");
    Supplier<Params> es = () -> e;
    error(fit, "null value (handleInvalid error)", es, "handleInvalid", "cat", "1 null values",
        () -> e.fit(with(3, row(3, 0.0, null, 1.0, 1.0, false))));
    error(fit, "empty input", es, "inputCols", "cat", "the input DataFrame is empty", () -> e.fit(empty()));
    error(fit, "wrong type (vector column)", es, "inputCols", "cat", "type vector",
        () -> e.fit(table(clean()).withColumn("cat", col("features"))));
    policy(fit, "double codes (StringIndexer's output): one category per code", () -> assertEquals(
        List.of("0.0", "1.0", "2.0", "__unknown__"), List.of(e.fit(table(clean()).withColumn("cat", col("label")))
            .buckets(0))));
    error(fit, "NaN code (handleInvalid error)", es, "handleInvalid", "cat", "1 null (or NaN) values",
        () -> e.fit(table(clean()).withColumn("cat", org.apache.spark.sql.functions.when(col("id").equalTo(3),
            lit(Double.NaN)).otherwise(col("label")))));
    error(fit, "missing column", es, "inputCols", "cat", "does not exist", () -> e.fit(table(clean()).drop("cat")));
    policy(fit, "huge cardinality with maxCategories 5: 5 kept buckets, other and unknown", () -> {
      CategoricalEncoderModel m = new CategoricalEncoder().setInputCols("cat").setOutputCols("e")
          .setMaxCategories(5).fit(table(clean()).withColumn("cat", col("id").cast("string")));
      assertEquals(7, m.buckets(0).length, java.util.Arrays.toString(m.buckets(0)));
    });
    CategoricalEncoder target = new CategoricalEncoder().setInputCols("cat").setOutputCols("e")
        .setEncoding("target");
    error(fit, "target encoding with a null label", () -> target, "labelCol", "label",
        "null, NaN or infinite labels", () -> target.fit(with(3, row(3, null, "a", 1.0, 1.0, false))));

    String tr = "CategoricalEncoderModel transform";
    error(tr, "unseen value (handleInvalid error)", this::encoder, "handleInvalid", "cat", "value 'zz', unseen",
        () -> encoder().transform(with(3, row(3, 0.0, "zz", 1.0, 1.0, false))).count());
    rows(tr, "unseen value and a null (handleInvalid skip)", () -> encoder().copy(new org.apache.spark.ml.param
        .ParamMap()).setHandleInvalid("skip").transform(with(3, row(3, 0.0, "zz", 1.0, 1.0, false))
            .union(with(4, row(4, 0.0, null, 1.0, 1.0, false)))), 118);
    policy(tr, "unseen value (handleInvalid keep): the __unknown__ bucket", () -> {
      CategoricalEncoderModel keep = encoder().copy(new org.apache.spark.ml.param.ParamMap())
          .setHandleInvalid("keep");
      double bucket = keep.transform(with(3, row(3, 0.0, "zz", 1.0, 1.0, false))).where("id = 3")
          .select("e").head().getDouble(0);
      assertEquals(keep.buckets(0).length - 1, (int) bucket, "the last bucket is __unknown__");
    });
    error(tr, "wrong type (vector column)", this::encoder, "inputCols", "cat", "type vector",
        () -> encoder().transform(table(clean()).withColumn("cat", col("features"))));
    rows(tr, "NaN code (handleInvalid skip)", () -> new CategoricalEncoder().setInputCols("cat").setOutputCols("e")
        .fit(table(clean()).withColumn("cat", col("label"))).setHandleInvalid("skip").transform(table(clean())
            .withColumn("cat", org.apache.spark.sql.functions.when(col("id").equalTo(3), lit(Double.NaN))
                .otherwise(col("label")))), 59);
    rows(tr, "empty input", () -> encoder().transform(empty()), 0);
  }

  private void classifiers() {
    String fit = "NeuralClassifier fit";
    NeuralClassifier c = nn();
    Supplier<Params> cs = () -> c;
    error(fit, "null features vector", cs, "featuresCol", "features", "a null vector",
        () -> c.fit(with(3, row(3, 0.0, "a", null, 1.0, false))));
    error(fit, "NaN feature", cs, "featuresCol", "features", "NaN or infinity at index 0",
        () -> c.fit(with(3, row(3, 0.0, "a", Double.NaN, 1.0, false))));
    error(fit, "feature beyond float range (1e39)", cs, "featuresCol", "features",
        "the value 1.0E39 at index 0, beyond float range", () -> c.fit(with(3, row(3, 0.0, "a", 1e39, 1.0, false))));
    error(fit, "null label", cs, "labelCol", "label", "a null label",
        () -> c.fit(with(3, row(3, null, "a", 1.0, 1.0, false))));
    error(fit, "non-integral label (2.5)", cs, "labelCol", "label", "the label 2.5, not a whole number",
        () -> c.fit(with(3, row(3, 2.5, "a", 1.0, 1.0, false))));
    error(fit, "huge class index (50,000)", cs, "labelCol", "label", "the label 50000.0 but labels must be class"
        + " indices 0, 1, ..., k-1 with k <= 10000", () -> c.fit(with(3, row(3, 50_000.0, "a", 1.0, 1.0, false))));
    NeuralClassifier weighted = nn().setWeightCol("w");
    Supplier<Params> ws = () -> weighted;
    error(fit, "negative weight", ws, "weightCol", "w", "a negative weight (-1.0)",
        () -> weighted.fit(with(3, row(3, 0.0, "a", 1.0, -1.0, false))));
    error(fit, "NaN weight", ws, "weightCol", "w", "a NaN weight",
        () -> weighted.fit(with(3, row(3, 0.0, "a", 1.0, Double.NaN, false))));
    error(fit, "empty after a step (every weight 0)", ws, "weightCol", "w", "0 on every training row (60 rows)",
        () -> weighted.fit(everywhere("w", 0.0)));
    NeuralClassifier held = nn().setValidationIndicatorCol("v");
    error(fit, "empty after a step (every row held out)", () -> held, "validationIndicatorCol", "v",
        "true on all 60 rows", () -> held.fit(everywhere("v", true)));
    error(fit, "empty input", cs, "featuresCol", "features", "the input DataFrame is empty", () -> c.fit(empty()));
    error(fit, "wrong type (double features)", cs, "featuresCol", "features", "type double",
        () -> c.fit(table(clean()).withColumn("features", col("x"))));
    error(fit, "wrong type (string label)", cs, "labelCol", "label", "type string",
        () -> c.fit(table(clean()).withColumn("label", col("cat"))));
    error(fit, "vectors of different sizes", cs, "featuresCol", "features", "a vector of size 3 (the model takes"
        + " 2)", () -> c.fit(with(3, RowFactory.create(3, 0.0, "a", 1.0, 1.0, false, Vectors.dense(1, 2, 3)))));
    error(fit, "missing column", cs, "labelCol", "label", "does not exist", () -> c.fit(table(clean())
        .drop("label")));
    policy(fit, "sparse and dense vectors: the same model", () -> {
      float[] dense = nn().fit(table(clean())).network().toFloats();
      float[] sparse = nn().fit(table(clean()).withColumn("features", org.apache.spark.sql.functions.udf(
          (Vector v) -> v.toSparse(), VECTOR).apply(col("features")))).network().toFloats();
      assertTrue(java.util.Arrays.equals(dense, sparse), "bit-identical weights");
    });

    String tr = "NeuralClassificationModel transform";
    error(tr, "null features (handleInvalid error)", this::classifier, "featuresCol", "features",
        "a null vector and handleInvalid=error", () -> classifier().transform(with(3, row(3, 0.0, "a", null, 1.0,
            false))).count());
    rows(tr, "null and NaN features (handleInvalid skip)", () -> classifier().copy(new org.apache.spark.ml.param
        .ParamMap()).setHandleInvalid("skip").transform(with(3, row(3, 0.0, "a", null, 1.0, false))
            .union(with(4, row(4, 0.0, "a", Double.NaN, 1.0, false)))), 118);
    policy(tr, "null features (handleInvalid keep): null prediction, row kept", () -> {
      List<Row> out = classifier().copy(new org.apache.spark.ml.param.ParamMap()).setHandleInvalid("keep")
          .transform(with(3, row(3, 0.0, "a", null, 1.0, false))).where("id = 3").select("prediction")
          .collectAsList();
      assertEquals(1, out.size());
      assertTrue(out.get(0).isNullAt(0) || Double.isNaN(out.get(0).getDouble(0)), String.valueOf(out.get(0)));
    });
    error(tr, "vector of another size (handleInvalid error)", this::classifier, "featuresCol", "features",
        "a vector of size 3", () -> classifier().transform(with(3, RowFactory.create(3, 0.0, "a", 1.0, 1.0, false,
            Vectors.dense(1, 2, 3)))).count());
    error(tr, "wrong type (double features)", this::classifier, "featuresCol", "features", "type double",
        () -> classifier().transform(table(clean()).withColumn("features", col("x"))));
    rows(tr, "empty input", () -> classifier().transform(empty()), 0);
    error(tr, "missing column", this::classifier, "featuresCol", "features", "does not exist",
        () -> classifier().transform(table(clean()).drop("features")));
    String damaged = path("damaged");
    // a load has no stage or param yet: the message names the model class, the file and what it expected
    cells.add(new Cell("NeuralClassificationModel load", "damaged model (empty metadata file)", () -> {
      String m = rootMessage(assertThrows(Exception.class, () -> {
        String path = damaged;
        classifier().write().save(path);
        try (Stream<Path> files = Files.list(Path.of(path, "metadata"))) {
          for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
            Files.writeString(f, "");
          }
        }
        NeuralClassificationModel.load(path);
      }));
      for (String f : new String[] {"NeuralClassificationModel: cannot load " + damaged, "its metadata file ("
          + damaged + "/metadata) is missing or damaged", "expected one JSON line with class, uid and paramMap"}) {
        assertTrue(m.contains(f), "the message should contain '" + f + "': " + m);
      }
      outcomes.merge("error", 1, Integer::sum);
    }));
  }

  private void regressors() {
    String fit = "NeuralRegressor fit";
    NeuralRegressor r = reg();
    error(fit, "label beyond ±1e30", () -> r, "labelCol", "x", "a label of magnitude 1.0E31, beyond what the float"
        + " network predicts (|label| <= 1.0E30)", () -> r.fit(with(3, row(3, 0.0, "a", 1e31, 1.0, false))));
    error(fit, "null label", () -> r, "labelCol", "x", "a null label",
        () -> r.fit(table(clean()).withColumn("x", lit(null).cast("double"))));
    policy(fit, "labels near 1e29: finite weights and predictions", () -> {
      NeuralRegressionModel m = reg().fit(table(clean()).withColumn("x", col("x").multiply(1e29)));
      for (float f : m.network().toFloats()) {
        assertTrue(Float.isFinite(f), "weight " + f);
      }
      Row p = m.transform(table(clean())).agg(org.apache.spark.sql.functions.max(
          org.apache.spark.sql.functions.abs(col("prediction")))).head();
      assertTrue(Double.isFinite(p.getDouble(0)), "largest prediction " + p.getDouble(0));
    });
    rows("NeuralRegressionModel transform", "null features (handleInvalid skip)", () -> regressor()
        .copy(new org.apache.spark.ml.param.ParamMap()).setHandleInvalid("skip").transform(with(3, row(3, 0.0,
            "a", null, 1.0, false))), 59);
  }

  private void evaluators() {
    String ev = "MetricsEvaluator evaluate";
    Supplier<Dataset<Row>> scored = () -> table(clean()).withColumn("prediction", col("label"));
    MetricsEvaluator acc = new MetricsEvaluator().setMetricName("accuracy");
    Supplier<Params> as = () -> acc;
    error(ev, "null label", as, "labelCol", "label", "a null label",
        () -> acc.evaluate(scored.get().withColumn("label", lit(null).cast("double"))));
    error(ev, "NaN prediction", as, "predictionCol", "prediction", "a non-finite prediction (NaN)",
        () -> acc.evaluate(scored.get().withColumn("prediction", lit(Double.NaN))));
    MetricsEvaluator weighted = new MetricsEvaluator().setMetricName("accuracy").setWeightCol("w");
    error(ev, "weights summing to 0", () -> weighted, "weightCol", "w", "sum to 0.0",
        () -> weighted.evaluate(scored.get().withColumn("w", lit(0.0))));
    error(ev, "negative weight", () -> weighted, "weightCol", "w", "the negative weight -1.0",
        () -> weighted.evaluate(scored.get().withColumn("w", lit(-1.0))));
    error(ev, "huge class index (5,000)", as, "labelCol", "label", "label 5000.0 but classification metrics take"
        + " class indices 0..999", () -> acc.evaluate(scored.get().withColumn("label", lit(5000.0))));
    error(ev, "wrong type (string prediction)", as, "predictionCol", "prediction", "type string",
        () -> acc.evaluate(scored.get().withColumn("prediction", col("cat"))));
    error(ev, "empty input", as, "labelCol", "label", "the input DataFrame is empty",
        () -> acc.evaluate(empty().withColumn("prediction", col("label"))));
    policy(ev, "regression values near 1e150: finite RMSE", () -> {
      double rmse = new MetricsEvaluator().setMetricName("rmse").evaluate(table(clean())
          .withColumn("label", col("x").multiply(1e150)).withColumn("prediction", col("x").multiply(1.1e150)));
      assertTrue(Double.isFinite(rmse) && rmse > 1e148, "rmse " + rmse);
    });
  }
}
