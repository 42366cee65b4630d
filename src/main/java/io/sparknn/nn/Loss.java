package io.sparknn.nn;

import java.io.Serializable;

/**
 * A training loss over a batch of network outputs: the weighted mean {@code Σ wᵢ·ℓᵢ / Σ wᵢ} and its gradient with
 * respect to the outputs. Classification losses take logits and one-hot targets: {@code crossEntropy} (softmax,
 * with label smoothing), {@code focal(γ)} (default γ 2) and {@code hinge} (multi-class Crammer–Singer; with two
 * classes, the binary hinge on the logit margin). Regression losses take one output per row: {@code mse},
 * {@code mae}, {@code huber(δ)} (default δ 1). Computed on the network's engine; focal and hinge are defined row by
 * row and run on the host (the batch's outputs cross once per step).
 */
public abstract class Loss implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Classification loss names. */
  public static final String[] CLASSIFICATION = {"crossEntropy", "focal", "hinge"};
  /** Regression loss names. */
  public static final String[] REGRESSION = {"mse", "mae", "huber"};

  /**
   * Returns the weighted mean loss of the host rows {@code out} against {@code target} and writes d(loss)/d(out)
   * into {@code grad} (same shape as {@code out}); runs on the {@code jvm} engine in double precision. Rows with
   * weight 0 contribute nothing.
   */
  public double compute(double[][] out, double[][] target, double[] weight, double[][] grad) {
    return compute(Engine.jvm(), out, target, weight, grad);
  }

  /** {@link #compute(double[][], double[][], double[], double[][])} run on engine {@code e}, in double precision. */
  double compute(Engine e, double[][] out, double[][] target, double[] weight, double[][] grad) {
    int n = out.length;
    int k = n == 0 ? 0 : out[0].length;
    Matrix g = e.zeros(n, k, true);
    double value = compute(e.fromDoubles(flat(out, k), n, k, true), e.fromDoubles(flat(target, k), n, k, true),
        e.fromDoubles(weight.clone(), n, 1, true), g);
    double[] gv = g.toDoubles();
    for (int i = 0; i < n; i++) {
      System.arraycopy(gv, i * k, grad[i], 0, k);
    }
    return value;
  }

  private static double[] flat(double[][] rows, int k) {
    double[] out = new double[rows.length * k];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * k, k);
    }
    return out;
  }

  /**
   * Returns the weighted mean loss of the batch {@code out} (rows × outputs) against {@code target} (same shape)
   * with row weights {@code weight} (rows × 1), and writes d(loss)/d(out) into {@code grad}; every matrix on one
   * engine, where the work runs. Only the loss value (a scalar) and the weight total cross to the host.
   */
  public double compute(Matrix out, Matrix target, Matrix weight, Matrix grad) {
    Engine e = out.engine();
    Matrix sum = weight.like(1, 1);
    e.sum(weight, true, sum);
    double total = sum.get(0);
    if (!(total > 0)) {
      throw new IllegalArgumentException("the batch's weights sum to " + total + "; at least one must be > 0");
    }
    return weighted(out, target, weight, total, grad);
  }

  /** {@link #compute(Matrix, Matrix, Matrix, Matrix)} given the weight total (> 0). */
  abstract double weighted(Matrix out, Matrix target, Matrix weight, double total, Matrix grad);

  /** Multiplies each row of {@code grad} by its weight / total. */
  static void scaleRows(Matrix grad, Matrix weight, double total) {
    Engine e = grad.engine();
    Matrix scale = weight.like(weight.rows, 1);
    e.affine(weight, 1 / total, 0, scale);
    e.broadcast(grad, scale, true, grad);
  }

  /** Σ wᵢ·rowᵢ / total for a rows × 1 {@code perRow}. */
  static double mean(Matrix perRow, Matrix weight, double total) {
    return perRow.engine().dot(perRow, weight) / total;
  }

  /**
   * A loss defined row by row on the host (focal, hinge): the batch's outputs (rows × classes values) cross to
   * the host and the gradient back, once per step.
   */
  abstract static class PerRow extends Loss {
    /** The loss of one row; writes its unweighted gradient into {@code g}. */
    abstract double row(double[] out, double[] target, double[] g);

    @Override
    double weighted(Matrix out, Matrix target, Matrix weight, double total, Matrix grad) {
      int k = out.cols;
      double[] o = out.toDoubles();
      double[] y = target.toDoubles();
      double[] w = weight.toDoubles();
      double[] g = new double[o.length];
      double loss = 0;
      double[] gi = new double[k];
      for (int i = 0; i < out.rows; i++) {
        double scale = w[i] / total;
        loss += scale * row(java.util.Arrays.copyOfRange(o, i * k, (i + 1) * k),
            java.util.Arrays.copyOfRange(y, i * k, (i + 1) * k), gi);
        for (int j = 0; j < k; j++) {
          g[i * k + j] = gi[j] * scale;
        }
      }
      grad.assign(grad.engine().fromDoubles(g, out.rows, k, grad.precise()));
      return loss;
    }
  }

  /** The spec of this loss, e.g. {@code focal(2.0)}. */
  public abstract String spec();

  /** True for losses on logits with one-hot targets. */
  public abstract boolean classification();

  @Override
  public String toString() {
    return spec();
  }

  /** Parses a spec; {@code labelSmoothing} applies to {@code crossEntropy} only (0 elsewhere). */
  public static Loss parse(String spec, double labelSmoothing) {
    String supported = "classification: " + String.join(", ", CLASSIFICATION) + "; regression: "
        + String.join(", ", REGRESSION);
    Spec s = Spec.parse(spec, "loss", supported);
    return switch (s.name()) {
      case "crossentropy" -> s.none(new CrossEntropy(labelSmoothing));
      case "focal" -> new Focal(s.arg(2.0));
      case "hinge" -> s.none(new Hinge());
      case "mse" -> s.none(new Mse());
      case "mae" -> s.none(new Mae());
      case "huber" -> new Huber(s.arg(1.0));
      default -> throw s.unknown(supported);
    };
  }

  /** Numerically stable softmax of one row of logits. */
  public static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double[] p = new double[z.length];
    double sum = 0;
    for (int j = 0; j < z.length; j++) {
      p[j] = Math.exp(z[j] - max);
      sum += p[j];
    }
    for (int j = 0; j < z.length; j++) {
      p[j] /= sum;
    }
    return p;
  }

  /** Index of the largest entry (the first on ties). */
  public static int argmax(double[] y) {
    int t = 0;
    for (int j = 1; j < y.length; j++) {
      if (y[j] > y[t]) {
        t = j;
      }
    }
    return t;
  }

  /** −Σ y'·log softmax(z) with y' = (1 − ε)·y + ε/k; gradient softmax(z) − y'. */
  private static final class CrossEntropy extends Loss {
    private final double smoothing;

    CrossEntropy(double smoothing) {
      if (smoothing < 0 || smoothing >= 1) {
        throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + smoothing);
      }
      this.smoothing = smoothing;
    }

    @Override
    double weighted(Matrix z, Matrix y, Matrix w, double total, Matrix grad) {
      Engine e = z.engine();
      Matrix p = z.like(z.rows, z.cols);
      e.softmax(z, p);
      Matrix t = z.like(z.rows, z.cols);
      e.affine(y, 1 - smoothing, smoothing / z.cols, t);
      Matrix logP = z.like(z.rows, z.cols);
      e.map(p, Engine.Fn.LOG, z.precise() ? Double.MIN_NORMAL : Float.MIN_NORMAL, logP);
      e.multiply(t, logP, logP);
      Matrix rowLoss = z.like(z.rows, 1);
      e.sum(logP, false, rowLoss);
      e.linear(1, p, -1, t, grad);
      scaleRows(grad, w, total);
      return -mean(rowLoss, w, total);
    }

    @Override
    public String spec() {
      return "crossEntropy";
    }

    @Override
    public boolean classification() {
      return true;
    }
  }

  /** −(1 − p_t)^γ·log p_t for the true class t. */
  private static final class Focal extends PerRow {
    private final double gamma;

    Focal(double gamma) {
      if (gamma < 0) {
        throw new IllegalArgumentException("focal gamma must be >= 0, got " + gamma);
      }
      this.gamma = gamma;
    }

    @Override
    double row(double[] z, double[] y, double[] g) {
      double[] p = softmax(z);
      int t = argmax(y);
      double pt = Math.max(p[t], Double.MIN_NORMAL);
      double q = 1 - pt;
      double logPt = Math.log(pt);
      // d(loss)/d(z_j) = G·(δ_tj − p_j) with G = p_t·d(loss)/d(p_t) = γ·p_t·q^(γ−1)·log p_t − q^γ
      double grow = (q == 0 ? 0 : gamma * pt * Math.pow(q, gamma - 1) * logPt) - Math.pow(q, gamma);
      for (int j = 0; j < z.length; j++) {
        g[j] = grow * ((j == t ? 1 : 0) - p[j]);
      }
      return -Math.pow(q, gamma) * logPt;
    }

    @Override
    public String spec() {
      return "focal(" + gamma + ")";
    }

    @Override
    public boolean classification() {
      return true;
    }
  }

  /** max(0, 1 + max_{j≠t} z_j − z_t) (Crammer–Singer). */
  private static final class Hinge extends PerRow {
    @Override
    double row(double[] z, double[] y, double[] g) {
      int t = argmax(y);
      int other = t == 0 ? 1 : 0;
      for (int j = 0; j < z.length; j++) {
        if (j != t && z[j] > z[other]) {
          other = j;
        }
      }
      java.util.Arrays.fill(g, 0.0);
      double margin = 1 + z[other] - z[t];
      if (margin <= 0) {
        return 0;
      }
      g[other] = 1;
      g[t] = -1;
      return margin;
    }

    @Override
    public String spec() {
      return "hinge";
    }

    @Override
    public boolean classification() {
      return true;
    }
  }

  /** (o − y)². */
  private static final class Mse extends Loss {
    @Override
    double weighted(Matrix o, Matrix y, Matrix w, double total, Matrix grad) {
      Engine e = o.engine();
      e.linear(2, o, -2, y, grad);
      Matrix squares = o.like(o.rows, 1);
      e.affine(grad, 0.5, 0, squares);
      e.map(squares, Engine.Fn.SQUARE, 0, squares);
      scaleRows(grad, w, total);
      return mean(squares, w, total);
    }

    @Override
    public String spec() {
      return "mse";
    }

    @Override
    public boolean classification() {
      return false;
    }
  }

  /** |o − y|. */
  private static final class Mae extends Loss {
    @Override
    double weighted(Matrix o, Matrix y, Matrix w, double total, Matrix grad) {
      Engine e = o.engine();
      Matrix error = o.like(o.rows, 1);
      e.linear(1, o, -1, y, error);
      e.map(error, Engine.Fn.SIGN, 0, grad);
      e.map(error, Engine.Fn.ABS, 0, error);
      scaleRows(grad, w, total);
      return mean(error, w, total);
    }

    @Override
    public String spec() {
      return "mae";
    }

    @Override
    public boolean classification() {
      return false;
    }
  }

  /** ½e² for |e| ≤ δ, δ(|e| − ½δ) beyond. */
  private static final class Huber extends Loss {
    private final double delta;

    Huber(double delta) {
      if (!(delta > 0)) {
        throw new IllegalArgumentException("huber delta must be > 0, got " + delta);
      }
      this.delta = delta;
    }

    @Override
    double weighted(Matrix o, Matrix y, Matrix w, double total, Matrix grad) {
      // with m = min(|e|, δ): loss m·(|e| − m/2), gradient clamp(e, −δ, δ)
      Engine e = o.engine();
      Matrix error = o.like(o.rows, 1);
      e.linear(1, o, -1, y, error);
      e.map(error, Engine.Fn.CLIP, delta, grad);
      e.map(error, Engine.Fn.ABS, 0, error);
      Matrix m = o.like(o.rows, 1);
      e.map(error, Engine.Fn.MIN, delta, m);
      e.linear(1, error, -0.5, m, error);
      e.multiply(m, error, error);
      scaleRows(grad, w, total);
      return mean(error, w, total);
    }

    @Override
    public String spec() {
      return "huber(" + delta + ")";
    }

    @Override
    public boolean classification() {
      return false;
    }
  }
}
