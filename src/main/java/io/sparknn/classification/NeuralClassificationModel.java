package io.sparknn.classification;

import io.sparknn.nn.Activation;
import io.sparknn.nn.Loss;
import io.sparknn.nn.Network;
import io.sparknn.param.NeuralParams;
import io.sparknn.param.SharedParams;
import io.sparknn.train.History;
import io.sparknn.util.Persistence;
import io.sparknn.util.SchemaChecks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fitted {@link NeuralClassifier}: the network's layer sizes, activation and float weights, and the training
 * {@link History} ({@link #summary()}). {@code transform} scores batches of 4,096 rows per native call inside
 * {@code mapPartitions}, with the weights broadcast once, and appends {@code rawPrediction} (logits),
 * {@code probability} (softmax) and {@code prediction} like Spark's classifiers.
 */
public final class NeuralClassificationModel extends Model<NeuralClassificationModel>
    implements NeuralParams, MLWritable {
  private static final int FORMAT_VERSION = 1;
  /** Rows per scoring batch. */
  public static final int SCORING_BATCH = 4096;

  private final String uid;
  private final Defs defs;
  private final int[] sizes;
  private final String activation;
  private final float[] params;
  private final History history;

  NeuralClassificationModel(String uid, int[] sizes, String activation, float[] params, History history) {
    this.uid = uid;
    this.defs = new Defs(this, "crossEntropy");
    this.sizes = sizes.clone();
    this.activation = activation;
    this.params = params;
    this.history = history;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Defs defs() {
    return defs;
  }

  /** Number of classes. */
  public int numClasses() {
    return sizes[sizes.length - 1];
  }

  /** Number of input features. */
  public int numFeatures() {
    return sizes[0];
  }

  /** Per-epoch training history, best epoch and fit diagnosis. */
  public History summary() {
    return history;
  }

  /** Sets the invalid-row policy for scoring: error, skip or keep (NaN outputs). */
  public NeuralClassificationModel setHandleInvalid(String v) {
    set(handleInvalid(), SharedParams.checked(this, handleInvalid(), v));
    return this;
  }

  /** The schema with the three output columns ({@code k} > 0 adds vector-size metadata). */
  static StructType outputSchema(NeuralParams p, StructType schema, int k) {
    StructType out = schema;
    for (String c : new String[] {p.getRawPredictionCol(), p.getProbabilityCol()}) {
      SchemaChecks.requireNewColumn(p, c.equals(p.getRawPredictionCol()) ? "rawPredictionCol" : "probabilityCol",
          out, c);
      out = out.add(k > 0 ? new AttributeGroup(c, k).toStructField() : DataTypes.createStructField(c,
          SQLDataTypes.VectorType(), true));
    }
    SchemaChecks.requireNewColumn(p, "predictionCol", out, p.getPredictionCol());
    return out.add(p.getPredictionCol(), DataTypes.DoubleType, true);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    SchemaChecks.requireColumn(this, "featuresCol", schema, getFeaturesCol());
    return outputSchema(this, schema, numClasses());
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema(), true);
    Dataset<Row> df = dataset.toDF();
    int featureIndex = df.schema().fieldIndex(getFeaturesCol());
    Broadcast<float[]> weights = df.sparkSession().sparkContext().broadcast(params,
        scala.reflect.ClassTag$.MODULE$.apply(float[].class));
    Scorer scorer = new Scorer(sizes, activation, weights, featureIndex, getHandleInvalid(),
        SchemaChecks.where(this, "featuresCol") + ": column '" + getFeaturesCol() + "'");
    Dataset<Row> scored = df.mapPartitions(scorer, Encoders.row(out));
    for (String c : new String[] {getRawPredictionCol(), getProbabilityCol()}) { // the encoder drops metadata
      scored = scored.withColumn(c, SchemaChecks.col(c).as(c, out.apply(c).metadata()));
    }
    return scored;
  }

  /** Scores one partition in batches; built on the executor from the broadcast weights. */
  private static final class Scorer implements MapPartitionsFunction<Row, Row> {
    private final int[] sizes;
    private final String activation;
    private final Broadcast<float[]> weights;
    private final int featureIndex;
    private final String mode;
    private final String where;

    Scorer(int[] sizes, String activation, Broadcast<float[]> weights, int featureIndex, String mode,
        String where) {
      this.sizes = sizes;
      this.activation = activation;
      this.weights = weights;
      this.featureIndex = featureIndex;
      this.mode = mode;
      this.where = where;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Network net = new Network(sizes, Activation.parse(activation), 0, "xavier", DataType.FLOAT, 0);
      net.params().assign(Nd4j.create(weights.value()));
      int d = sizes[0];
      int k = sizes[sizes.length - 1];
      return new Iterator<>() {
        private Iterator<Row> batch = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!batch.hasNext() && rows.hasNext()) {
            batch = next(rows);
          }
          return batch.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return batch.next();
        }

        private Iterator<Row> next(Iterator<Row> source) {
          List<Row> in = new ArrayList<>(SCORING_BATCH);
          List<Row> invalid = new ArrayList<>();
          float[] x = new float[SCORING_BATCH * d];
          while (source.hasNext() && in.size() < SCORING_BATCH) {
            Row r = source.next();
            Vector v = r.isNullAt(featureIndex) ? null : (Vector) r.get(featureIndex);
            boolean ok = v != null && v.size() == d;
            if (ok) {
              double[] a = v.toArray();
              for (int j = 0; j < d && ok; j++) {
                ok = Double.isFinite(a[j]);
                x[in.size() * d + j] = (float) a[j];
              }
            }
            if (ok) {
              in.add(r);
            } else if (mode.equals("error")) {
              throw new IllegalArgumentException(where + " has " + (v == null ? "a null vector" : v.size() != d
                  ? "a vector of size " + v.size() + " (the model takes " + d + ")" : "NaN or infinity: " + v)
                  + " and handleInvalid=error. Set handleInvalid to 'skip' or 'keep' (NaN prediction).");
            } else if (mode.equals("keep")) {
              invalid.add(r);
            }
          }
          List<Row> out = new ArrayList<>(in.size() + invalid.size());
          if (!in.isEmpty()) {
            INDArray batchX = Nd4j.create(java.util.Arrays.copyOf(x, in.size() * d), new long[] {in.size(), d},
                DataType.FLOAT);
            double[][] logits = net.forward(batchX, false, null).toDoubleMatrix();
            for (int i = 0; i < in.size(); i++) {
              double[] z = logits[i];
              double[] p = Loss.softmax(z);
              out.add(append(in.get(i), Vectors.dense(z), Vectors.dense(p), Loss.argmax(z)));
            }
          }
          double[] nan = new double[k];
          java.util.Arrays.fill(nan, Double.NaN);
          for (Row r : invalid) {
            out.add(append(r, Vectors.dense(nan), Vectors.dense(nan), Double.NaN));
          }
          return out.iterator();
        }
      };
    }

    private static Row append(Row r, Vector raw, Vector probability, double prediction) {
      Object[] values = new Object[r.size() + 3];
      for (int i = 0; i < r.size(); i++) {
        values[i] = r.get(i);
      }
      values[r.size()] = raw;
      values[r.size() + 1] = probability;
      values[r.size() + 2] = prediction;
      return RowFactory.create(values);
    }
  }

  @Override
  public NeuralClassificationModel copy(ParamMap extra) {
    return copyValues(new NeuralClassificationModel(uid, sizes, activation, params, history), extra)
        .setParent(parent());
  }

  private static final StructType DATA = new StructType()
      .add("sizes", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("activation", DataTypes.StringType, false)
      .add("params", DataTypes.createArrayType(DataTypes.FloatType), false)
      .add("metric", DataTypes.StringType, false)
      .add("bestEpoch", DataTypes.IntegerType, false)
      .add("history", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)), false);

  @Override
  public MLWriter write() {
    List<double[]> epochs = new ArrayList<>();
    for (History.Epoch e : history.epochs()) {
      epochs.add(new double[] {e.epoch(), e.trainLoss(), e.validationLoss(), e.validationMetric(), e.learningRate(),
          e.seconds()});
    }
    return new Persistence.Writer(this, FORMAT_VERSION, DATA, List.of(RowFactory.create(sizes, activation, params,
        history.metricName(), history.bestEpoch(), epochs.toArray(new double[0][]))));
  }

  /** Reader for saved models. */
  public static MLReader<NeuralClassificationModel> read() {
    return new Persistence.Reader<>(NeuralClassificationModel.class, FORMAT_VERSION, (uid, rows) -> {
      Row r = rows.get(0);
      List<Float> p = r.getList(r.fieldIndex("params"));
      float[] params = new float[p.size()];
      for (int i = 0; i < params.length; i++) {
        params[i] = p.get(i);
      }
      History h = History.restore(r.getString(r.fieldIndex("metric")), r.getInt(r.fieldIndex("bestEpoch")),
          r.<scala.collection.Seq<Double>>getList(r.fieldIndex("history")).stream().map(s -> {
            double[] a = new double[s.size()];
            for (int i = 0; i < a.length; i++) {
              a[i] = s.apply(i);
            }
            return a;
          }).toList());
      return new NeuralClassificationModel(uid, Persistence.ints(r, "sizes"), r.getString(r.fieldIndex("activation")),
          params, h);
    });
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static NeuralClassificationModel load(String path) {
    return read().load(path);
  }
}
