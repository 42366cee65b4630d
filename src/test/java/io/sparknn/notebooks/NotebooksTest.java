package io.sparknn.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparknn.testing.Notebooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every code cell of every notebook in notebooks/, in order, through JShell against the current build; each cell's
 * output must hold the numbers of the output stored in the notebook.
 */
class NotebooksTest {
  @AfterEach
  void noSessionLeft() {
    SparkSession.getActiveSession().foreach(s -> { s.stop(); return null; });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  @org.junit.jupiter.api.Test
  void aSessionReportsValuesCompileErrorsAndExceptions() {
    try (Notebooks.Session s = new Notebooks.Session()) {
      Notebooks.Result value = s.eval("int x = 20;\nx + 22");
      assertTrue(value.ok() && value.output().strip().equals("42"), value.output());
      Notebooks.Result bad = s.eval("int y = ;");
      assertTrue(!bad.ok() && bad.output().contains("error"), bad.output());
      Notebooks.Result thrown = s.eval("if (true) throw new IllegalStateException(\"boom\");");
      assertTrue(!thrown.ok() && thrown.output().contains("boom"), thrown.output());
      Notebooks.Result stops = s.eval("int z = 1;\nint w = ;\nSystem.out.println(\"not reached\");");
      assertTrue(!stops.ok() && stops.output().lines().noneMatch(l -> l.equals("not reached")), stops.output());
      // Scala's Console (Dataset.show) prints into the cell that runs, not the first cell that used it
      Notebooks.Result one = s.eval("scala.Console.println(\"one\");");
      Notebooks.Result two = s.eval("scala.Console.println(\"two\");");
      assertTrue(one.output().strip().equals("one") && two.output().strip().equals("two"), one.output() + two.output());
      // what the stored outputs are compared on: the numbers, without durations and temporary file names
      assertEquals(List.of("0.821", "1,000", "7"), Notebooks.deterministicNumbers("accuracy 0.821 on 1,000 rows in"
          + " 3.2 s (35 ms a batch, 5,000 rows/s), epoch 7 <image /tmp/sparknn-plot1234.png>"));
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCellOfEveryNotebookRuns() throws Exception {
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
      notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertTrue(notebooks.size() >= 3, "notebooks: " + notebooks);
    return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
      List<String> cells = Notebooks.codeCells(nb);
      List<String> stored = Notebooks.storedOutputs(nb);
      assertTrue(!cells.isEmpty(), nb + " has no code cell");
      try (Notebooks.Session s = new Notebooks.Session()) {
        for (int i = 0; i < cells.size(); i++) {
          Notebooks.Result r = s.eval(cells.get(i));
          assertTrue(r.ok(), nb.getFileName() + ", code cell " + (i + 1) + " failed:\n" + cells.get(i) + "\n---\n"
              + r.output());
          // the stored output is what this build prints: the same numbers (seeded), timings and file names aside
          assertEquals(Notebooks.deterministicNumbers(stored.get(i)), Notebooks.deterministicNumbers(r.output()),
              nb.getFileName() + ", code cell " + (i + 1) + ": its stored output differs from what it prints now"
                  + " (re-execute the notebooks, notebooks/README.md)\nstored:\n" + stored.get(i) + "\nnow:\n"
                  + r.output());
        }
      } finally {
        SparkSession.getActiveSession().foreach(x -> { x.stop(); return null; });
      }
    }));
  }
}
