package io.sparknn.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed component spec — a name with optional numbers, as in {@code relu}, {@code leakyRelu(0.1)} or
 * {@code step(1000, 0.5)} — shared by activations, losses and learning-rate schedules. The name is lower-cased for
 * matching; messages quote the text as given.
 */
public record Spec(String text, String what, String name, double[] args) {
  private static final Pattern FORM = Pattern.compile("([a-zA-Z][a-zA-Z0-9]*)(?:\\(([^)]*)\\))?");

  /** Parses {@code text}; {@code what} ("activation", "loss", ...) and {@code supported} go into messages. */
  public static Spec parse(String text, String what, String supported) {
    Matcher m = FORM.matcher(text == null ? "" : text.replace(" ", ""));
    IllegalArgumentException bad = new IllegalArgumentException(what + " '" + text + "' is not of the form name"
        + " or name(numbers); supported: " + supported);
    if (!m.matches()) {
      throw bad;
    }
    double[] args;
    try {
      args = m.group(2) == null || m.group(2).isEmpty() ? new double[0]
          : Arrays.stream(m.group(2).split(",")).mapToDouble(Double::parseDouble).toArray();
    } catch (NumberFormatException e) {
      throw bad;
    }
    return new Spec(text, what, m.group(1).toLowerCase(Locale.ROOT), args);
  }

  /** The error for a name that is not supported. */
  public IllegalArgumentException unknown(String supported) {
    return new IllegalArgumentException("unknown " + what + " '" + text + "'; supported: " + supported);
  }

  /** Returns {@code component}, built for a name that takes no numbers; fails if numbers were given. */
  public <T> T none(T component) {
    if (args.length > 0) {
      throw new IllegalArgumentException(what + " '" + name + "' takes no argument (got " + text + ")");
    }
    return component;
  }

  /** The one optional number, or {@code dflt} when none is given. */
  public double arg(double dflt) {
    return expect(1, new double[] {dflt})[0];
  }

  /** Exactly {@code n} numbers, or {@code defaults} when none are given (null: the numbers are required). */
  public double[] expect(int n, double[] defaults) {
    if (args.length == n) {
      return args.clone();
    }
    if (args.length == 0 && defaults != null) {
      return defaults;
    }
    throw new IllegalArgumentException(what + " '" + text + "' needs " + n + " number" + (n == 1 ? "" : "s")
        + (defaults != null ? " (or none for the default)" : ""));
  }
}
