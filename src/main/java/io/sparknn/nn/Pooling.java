package io.sparknn.nn;

/**
 * Reduces windows of input values to one value each, by maximum or mean: max and average pooling over k × k
 * windows of an image (k steps of a sequence), global pooling over every position, the last time step of a
 * sequence, and the reordering of a channels-first image into the channels-last layout the layers use (windows of
 * one value). Each output reduces its window of input columns ({@link Engine#pool}); the gradient goes back to the
 * maximal entries (split between ties) or evenly to every entry ({@link Engine#poolBackward}).
 */
public final class Pooling extends ShapedLayer {
  private final int inputs;
  private final int[] windows;
  private final int window;
  private final boolean max;
  private SequenceMask.Steps valid;
  private Matrix input;
  private Matrix masked;
  private Matrix scaledGrad;
  private Matrix output;
  private Matrix inputGrad;

  private Pooling(int inputs, Shape out, int[] windows, boolean max) {
    super(out);
    this.inputs = inputs;
    this.windows = windows;
    this.window = windows.length / shape().size();
    this.max = max;
  }

  /**
   * k × k windows of an image (k steps of a sequence) moved by {@code stride}, no padding.
   *
   * @throws IllegalArgumentException when the window does not fit, with the formula and its numbers
   */
  public static Pooling windows(Shape in, int k, int stride, boolean max) {
    if (in.kind() == Shape.Kind.FLAT) {
      throw new IllegalArgumentException("pooling needs an image or a sequence; the input is a flat vector " + in);
    }
    if (k < 1 || stride < 1) {
      throw new IllegalArgumentException("pooling needs a window and stride >= 1, got " + k + " and " + stride);
    }
    boolean image = in.kind() == Shape.Kind.IMAGE;
    int kh = image ? k : 1;
    int oh = Convolution.outputSize("height", in.height(), kh, stride, 0, 1);
    int ow = Convolution.outputSize(image ? "width" : "time steps", in.width(), k, stride, 0, 1);
    int c = in.channels();
    int[] idx = new int[oh * ow * c * kh * k];
    int at = 0;
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int ch = 0; ch < c; ch++) {
          for (int i = 0; i < kh; i++) {
            for (int j = 0; j < k; j++) {
              idx[at++] = ((y * (image ? stride : 1) + i) * in.width() + x * stride + j) * c + ch;
            }
          }
        }
      }
    }
    return new Pooling(in.size(), new Shape(in.kind(), oh, ow, c), idx, max);
  }

  /** Max or mean of each channel over every position (global pooling); the output is flat. */
  public static Pooling global(Shape in, boolean max) {
    int p = in.positions();
    int c = in.channels();
    int[] idx = new int[p * c];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < p; i++) {
        idx[ch * p + i] = i * c + ch;
      }
    }
    return new Pooling(in.size(), Shape.flat(c), idx, max);
  }

  /**
   * The last time step of a sequence; the output is flat. With {@code split} > 0 (a bidirectional layer's units per
   * direction) the first {@code split} channels come from the last step and the rest from the first step, where
   * the backward direction ends.
   */
  public static Pooling last(Shape in, int split) {
    int c = in.channels();
    int[] idx = new int[c];
    for (int ch = 0; ch < c; ch++) {
      idx[ch] = split > 0 && ch >= split ? ch : in.size() - c + ch;
    }
    return new Pooling(in.size(), Shape.flat(c), idx, false);
  }

  /**
   * Global pooling over the steps of variable-length sequences: padded steps (per {@code valid}) are left out of
   * the mean and the max.
   */
  public static Pooling global(Shape in, boolean max, SequenceMask.Steps valid) {
    Pooling p = global(in, max);
    p.valid = valid;
    return p;
  }

  /** The first position of a sequence (a class token); the output is flat. */
  public static Pooling first(Shape in) {
    return new Pooling(in.size(), Shape.flat(in.channels()), Engine.range(0, in.channels()), false);
  }

  /** A channels-first image row ({@code [c, h, w]} as stored by image readers) in channels-last order. */
  public static Pooling channelsLast(int c, int h, int w) {
    int[] idx = new int[c * h * w];
    for (int p = 0; p < h * w; p++) {
      for (int ch = 0; ch < c; ch++) {
        idx[p * c + ch] = ch * h * w + p;
      }
    }
    return new Pooling(idx.length, Shape.image(h, w, c), idx, false);
  }

  @Override
  public int workingValues() {
    return outputs();
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    input = x;
    output = e.reuse(output, x.rows, shape().size(), x.precise());
    if (window == 1) {
      e.gatherColumns(x, windows, output);
    } else if (valid == null) {
      e.pool(x, windows, window, max, output);
    } else {
      Matrix real = valid.positions(shape().channels());
      masked = e.reuse(masked, x.rows, x.cols, x.precise());
      if (max) { // padded values sink to −1e9
        e.affine(real, 1e9, -1e9, masked);
        e.linear(1, x, 1, masked, masked);
      } else {
        e.multiply(x, real, masked);
      }
      e.pool(masked, windows, window, max, output);
      if (!max) {
        e.broadcast(output, valid.meanScale(), true, output);
      }
    }
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    if (!inputGradient) {
      return null;
    }
    Engine e = g.engine();
    inputGrad = e.reuse(inputGrad, g.rows, inputs, g.precise());
    e.fill(inputGrad, 0);
    if (window == 1) {
      e.scatterAddColumns(g, windows, inputGrad);
    } else if (valid == null) {
      e.poolBackward(input, windows, window, max, output, g, inputGrad);
    } else {
      Matrix gs = g;
      if (!max) {
        scaledGrad = e.reuse(scaledGrad, g.rows, g.cols, g.precise());
        e.broadcast(g, valid.meanScale(), true, scaledGrad);
        gs = scaledGrad;
      }
      e.poolBackward(masked, windows, window, max, output, gs, inputGrad);
      e.multiply(inputGrad, valid.positions(shape().channels()), inputGrad);
    }
    return inputGrad;
  }
}
