package io.sparknn.nn;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A multilayer perceptron with explicit forward and backward passes: dense layers of the given sizes, the same
 * activation after every hidden layer, inverted dropout after each hidden activation (training only), and a
 * linear output (logits for classification, predictions for regression). All weights live in one flat parameter
 * vector and all gradients in one flat gradient vector (layer matrices are views into them), so an optimizer
 * updates the whole network with a few fused operations.
 */
public final class Network {
  private final int[] sizes;
  private final Activation activation;
  private final double dropout;
  private final INDArray params;
  private final INDArray grads;
  private final INDArray[] w;
  private final INDArray[] b;
  private final INDArray[] gw;
  private final INDArray[] gb;
  // caches of the last forward pass
  private final INDArray[] inputs;
  private final INDArray[] preActivations;
  private final INDArray[] masks;

  /**
   * A network with {@code sizes = {inputs, hidden..., outputs}}. Weights are drawn with {@code init} ("he":
   * N(0, 2/fanIn); "xavier": U(±√(6/(fanIn+fanOut))); "auto": he for ReLU-like activations, else xavier) from a
   * {@link Random} seeded with {@code seed}; biases start at 0.
   */
  public Network(int[] sizes, Activation activation, double dropout, String init, DataType type, long seed) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("a network needs at least an input and an output size");
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    this.sizes = sizes.clone();
    this.activation = activation;
    this.dropout = dropout;
    int layers = sizes.length - 1;
    long total = 0;
    for (int l = 0; l < layers; l++) {
      total += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
    }
    params = Nd4j.create(type, total);
    grads = Nd4j.create(type, total);
    w = new INDArray[layers];
    b = new INDArray[layers];
    gw = new INDArray[layers];
    gb = new INDArray[layers];
    long at = 0;
    for (int l = 0; l < layers; l++) {
      long nw = (long) sizes[l] * sizes[l + 1];
      w[l] = params.get(NDArrayIndex.interval(at, at + nw)).reshape('c', sizes[l], sizes[l + 1]);
      gw[l] = grads.get(NDArrayIndex.interval(at, at + nw)).reshape('c', sizes[l], sizes[l + 1]);
      at += nw;
      b[l] = params.get(NDArrayIndex.interval(at, at + sizes[l + 1])).reshape('c', 1, sizes[l + 1]);
      gb[l] = grads.get(NDArrayIndex.interval(at, at + sizes[l + 1])).reshape('c', 1, sizes[l + 1]);
      at += sizes[l + 1];
    }
    inputs = new INDArray[layers];
    preActivations = new INDArray[layers];
    masks = new INDArray[layers];
    initialize(init, seed);
  }

  private void initialize(String init, long seed) {
    boolean he = switch (init) {
      case "he" -> true;
      case "xavier" -> false;
      case "auto" -> activation.reluLike();
      default -> throw new IllegalArgumentException("weightInit must be he, xavier or auto, got " + init);
    };
    Random rng = new Random(seed);
    for (int l = 0; l < w.length; l++) {
      int fanIn = sizes[l];
      int fanOut = sizes[l + 1];
      double[] values = new double[fanIn * fanOut];
      double limit = Math.sqrt(6.0 / (fanIn + fanOut));
      double std = Math.sqrt(2.0 / fanIn);
      for (int i = 0; i < values.length; i++) {
        values[i] = he ? rng.nextGaussian() * std : (rng.nextDouble() * 2 - 1) * limit;
      }
      w[l].assign(Nd4j.create(values, new long[] {fanIn, fanOut}, w[l].dataType()));
    }
  }

  /** Layer sizes, input first. */
  public int[] sizes() {
    return sizes.clone();
  }

  /** The flat parameter vector (weights and biases of every layer); optimizers update it in place. */
  public INDArray params() {
    return params;
  }

  /** The flat gradient vector filled by {@link #backward}, laid out like {@link #params()}. */
  public INDArray grads() {
    return grads;
  }

  /** A 0/1 vector laid out like {@link #params()}: 1 on weights, 0 on biases (regularization skips biases). */
  public INDArray weightMask() {
    INDArray mask = Nd4j.zeros(params.dataType(), params.length());
    long at = 0;
    for (int l = 0; l < w.length; l++) {
      long nw = w[l].length();
      mask.get(NDArrayIndex.interval(at, at + nw)).assign(1.0);
      at += nw + b[l].length();
    }
    return mask;
  }

  /**
   * The outputs for a batch {@code x} (rows × inputs). With {@code training}, dropout masks are drawn from
   * {@code rng} and the intermediate values are kept for {@link #backward}.
   */
  public INDArray forward(INDArray x, boolean training, Random rng) {
    if (x.columns() != sizes[0]) {
      throw new IllegalArgumentException("the network takes " + sizes[0] + " inputs, the batch has " + x.columns());
    }
    INDArray a = x;
    for (int l = 0; l < w.length; l++) {
      inputs[l] = a;
      INDArray z = a.mmul(w[l]).addiRowVector(b[l]);
      if (l == w.length - 1) {
        return z;
      }
      preActivations[l] = z;
      a = activation.forward(z);
      if (training && dropout > 0) {
        masks[l] = dropoutMask(a.rows(), a.columns(), a.dataType(), rng);
        a.muli(masks[l]);
      } else {
        masks[l] = null;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private INDArray dropoutMask(long rows, long cols, DataType type, Random rng) {
    double keep = 1 - dropout;
    double[] m = new double[(int) (rows * cols)];
    for (int i = 0; i < m.length; i++) {
      m[i] = rng.nextDouble() < keep ? 1 / keep : 0;
    }
    return Nd4j.create(m, new long[] {rows, cols}, type);
  }

  /** Back-propagates d(loss)/d(outputs) of the last training forward pass into {@link #grads()}. */
  public void backward(INDArray gradOut) {
    INDArray dz = gradOut;
    for (int l = w.length - 1; l >= 0; l--) {
      Nd4j.gemm(inputs[l], dz, gw[l], true, false, 1.0, 0.0);
      gb[l].assign(dz.sum(true, 0));
      if (l > 0) {
        INDArray da = dz.mmul(w[l].transpose());
        if (masks[l - 1] != null) {
          da.muli(masks[l - 1]);
        }
        dz = activation.backward(preActivations[l - 1], da);
      }
    }
  }
}
