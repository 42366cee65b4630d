package io.sparknn.nn;

import java.util.List;

/**
 * Parametric ReLU: {@code x} for x > 0, {@code aⱼ·x} otherwise, with one learned slope per unit (starts 0.25).
 * Written as relu(x) + a ∘ (x − relu(x)), so it runs on every engine's ReLU kernels.
 */
public final class PRelu extends Layer {
  private static final Activation RELU = Activation.parse("relu");
  private final Param slope;
  private Matrix input;
  private Matrix positive;
  private Matrix negative;
  private Matrix output;

  /** PReLU over {@code width} units on {@code engine}. */
  public PRelu(int width, Engine engine, boolean precise) {
    slope = new Param("slope", engine.zeros(1, width, precise).fill(0.25), engine.zeros(1, width, precise), false);
  }

  @Override
  public int outputs() {
    return slope.value().cols;
  }

  @Override
  public List<Param> params() {
    return List.of(slope);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    input = x;
    positive = e.reuse(positive, x.rows, x.cols, x.precise());
    negative = e.reuse(negative, x.rows, x.cols, x.precise());
    output = e.reuse(output, x.rows, x.cols, x.precise());
    e.activate(RELU, x, positive);
    e.linear(1, x, -1, positive, negative);
    e.broadcast(negative, slope.value(), true, output);
    e.linear(1, output, 1, positive, output);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    Matrix gPositive = g.like(g.rows, g.cols);
    e.activateBackward(RELU, input, positive, g, gPositive);
    Matrix gNegative = g.like(g.rows, g.cols);
    e.linear(1, g, -1, gPositive, gNegative);
    Matrix dx = g.like(g.rows, g.cols);
    e.multiply(gNegative, input, dx);
    e.sum(dx, true, slope.grad());
    e.broadcast(gNegative, slope.value(), true, dx);
    e.linear(1, dx, 1, gPositive, dx);
    return dx;
  }
}
