package io.sparknn.estimator;

import io.sparknn.nn.Architecture;
import io.sparknn.util.SchemaChecks;
import io.sparknn.util.FeatureReader;
import io.sparknn.util.Rows;
import io.sparknn.util.Persistence;
import io.sparknn.train.TaskResources;
import io.sparknn.nn.Network;
import io.sparknn.param.NeuralParams;
import io.sparknn.train.History;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The fitted networks of a neural model and what the two models do with them: batched scoring of batch and
 * streaming DataFrames, single-row prediction, the combination of an ensemble's members, and persistence.
 * {@code transform} runs over batches of Spark's internal rows (512 rows on {@code jvm}; on {@code nd4j} 4 M input
 * values, 4,096–65,536 rows, so a GPU gets large launches) with the weights broadcast once; each task first binds
 * its engine to {@code spark.task.cpus} threads and to the GPU Spark assigned it ({@link TaskResources}); rows with
 * null, NaN or infinite features, a vector of the wrong size or an invalid category index follow
 * {@code handleInvalid}. Not API: the models are.
 */
public final class FittedNetworks {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FittedNetworks.class);
  private static final int FORMAT_VERSION = 4;

  private final Architecture architecture;
  private final float[] params;
  private final List<History> histories;
  private final boolean classification;
  /** Networks for single-row prediction, built on first use, one set per thread (a network has scratch buffers). */
  private final ThreadLocal<Network[]> rowNetworks = ThreadLocal.withInitial(this::networks);

  /**
   * The networks of {@code architecture} with the given weights and histories: one network, or the members of a
   * bagged ensemble ({@code ensembleFolds}), whose weights follow each other in {@code params}.
   */
  public FittedNetworks(String uid, Architecture architecture, float[] params, List<History> histories,
      boolean classification) {
    if (histories.isEmpty() || params.length % histories.size() != 0) {
      throw new IllegalArgumentException(uid + ": " + params.length + " weights do not split into "
          + histories.size() + " equal members");
    }
    this.architecture = architecture;
    this.params = params;
    this.histories = List.copyOf(histories);
    this.classification = classification;
  }

  private FittedNetworks(boolean classification) {
    this.architecture = null;
    this.params = new float[0];
    this.histories = List.of();
    this.classification = classification;
  }

  /**
   * No networks: what a model made by its no-argument or {@code (String uid)} constructor holds (Spark Connect's
   * {@code ServiceLoader} registry instantiates every registered stage); every use fails with
   * {@link #architecture()}'s error.
   */
  public static FittedNetworks unfitted(boolean classification) {
    return new FittedNetworks(classification);
  }

  /** The network's full shape; fails on a model without networks ({@link #unfitted}). */
  public Architecture architecture() {
    if (architecture == null) {
      throw SchemaChecks.unfitted("This neural model");
    }
    return architecture;
  }

  /** Every member's weights, end to end. */
  public float[] params() {
    architecture();
    return params;
  }

  /** The members' training histories. */
  public List<History> histories() {
    architecture();
    return histories;
  }

  /** Member {@code j} with its fitted weights; {@code uid} names the model in the error. */
  public Network network(String uid, int j) {
    architecture();
    if (j < 0 || j >= histories.size()) {
      throw new IndexOutOfBoundsException(uid + ": member " + j + " of an ensemble of " + histories.size());
    }
    return architecture.build(false, 0).load(memberWeights(params, histories.size(), j));
  }

  private Network[] networks() {
    Network[] nets = new Network[histories.size()];
    for (int j = 0; j < nets.length; j++) {
      nets[j] = network("", j);
    }
    return nets;
  }

  /** Member {@code j}'s weights in the model's layout (the members' weights end to end). */
  private static float[] memberWeights(float[] all, int members, int j) {
    int size = all.length / members;
    return members == 1 ? all : java.util.Arrays.copyOfRange(all, j * size, (j + 1) * size);
  }

  /**
   * The model's output for one features vector, on this JVM: the classifier's rawPrediction (centered logits, see
   * {@link Outputs}) or the regressor's prediction. Fails, naming {@code p}'s featuresCol, on a vector of another
   * size, a NaN or infinite value, an invalid category index, or a model over sequences.
   */
  public double[] predictRow(NeuralParams p, Vector features) {
    String where = SchemaChecks.where(p, "featuresCol") + ": the features vector";
    if (architecture().masked()) {
      throw new IllegalArgumentException(where + ": this model reads sequences (array columns), not one vector;"
          + " score them with transform.");
    }
    if (features == null) {
      throw new IllegalArgumentException(where + " is null; a prediction needs " + architecture.inputs()
          + " values.");
    }
    int d = architecture.inputs();
    float[] x = new float[d];
    String problem = Rows.copyVector(features, d, x);
    if (problem == null) {
      int bad = architecture.invalidSlot(x, 0);
      problem = bad < 0 ? null : "an invalid category index " + x[bad] + " in nominal slot " + bad;
    }
    if (problem != null) {
      throw new IllegalArgumentException(where + " has " + problem + ". Give it " + d + " finite values, as in"
          + " training.");
    }
    Network[] nets = rowNetworks.get();
    double[][] each = new double[nets.length][];
    for (int j = 0; j < nets.length; j++) {
      each[j] = nets[j].infer(x, 0, 1);
    }
    double[] out = combine(each, 1, architecture.outputs(), classification);
    return classification ? Outputs.centered(out) : out;
  }

  /**
   * The model's outputs from its members' outputs for the same {@code rows} rows ({@code k} values each): a
   * single network's as they are; an ensemble's regression predictions averaged, and for a classifier the log of
   * the members' averaged probabilities (logits whose softmax is that average).
   */
  public static double[] combine(double[][] members, int rows, int k, boolean classification) {
    if (members.length == 1) {
      return members[0];
    }
    double[] out = new double[rows * k];
    double[] p = new double[k];
    for (double[] m : members) {
      for (int i = 0; i < rows; i++) {
        if (classification) {
          System.arraycopy(m, i * k, p, 0, k);
          double[] s = io.sparknn.nn.Loss.softmax(p);
          for (int c = 0; c < k; c++) {
            out[i * k + c] += s[c] / members.length;
          }
        } else {
          for (int c = 0; c < k; c++) {
            out[i * k + c] += m[i * k + c] / members.length;
          }
        }
      }
    }
    if (classification) {
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.log(out[i]);
      }
    }
    return out;
  }

  /**
   * The schema with the output columns that have a name (an empty name leaves that output out, as in MLlib);
   * {@code k} > 0 adds vector-size metadata to the classifier's vectors.
   */
  public static StructType outputSchema(NeuralParams p, StructType schema, boolean classification, int k) {
    StructType out = schema;
    if (classification) {
      String[][] vectors = {{"rawPredictionCol", p.getRawPredictionCol()}, {"probabilityCol", p.getProbabilityCol()}};
      for (String[] c : vectors) {
        if (!c[1].isEmpty()) {
          SchemaChecks.requireNewColumn(p, c[0], out, c[1]);
          out = out.add(k > 0 ? new AttributeGroup(c[1], k).toStructField() : DataTypes.createStructField(c[1],
              SQLDataTypes.VectorType(), true));
        }
      }
    }
    if (p.getPredictionCol().isEmpty()) {
      return out;
    }
    SchemaChecks.requireNewColumn(p, "predictionCol", out, p.getPredictionCol());
    return out.add(p.getPredictionCol(), DataTypes.DoubleType, true);
  }

  /** The model's {@code transformSchema}: the features column checked, the output columns added. */
  public StructType transformSchema(NeuralParams p, StructType schema) {
    Architecture architecture = architecture();
    StructField f = SchemaChecks.requireColumn(p, "featuresCol", schema, p.getFeaturesCol());
    boolean sequences = FeatureReader.isSequence(f.dataType());
    if (architecture.masked() ? !sequences : !SchemaChecks.isVector(f.dataType())) {
      throw new IllegalArgumentException(SchemaChecks.where(p, "featuresCol") + ": column '" + f.name()
          + "' has type " + SchemaChecks.typeName(f.dataType()) + " but this model was trained on "
          + (architecture.masked() ? "sequences: array<double> or array<array<double>> of steps" : "vectors")
          + "; give it the same kind of column.");
    }
    return outputSchema(p, schema, classification, architecture.outputs());
  }

  /**
   * The model's {@code transform}: batch and streaming DataFrames alike, scored in batches inside each partition.
   * {@code thresholds} (null = none) choose the classifier's prediction as MLlib's do: the class of largest
   * probability / threshold.
   */
  public Dataset<Row> transform(NeuralParams p, Dataset<?> dataset, double[] thresholds) {
    StructType out = transformSchema(p, dataset.schema());
    Dataset<Row> df = dataset.toDF();
    Outputs.Layout layout = new Outputs.Layout(classification, classification && !p.getRawPredictionCol().isEmpty(),
        classification && !p.getProbabilityCol().isEmpty(), !p.getPredictionCol().isEmpty(), thresholds);
    if (layout.columns() == 0) {
      LOG.warn("{}: transform() does nothing: every output column is set to \"\"", p.uid());
      return df;
    }
    Broadcast<float[]> weights = df.sparkSession().sparkContext().broadcast(params,
        scala.reflect.ClassTag$.MODULE$.apply(float[].class));
    StructField field = df.schema().apply(p.getFeaturesCol());
    String where = SchemaChecks.where(p, "featuresCol") + ": column '" + p.getFeaturesCol() + "'";
    FeatureReader reader = architecture.masked() ? FeatureReader.sequence(field, architecture.inputShape(), where)
        : FeatureReader.vector(architecture.inputs());
    Scorer scorer = new Scorer(architecture, histories.size(), reader, weights,
        df.schema().fieldIndex(p.getFeaturesCol()), p.getHandleInvalid(), where, layout, p.getEngine());
    return Rows.mapPartitions(df, scorer::score, out);
  }

  /**
   * Scores one partition in batches of Spark's internal rows (no conversion to external rows and back); builds the
   * network on the executor from the broadcast weights. Rows keep their order.
   */
  private static final class Scorer implements Serializable {
    private final Architecture arch;
    private final int members;
    private final FeatureReader reader;
    private final Broadcast<float[]> weights;
    private final int featureIndex;
    private final String mode;
    private final String where;
    private final Outputs.Layout layout;
    private final String engine;

    Scorer(Architecture arch, int members, FeatureReader reader, Broadcast<float[]> weights, int featureIndex,
        String mode, String where, Outputs.Layout layout, String engine) {
      this.members = members;
      this.engine = engine;
      this.reader = reader;
      this.arch = arch;
      this.weights = weights;
      this.featureIndex = featureIndex;
      this.mode = mode;
      this.where = where;
      this.layout = layout;
    }

    Iterator<InternalRow> score(Iterator<InternalRow> rows) {
      io.sparknn.nn.Engine e = TaskResources.bind(engine).engine();
      Network[] nets = new Network[members];
      for (int j = 0; j < members; j++) {
        nets[j] = arch.build(e, false, 0).load(memberWeights(weights.value(), members, j));
      }
      Batches batches = new Batches(nets, rows);
      return new Iterator<>() {
        private int at;

        @Override
        public boolean hasNext() {
          while (at == batches.size && rows.hasNext()) {
            batches.next();
            at = 0;
          }
          return at < batches.size;
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return batches.out(at++);
        }
      };
    }

    /**
     * One partition's batches, their buffers reused from batch to batch: the feature matrix, and the kept input
     * rows and the joined output rows in two alternating sets, so that a row handed out stays intact while the next
     * batch is read (Spark's operators copy a row they keep past the next one).
     */
    private final class Batches {
      private final Network[] nets;
      private final Iterator<InternalRow> source;
      private final int d;
      private final float[] x;
      /** The row's index in the feature matrix, -1 for an invalid row kept by handleInvalid=keep. */
      private final int[] slot;
      private final InternalRow[][] kept;
      private final Rows.Joined[][] joined;
      private final double[] nan;
      private int set;
      private int size;
      private double[] o;

      Batches(Network[] nets, Iterator<InternalRow> source) {
        this.nets = nets;
        this.source = source;
        int rows = nets[0].scoringBatch();
        d = arch.inputs();
        x = new float[rows * d];
        slot = new int[rows];
        kept = new InternalRow[2][rows];
        joined = new Rows.Joined[2][rows];
        nan = new double[arch.outputs()];
        java.util.Arrays.fill(nan, Double.NaN);
      }

      /** Reads and scores the next batch into the other set of rows. */
      void next() {
        set ^= 1;
        size = 0;
        int valid = 0;
        InternalRow[] keep = kept[set];
        while (source.hasNext() && size < slot.length) {
          InternalRow r = source.next();
          String problem = reader.copy(r, featureIndex, x, valid * d);
          if (problem == null) {
            int bad = arch.invalidSlot(x, valid);
            problem = bad < 0 ? null : "an invalid category index " + x[valid * d + bad] + " in nominal slot " + bad;
          }
          if (problem == null) {
            slot[size] = valid++;
          } else if (mode.equals("error")) {
            throw new IllegalArgumentException(where + " has " + problem + " and handleInvalid=error. Set"
                + " handleInvalid to 'skip' or 'keep' (NaN prediction).");
          } else if (mode.equals("keep")) {
            slot[size] = -1;
          } else {
            continue;
          }
          keep[size] = Rows.copy(r, keep[size]);
          size++;
        }
        o = null;
        if (valid > 0) {
          double[][] each = new double[nets.length][];
          for (int j = 0; j < nets.length; j++) {
            each[j] = nets[j].infer(x, 0, valid);
          }
          o = combine(each, valid, arch.outputs(), layout.classification());
        }
      }

      /** Output row i of the current batch: the input row joined with its output columns. */
      InternalRow out(int i) {
        int k = arch.outputs();
        double[] row = slot[i] < 0 ? nan : java.util.Arrays.copyOfRange(o, slot[i] * k, (slot[i] + 1) * k);
        Rows.Joined j = joined[set][i] == null ? (joined[set][i] = new Rows.Joined()) : joined[set][i];
        return j.of(kept[set][i], Outputs.of(row, layout));
      }
    }
  }

  private static final StructType DATA = new StructType()
      .add("inputs", DataTypes.IntegerType, false)
      .add("nominalSlots", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("cardinalities", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("embeddingDims", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("hidden", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("activation", DataTypes.StringType, false)
      .add("normalization", DataTypes.StringType, false)
      .add("residual", DataTypes.BooleanType, false)
      .add("dropout", DataTypes.DoubleType, false)
      .add("weightInit", DataTypes.StringType, false)
      .add("outputs", DataTypes.IntegerType, false)
      .add("inputShape", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("layers", DataTypes.StringType, false)
      .add("masked", DataTypes.BooleanType, false)
      .add("params", DataTypes.createArrayType(DataTypes.FloatType), false)
      .add("metric", DataTypes.StringType, false)
      .add("bestEpoch", DataTypes.IntegerType, false)
      .add("history", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)), false)
      .add("memberBestEpochs", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("memberHistories", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.createArrayType(
          DataTypes.DoubleType))), false);

  /** The model's writer: {@code stage}'s params as metadata, the networks as data (format {@value #FORMAT_VERSION}). */
  public MLWriter writer(Params stage) {
    architecture();
    Architecture a = architecture;
    History first = histories.get(0);
    return new Persistence.Writer(stage, FORMAT_VERSION, DATA, List.of(RowFactory.create(a.inputs(),
        a.nominalSlots(), a.cardinalities(), a.embeddingDims(), a.hidden(), a.activation(), a.normalization(),
        a.residual(), a.dropout(), a.weightInit(), a.outputs(), a.inputShape(), a.layers(), a.masked(), params,
        first.metricName(), first.bestEpoch(), first.table(), histories.stream().mapToInt(History::bestEpoch)
        .toArray(), histories.stream().map(History::table).toArray(double[][][]::new))));
  }

  /** The reader of a model class; {@code factory} is the model's {@link #create}. */
  public static <T extends NeuralModel<T>> MLReader<T> reader(Class<T> cls, NeuralModel.Factory<T> factory) {
    // version 1 (session-1 MLPs without an architecture) cannot be rebuilt; version 2 (MLPs before inputShape and
    // layers) loads as a flat MLP; versions 2 and 3 (before ensembles) as one network
    return new Persistence.Reader<>(cls, 2, FORMAT_VERSION, (uid, rows) -> {
      Row r = rows.get(0);
      boolean stacked = java.util.Arrays.asList(r.schema().fieldNames()).contains("layers");
      Architecture a = new Architecture(r.getInt(r.fieldIndex("inputs")), Persistence.ints(r, "nominalSlots"),
          Persistence.ints(r, "cardinalities"), Persistence.ints(r, "embeddingDims"), Persistence.ints(r, "hidden"),
          r.getString(r.fieldIndex("activation")), r.getString(r.fieldIndex("normalization")),
          r.getBoolean(r.fieldIndex("residual")), r.getDouble(r.fieldIndex("dropout")),
          r.getString(r.fieldIndex("weightInit")), r.getInt(r.fieldIndex("outputs")),
          stacked ? Persistence.ints(r, "inputShape") : new int[0], stacked ? r.getString(r.fieldIndex("layers")) : "",
          stacked && r.getBoolean(r.fieldIndex("masked")));
      List<Float> p = r.getList(r.fieldIndex("params"));
      float[] params = new float[p.size()];
      for (int i = 0; i < params.length; i++) {
        params[i] = p.get(i);
      }
      String metric = r.getString(r.fieldIndex("metric"));
      List<History> h = new ArrayList<>();
      if (java.util.Arrays.asList(r.schema().fieldNames()).contains("memberHistories")) {
        List<Integer> best = r.getList(r.fieldIndex("memberBestEpochs"));
        List<scala.collection.Seq<scala.collection.Seq<Double>>> tables = r.getList(r.fieldIndex(
            "memberHistories"));
        for (int j = 0; j < tables.size(); j++) {
          h.add(History.restore(metric, best.get(j), table(scala.jdk.javaapi.CollectionConverters.asJava(
              tables.get(j)))));
        }
      } else {
        h.add(History.restore(metric, r.getInt(r.fieldIndex("bestEpoch")), table(r.getList(r.fieldIndex(
            "history")))));
      }
      int size = a.build(false, 0).size();
      if (params.length != (long) size * h.size()) {
        throw new IllegalArgumentException(params.length + " weights, but " + h.size() + " network(s) of this"
            + " architecture hold " + (long) size * h.size());
      }
      return factory.create(uid, a, params, h);
    });
  }

  /** A saved history table as rows of doubles. */
  private static List<double[]> table(List<scala.collection.Seq<Double>> rows) {
    return rows.stream().map(row -> {
      double[] v = new double[row.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = row.apply(i);
      }
      return v;
    }).toList();
  }
}
