package io.sparknn.nn;

/** A layer whose output is positions × channels of a known {@link Shape}, which the next layer reads. */
public abstract class ShapedLayer extends Layer {
  private final Shape out;

  ShapedLayer(Shape out) {
    this.out = out;
  }

  /** The output shape. */
  public Shape shape() {
    return out;
  }

  @Override
  public int outputs() {
    return out.size();
  }
}
