package io.sparknn.nn;

/** Inverted dropout: in training each unit is zeroed with probability {@code rate} and the rest scaled by
 * 1/(1 − rate); at inference the layer is the identity. */
public final class Dropout extends Layer {
  private final double rate;
  private final int width;
  private Matrix mask;

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
    if (!pass.training() || rate == 0) {
      mask = null;
      return x;
    }
    double keep = 1 - rate;
    mask = x.like(x.rows, x.cols);
    Matrix out = x.like(x.rows, x.cols);
    for (int i = 0; i < x.size(); i++) {
      double m = pass.rng().nextDouble() < keep ? 1 / keep : 0;
      mask.set(i, m);
      out.set(i, m * x.get(i));
    }
    return out;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    if (mask == null) {
      return g;
    }
    Matrix dx = g.like(g.rows, g.cols);
    for (int i = 0; i < g.size(); i++) {
      dx.set(i, mask.get(i) * g.get(i));
    }
    return dx;
  }
}
