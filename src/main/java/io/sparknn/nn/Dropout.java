package io.sparknn.nn;

/** Inverted dropout: in training each unit is zeroed with probability {@code rate} and the rest scaled by
 * 1/(1 − rate); at inference the layer is the identity. The mask comes from the engine's random generator, seeded
 * from the pass's {@link java.util.Random}. */
public final class Dropout extends Layer {
  private final double rate;
  private final int width;
  private Matrix mask;
  private Matrix output;
  private Matrix inputGrad;
  private boolean active;

  /** Dropout of {@code rate} ∈ [0, 1) over {@code width} units. */
  public Dropout(double rate, int width) {
    if (rate < 0 || rate >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + rate);
    }
    this.rate = rate;
    this.width = width;
  }

  @Override
  public int outputs() {
    return width;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    active = pass.training() && rate > 0;
    if (!active) {
      return x;
    }
    Engine e = x.engine();
    mask = e.reuse(mask, x.rows, x.cols, x.precise());
    e.dropoutMask(mask, 1 - rate, pass.rng().nextLong());
    output = e.reuse(output, x.rows, x.cols, x.precise());
    e.multiply(x, mask, output);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    if (!active) {
      return g;
    }
    Engine e = g.engine();
    inputGrad = e.reuse(inputGrad, g.rows, g.cols, g.precise());
    e.multiply(g, mask, inputGrad);
    return inputGrad;
  }
}
