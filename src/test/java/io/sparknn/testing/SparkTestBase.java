package io.sparknn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One local[2] Spark session per test class (UI off, 2 shuffle partitions) and the shared stage assertions. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SparkTestBase {
  protected SparkSession spark;
  protected Path tmp;

  /** The master URL of the class's session (local[2]; local[2,2] retries a failed task once). */
  protected String master() {
    return "local[2]";
  }

  @BeforeAll
  void startSpark() throws IOException {
    spark = SparkSession.builder()
        .master(master())
        .appName(getClass().getSimpleName())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer") // as conf/spark-defaults.conf
        .getOrCreate();
    tmp = Files.createTempDirectory("sparknn-test");
  }

  @AfterAll
  void stopSpark() throws IOException {
    spark.stop();
    try (Stream<Path> walk = Files.walk(tmp)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Every param has a parent equal to the uid, a doc, and a name that its accessor returns; copy keeps uid/type. */
  public static void assertParamsWellFormed(Params stage) {
    assertTrue(stage.params().length > 0, "no params found");
    for (Param<?> p : stage.params()) {
      assertEquals(stage.uid(), p.parent(), "parent of " + p.name());
      assertTrue(p.doc() != null && !p.doc().isBlank(), "doc of " + p.name());
      assertEquals(p, stage.getParam(p.name()));
    }
    Params copy = stage.copy(ParamMap.empty());
    assertEquals(stage.uid(), copy.uid());
    assertEquals(stage.getClass(), copy.getClass());
    assertEquals(stage.extractParamMap().toString(), copy.extractParamMap().toString());
  }

  /**
   * Saves {@code stage}, checks that saving again without overwrite fails and with overwrite works, loads it with
   * the class's static {@code load}, and checks uid and every param value. Returns the loaded stage.
   */
  @SuppressWarnings("unchecked")
  public <T extends Params & MLWritable> T assertRoundTrip(T stage) throws Exception {
    String path = tmp.resolve(stage.uid() + "-" + System.nanoTime()).toString();
    stage.write().save(path);
    assertThrows(IOException.class, () -> stage.write().save(path));
    stage.write().overwrite().save(path);
    T loaded = (T) stage.getClass().getMethod("load", String.class).invoke(null, path);
    assertNotNull(loaded);
    assertEquals(stage.uid(), loaded.uid());
    for (Param<?> p : stage.params()) {
      assertEquals(stage.isDefined(p), loaded.isDefined(loaded.getParam(p.name())), "param " + p.name() + " defined");
      if (!stage.isDefined(p)) {
        continue;
      }
      Object a = stage.getOrDefault(p);
      Object b = loaded.getOrDefault(loaded.getParam(p.name()));
      assertEquals(p.jsonEncode(cast(a)), loaded.getParam(p.name()).jsonEncode(cast(b)), "param " + p.name());
    }
    return loaded;
  }

  @SuppressWarnings("unchecked")
  private static <X> X cast(Object o) {
    return (X) o;
  }

  /** Rows of {@code df} as sorted strings, to compare two outputs regardless of order. */
  public static List<String> sortedRows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** The message of the deepest cause, where Spark wraps a task failure. */
  public static String rootMessage(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** A saved stage's directory for tests that write it themselves. */
  protected String path(String name) {
    return tmp.resolve(name + "-" + System.nanoTime()).toString();
  }

}
