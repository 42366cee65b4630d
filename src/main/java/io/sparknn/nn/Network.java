package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * A feed-forward stack of {@link Layer}s with one forward and one backward pass over a batch, and flat access to
 * every parameter (for saving and for broadcasting to executors). Built by {@link Architecture#build}.
 */
public final class Network {
  private final List<Layer> layers;
  private final List<Layer.Param> params;
  private final int inputs;

  /** A network of {@code layers} that takes {@code inputs} values per row. */
  public Network(int inputs, List<Layer> layers) {
    this.inputs = inputs;
    this.layers = List.copyOf(layers);
    List<Layer.Param> all = new ArrayList<>();
    for (Layer l : layers) {
      all.addAll(l.params());
    }
    this.params = List.copyOf(all);
  }

  /** The engine that holds the parameters and runs the passes. */
  public Engine engine() {
    return params.isEmpty() ? Engine.jvm() : params.get(0).value().engine();
  }

  /** True when the parameters are doubles (gradient checks), false for floats. */
  public boolean precise() {
    return params.isEmpty() || params.get(0).value().precise();
  }

  /** Values per input row. */
  public int inputs() {
    return inputs;
  }

  /** Width of the output. */
  public int outputs() {
    return layers.get(layers.size() - 1).outputs();
  }

  /** The layers, input first. */
  public List<Layer> layers() {
    return layers;
  }

  /** Every parameter and state tensor, in save order. */
  public List<Layer.Param> params() {
    return params;
  }

  /** The outputs for the batch {@code x} (rows × inputs). */
  public Matrix forward(Matrix x, Layer.Pass pass) {
    if (x.cols != inputs) {
      throw new IllegalArgumentException("the network takes " + inputs + " inputs, the batch has " + x.cols);
    }
    Matrix a = x;
    for (Layer l : layers) {
      a = l.forward(a, pass);
    }
    return a;
  }

  /**
   * Inference on host rows: the outputs (rows × outputs, row-major) for {@code rows} rows of the row-major
   * {@code x} starting at row {@code from}. The rows cross to the engine once, the pass runs in one scratch scope,
   * the outputs come back once; the {@code jvm} engine wraps {@code x} without copying when it is exactly the batch.
   */
  public double[] infer(float[] x, int from, int rows) {
    float[] batch = from == 0 && x.length == rows * inputs ? x
        : java.util.Arrays.copyOfRange(x, from * inputs, (from + rows) * inputs);
    Engine e = engine();
    return e.scoped(() -> forward(e.fromFloats(batch, rows, inputs, precise()), Layer.Pass.INFERENCE).toDoubles());
  }

  /**
   * Rows per inference batch: the engine's choice ({@link Engine#scoringBatch}), lowered so that the batch's
   * working values (gathered convolution windows, recurrent states) stay within the engine's
   * {@link Engine#scoringWorkingValues} (8 M on {@code jvm}, 16 M on {@code nd4j}).
   */
  public int scoringBatch() {
    long perRow = inputs;
    for (Layer l : layers) {
      perRow += l.workingValues();
    }
    return (int) Math.max(1, Math.min(engine().scoringBatch(inputs), engine().scoringWorkingValues() / perRow));
  }

  /** Back-propagates d(loss)/d(output) of the last training forward pass into every parameter's gradient. */
  public void backward(Matrix gradOut) {
    Matrix g = gradOut;
    for (int l = layers.size() - 1; l >= 0; l--) {
      g = layers.get(l).backward(g, l > 0);
    }
  }

  /** Number of values over all parameters and state. */
  public int size() {
    long n = 0;
    for (Layer.Param p : params) {
      n += p.value().size();
    }
    return Math.toIntExact(n);
  }

  /** Every parameter and state value, in save order, as floats (one host copy per tensor). */
  public float[] toFloats() {
    float[] out = new float[size()];
    int at = 0;
    for (Layer.Param p : params) {
      float[] v = p.value().toFloats();
      System.arraycopy(v, 0, out, at, v.length);
      at += v.length;
    }
    return out;
  }

  /** Loads values written by {@link #toFloats()} of a network of the same architecture. */
  public Network load(float[] values) {
    if (values.length != size()) {
      throw new IllegalArgumentException("the network has " + size() + " parameters, got " + values.length);
    }
    int at = 0;
    for (Layer.Param p : params) {
      p.value().load(values, at);
      at += p.value().size();
    }
    return this;
  }
}
