package io.sparknn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.LocalExecutionControlProvider;

/**
 * Runs the Java cells of the notebooks in {@code notebooks/} with JShell, in this JVM and on its class path (the
 * library and its dependencies). One piece of code serves both the test that keeps the notebooks from rotting
 * ({@code NotebooksTest}) and the Jupyter kernel in {@code notebooks/kernel/} that executes them: run as a main
 * class, it reads cells from stdin, each ended by a line {@value #END}, and answers each with its output and a line
 * {@code \u0001ok} or {@code \u0001error}. Inside a cell, {@code show(byte[] png)} displays a PNG image.
 */
public final class Notebooks {
  /** The line that ends a cell on stdin. */
  public static final String END = "//<<end of cell>>";
  /** Prefix of the status line and of an image line (followed by a PNG file path) on stdout. */
  public static final char MARK = '\u0001';

  private Notebooks() {}

  /** The source of every code cell of a notebook, in order. */
  public static List<String> codeCells(Path ipynb) throws IOException {
    return perCodeCell(ipynb, c -> text(c.get("source")));
  }

  /** The stored text output of every code cell of a notebook (streams and plain-text values), in order. */
  public static List<String> storedOutputs(Path ipynb) throws IOException {
    return perCodeCell(ipynb, c -> {
      StringBuilder b = new StringBuilder();
      for (JsonNode o : c.path("outputs")) {
        b.append(text(o.has("text") ? o.get("text") : o.path("data").path("text/plain")));
      }
      return b.toString();
    });
  }

  private static List<String> perCodeCell(Path ipynb, java.util.function.Function<JsonNode, String> f)
      throws IOException {
    JsonNode nb = new ObjectMapper().readTree(Files.readString(ipynb));
    List<String> out = new ArrayList<>();
    for (JsonNode c : nb.get("cells")) {
      if (c.get("cell_type").asText().equals("code")) {
        out.add(f.apply(c));
      }
    }
    return out;
  }

  /** A notebook text field: a string or an array of lines ("" when absent). */
  private static String text(JsonNode field) {
    StringBuilder b = new StringBuilder();
    if (field.isArray()) {
      field.forEach(l -> b.append(l.asText()));
    } else if (!field.isMissingNode() && !field.isNull()) {
      b.append(field.asText());
    }
    return b.toString();
  }

  /**
   * The numbers of a cell's output that a fixed seed determines: every number except durations ("1.2 s", "35 ms",
   * rows/s) and the names of temporary files (plots).
   */
  public static List<String> deterministicNumbers(String output) {
    String kept = output.replaceAll("sparknn-plot\\d+", "")
        .replaceAll("\\b\\d+(\\.\\d+)? ?(s|ms|µs)\\b", "").replaceAll("[\\d.,]+ rows/s", "");
    List<String> numbers = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d[\\d,]*(\\.\\d+)?([eE]-?\\d+)?")
        .matcher(kept);
    while (m.find()) {
      numbers.add(m.group());
    }
    return numbers;
  }

  /** What a cell printed and whether every snippet of it compiled and ran. */
  public record Result(boolean ok, String output) {}

  /** A JShell session in this JVM with this JVM's class path. */
  public static final class Session implements AutoCloseable {
    private final JShell shell;

    /** A new session; {@code show(byte[])} is defined in it. */
    public Session() {
      shell = JShell.builder().executionEngine(new LocalExecutionControlProvider(), Map.of()).build();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          shell.addToClasspath(entry);
        }
      }
      Result r = eval("void show(byte[] png) throws java.io.IOException { java.nio.file.Path p = java.nio.file.Files"
          + ".createTempFile(\"sparknn-plot\", \".png\"); java.nio.file.Files.write(p, png); System.out.println("
          + "\"" + MARK + "image \" + p); }");
      if (!r.ok()) {
        throw new IllegalStateException("cannot start the notebook session: " + r.output());
      }
    }

    /** Runs every snippet of {@code cell} in order, stopping at the first that fails. */
    public Result eval(String cell) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      PrintStream old = System.out;
      PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
      System.setOut(capture);
      try {
        // Scala code (Dataset.show) prints to scala.Console.out, which keeps the System.out of its first use:
        // point it at this cell's capture too, or a later cell's show() output lands in an earlier cell's buffer
        boolean ok = scala.Console.withOut(capture, () -> run(cell, capture));
        return new Result(ok, buffer.toString(StandardCharsets.UTF_8));
      } finally {
        System.setOut(old);
      }
    }

    private boolean run(String cell, PrintStream capture) {
      boolean ok = true;
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      String rest = cell;
      while (ok && !rest.isBlank()) {
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
        String source = info.completeness().isComplete() ? info.source() : rest;
        rest = info.completeness().isComplete() ? info.remaining() : "";
        for (SnippetEvent e : shell.eval(source)) {
          if (e.status() == Snippet.Status.REJECTED) {
            ok = false;
            capture.println("error: " + source.strip());
            shell.diagnostics(e.snippet()).forEach(d -> capture.println("  " + d.getMessage(null)));
          } else if (e.exception() != null) {
            ok = false;
            capture.println("exception: " + e.exception());
            Throwable cause = e.exception().getCause();
            while (cause != null) {
              capture.println("  caused by: " + cause);
              cause = cause.getCause();
            }
          } else if (e.value() != null && (e.snippet().kind() == Snippet.Kind.EXPRESSION
              || e.snippet().subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND)) {
            capture.println(e.value()); // an expression's value, as JShell shows it
          }
        }
      }
      return ok;
    }

    @Override
    public void close() {
      shell.close();
    }
  }

  /** The kernel's side: cells from stdin, outputs and status lines to stdout. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream())); // Spark's logs stay out of the cells
    try (Session session = new Session()) {
      out.println(MARK + "ok");
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      StringBuilder cell = new StringBuilder();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.equals(END)) {
          cell.append(line).append('\n');
          continue;
        }
        Result r = session.eval(cell.toString());
        cell.setLength(0);
        out.print(r.output());
        out.println(MARK + (r.ok() ? "ok" : "error"));
        out.flush();
      }
    }
  }
}
