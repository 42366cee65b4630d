package io.sparknn.nn;

import java.util.List;

/** Parametric ReLU: {@code x} for x > 0, {@code aⱼ·x} otherwise, with one learned slope per unit (starts 0.25). */
public final class PRelu extends Layer {
  private final Param slope;
  private Matrix input;

  /** PReLU over {@code width} units. */
  public PRelu(int width, boolean precise) {
    Matrix a = Matrix.zeros(1, width, precise).fill(0.25);
    slope = new Param("slope", a, a.like(1, width), false);
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
    input = x;
    Matrix out = x.like(x.rows, x.cols);
    for (int i = 0; i < x.size(); i++) {
      double v = x.get(i);
      out.set(i, v > 0 ? v : slope.value().get(i % x.cols) * v);
    }
    return out;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Matrix dx = g.like(g.rows, g.cols);
    slope.grad().fill(0);
    for (int i = 0; i < g.size(); i++) {
      double v = input.get(i);
      int j = i % g.cols;
      if (v > 0) {
        dx.set(i, g.get(i));
      } else {
        dx.set(i, slope.value().get(j) * g.get(i));
        slope.grad().add(j, v * g.get(i));
      }
    }
    return dx;
  }
}
