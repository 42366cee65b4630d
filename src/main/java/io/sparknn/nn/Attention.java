package io.sparknn.nn;

import java.util.List;
import java.util.Random;

/**
 * Multi-head self-attention over a sequence of {@code steps} tokens of width {@code width}: per head h,
 * {@code softmax(Q_h·K_hᵀ/√d_h)·V_h}, the heads side by side, then an output projection. Q, K and V come from one
 * product with a width × 3·width weight. The per-sequence, per-head products are batched engine products
 * ({@link Engine#gemmBatched}) over the tokens rearranged head by head ({@link Engine#gatherColumns}).
 */
public final class Attention extends Layer {
  private final SequenceMask.Steps valid;
  private final int steps;
  private final int width;
  private final int heads;
  private final int headWidth;
  private final Param wqkv;
  private final Param bqkv;
  private final Param wo;
  private final Param bo;
  /** Head-major column (h, t, e) → token-major column of Q, K or V in a row of steps × 3·width. */
  private final int[][] pick = new int[3][];
  /** Token-major column (t, h, e) → head-major column. */
  private final int[] merge;
  private Matrix input;
  private Matrix qkv;
  private final Matrix[] split = new Matrix[3];
  private Matrix scores;
  private Matrix weights;
  private Matrix heads0;
  private Matrix merged;
  private Matrix output;
  private Matrix dMerged;
  private Matrix dHeads;
  private Matrix dWeights;
  private Matrix rowSums;
  private final Matrix[] dSplit = new Matrix[3];
  private Matrix dQkv;
  private Matrix inputGrad;

  /** Self-attention with {@code heads} heads over {@code steps} × {@code width}; width must divide by heads. */
  public Attention(int steps, int width, int heads, Random rng, Engine e, boolean precise) {
    this(steps, width, heads, null, rng, e, precise);
  }

  /** Self-attention whose padded keys (per {@code valid}, from a {@link SequenceMask}) get no weight. */
  public Attention(int steps, int width, int heads, SequenceMask.Steps valid, Random rng, Engine e,
      boolean precise) {
    if (heads < 1 || width % heads != 0) {
      throw new IllegalArgumentException("attention needs a width that divides by the heads: width " + width
          + ", heads " + heads);
    }
    this.valid = valid;
    this.steps = steps;
    this.width = width;
    this.heads = heads;
    this.headWidth = width / heads;
    wqkv = new Param("qkvWeight", uniform(width, 3 * width, rng, e, precise), e.zeros(width, 3 * width, precise),
        true);
    bqkv = new Param("qkvBias", e.zeros(1, 3 * width, precise), e.zeros(1, 3 * width, precise), false);
    wo = new Param("outputWeight", uniform(width, width, rng, e, precise), e.zeros(width, width, precise), true);
    bo = new Param("outputBias", e.zeros(1, width, precise), e.zeros(1, width, precise), false);
    merge = new int[steps * width];
    for (int part = 0; part < 3; part++) {
      pick[part] = new int[steps * width];
    }
    for (int h = 0; h < heads; h++) {
      for (int t = 0; t < steps; t++) {
        for (int k = 0; k < headWidth; k++) {
          int headMajor = (h * steps + t) * headWidth + k;
          for (int part = 0; part < 3; part++) {
            pick[part][headMajor] = t * 3 * width + part * width + h * headWidth + k;
          }
          merge[t * width + h * headWidth + k] = headMajor;
        }
      }
    }
  }

  private static Matrix uniform(int rows, int cols, Random rng, Engine e, boolean precise) {
    double limit = Math.sqrt(6.0 / (rows + cols));
    double[] w = new double[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (rng.nextDouble() * 2 - 1) * limit;
    }
    return e.fromDoubles(w, rows, cols, precise);
  }

  @Override
  public int outputs() {
    return steps * width;
  }

  @Override
  public int workingValues() {
    return 8 * steps * width + 2 * heads * steps * steps;
  }

