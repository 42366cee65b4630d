package io.sparknn.train;

import io.sparknn.nn.Engine;
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

  /** Sets the number of updates made (Adam's bias correction), e.g. when a fit continues from a saved state. */
  public void steps(long made) {
    steps = made;
  }

  /**
   * The moments of every trainable tensor of {@code params} as floats: for each, its first moment (momentum's
   * velocity) and then its second moment (Nesterov's look-ahead buffer for momentum), zeros before the first step.
   */
  public float[] moments(List<Layer.Param> params) {
    allocate(params);
    int n = 0;
    for (Matrix[] s : state) {
      n += s == null ? 0 : s[0].size() + s[1].size();
    }
    float[] out = new float[n];
    int at = 0;
    for (Matrix[] s : state) {
      if (s != null) {
        for (Matrix m : s) {
          float[] v = m.toFloats();
          System.arraycopy(v, 0, out, at, v.length);
          at += v.length;
        }
      }
    }
    return out;
  }

  /**
   * Loads moments written by {@link #moments} from {@code values} starting at {@code from}; zeros when
   * {@code values} ends at {@code from}.
   */
  public void loadMoments(List<Layer.Param> params, float[] values, int from) {
    allocate(params);
    int at = from;
    for (Matrix[] s : state) {
      if (s != null) {
        for (Matrix m : s) {
          if (at == values.length) {
            m.fill(0);
          } else {
            m.load(values, at);
            at += m.size();
          }
        }
      }
    }
    if (at != values.length && at != from) {
      throw new IllegalArgumentException("the optimizer state holds " + (at - from) + " values, got "
          + (values.length - from));
    }
  }

  private void allocate(List<Layer.Param> params) {
    if (state.isEmpty()) {
      for (Layer.Param p : params) {
        Matrix g = p.grad();
        state.add(p.trainable() ? new Matrix[] {g.engine().persistent(g.rows, g.cols, g.precise()),
            g.engine().persistent(g.rows, g.cols, g.precise())} : null);
      }
    }
  }

  /**
   * One update of every trainable parameter from its gradient (which it modifies) with learning rate {@code lr}.
   * Regularization and weight decay apply to the {@link Layer.Param#regularized() regularized} tensors only. Every
   * operation runs on the parameters' engine; only the gradient norm (a scalar per tensor, when clipNorm is on)
   * crosses to the host.
   */
  public void step(List<Layer.Param> params, double lr) {
    double squares = 0;
    for (Layer.Param p : params) {
      if (!p.trainable()) {
        continue;
      }
      Matrix w = p.value();
      Matrix g = p.grad();
      Engine e = w.engine();
      if (p.regularized() && l2 > 0) {
        e.linear(1, g, l2, w, g);
      }
      if (p.regularized() && l1 > 0) {
        Matrix sign = w.like(w.rows, w.cols);
        e.map(w, Engine.Fn.SIGN, 0, sign);
        e.linear(1, g, l1, sign, g);
      }
      if (clipValue > 0) {
        e.map(g, Engine.Fn.CLIP, clipValue, g);
      }
      if (clipNorm > 0) {
        squares += e.dot(g, g);
      }
    }
    double norm = Math.sqrt(squares);
    double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
    steps++;
    double c1 = 1 - Math.pow(beta1, steps);
    double c2 = 1 - Math.pow(beta2, steps);
    allocate(params);
    for (int t = 0; t < params.size(); t++) {
      Layer.Param p = params.get(t);
      if (!p.trainable()) {
        continue;
      }
      Matrix w = p.value();
      Matrix g = p.grad();
      Matrix m = state.get(t)[0];
      Engine e = w.engine();
      double keep = 1 - (method.equals("adamw") && p.regularized() ? lr * weightDecay : 0);
      switch (method) {
        case "sgd" -> e.linear(keep, w, -lr * scale, g, w);
        case "momentum" -> {
          e.linear(momentum, m, scale, g, m); // v = μ·v + g
          if (nesterov) {
            Matrix look = state.get(t)[1];
            e.linear(scale, g, momentum, m, look); // g + μ·v
            e.linear(keep, w, -lr, look, w);
          } else {
            e.linear(keep, w, -lr, m, w);
          }
        }
        default -> e.adam(w, g, m, state.get(t)[1], new Engine.AdamStep(scale, beta1, beta2, lr / c1,
            1 / Math.sqrt(c2), epsilon, keep));
      }
    }
  }
}
