package io.sparknn.nn;

/** Applies an {@link Activation} element-wise; output and gradient buffers are reused from batch to batch. */
public final class ActivationLayer extends Layer {
  private final Activation activation;
  private final int width;
  private Matrix z;
  private Matrix a;
  private Matrix dz;

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
    a = x.engine().reuse(a, x.rows, x.cols, x.precise());
    activation.forward(x, a);
    return a;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    dz = g.engine().reuse(dz, g.rows, g.cols, g.precise());
    activation.backward(z, a, g, dz);
    return dz;
  }
}
