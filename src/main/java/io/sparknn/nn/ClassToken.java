package io.sparknn.nn;

import java.util.List;
import java.util.Random;

/**
 * Prepends a learned token to a sequence of {@code steps} × {@code width}: attention blocks let it gather what the
 * prediction needs, and the {@code first} pooling reads it out (the BERT / FT-Transformer class token).
 */
public final class ClassToken extends Layer {
  private final int steps;
  private final Param token;
  private Matrix output;
  private Matrix head;
  private Matrix inputGrad;

  /** A class token of {@code width} values before {@code steps} tokens; initialized N(0, 0.02²). */
  public ClassToken(int steps, int width, Random rng, Engine e, boolean precise) {
    this.steps = steps;
    double[] v = new double[width];
    for (int i = 0; i < width; i++) {
      v[i] = 0.02 * rng.nextGaussian();
    }
    token = new Param("classToken", e.fromDoubles(v, 1, width, precise), e.zeros(1, width, precise), false);
  }

  @Override
  public int outputs() {
    return (steps + 1) * token.value().cols;
  }

  @Override
  public List<Param> params() {
    return List.of(token);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    int w = token.value().cols;
    output = e.reuse(output, x.rows, outputs(), x.precise());
    head = e.reuse(head, x.rows, w, x.precise());
    e.fill(head, 0);
    e.broadcast(head, token.value(), false, head);
    e.copyColumns(head, Engine.range(0, w), output, 0);
    e.copyColumns(x, Engine.range(0, x.cols), output, w);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    int w = token.value().cols;
    e.copyColumns(g, Engine.range(0, w), head, 0);
    e.sum(head, true, token.grad());
    if (!inputGradient) {
      return null;
    }
    inputGrad = e.reuse(inputGrad, g.rows, g.cols - w, g.precise());
    e.copyColumns(g, Engine.range(w, g.cols - w), inputGrad, 0);
    return inputGrad;
  }
}
