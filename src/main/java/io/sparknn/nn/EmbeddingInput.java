package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The input layer for a features vector with nominal slots: each nominal slot holds a category index
 * {@code 0..cardinality-1} and is replaced by a learned embedding row; the other (dense) slots pass through. The
 * output is {@code [dense slots..., embedding of nominal slot 1..., ...]}. Embeddings start N(0, 1/dim).
 */
public final class EmbeddingInput extends Layer {
  private final int inputs;
  private final int[] slots;
  private final int[] dense;
  private final List<Param> tables = new ArrayList<>();
  private final int outputs;
  private Matrix input;

  /** Embeddings of {@code dims[i]} for slot {@code slots[i]} with {@code cardinalities[i]} categories. */
  public EmbeddingInput(int inputs, int[] slots, int[] cardinalities, int[] dims, Random rng, boolean precise) {
    this.inputs = inputs;
    this.slots = slots.clone();
    boolean[] nominal = new boolean[inputs];
    int width = inputs - slots.length;
    for (int s = 0; s < slots.length; s++) {
      nominal[slots[s]] = true;
      Matrix t = Matrix.zeros(cardinalities[s], dims[s], precise);
      double std = 1 / Math.sqrt(dims[s]);
      for (int i = 0; i < t.size(); i++) {
        t.set(i, rng.nextGaussian() * std);
      }
      tables.add(new Param("embedding" + slots[s], t, t.like(t.rows, t.cols), true));
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

  /** The category index in {@code value} for slot number {@code s}, or −1 when it is not a valid index. */
  int category(int s, double value) {
    int c = (int) value;
    return c == value && c >= 0 && c < tables.get(s).value().rows ? c : -1;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    if (x.cols != inputs) {
      throw new IllegalArgumentException("the network takes " + inputs + " inputs, the batch has " + x.cols);
    }
    input = x;
    Matrix out = x.like(x.rows, outputs);
    for (int r = 0; r < x.rows; r++) {
      int at = r * outputs;
      for (int j : dense) {
        out.set(at++, x.get(r, j));
      }
      for (int s = 0; s < slots.length; s++) {
        Matrix t = tables.get(s).value();
        int c = category(s, x.get(r, slots[s]));
        if (c < 0) {
          throw new IllegalArgumentException("feature slot " + slots[s] + " is nominal with " + t.rows
              + " categories but holds " + x.get(r, slots[s]));
        }
        for (int k = 0; k < t.cols; k++) {
          out.set(at++, t.get(c, k));
        }
      }
    }
    return out;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    for (Param p : tables) {
      p.grad().fill(0);
    }
    for (int r = 0; r < g.rows; r++) {
      int at = r * outputs + dense.length;
      for (int s = 0; s < slots.length; s++) {
        Matrix grad = tables.get(s).grad();
        int c = category(s, input.get(r, slots[s]));
        for (int k = 0; k < grad.cols; k++) {
          grad.add(c * grad.cols + k, g.get(at++));
        }
      }
    }
    return null;
  }
}
