package io.sparknn.nn;

import java.io.Serializable;

/**
 * A training loss over a batch of network outputs: the weighted mean {@code Σ wᵢ·ℓᵢ / Σ wᵢ} and its gradient with
 * respect to the outputs. Classification losses take logits and one-hot targets: {@code crossEntropy} (softmax,
 * with label smoothing), {@code focal(γ)} (default γ 2) and {@code hinge} (multi-class Crammer–Singer; with two
 * classes, the binary hinge on the logit margin). Regression losses take one output per row: {@code mse},
 * {@code mae}, {@code huber(δ)} (default δ 1). Computed in double precision on the (small) output layer.
 */
public abstract class Loss implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Classification loss names. */
  public static final String[] CLASSIFICATION = {"crossEntropy", "focal", "hinge"};
  /** Regression loss names. */
  public static final String[] REGRESSION = {"mse", "mae", "huber"};

  /**
   * Returns the weighted mean loss of {@code out} against {@code target} and writes d(loss)/d(out) into
   * {@code grad} (same shape as {@code out}). Rows with weight 0 contribute nothing.
   */
  public double compute(double[][] out, double[][] target, double[] weight, double[][] grad) {
    double total = 0;
    for (double w : weight) {
      total += w;
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("the batch's weights sum to " + total + "; at least one must be > 0");
    }
    double loss = 0;
    for (int i = 0; i < out.length; i++) {
      double scale = weight[i] / total;
      loss += scale * row(out[i], target[i], grad[i]);
      for (int j = 0; j < grad[i].length; j++) {
        grad[i][j] *= scale;
      }
    }
    return loss;
  }

  /** The loss of one row; writes its unweighted gradient into {@code g}. */
  abstract double row(double[] out, double[] target, double[] g);

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
    double row(double[] z, double[] y, double[] g) {
      double[] p = softmax(z);
      double loss = 0;
      for (int j = 0; j < z.length; j++) {
        double target = (1 - smoothing) * y[j] + smoothing / z.length;
        loss -= target * Math.log(Math.max(p[j], Double.MIN_NORMAL));
        g[j] = p[j] - target;
      }
      return loss;
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
  private static final class Focal extends Loss {
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
  private static final class Hinge extends Loss {
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
    double row(double[] o, double[] y, double[] g) {
      double e = o[0] - y[0];
      g[0] = 2 * e;
      return e * e;
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
    double row(double[] o, double[] y, double[] g) {
      double e = o[0] - y[0];
      g[0] = Math.signum(e);
      return Math.abs(e);
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
    double row(double[] o, double[] y, double[] g) {
      double e = o[0] - y[0];
      if (Math.abs(e) <= delta) {
        g[0] = e;
        return 0.5 * e * e;
      }
      g[0] = delta * Math.signum(e);
      return delta * (Math.abs(e) - 0.5 * delta);
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
