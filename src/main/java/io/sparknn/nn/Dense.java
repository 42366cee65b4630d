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

  /** A layer from {@code inputs} to {@code outputs}; {@code he} picks N(0, 2/fanIn), else U(±√(6/(in+out))). */
  public Dense(int inputs, int outputs, boolean he, Random rng, boolean precise) {
    Matrix w = Matrix.zeros(inputs, outputs, precise);
    double limit = Math.sqrt(6.0 / (inputs + outputs));
    double std = Math.sqrt(2.0 / inputs);
    for (int i = 0; i < w.size(); i++) {
      w.set(i, he ? rng.nextGaussian() * std : (rng.nextDouble() * 2 - 1) * limit);
    }
    weight = new Param("weight", w, w.like(inputs, outputs), true);
    bias = new Param("bias", w.like(1, outputs), w.like(1, outputs), false);
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
    input = x;
    Matrix z = output = Matrix.reuse(output, x.rows, outputs(), x.precise());
    Matrix.gemm(x, false, weight.value(), false, z, 1, 0); // beta 0: every value overwritten
    z.addRowVector(bias.value());
    return z;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Matrix.gemm(input, true, g, false, weight.grad(), 1, 0);
    g.columnSums(bias.grad());
    if (!inputGradient) {
      return null;
    }
    Matrix dx = inputGrad = Matrix.reuse(inputGrad, g.rows, input.cols, g.precise());
    Matrix.gemm(g, false, weight.value(), true, dx, 1, 0);
    return dx;
  }
}
