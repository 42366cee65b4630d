package io.sparknn.nn;

import java.util.List;
import java.util.Random;

/**
 * A 2-D convolution over an image (or a 1-D one over a sequence: a 1 × k kernel over the time steps) with shared
 * weights: {@code filters} kernels of {@code kh × kw × channels}, stride, zero padding and dilation. Computed as
 * im2col + one product: the windows of every position are gathered into a (rows·positions) × (kh·kw·channels)
 * matrix ({@link Engine#gatherColumns}, padding reads 0) and multiplied by the kernels; the backward pass is the
 * transposed product and a scatter-add of the window gradients ({@link Engine#scatterAddColumns}). An engine with
 * its own kernel ({@link Engine#convolve}: the {@code jvm} engine in float) does the same in cache-sized blocks of
 * images instead. The output is channels-last like the input: outH × outW × filters.
 */
public final class Convolution extends ShapedLayer {
  private final Shape in;
  private final int[] windows;
  private final int patch;
  private final Param weight;
  private final Param bias;
  private Matrix input;
  private Matrix columns;
  private Matrix output;
  private Matrix columnGrad;
  private Matrix inputGrad;
  /** Whether the last forward pass ran in the engine's own kernel ({@link Engine#convolve}). */
  private boolean fused;

  /**
   * A convolution of {@code in} with {@code filters} kernels of kh × kw; He-initialized from {@code rng}.
   *
   * @throws IllegalArgumentException when the kernel does not fit, with the output-size formula and its numbers
   */
  public Convolution(Shape in, int filters, int kh, int kw, int stride, int padding, int dilation, Random rng,
      Engine engine, boolean precise) {
    super(output(in, filters, kh, kw, stride, padding, dilation));
    int padH = in.kind() == Shape.Kind.IMAGE ? padding : 0;
    int oh = shape().height();
    int ow = shape().width();
    this.in = in;
    this.patch = kh * kw * in.channels();
    this.windows = new int[oh * ow * patch];
    int c = in.channels();
    int at = 0;
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            int sy = y * stride - padH + i * dilation;
            int sx = x * stride - padding + j * dilation;
            boolean inside = sy >= 0 && sy < in.height() && sx >= 0 && sx < in.width();
            for (int k = 0; k < c; k++) {
              windows[at++] = inside ? (sy * in.width() + sx) * c + k : -1;
            }
          }
        }
      }
    }
    double std = Math.sqrt(2.0 / patch);
    double[] w = new double[patch * filters];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextGaussian() * std;
    }
    weight = new Param("kernel", engine.fromDoubles(w, patch, filters, precise), engine.zeros(patch, filters,
        precise), true);
    bias = new Param("bias", engine.zeros(1, filters, precise), engine.zeros(1, filters, precise), false);
  }

  /** The output shape of a convolution, or an error naming what does not fit. */
  private static Shape output(Shape in, int filters, int kh, int kw, int stride, int padding, int dilation) {
    if (in.kind() == Shape.Kind.FLAT) {
      throw new IllegalArgumentException("a convolution needs an image or a sequence; the input is a flat vector "
          + in + " (set inputShape to [channels, height, width] or [time, features])");
    }
    if (filters < 1 || kh < 1 || kw < 1 || stride < 1 || padding < 0 || dilation < 1) {
      throw new IllegalArgumentException("convolution needs filters, kernel, stride, dilation >= 1 and padding >= 0;"
          + " got filters " + filters + ", kernel " + kh + "x" + kw + ", stride " + stride + ", padding " + padding
          + ", dilation " + dilation);
    }
    int padH = in.kind() == Shape.Kind.IMAGE ? padding : 0;
    return new Shape(in.kind(), outputSize("height", in.height(), kh, stride, padH, dilation),
        outputSize(in.kind() == Shape.Kind.IMAGE ? "width" : "time steps", in.width(), kw, stride, padding,
        dilation), filters);
  }

  /**
   * ⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1, or an error naming the dimension and the
   * numbers when it is below 1.
   */
  static int outputSize(String dimension, int size, int kernel, int stride, int padding, int dilation) {
    int span = dilation * (kernel - 1) + 1;
    int n = Math.floorDiv(size + 2 * padding - span, stride) + 1;
    if (n < 1) {
      throw new IllegalArgumentException("a kernel of " + kernel + (dilation > 1 ? " (dilation " + dilation
          + ", span " + span + ")" : "") + " does not fit the input " + dimension + " " + size + ": output = "
          + "floor((H + 2P - K) / S) + 1 = floor((" + size + " + 2*" + padding + " - " + span + ") / " + stride
          + ") + 1 = " + n + "; use a smaller kernel or stride, more padding, or fewer pooling steps");
    }
    return n;
  }

  @Override
  public int workingValues() {
    return windows.length + outputs();
  }

  @Override
  public List<Param> params() {
    return List.of(weight, bias);
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    int n = x.rows;
    int positions = shape().positions();
    input = x;
    output = e.reuse(output, n, shape().size(), x.precise());
    fused = e.convolve(x, windows, weight.value(), bias.value(), output);
    if (fused) {
      return output;
    }
    columns = e.reuse(columns, n, windows.length, x.precise());
    e.gatherColumns(x, windows, columns);
    Dense.affine(e.reshape(columns, n * positions, patch), weight, bias, e.reshape(output, n * positions,
        shape().channels()));
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    if (fused) {
      inputGrad = inputGradient ? e.reuse(inputGrad, g.rows, in.size(), g.precise()) : null;
      e.convolveBackward(input, windows, weight.value(), g, weight.grad(), bias.grad(), inputGrad);
      return inputGrad;
    }
    int rows = g.rows * shape().positions();
    columnGrad = inputGradient ? e.reuse(columnGrad, g.rows, windows.length, g.precise()) : null;
    Dense.affineBackward(e.reshape(columns, rows, patch), e.reshape(g, rows, shape().channels()), weight, bias,
        inputGradient ? e.reshape(columnGrad, rows, patch) : null);
    if (!inputGradient) {
      return null;
    }
    inputGrad = e.reuse(inputGrad, g.rows, in.size(), g.precise());
    e.fill(inputGrad, 0);
    e.scatterAddColumns(columnGrad, windows, inputGrad);
    return inputGrad;
  }
}
