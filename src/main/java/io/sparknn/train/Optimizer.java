package io.sparknn.train;

import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Updates a flat parameter vector from its flat gradient, in place. Before the update the gradient gets the
 * regularization terms ({@code l1}·sign(w) and {@code l2}·w, on weights only) and is clipped, by value to
 * [−clipValue, clipValue] and then by norm to at most clipNorm (0 = off). Methods:
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
  private INDArray first;
  private INDArray second;
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
   * One update of {@code params} from {@code grads} (which it modifies) with learning rate {@code lr};
   * {@code weightMask} is 1 on weights and 0 on biases.
   */
  public void step(INDArray params, INDArray grads, double lr, INDArray weightMask) {
    if (l2 > 0) {
      grads.addi(params.mul(weightMask).muli(l2));
    }
    if (l1 > 0) {
      grads.addi(Transforms.sign(params, true).muli(weightMask).muli(l1));
    }
    if (clipValue > 0) {
      Transforms.min(Transforms.max(grads, -clipValue, false), clipValue, false);
    }
    if (clipNorm > 0) {
      double norm = grads.norm2Number().doubleValue();
      if (norm > clipNorm) {
        grads.muli(clipNorm / norm);
      }
    }
    steps++;
    switch (method) {
      case "sgd" -> params.subi(grads.mul(lr));
      case "momentum" -> {
        if (first == null) {
          first = grads.like();
        }
        first.muli(momentum).addi(grads);
        params.subi((nesterov ? grads.add(first.mul(momentum)) : first).mul(lr));
      }
      default -> {
        if (first == null) {
          first = grads.like();
          second = grads.like();
        }
        first.muli(beta1).addi(grads.mul(1 - beta1));
        second.muli(beta2).addi(grads.mul(grads).muli(1 - beta2));
        double c1 = 1 - Math.pow(beta1, steps);
        double c2 = 1 - Math.pow(beta2, steps);
        INDArray denominator = Transforms.sqrt(second.div(c2), false).addi(epsilon);
        if (method.equals("adamw") && weightDecay > 0) {
          params.subi(params.mul(weightMask).muli(lr * weightDecay));
        }
        params.subi(first.div(c1).divi(denominator).muli(lr));
      }
    }
  }
}
