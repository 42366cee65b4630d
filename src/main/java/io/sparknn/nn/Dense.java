package io.sparknn.nn;

import java.util.List;
import java.util.Random;

/**
 * A fully connected layer {@code x·W + b}; W is inputs × outputs, initialized He or Xavier, b starts at 0. Its
 * output and input-gradient buffers are reused from batch to batch (valid until the next call).
 */
public final class Dense extends Layer {
  private final Param weight;
  private final Param bias;
  private Matrix input;
  private Matrix output;
  private Matrix inputGrad;

  /**
   * A layer from {@code inputs} to {@code outputs} on {@code engine}; {@code he} picks N(0, 2/fanIn), else
   * U(±√(6/(in+out))). The initial values come from {@code rng} alone, so every engine starts from the same weights.
   */
  public Dense(int inputs, int outputs, boolean he, Random rng, Engine engine, boolean precise) {
    double[] w = new double[inputs * outputs];
    double limit = Math.sqrt(6.0 / (inputs + outputs));
    double std = Math.sqrt(2.0 / inputs);
    for (int i = 0; i < w.length; i++) {
      w[i] = he ? rng.nextGaussian() * std : (rng.nextDouble() * 2 - 1) * limit;
    }
    weight = new Param("weight", engine.fromDoubles(w, inputs, outputs, precise), engine.zeros(inputs, outputs,
        precise), true);
    bias = new Param("bias", engine.zeros(1, outputs, precise), engine.zeros(1, outputs, precise), false);
  }

  @Override
  public int outputs() {
    return weight.value().cols;
  }

  @Override
  public List<Param> params() {
    return List.of(weight, bias);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    input = x;
    output = e.reuse(output, x.rows, outputs(), x.precise());
    affine(x, weight, bias, output);
    return output;
  }

  /** out = x·w + b, every value overwritten: the product of dense, convolution, recurrent and attention layers. */
  static void affine(Matrix x, Param w, Param b, Matrix out) {
    x.engine().dense(x, w.value(), b.value(), out);
  }

  /** The gradients of {@link #affine}: w.grad = xᵀ·g, b.grad = column sums of g, and dx = g·wᵀ unless null. */
  static void affineBackward(Matrix x, Matrix g, Param w, Param b, Matrix dx) {
    affineBackward(x, g, w, b, dx, false);
  }

  /** {@link #affineBackward(Matrix, Matrix, Param, Param, Matrix)}, adding g·wᵀ to dx when {@code accumulate}. */
  static void affineBackward(Matrix x, Matrix g, Param w, Param b, Matrix dx, boolean accumulate) {
    Engine e = g.engine();
    e.gemm(x, true, g, false, w.grad(), 1, 0);
    e.sum(g, true, b.grad());
    if (dx != null) {
      e.gemm(g, false, w.value(), true, dx, 1, accumulate ? 1 : 0);
    }
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    inputGrad = inputGradient ? g.engine().reuse(inputGrad, g.rows, input.cols, g.precise()) : null;
    affineBackward(input, g, weight, bias, inputGrad);
    return inputGrad;
  }
}
