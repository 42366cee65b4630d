package io.sparknn.feature;

import io.sparknn.param.HasLabelCol;
import io.sparknn.param.HasNumFolds;
import io.sparknn.param.HasOutputCol;
import io.sparknn.param.HasSeed;
import io.sparknn.param.SharedParams;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Appends a stratified fold column (int in {@code [0, numFolds)}) for {@code CrossValidator.setFoldCol}. Within
 * every class the fold sizes differ by at most one, and so do the overall fold sizes (each class starts where the
 * previous one stopped). The assignment is seeded and depends only on row content, not on partitioning.
 */
public final class StratifiedKFold extends Transformer
    implements HasLabelCol, HasSeed, HasOutputCol, HasNumFolds, DefaultParamsWritable {
  private final String uid;
  private final Param<String> labelCol;
  private final IntParam numFolds;
  private final LongParam seed;
  private final Param<String> outputCol;

  /** A k-fold assigner with a random uid. */
  public StratifiedKFold() {
    this(Identifiable.randomUID("stratifiedKFold"));
  }

  /** A k-fold assigner with the given uid. */
  public StratifiedKFold(String uid) {
    this.uid = uid;
    this.labelCol = SharedParams.labelCol(this);
    this.numFolds = SharedParams.numFolds(this, "number of folds");
    this.seed = SharedParams.seed(this);
    this.outputCol = SharedParams.outputCol(this, "name of the int fold column, values in [0, numFolds)");
    setDefault(labelCol, "label");
    setDefault(numFolds, 5);
    setDefault(seed, 42L);
    setDefault(outputCol, "fold");
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
  public IntParam numFolds() {
    return numFolds;
  }

  @Override
  public LongParam seed() {
    return seed;
  }

  @Override
  public Param<String> outputCol() {
    return outputCol;
  }

  /** Sets the label column (default "label"). */
  public StratifiedKFold setLabelCol(String v) {
    set(labelCol, SharedParams.checked(this, labelCol, v));
    return this;
  }

  /** Sets the number of folds (default 5, at least 2). */
  public StratifiedKFold setNumFolds(int v) {
    set(numFolds, SharedParams.checked(this, numFolds, v));
    return this;
  }

  /** Sets the seed (default 42). */
  public StratifiedKFold setSeed(long v) {
    set(seed, SharedParams.checked(this, seed, v));
    return this;
  }

  /** Sets the fold column name (default "fold"). */
  public StratifiedKFold setOutputCol(String v) {
    set(outputCol, SharedParams.checked(this, outputCol, v));
    return this;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Dataset<Row> df = dataset.toDF();
    int k = getNumFolds();
    Stratification.Classes classes = Stratification.countClasses(this, df, getLabelCol());
    int[] offset = new int[classes.counts().length];
    for (int c = 1; c < offset.length; c++) {
      offset[c] = (int) ((offset[c - 1] + classes.counts()[c - 1]) % k);
    }
    return Stratification.assign(df, getLabelCol(), getSeed(), classes, getOutputCol(),
        (c, rank) -> (int) ((rank + offset[c]) % k));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return Stratification.checkSchema(this, schema, getLabelCol(), getOutputCol());
  }

  @Override
  public StratifiedKFold copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reader for saved instances. */
  public static MLReader<StratifiedKFold> read() {
    return new DefaultParamsReadable<StratifiedKFold>() {}.read();
  }

  /** Loads an instance saved with {@code write().save(path)}. */
  public static StratifiedKFold load(String path) {
    return read().load(path);
  }
}
