package io.sparknn.train;

import java.io.Serializable;
import io.sparknn.nn.Spec;

/**
 * The learning rate at each optimizer step, from the base rate {@code lr}. Specs (steps count from 0, T = total
 * steps after warmup, t = step after warmup):
 * <ul>
 *   <li>{@code constant}: lr</li>
 *   <li>{@code step(n, γ)}: lr·γ^⌊t/n⌋</li>
 *   <li>{@code exponential(γ)}: lr·γ^t</li>
 *   <li>{@code cosine(f)}: lr·(f + (1 − f)·(1 + cos(π·t/T))/2), annealing to f·lr (default f 0)</li>
 *   <li>{@code cyclic(n, m)}: triangular between lr and m·lr with half-period n steps</li>
 *   <li>{@code oneCycle(p)}: from lr/25 up to lr over the first p·T steps, then down to lr/25/10⁴, both on a
 *       cosine (default p 0.3), as PyTorch's OneCycleLR</li>
 * </ul>
 * With {@code warmupSteps} w > 0 the first w steps ramp linearly to the schedule's first value:
 * {@code (s + 1)/w · schedule(0)}; the schedule then runs on t = s − w over T = total − w steps.
 */
public final class LearningRateSchedule implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Every schedule name accepted by {@link #parse}. */
  public static final String[] NAMES = {"constant", "step", "exponential", "cosine", "cyclic", "oneCycle"};

  private final String name;
  private final double[] args;
  private final long warmup;

  private LearningRateSchedule(String name, double[] args, long warmup) {
    this.name = name;
    this.args = args;
    this.warmup = warmup;
  }

  /** Parses a spec such as {@code cosine}, {@code step(1000, 0.5)} or {@code oneCycle(0.25)}. */
  public static LearningRateSchedule parse(String spec, long warmupSteps) {
    Spec s = Spec.parse(spec, "learning rate schedule", String.join(", ", NAMES));
    double[] args = switch (s.name()) {
      case "constant" -> s.expect(0, new double[0]);
      case "step", "cyclic" -> s.expect(2, null);
      case "exponential" -> s.expect(1, null);
      case "cosine" -> s.expect(1, new double[] {0.0});
      case "onecycle" -> s.expect(1, new double[] {0.3});
      default -> throw s.unknown(String.join(", ", NAMES));
    };
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
    }
    return new LearningRateSchedule(s.name(), args, warmupSteps);
  }

  /** The learning rate at {@code step} (0-based) of {@code totalSteps}, for base rate {@code lr}. */
  public double at(long step, long totalSteps, double lr) {
    if (step < warmup) {
      return (step + 1) / (double) warmup * after(0, Math.max(1, totalSteps - warmup), lr);
    }
    return after(step - warmup, Math.max(1, totalSteps - warmup), lr);
  }

  private double after(long t, long total, double lr) {
    return switch (name) {
      case "constant" -> lr;
      case "step" -> lr * Math.pow(args[1], Math.floor(t / args[0]));
      case "exponential" -> lr * Math.pow(args[0], t);
      case "cosine" -> lr * (args[0] + (1 - args[0]) * (1 + Math.cos(Math.PI * Math.min(t, total) / total)) / 2);
      case "cyclic" -> {
        double phase = (t % (2 * args[0])) / args[0]; // 0..2
        double up = phase <= 1 ? phase : 2 - phase;
        yield lr + (args[1] * lr - lr) * up;
      }
      default -> { // oneCycle
        double start = lr / 25;
        double end = start / 1e4;
        double peak = Math.max(1, Math.floor(args[0] * total));
        if (t < peak) {
          yield start + (lr - start) * (1 - Math.cos(Math.PI * t / peak)) / 2;
        }
        double frac = Math.min(1.0, (t - peak) / Math.max(1, total - peak));
        yield end + (lr - end) * (1 + Math.cos(Math.PI * frac)) / 2;
      }
    };
  }

  @Override
  public String toString() {
    return name + (args.length == 0 ? "" : java.util.Arrays.toString(args)) + (warmup > 0 ? " after " + warmup
        + " warmup steps" : "");
  }
}
