package io.sparknn.train;

import io.sparknn.nn.Layer;
import io.sparknn.nn.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Updates a network's parameters from their gradients, in place. Before the update the gradient gets the
 * regularization terms ({@code l1}·sign(w) and {@code l2}·w, on weights only) and is clipped, by value to
 * [−clipValue, clipValue] and then by the global norm over all tensors to at most clipNorm (0 = off). Methods:
 * <ul>
 *   <li>{@code sgd}: w −= lr·g</li>
 *   <li>{@code momentum}: v = μ·v + g; w −= lr·v, or with Nesterov w −= lr·(g + μ·v)</li>
 *   <li>{@code adam}: bias-corrected first and second moments (β₁, β₂, ε)</li>
 *   <li>{@code adamw}: Adam plus decoupled weight decay w −= lr·weightDecay·w (weights only)</li>
 * </ul>
 */
public final class Optimizer {
  /** Every method accepted by the constructor. */
  public static final String[] METHODS = {"sgd", "momentum", "adam", "adamw"};

  private final String method;
  private final double momentum;
  private final boolean nesterov;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final double l1;
  private final double l2;
  private final double clipValue;
  private final double clipNorm;
  private final List<Matrix[]> state = new ArrayList<>();
  private long steps;

  /** An optimizer; parameters that a method does not use are ignored. */
  public Optimizer(String method, double momentum, boolean nesterov, double beta1, double beta2, double epsilon,
      double weightDecay, double l1, double l2, double clipValue, double clipNorm) {
    this.method = method.toLowerCase(Locale.ROOT);
    if (!java.util.Arrays.asList(METHODS).contains(this.method)) {
      throw new IllegalArgumentException("unknown optimizer '" + method + "'; supported: "
          + String.join(", ", METHODS));
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.l1 = l1;
    this.l2 = l2;
    this.clipValue = clipValue;
    this.clipNorm = clipNorm;
  }

  /** Number of updates made. */
  public long steps() {
    return steps;
  }

  /**
   * One update of every trainable parameter from its gradient (which it modifies) with learning rate {@code lr}.
   * Regularization and weight decay apply to the {@link Layer.Param#regularized() regularized} tensors only.
   */
  public void step(List<Layer.Param> params, double lr) {
    double squares = 0;
    boolean adjust = l1 > 0 || l2 > 0 || clipValue > 0 || clipNorm > 0;
    for (Layer.Param p : params) {
      if (!p.trainable() || !adjust) {
        continue;
      }
      Matrix w = p.value();
      Matrix g = p.grad();
      for (int i = 0; i < g.size(); i++) {
        double v = g.get(i);
        if (p.regularized()) {
          v += l2 * w.get(i) + l1 * Math.signum(w.get(i));
        }
        if (clipValue > 0) {
          v = Math.max(-clipValue, Math.min(clipValue, v));
        }
        g.set(i, v);
        squares += v * v;
      }
    }
    double norm = Math.sqrt(squares);
    double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
    steps++;
    double c1 = 1 - Math.pow(beta1, steps);
    double c2 = 1 - Math.pow(beta2, steps);
    if (state.isEmpty()) {
      for (Layer.Param p : params) {
        state.add(p.trainable() ? new Matrix[] {p.grad().like(p.grad().rows, p.grad().cols),
            p.grad().like(p.grad().rows, p.grad().cols)} : null);
      }
    }
    for (int t = 0; t < params.size(); t++) {
      Layer.Param p = params.get(t);
      if (!p.trainable()) {
        continue;
      }
      Matrix w = p.value();
      Matrix g = p.grad();
      Matrix m = state.get(t)[0];
      Matrix v = state.get(t)[1];
      double decay = method.equals("adamw") && p.regularized() ? lr * weightDecay : 0;
      if (method.startsWith("adam") && w.floats() != null) {
        adamFloat(w.floats(), g.floats(), m.floats(), v.floats(), scale, lr, decay, c1, c2);
        continue;
      }
      for (int i = 0; i < w.size(); i++) {
        double gi = g.get(i) * scale;
        double update = switch (method) {
          case "sgd" -> gi;
          case "momentum" -> {
            double vi = momentum * m.get(i) + gi;
            m.set(i, vi);
            yield nesterov ? gi + momentum * vi : vi;
          }
          default -> {
            double mi = beta1 * m.get(i) + (1 - beta1) * gi;
            double si = beta2 * v.get(i) + (1 - beta2) * gi * gi;
            m.set(i, mi);
            v.set(i, si);
            yield mi / c1 / (Math.sqrt(si / c2) + epsilon);
          }
        };
        w.set(i, w.get(i) - decay * w.get(i) - lr * update);
      }
    }
  }

  /** Float values below this are flushed to 0 (Float.MIN_NORMAL is 1.2e-38; subnormals are slow on x86). */
  static final float TINY = 1e-30f;

  /** The Adam update on float arrays, in one tight loop (the general loop above reads through {@link Matrix}). */
  private void adamFloat(float[] w, float[] g, float[] m, float[] v, double scale, double lr, double decay,
      double c1, double c2) {
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float gs = (float) scale;
    float step = (float) (lr / c1);
    float root = (float) (1 / Math.sqrt(c2));
    float eps = (float) epsilon;
    float keep = (float) (1 - decay);
    for (int i = 0; i < w.length; i++) {
      float gi = g[i] * gs;
      float mi = b1 * m[i] + (1 - b1) * gi;
      float si = b2 * v[i] + (1 - b2) * (Math.abs(gi) < 1e-18f ? 0f : gi * gi);
      // squares and moments that decay towards 0 become subnormal floats, which cost ~100 cycles per operation: flush them
      m[i] = Math.abs(mi) < TINY ? 0f : mi;
      v[i] = si < TINY ? 0f : si;
      w[i] = keep * w[i] - step * mi / ((float) Math.sqrt(si) * root + eps);
    }
  }

}
