package io.sparknn.nn;

/** Applies an {@link Activation} element-wise. */
public final class ActivationLayer extends Layer {
  private final Activation activation;
  private final int width;
  private Matrix z;
  private Matrix a;

  /** The activation over {@code width} units. */
  public ActivationLayer(Activation activation, int width) {
    this.activation = activation;
    this.width = width;
  }

  @Override
  public int outputs() {
    return width;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    z = x;
    a = x.like(x.rows, x.cols);
    activation.forward(x, a);
    return a;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Matrix dz = g.like(g.rows, g.cols);
    activation.backward(z, a, g, dz);
    return dz;
  }
}
