package io.sparknn.nn;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An element-wise activation with its derivative. Specs: {@code sigmoid}, {@code tanh}, {@code relu},
 * {@code leakyRelu(α)} (default α 0.01), {@code elu(α)} (default 1), {@code gelu} (the tanh approximation),
 * {@code swish(β)} (x·σ(βx), default β 1). PReLU has a learned slope and is a layer, not an activation.
 */
public abstract class Activation implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Every activation name accepted by {@link #parse}. */
  public static final String[] NAMES = {"sigmoid", "tanh", "relu", "leakyRelu", "elu", "gelu", "swish"};

  /** The activation of {@code z} (a new array). */
  public abstract INDArray forward(INDArray z);

  /** dL/dz given the pre-activation {@code z} and dL/da (a new array). */
  public abstract INDArray backward(INDArray z, INDArray gradOut);

  /** The spec this activation was parsed from, e.g. {@code leakyRelu(0.01)}. */
  public abstract String spec();

  /** True for the ReLU family, which He initialization suits; the rest get Xavier by default. */
  public boolean reluLike() {
    return false;
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

  private static final class Sigmoid extends Activation {
    @Override
    public INDArray forward(INDArray z) {
      return Transforms.sigmoid(z, true);
    }

    @Override
    public INDArray backward(INDArray z, INDArray g) {
      INDArray s = Transforms.sigmoid(z, true);
      return s.mul(s.rsub(1.0)).muli(g);
    }

    @Override
    public String spec() {
      return "sigmoid";
    }
  }

  private static final class Tanh extends Activation {
    @Override
    public INDArray forward(INDArray z) {
      return Transforms.tanh(z, true);
    }

    @Override
    public INDArray backward(INDArray z, INDArray g) {
      INDArray t = Transforms.tanh(z, true);
      return t.muli(t).rsubi(1.0).muli(g);
    }

    @Override
    public String spec() {
      return "tanh";
    }
  }

  /** max(x, αx) for 0 ≤ α; α = 0 is ReLU. */
  private static final class LeakyRelu extends Activation {
    private final double alpha;
    private final String spec;

    LeakyRelu(double alpha, String spec) {
      if (alpha < 0 || alpha >= 1) {
        throw new IllegalArgumentException("leakyRelu slope must be in [0, 1), got " + alpha);
      }
      this.alpha = alpha;
      this.spec = spec == null ? "leakyRelu(" + alpha + ")" : spec;
    }

    @Override
    public INDArray forward(INDArray z) {
      INDArray positive = z.gt(0).castTo(z.dataType());
      return z.mul(positive.mul(1 - alpha).addi(alpha));
    }

    @Override
    public INDArray backward(INDArray z, INDArray g) {
      return z.gt(0).castTo(z.dataType()).muli(1 - alpha).addi(alpha).muli(g);
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
      if (!(alpha > 0)) {
        throw new IllegalArgumentException("elu alpha must be > 0, got " + alpha);
      }
      this.alpha = alpha;
    }

    @Override
    public INDArray forward(INDArray z) {
      INDArray positive = z.gt(0).castTo(z.dataType());
      INDArray negative = Transforms.exp(Transforms.min(z, 0.0, true), false).subi(1.0).muli(alpha);
      return z.mul(positive).addi(negative.muli(positive.rsub(1.0)));
    }

    @Override
    public INDArray backward(INDArray z, INDArray g) {
      INDArray positive = z.gt(0).castTo(z.dataType());
      INDArray negative = Transforms.exp(Transforms.min(z, 0.0, true), false).muli(alpha);
      return positive.add(negative.muli(positive.rsub(1.0))).muli(g);
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
    private static final double C = Math.sqrt(2 / Math.PI);

    private static INDArray inner(INDArray z) {
      return z.mul(z).muli(z).muli(0.044715).addi(z).muli(C);
    }

    @Override
    public INDArray forward(INDArray z) {
      return Transforms.tanh(inner(z), false).addi(1.0).muli(z).muli(0.5);
    }

    @Override
    public INDArray backward(INDArray z, INDArray g) {
      INDArray t = Transforms.tanh(inner(z), false);
      INDArray dInner = z.mul(z).muli(3 * 0.044715).addi(1.0).muli(C);
      // d/dx = 0.5(1 + t) + 0.5·x·(1 − t²)·inner'(x)
      INDArray second = t.mul(t).rsubi(1.0).muli(dInner).muli(z).muli(0.5);
      return t.addi(1.0).muli(0.5).addi(second).muli(g);
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
      this.beta = beta;
    }

    @Override
    public INDArray forward(INDArray z) {
      return Transforms.sigmoid(z.mul(beta), false).muli(z);
    }

    @Override
    public INDArray backward(INDArray z, INDArray g) {
      INDArray s = Transforms.sigmoid(z.mul(beta), false);
      // d/dx = σ(βx) + βx·σ(βx)(1 − σ(βx))
      INDArray second = s.rsub(1.0).muli(s).muli(z).muli(beta);
      return s.addi(second).muli(g);
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
