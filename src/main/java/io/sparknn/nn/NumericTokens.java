package io.sparknn.nn;

import java.util.List;
import java.util.Random;

/**
 * The FT-Transformer tokenizer of a table row: each of the first {@code numeric} values becomes a token
 * {@code x_j·W_j + b_j} of {@code width} values (a learned projection per numeric slot); the rest of the row — the
 * nominal slots' embeddings of {@code width} values each, from {@link EmbeddingInput} — are tokens already and get a
 * learned bias per slot. Output: (numeric + nominal) tokens × width.
 */
public final class NumericTokens extends Layer {
  private final int numeric;
  private final int width;
  private final int[] spread;
  private final Param weight;
  private final Param bias;
  private final Matrix scale;
  private Matrix spreadInput;
  private Matrix output;
  private Matrix product;
  private Matrix scaleGrad;
  private Matrix inputGrad;

  /** Tokens of {@code width} for {@code numeric} numeric slots followed by {@code nominal} embedded slots. */
  public NumericTokens(int numeric, int nominal, int width, Random rng, Engine e, boolean precise) {
    this.numeric = numeric;
    this.width = width;
    int tokens = numeric + nominal;
    spread = new int[tokens * width];
    for (int j = 0; j < spread.length; j++) {
      spread[j] = j < numeric * width ? j / width : numeric + (j - numeric * width);
    }
    double limit = 1 / Math.sqrt(width);
    double[] w = new double[numeric * width];
    double[] b = new double[tokens * width];
    for (int i = 0; i < w.length; i++) {
      w[i] = (rng.nextDouble() * 2 - 1) * limit;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (rng.nextDouble() * 2 - 1) * limit;
    }
    weight = new Param("tokenWeight", e.fromDoubles(w, 1, w.length, precise), e.zeros(1, w.length, precise), true);
    bias = new Param("tokenBias", e.fromDoubles(b, 1, b.length, precise), e.zeros(1, b.length, precise), false);
    scale = e.zeros(1, spread.length, precise);
    e.fill(scale, 1);
  }

  /** The output shape: one token per slot. */
  public Shape shape() {
    return Shape.sequence(spread.length / width, width);
  }

  @Override
  public int outputs() {
    return spread.length;
  }

  @Override
  public List<Param> params() {
    return List.of(weight, bias);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    boolean p = x.precise();
    spreadInput = e.reuse(spreadInput, x.rows, spread.length, p);
    e.gatherColumns(x, spread, spreadInput);
    e.copyColumns(weight.value(), Engine.range(0, numeric * width), scale, 0); // nominal tokens keep scale 1
    output = e.reuse(output, x.rows, spread.length, p);
    e.broadcast(spreadInput, scale, true, output);
    e.broadcast(output, bias.value(), false, output);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    boolean p = g.precise();
    e.sum(g, true, bias.grad());
    product = e.reuse(product, g.rows, spread.length, p);
    e.multiply(g, spreadInput, product);
    scaleGrad = e.reuse(scaleGrad, 1, spread.length, p);
    e.sum(product, true, scaleGrad);
    e.copyColumns(scaleGrad, Engine.range(0, numeric * width), weight.grad(), 0);
    if (!inputGradient) {
      return null;
    }
    e.broadcast(g, scale, true, product);
    inputGrad = e.reuse(inputGrad, g.rows, numeric + (spread.length - numeric * width), p);
    e.fill(inputGrad, 0);
    e.scatterAddColumns(product, spread, inputGrad);
    return inputGrad;
  }
}
