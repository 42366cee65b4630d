package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The input layer for a features vector with nominal slots: each nominal slot holds a category index
 * {@code 0..cardinality-1} and is replaced by a learned embedding row; the other (dense) slots pass through. The
 * output is {@code [dense slots..., embedding of nominal slot 1..., ...]}. Embeddings start N(0, 1/dim). The
 * category indices are read on the host (one copy of the batch on {@code nd4j}); lookups and gradient
 * accumulation run on the engine (row gather and scatter-add).
 */
public final class EmbeddingInput extends Layer {
  private final int inputs;
  private final int[] slots;
  private final int[] dense;
  private final List<Param> tables = new ArrayList<>();
  private final int outputs;
  private int[][] categories;
  private Matrix output;

  /** Embeddings of {@code dims[i]} for slot {@code slots[i]} with {@code cardinalities[i]} categories. */
  public EmbeddingInput(int inputs, int[] slots, int[] cardinalities, int[] dims, Random rng, Engine engine,
      boolean precise) {
    this.inputs = inputs;
    this.slots = slots.clone();
    boolean[] nominal = new boolean[inputs];
    int width = inputs - slots.length;
    for (int s = 0; s < slots.length; s++) {
      nominal[slots[s]] = true;
      double[] t = new double[cardinalities[s] * dims[s]];
      double std = 1 / Math.sqrt(dims[s]);
      for (int i = 0; i < t.length; i++) {
        t[i] = rng.nextGaussian() * std;
      }
      tables.add(new Param("embedding" + slots[s], engine.fromDoubles(t, cardinalities[s], dims[s], precise),
          engine.zeros(cardinalities[s], dims[s], precise), true));
      width += dims[s];
    }
    this.outputs = width;
    this.dense = java.util.stream.IntStream.range(0, inputs).filter(j -> !nominal[j]).toArray();
  }

  @Override
  public int outputs() {
    return outputs;
  }

  @Override
  public List<Param> params() {
    return tables;
  }

  /**
   * The category indices of nominal slot number {@code s} in every row of the host copy {@code x} of a batch;
   * fails on an invalid one.
   */
  private int[] categories(float[] x, int rows, int s) {
    int n = tables.get(s).value().rows;
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      float v = x[r * inputs + slots[s]];
      int c = (int) v;
      if (c != v || c < 0 || c >= n) {
        throw new IllegalArgumentException("feature slot " + slots[s] + " is nominal with " + n
            + " categories but holds " + v);
      }
      out[r] = c;
    }
    return out;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    if (x.cols != inputs) {
      throw new IllegalArgumentException("the network takes " + inputs + " inputs, the batch has " + x.cols);
    }
    Engine e = x.engine();
    output = e.reuse(output, x.rows, outputs, x.precise());
    e.copyColumns(x, dense, output, 0);
    categories = new int[slots.length][];
    float[] host = slots.length == 0 ? null : x.toFloats(); // the jvm engine's own array; one copy on nd4j
    int at = dense.length;
    for (int s = 0; s < slots.length; s++) {
      Matrix t = tables.get(s).value();
      categories[s] = categories(host, x.rows, s);
      Matrix rows = x.like(x.rows, t.cols);
      e.gatherRows(t, categories[s], rows);
      e.copyColumns(rows, Engine.range(0, t.cols), output, at);
      at += t.cols;
    }
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    int at = dense.length;
    for (int s = 0; s < slots.length; s++) {
      Matrix grad = tables.get(s).grad();
      grad.fill(0);
      Matrix rows = g.like(g.rows, grad.cols);
      e.copyColumns(g, Engine.range(at, grad.cols), rows, 0);
      e.scatterAddRows(rows, categories[s], grad);
      at += grad.cols;
    }
    return null;
  }
}
