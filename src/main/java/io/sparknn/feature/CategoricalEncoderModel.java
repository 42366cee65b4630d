package io.sparknn.feature;

import static io.sparknn.util.SchemaChecks.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import io.sparknn.param.SharedParams;
import io.sparknn.util.Persistence;
import io.sparknn.util.SchemaChecks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link CategoricalEncoder}: per input column, the kept categories in bucket order, the values folded
 * into "other", and (target encoding) the per-fold label statistics. {@code index} and {@code onehot} outputs
 * carry Spark ML attribute metadata naming every bucket; the last bucket is always the unknown bucket.
 */
public final class CategoricalEncoderModel extends Model<CategoricalEncoderModel>
    implements CategoricalEncoderParams, MLWritable {
  private static final int FORMAT_VERSION = 1;

  private final String uid;
  private final Defs defs;
  private final CategoryTable[] tables;
  private final int[] foldIds;
  private final String[] hashCols;

  /** A model without tables, for Spark Connect's stage registry: load a fitted one with {@link #load}. */
  public CategoricalEncoderModel() {
    this(org.apache.spark.ml.util.Identifiable.randomUID("categoricalEncoderModel"));
  }

  /** A model without tables under {@code uid}, for Spark Connect: load a fitted one with {@link #load}. */
  public CategoricalEncoderModel(String uid) {
    this(uid, new CategoryTable[0], new int[0], new String[0]);
  }

  CategoricalEncoderModel(String uid, CategoryTable[] tables, int[] foldIds, String[] hashCols) {
    this.uid = uid;
    this.defs = new Defs(this);
    this.tables = tables;
    this.foldIds = foldIds;
    this.hashCols = hashCols;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Defs defs() {
    return defs;
  }

  /** Sets the policy for nulls and unseen values at transform. */
  public CategoricalEncoderModel setHandleInvalid(String v) {
    set(handleInvalid(), SharedParams.checked(this, handleInvalid(), v));
    return this;
  }

  /** Sets the output columns. */
  public CategoricalEncoderModel setOutputCols(String... v) {
    set(outputCols(), SharedParams.checked(this, outputCols(), v));
    return this;
  }

  /** The bucket names of input column {@code i}: kept values, then "__other__" if any, then "__unknown__". */
  public String[] buckets(int i) {
    return tables[i].bucketNames();
  }

  /** The values of input column {@code i} that were folded into the "other" bucket. */
  public String[] otherValues(int i) {
    return tables[i].other.clone();
  }

  /** The output field of column {@code i}, with its attribute metadata. */
  private StructField outputField(int i, String name) {
    CategoryTable t = tables[i];
    String[] names = t.bucketNames();
    return switch (getEncoding()) {
      case INDEX -> NominalAttribute.defaultAttr().withName(name).withValues(names).toStructField();
      case ONEHOT -> {
        Attribute[] attrs = new Attribute[names.length];
        for (int b = 0; b < names.length; b++) {
          attrs[b] = BinaryAttribute.defaultAttr().withName(getInputCols()[i] + "_" + names[b]).withIndex(b);
        }
        StructField f = new AttributeGroup(name, attrs).toStructField(); // declared non-nullable; the UDF's is not
        yield new StructField(name, f.dataType(), true, f.metadata());
      }
      default -> new StructField(name, DataTypes.DoubleType, false, Metadata.empty());
    };
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema, true);
    String[] in = getInputCols();
    String[] out = outputNames();
    if (in.length != tables.length) {
      throw new IllegalStateException(SchemaChecks.where(this, "inputCols") + ": the model was fitted on "
          + tables.length + " columns but inputCols has " + in.length + ".");
    }
    String mode = getHandleInvalid();
    Dataset<Row> df = dataset.toDF();
    Coder[] coders = new Coder[in.length];
    for (int i = 0; i < in.length; i++) {
      coders[i] = new Coder(tables[i], mode, SchemaChecks.where(this, "handleInvalid") + ": column '" + in[i]
          + "' has %s and handleInvalid=error. Set handleInvalid to 'keep' (the unknown bucket) or 'skip' (drop"
          + " the row).", CategoricalEncoderParams.missing(schema, in[i]));
    }
    if ("skip".equals(mode)) {
      Column valid = lit(true);
      for (int i = 0; i < in.length; i++) {
        Coder coder = coders[i];
        valid = valid.and(udf((UDF1<String, Boolean>) v -> coder.call(v) >= 0, DataTypes.BooleanType)
            .apply(CategoricalEncoderParams.categoryValue(schema, in[i])));
      }
      df = df.filter(valid);
    }
    Column fold = foldOfEachRow(schema);
    Map<String, Column> outputs = new LinkedHashMap<>();
    for (int i = 0; i < in.length; i++) { // one function call per cell: value -> encoded output
      Coder coder = coders[i];
      Column value = CategoricalEncoderParams.categoryValue(schema, in[i]);
      Column encoded = switch (getEncoding()) {
        case INDEX -> udf((UDF1<String, Double>) v -> (double) coder.call(v), DataTypes.DoubleType).apply(value);
        case ONEHOT -> {
          int size = tables[i].size();
          yield udf((UDF1<String, Vector>) v -> Vectors.sparse(size, new int[] {coder.call(v)}, new double[] {1.0}),
              SQLDataTypes.VectorType()).apply(value);
        }
        default -> {
          double[][] target = tables[i].targetTable(getSmoothing());
          yield udf((UDF2<String, Integer, Double>) (v, f) -> target[f == null ? 0 : f + 1][coder.call(v)],
              DataTypes.DoubleType).apply(value, fold);
        }
      };
      outputs.put(out[i], encoded.as(out[i], outputField(i, out[i]).metadata()));
    }
    return df.withColumns(outputs);
  }

  /**
   * The fold index of each row for out-of-fold target encoding: from the fold column if present, else from the
   * row hash if every column seen at fit is present, else null (encode with all folds).
   */
  private Column foldOfEachRow(StructType schema) {
    if (!TARGET.equals(getEncoding())) {
      return lit(null).cast("int");
    }
    List<String> names = Arrays.asList(schema.fieldNames());
    Column raw;
    if (!getFoldCol().isEmpty()) {
      raw = names.contains(getFoldCol()) ? col(getFoldCol()).cast("int") : null;
    } else {
      raw = names.containsAll(Arrays.asList(hashCols))
          ? CategoricalEncoderParams.hashedFold(schema, hashCols, getSeed(), getNumFolds()) : null;
    }
    if (raw == null) {
      return lit(null).cast("int");
    }
    Map<Integer, Integer> index = new HashMap<>();
    for (int f = 0; f < foldIds.length; f++) {
      index.put(foldIds[f], f);
    }
    return udf((UDF1<Integer, Integer>) id -> id == null ? null : index.get(id), DataTypes.IntegerType).apply(raw);
  }

  /** Value to bucket, applying handleInvalid to nulls and unseen values. */
  private static final class Coder implements UDF1<String, Integer> {
    private final CategoryTable table;
    private final String mode;
    private final String message;
    private final String missing;

    Coder(CategoryTable table, String mode, String message, String missing) {
      this.table = table;
      this.mode = mode;
      this.message = message;
      this.missing = missing;
    }

    @Override
    public Integer call(String value) {
      int code = table.code(value);
      if (code >= 0) {
        return code;
      }
      return switch (mode) {
        case "keep" -> table.unknownBucket();
        case "skip" -> code;
        default -> throw new IllegalArgumentException(String.format(message,
            value == null ? "a " + missing + " value" : "value '" + value + "', unseen when the model was fitted,"));
      };
    }
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (tables.length == 0) {
      throw SchemaChecks.unfitted("CategoricalEncoderModel(" + uid + ")");
    }
    StructType plain = checkAndTransformSchema(schema, false);
    String[] out = outputNames();
    StructField[] fields = plain.fields().clone();
    for (int i = 0; i < out.length; i++) {
      fields[schema.length() + i] = outputField(i, out[i]);
    }
    return new StructType(fields);
  }

  @Override
  public CategoricalEncoderModel copy(ParamMap extra) {
    return copyValues(new CategoricalEncoderModel(uid, tables, foldIds, hashCols), extra).setParent(parent());
  }

  private static final StructType DATA = new StructType()
      .add("column", DataTypes.IntegerType, false)
      .add("kept", DataTypes.createArrayType(DataTypes.StringType), false)
      .add("other", DataTypes.createArrayType(DataTypes.StringType), false)
      .add("n", DataTypes.createArrayType(DataTypes.DoubleType), false)
      .add("s", DataTypes.createArrayType(DataTypes.DoubleType), false)
      .add("foldIds", DataTypes.createArrayType(DataTypes.IntegerType), false)
      .add("hashCols", DataTypes.createArrayType(DataTypes.StringType), false);

  @Override
  public MLWriter write() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < tables.length; i++) {
      CategoryTable t = tables[i];
      rows.add(RowFactory.create(i, t.kept, t.other, t.n, t.s, foldIds, hashCols));
    }
    return new Persistence.Writer(this, FORMAT_VERSION, DATA, rows);
  }

  /** Reader for saved models. */
  public static MLReader<CategoricalEncoderModel> read() {
    return new Persistence.Reader<>(CategoricalEncoderModel.class, FORMAT_VERSION, (uid, rows) -> {
      CategoryTable[] tables = new CategoryTable[rows.size()];
      int[] folds = new int[0];
      String[] hash = new String[0];
      for (Row r : rows) {
        folds = Persistence.ints(r, "foldIds");
        hash = Persistence.strings(r, "hashCols");
        String[] kept = Persistence.strings(r, "kept");
        String[] other = Persistence.strings(r, "other");
        double[] n = Persistence.doubles(r, "n");
        int buckets = kept.length + (other.length == 0 ? 0 : 1);
        tables[r.getInt(r.fieldIndex("column"))] = new CategoryTable(kept, other, n, Persistence.doubles(r, "s"),
            n.length == 0 ? 0 : n.length / buckets);
      }
      return new CategoricalEncoderModel(uid, tables, folds, hash);
    });
  }

  /** Loads a model saved with {@code write().save(path)}. */
  public static CategoricalEncoderModel load(String path) {
    return read().load(path);
  }
}
