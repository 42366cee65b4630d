package io.sparknn.nn;

import java.util.List;

/**
 * Applies a layer to every position of a row on its own — a dense layer to each time step or token, batch
 * normalization per channel over the batch and every position, layer normalization per token — by reading the
 * batch (rows × positions·channels) as one row per position (a {@link Engine#reshape}, no copy).
 */
public final class PerPosition extends Layer {
  private final Layer inner;
  private final int positions;

  /** {@code inner} applied at each of {@code positions} positions. */
  public PerPosition(Layer inner, int positions) {
    this.inner = inner;
    this.positions = positions;
  }

  @Override
  public int outputs() {
    return inner.outputs() * positions;
  }

  @Override
  public int workingValues() {
    return inner.workingValues() * positions;
  }

  @Override
  public List<Param> params() {
    return inner.params();
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    Matrix y = inner.forward(e.reshape(x, x.rows * positions, x.cols / positions), pass);
    return e.reshape(y, x.rows, y.cols * positions);
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    Matrix d = inner.backward(e.reshape(g, g.rows * positions, g.cols / positions), inputGradient);
    return d == null ? null : e.reshape(d, g.rows, d.cols * positions);
  }
}
