package io.sparknn.feature;

import io.sparknn.param.HasNumFolds;
import io.sparknn.param.SharedParams;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Appends a stratified fold column (int in {@code [0, numFolds)}) for {@code CrossValidator.setFoldCol}. Within
 * every class the fold sizes differ by at most one, and so do the overall fold sizes (each class starts where the
 * previous one stopped). The assignment is seeded and depends only on row content, not on partitioning.
 */
public final class StratifiedKFold extends StratifyingTransformer<StratifiedKFold> implements HasNumFolds {
  private final IntParam numFolds;

  /** A k-fold assigner with a random uid. */
  public StratifiedKFold() {
    this(Identifiable.randomUID("stratifiedKFold"));
  }

  /** A k-fold assigner with the given uid. */
  public StratifiedKFold(String uid) {
    super(uid, "name of the int fold column, values in [0, numFolds)", "fold");
    this.numFolds = SharedParams.numFolds(this, "number of folds");
    setDefault(numFolds, 5);
  }

  @Override
  public IntParam numFolds() {
    return numFolds;
  }

  /** Sets the number of folds (default 5, at least 2). */
  public StratifiedKFold setNumFolds(int v) {
    set(numFolds, SharedParams.checked(this, numFolds, v));
    return this;
  }

  @Override
  Stratification.Assigner assigner(Stratification.Classes classes) {
    int k = getNumFolds();
    int[] offset = new int[classes.counts().length];
    for (int c = 1; c < offset.length; c++) {
      offset[c] = (int) ((offset[c - 1] + classes.counts()[c - 1]) % k);
    }
    return (c, rank) -> (int) ((rank + offset[c]) % k);
  }

  @Override
  public StratifiedKFold copy(org.apache.spark.ml.param.ParamMap extra) {
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
