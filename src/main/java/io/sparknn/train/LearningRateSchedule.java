package io.sparknn.train;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
  private static final Pattern SPEC = Pattern.compile("([a-zA-Z]+)(?:\\(([^)]*)\\))?");

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
    Matcher m = SPEC.matcher(spec == null ? "" : spec.replace(" ", ""));
    if (!m.matches()) {
      throw new IllegalArgumentException("learning rate schedule '" + spec + "' is not of the form name or"
          + " name(numbers); supported: " + String.join(", ", NAMES));
    }
    double[] a = m.group(2) == null || m.group(2).isEmpty() ? new double[0]
        : java.util.Arrays.stream(m.group(2).split(",")).mapToDouble(Double::parseDouble).toArray();
    String name = m.group(1).toLowerCase(Locale.ROOT);
    double[] args = switch (name) {
      case "constant" -> expect(spec, a, 0, new double[0]);
      case "step" -> expect(spec, a, 2, null);
      case "exponential" -> expect(spec, a, 1, null);
      case "cosine" -> expect(spec, a, 1, new double[] {0.0});
      case "cyclic" -> expect(spec, a, 2, null);
      case "onecycle" -> expect(spec, a, 1, new double[] {0.3});
      default -> throw new IllegalArgumentException("unknown learning rate schedule '" + m.group(1)
          + "'; supported: " + String.join(", ", NAMES));
    };
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
    }
    return new LearningRateSchedule(name, args, warmupSteps);
  }

  private static double[] expect(String spec, double[] a, int n, double[] defaults) {
    if (a.length == n) {
      return a;
    }
    if (a.length == 0 && defaults != null) {
      return defaults;
    }
    throw new IllegalArgumentException("learning rate schedule '" + spec + "' needs " + n + " number"
        + (n == 1 ? "" : "s") + (defaults != null && n > 0 ? " (or none for the default)" : ""));
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
