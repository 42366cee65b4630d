package io.sparknn.nn;

import java.util.List;
import java.util.Random;

/**
 * One differentiable step of a {@link Network}: {@link #forward} maps a batch (rows × inputs) to rows ×
 * {@link #outputs()} and keeps what {@link #backward} needs; {@code backward} turns d(loss)/d(output) into the
 * gradients of its {@link Param}s and, when asked, d(loss)/d(input). New layer kinds (convolution, recurrence,
 * attention) implement these three methods and plug into the same network, trainer and optimizer.
 */
public abstract class Layer {
  /** Whether a forward pass trains (dropout on, batch statistics) and the random source for it. */
  public record Pass(boolean training, Random rng) {
    /** The inference pass: deterministic, no dropout, running statistics. */
    public static final Pass INFERENCE = new Pass(false, null);
  }

  /**
   * A parameter tensor with its gradient. State that is saved but not trained (BatchNorm's running statistics)
   * has a null gradient; {@code regularized} marks weights that L1/L2/weight decay apply to (not biases, gains).
   */
  public record Param(String name, Matrix value, Matrix grad, boolean regularized) {
    /** True when the optimizer updates it. */
    public boolean trainable() {
      return grad != null;
    }
  }

  /** Width of the output. */
  public abstract int outputs();

  /**
   * Values this layer holds per batch row in a forward pass (output plus working buffers such as gathered
   * windows or per-step states): what bounds the rows of one scoring batch.
   */
  public int workingValues() {
    return outputs();
  }

  /** Parameters and state, in a fixed order (the order they are saved in). */
  public List<Param> params() {
    return List.of();
  }

  /** The output for batch {@code x}. */
  public abstract Matrix forward(Matrix x, Pass pass);

  /**
   * Back-propagates through the last training forward pass: writes the parameter gradients and returns
   * d(loss)/d(input), or null when {@code inputGradient} is false.
   */
  public abstract Matrix backward(Matrix gradOut, boolean inputGradient);
}