  @Override
  public List<Param> params() {
    return List.of(wqkv, bqkv, wo, bo);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    int n = x.rows;
    boolean p = x.precise();
    int blocks = n * heads;
    input = x;
    qkv = e.reuse(qkv, n, 3 * steps * width, p);
    Dense.affine(e.reshape(x, n * steps, width), wqkv, bqkv, e.reshape(qkv, n * steps, 3 * width));
    for (int part = 0; part < 3; part++) {
      split[part] = e.reuse(split[part], n, steps * width, p);
      e.gatherColumns(qkv, pick[part], split[part]);
    }
    Matrix q = headRows(e, split[0], blocks);
    Matrix k = headRows(e, split[1], blocks);
    Matrix v = headRows(e, split[2], blocks);
    scores = e.reuse(scores, blocks * steps, steps, p);
    e.gemmBatched(blocks, q, false, k, true, scores, 1 / Math.sqrt(headWidth), 0);
    if (valid != null) { // padded keys: −1e9 before the softmax (finite, so a row of only padded keys stays finite)
      e.linear(1, scores, 1, valid.keyBias(heads), scores);
    }
    weights = e.reuse(weights, blocks * steps, steps, p);
    e.softmax(scores, weights);
    heads0 = e.reuse(heads0, n, steps * width, p);
    e.gemmBatched(blocks, weights, false, v, false, headRows(e, heads0, blocks), 1, 0);
    merged = e.reuse(merged, n, steps * width, p);
    e.gatherColumns(heads0, merge, merged);
    output = e.reuse(output, n, steps * width, p);
    Dense.affine(e.reshape(merged, n * steps, width), wo, bo, e.reshape(output, n * steps, width));
    return output;
  }

  /** A rows × (heads·steps·headWidth) head-major matrix as one row per (sequence, head, step). */
  private Matrix headRows(Engine e, Matrix m, int blocks) {
    return e.reshape(m, blocks * steps, headWidth);
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    int n = g.rows;
    boolean p = g.precise();
    int blocks = n * heads;
    dMerged = e.reuse(dMerged, n, steps * width, p);
    Dense.affineBackward(e.reshape(merged, n * steps, width), e.reshape(g, n * steps, width), wo, bo,
        e.reshape(dMerged, n * steps, width));
    dHeads = e.reuse(dHeads, n, steps * width, p);
    e.fill(dHeads, 0);
    e.scatterAddColumns(dMerged, merge, dHeads);
    Matrix dO = headRows(e, dHeads, blocks);
    Matrix q = headRows(e, split[0], blocks);
    Matrix k = headRows(e, split[1], blocks);
    Matrix v = headRows(e, split[2], blocks);
    for (int part = 0; part < 3; part++) {
      dSplit[part] = e.reuse(dSplit[part], n, steps * width, p);
    }
    // d weights = dO·Vᵀ, dV = weightsᵀ·dO; through softmax: dS = A∘(dA − rowsum(dA∘A)), scaled like the scores
    dWeights = e.reuse(dWeights, blocks * steps, steps, p);
    e.gemmBatched(blocks, dO, false, v, true, dWeights, 1, 0);
    e.gemmBatched(blocks, weights, true, dO, false, headRows(e, dSplit[2], blocks), 1, 0);
    rowSums = e.reuse(rowSums, blocks * steps, 1, p);
    scores = e.reuse(scores, blocks * steps, steps, p); // reused as d scores
    e.multiply(dWeights, weights, scores);
    e.sum(scores, false, rowSums);
    e.affine(rowSums, -1, 0, rowSums);
    e.broadcast(dWeights, rowSums, false, scores);
    e.multiply(scores, weights, scores);
    double scale = 1 / Math.sqrt(headWidth);
    e.gemmBatched(blocks, scores, false, k, false, headRows(e, dSplit[0], blocks), scale, 0);
    e.gemmBatched(blocks, scores, true, q, false, headRows(e, dSplit[1], blocks), scale, 0);
    dQkv = e.reuse(dQkv, n, 3 * steps * width, p);
    e.fill(dQkv, 0);
    for (int part = 0; part < 3; part++) {
      e.scatterAddColumns(dSplit[part], pick[part], dQkv);
    }
    inputGrad = inputGradient ? e.reuse(inputGrad, n, steps * width, p) : null;
    Dense.affineBackward(e.reshape(input, n * steps, width), e.reshape(dQkv, n * steps, 3 * width), wqkv, bqkv,
        inputGradient ? e.reshape(inputGrad, n * steps, width) : null);
    return inputGrad;
  }
}
