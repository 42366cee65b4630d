package io.sparknn.nn;

import java.io.Serializable;

/**
 * An element-wise activation with its derivative. Specs: {@code sigmoid}, {@code tanh}, {@code relu},
 * {@code leakyRelu(α)} (default α 0.01), {@code elu(α)} (default 1), {@code gelu} (the tanh approximation),
 * {@code swish(β)} (x·σ(βx), default β 1). {@code prelu} (a learned slope per unit) is a layer with parameters:
 * see {@link Architecture}.
 */
public abstract class Activation implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Every activation name accepted by {@link #parse}. */
  public static final String[] NAMES = {"sigmoid", "tanh", "relu", "leakyRelu", "elu", "gelu", "swish"};

  /** The activation of one value. */
  public abstract double apply(double z);

  /** d(activation)/dz at {@code z}, where {@code a} = apply(z). */
  public abstract double derivative(double z, double a);

  /** The spec this activation was parsed from, e.g. {@code leakyRelu(0.01)}. */
  public abstract String spec();

  /** True for the ReLU family, which He initialization suits; the rest get Xavier by default. */
  public boolean reluLike() {
    return false;
  }

  /** The function family, which each {@link Engine} maps to its own kernels. */
  public enum Kind {
    /** 1/(1 + e⁻ˣ). */
    SIGMOID,
    /** tanh x. */
    TANH,
    /** max(x, αx); α = 0 is ReLU. */
    LEAKY_RELU,
    /** x for x > 0, α(eˣ − 1) otherwise. */
    ELU,
    /** the tanh approximation of GELU. */
    GELU,
    /** x·σ(βx). */
    SWISH
  }

  private final Kind kind;
  private final double parameter;

  Activation(Kind kind, double parameter) {
    this.kind = kind;
    this.parameter = parameter;
  }

  /** This activation's family. */
  public Kind kind() {
    return kind;
  }

  /** The family's parameter (α of leakyRelu and elu, β of swish; 0 where there is none). */
  public double parameter() {
    return parameter;
  }

  /** Writes apply(z) into {@code out} (same shape) on z's engine. */
  public void forward(Matrix z, Matrix out) {
    z.engine().activate(this, z, out);
  }

  /** Writes dL/dz = dL/da · a'(z) into {@code out}, given z, a = apply(z) and dL/da, on z's engine. */
  public void backward(Matrix z, Matrix a, Matrix gradOut, Matrix out) {
    z.engine().activateBackward(this, z, a, gradOut, out);
  }

  @Override
  public String toString() {
    return spec();
  }

  /** Parses a spec such as {@code relu}, {@code leakyRelu(0.1)} or {@code swish(1.5)}. */
  public static Activation parse(String spec) {
    Spec s = Spec.parse(spec, "activation", String.join(", ", NAMES));
    return switch (s.name()) {
      case "sigmoid" -> s.none(new Sigmoid());
      case "tanh" -> s.none(new Tanh());
      case "relu" -> s.none(new LeakyRelu(0.0, "relu"));
      case "leakyrelu" -> new LeakyRelu(s.arg(0.01), null);
      case "elu" -> new Elu(s.arg(1.0));
      case "gelu" -> s.none(new Gelu());
      case "swish" -> new Swish(s.arg(1.0));
      default -> throw s.unknown(String.join(", ", NAMES));
    };
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /**
   * tanh through the JIT's exp intrinsic, 1 − 2/(e^{2z} + 1), with a Taylor series near 0 where that formula would
   * cancel: within 1e-15 of Math.tanh, and several times faster (Math.tanh is not an intrinsic; it was ~40 % of an
   * LSTM's forward pass here).
   */
  static double tanh(double z) {
    if (Math.abs(z) < 1e-3) {
      double z2 = z * z;
      return z * (1 - z2 / 3 + 2 * z2 * z2 / 15);
    }
    return 1 - 2 / (Math.exp(2 * z) + 1);
  }

  private static final class Sigmoid extends Activation {
    Sigmoid() {
      super(Kind.SIGMOID, 0);
    }
    @Override
    public double apply(double z) {
      return sigmoid(z);
    }

    @Override
    public double derivative(double z, double a) {
      return a * (1 - a);
    }

    @Override
    public String spec() {
      return "sigmoid";
    }
  }

  private static final class Tanh extends Activation {
    Tanh() {
      super(Kind.TANH, 0);
    }
    @Override
    public double apply(double z) {
      return tanh(z);
    }

    @Override
    public double derivative(double z, double a) {
      return 1 - a * a;
    }

    @Override
    public String spec() {
      return "tanh";
    }
  }

  /** max(x, αx) for 0 ≤ α < 1; α = 0 is ReLU. */
  private static final class LeakyRelu extends Activation {
    private final double alpha;
    private final String spec;

    LeakyRelu(double alpha, String spec) {
      super(Kind.LEAKY_RELU, alpha);
      if (alpha < 0 || alpha >= 1) {
        throw new IllegalArgumentException("leakyRelu slope must be in [0, 1), got " + alpha);
      }
      this.alpha = alpha;
      this.spec = spec == null ? "leakyRelu(" + alpha + ")" : spec;
    }

    @Override
    public double apply(double z) {
      return z > 0 ? z : alpha * z;
    }

    @Override
    public double derivative(double z, double a) {
      return z > 0 ? 1 : alpha;
    }

    @Override
    public boolean reluLike() {
      return true;
    }

    @Override
    public String spec() {
      return spec;
    }
  }

  /** x for x > 0, α(eˣ − 1) otherwise. */
  private static final class Elu extends Activation {
    private final double alpha;

    Elu(double alpha) {
      super(Kind.ELU, alpha);
      if (!(alpha > 0)) {
        throw new IllegalArgumentException("elu alpha must be > 0, got " + alpha);
      }
      this.alpha = alpha;
    }

    @Override
    public double apply(double z) {
      return z > 0 ? z : alpha * Math.expm1(z);
    }

    @Override
    public double derivative(double z, double a) {
      return z > 0 ? 1 : a + alpha;
    }

    @Override
    public boolean reluLike() {
      return true;
    }

    @Override
    public String spec() {
      return "elu(" + alpha + ")";
    }
  }

  /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the tanh approximation of GELU. */
  private static final class Gelu extends Activation {
    Gelu() {
      super(Kind.GELU, 0);
    }
    private static final double C = Math.sqrt(2 / Math.PI);

    @Override
    public double apply(double z) {
      return 0.5 * z * (1 + tanh(C * (z + 0.044715 * z * z * z)));
    }

    @Override
    public double derivative(double z, double a) {
      double t = tanh(C * (z + 0.044715 * z * z * z));
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * C * (1 + 3 * 0.044715 * z * z);
    }

    @Override
    public boolean reluLike() {
      return true;
    }

    @Override
    public String spec() {
      return "gelu";
    }
  }

  /** x·σ(βx). */
  private static final class Swish extends Activation {
    private final double beta;

    Swish(double beta) {
      super(Kind.SWISH, beta);
      this.beta = beta;
    }

    @Override
    public double apply(double z) {
      return z * sigmoid(beta * z);
    }

    @Override
    public double derivative(double z, double a) {
      double s = sigmoid(beta * z);
      return s + beta * z * s * (1 - s);
    }

    @Override
    public boolean reluLike() {
      return true;
    }

    @Override
    public String spec() {
      return "swish(" + beta + ")";
    }
  }
}
