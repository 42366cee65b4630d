package io.sparknn.nn;

import java.util.List;
import java.util.Random;

/**
 * Adds a position's code to each token of a sequence of {@code steps} × {@code width}: learned (a trained
 * steps × width table, initialized N(0, 0.02²)) or sinusoidal (sin/cos of position / 10000^(2i/width), fixed).
 */
public final class PositionalEncoding extends Layer {
  private final Param table;
  private final Matrix fixed;
  private Matrix output;

  /** A learned ({@code learned}) or sinusoidal encoding of {@code steps} positions of {@code width} values. */
  public PositionalEncoding(int steps, int width, boolean learned, Random rng, Engine e, boolean precise) {
    double[] v = new double[steps * width];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < width; i++) {
        double angle = t / Math.pow(10000, 2.0 * (i / 2) / width);
        v[t * width + i] = learned ? 0.02 * rng.nextGaussian() : i % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
      }
    }
    Matrix m = e.fromDoubles(v, 1, steps * width, precise);
    table = learned ? new Param("positions", m, e.zeros(1, steps * width, precise), false) : null;
    fixed = learned ? null : m;
  }

  @Override
  public int outputs() {
    return (table != null ? table.value() : fixed).cols;
  }

  @Override
  public List<Param> params() {
    return table == null ? List.of() : List.of(table);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    output = e.reuse(output, x.rows, x.cols, x.precise());
    e.broadcast(x, table != null ? table.value() : fixed, false, output);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    if (table != null) {
      g.engine().sum(g, true, table.grad());
    }
    return g;
  }
}
