package io.sparknn.feature;

import io.sparknn.util.SchemaChecks;

import io.sparknn.param.HasLabelCol;
import io.sparknn.param.HasOutputCol;
import io.sparknn.param.HasSeed;
import io.sparknn.param.SharedParams;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Base of the transformers that append a per-class int column ({@link StratifiedSplitter}, {@link
 * StratifiedKFold}): the label, seed and output params, the schema check and copying.
 *
 * @param <T> the concrete transformer, returned by the setters
 */
public abstract class StratifyingTransformer<T extends StratifyingTransformer<T>> extends Transformer
    implements HasLabelCol, HasSeed, HasOutputCol, DefaultParamsWritable {
  private final String uid;
  private final Param<String> labelCol;
  private final LongParam seed;
  private final Param<String> outputCol;

  StratifyingTransformer(String uid, String outputDoc, String outputDefault) {
    this.uid = uid;
    this.labelCol = SharedParams.labelCol(this);
    this.seed = SharedParams.seed(this);
    this.outputCol = SharedParams.outputCol(this, outputDoc);
    setDefault(labelCol, "label");
    setDefault(seed, 42L);
    setDefault(outputCol, outputDefault);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Param<String> labelCol() {
    return labelCol;
  }

  @Override
  public LongParam seed() {
    return seed;
  }

  @Override
  public Param<String> outputCol() {
    return outputCol;
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** Sets the label column (default "label"): string, integral, floating or boolean. */
  public T setLabelCol(String v) {
    set(labelCol, SharedParams.checked(this, labelCol, v));
    return self();
  }

  /** Sets the seed (default 42). */
  public T setSeed(long v) {
    set(seed, SharedParams.checked(this, seed, v));
    return self();
  }

  /** Sets the name of the int output column. */
  public T setOutputCol(String v) {
    set(outputCol, SharedParams.checked(this, outputCol, v));
    return self();
  }

  /** The output value of each row from its class and rank, given the class counts of the input. */
  abstract Stratification.Assigner assigner(Stratification.Classes classes);

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    if (dataset.isStreaming()) {
      throw new IllegalArgumentException(SchemaChecks.where(this, "labelCol") + ": this stage assigns exact"
          + " per-class shares of the whole DataFrame, which needs every class's row count, and a streaming"
          + " DataFrame never has them. Assign a static DataFrame, or each micro-batch alone with"
          + " foreachBatch((batch, id) -> stage.transform(batch)...).");
    }
    Dataset<Row> df = dataset.toDF();
    if (df.isEmpty()) { // as MLlib's transformers do: an empty frame (an empty fold, a micro-batch) stays empty
      return df.withColumn(getOutputCol(), org.apache.spark.sql.functions.lit(0));
    }
    Stratification.Classes classes = Stratification.countClasses(this, df, getLabelCol());
    return Stratification.assign(df, getLabelCol(), getSeed(), classes, getOutputCol(), assigner(classes));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return Stratification.checkSchema(this, schema, getLabelCol(), getOutputCol());
  }

  @Override
  public T copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}
