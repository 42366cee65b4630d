package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A network body written as one String, e.g. {@code "conv2d(32,3,1,1) relu maxpool(2) conv2d(64,3,1,1) relu
 * maxpool(2) flatten dense(128) relu dropout(0.3)"} or {@code "bilstm(64) last dense(64) relu"}: tokens separated
 * by spaces (or commas outside parentheses), each a name with optional numbers. The output layer is added after
 * the stack (flattening first when the stack ends on positions). Tokens:
 * <ul>
 *   <li>{@code conv2d(filters, kernel[, stride, padding, dilation])} on images; {@code conv1d(...)} on sequences
 *   (kernel over time steps); stride 1, padding 0, dilation 1 by default</li>
 *   <li>{@code maxpool(k[, stride])}, {@code avgpool(k[, stride])}: k × k windows (k steps), stride k by default</li>
 *   <li>{@code globalavgpool} (or {@code mean}), {@code globalmaxpool} (or {@code max}): over every position;
 *   {@code last}: the last time step (for a bidirectional layer: the forward state at the last step and the
 *   backward state at the first, each direction's final state); {@code flatten}</li>
 *   <li>{@code rnn(h)}, {@code gru(h)}, {@code lstm(h)} and {@code birnn(h)}, {@code bigru(h)}, {@code bilstm(h)}:
 *   recurrent layers over a sequence, output at every step</li>
 *   <li>{@code dense(n)}: on a flat input a fully connected layer; on positions it applies to each position (like
 *   Keras and PyTorch); {@code batchnorm} (per channel on positions), {@code layernorm} (per position),
 *   {@code dropout(rate)}, {@code prelu} and every activation ({@code relu}, {@code tanh}, {@code leakyRelu(0.1)},
 *   …)</li>
 * </ul>
 */
public final class LayerStack {
  /** The token names, for messages and docs. */
  public static final String TOKENS = "conv2d(filters,kernel[,stride,padding,dilation]), conv1d(...), maxpool(k[,"
      + "stride]), avgpool(k[,stride]), globalavgpool, globalmaxpool, mean, max, last, flatten, rnn(h), gru(h),"
      + " lstm(h), birnn(h), bigru(h), bilstm(h), dense(n), batchnorm, layernorm, dropout(rate), prelu, "
      + String.join(", ", Activation.NAMES);

  private LayerStack() {}

  /** The tokens of {@code spec}: split on spaces and on commas outside parentheses. */
  static List<String> tokens(String spec) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int depth = 0;
    for (char ch : (spec == null ? "" : spec).toCharArray()) {
      depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
      if (depth == 0 && (Character.isWhitespace(ch) || ch == ',')) {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      } else if (!Character.isWhitespace(ch)) {
        cur.append(ch);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  /**
   * Checks the syntax of {@code spec} (names and counts of numbers, not shapes): throws a message that quotes the
   * bad token and its position.
   */
  public static void check(String spec) {
    List<String> tokens = tokens(spec);
    for (int i = 0; i < tokens.size(); i++) {
      parse(spec, tokens, i);
    }
  }

  private static final String[][] FORMS = {
      {"conv2d", "2", "5"}, {"conv1d", "2", "5"}, {"maxpool", "1", "2"}, {"avgpool", "1", "2"},
      {"globalavgpool", "0", "0"}, {"globalmaxpool", "0", "0"}, {"mean", "0", "0"}, {"max", "0", "0"},
      {"last", "0", "0"}, {"flatten", "0", "0"}, {"rnn", "1", "1"}, {"gru", "1", "1"}, {"lstm", "1", "1"},
      {"birnn", "1", "1"}, {"bigru", "1", "1"}, {"bilstm", "1", "1"}, {"dense", "1", "1"}, {"batchnorm", "0", "0"},
      {"layernorm", "0", "0"}, {"dropout", "1", "1"}, {"prelu", "0", "0"}};

  private static Spec parse(String spec, List<String> tokens, int i) {
    String token = tokens.get(i);
    String where = "layers '" + spec + "': token " + (i + 1) + " '" + token + "'";
    Spec s;
    try {
      s = Spec.parse(token, "layer", TOKENS);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is not of the form name or name(numbers); tokens: " + TOKENS);
    }
    for (String[] f : FORMS) {
      if (f[0].equals(s.name())) {
        int min = Integer.parseInt(f[1]);
        int max = Integer.parseInt(f[2]);
        if (s.args().length < min || s.args().length > max) {
          throw new IllegalArgumentException(where + " takes " + (min == max ? min : min + " to " + max)
              + " numbers, got " + s.args().length);
        }
        for (double a : s.args()) {
          boolean rate = s.name().equals("dropout");
          if (rate ? !(a >= 0 && a < 1) : !(a == Math.rint(a) && a >= 0 && a <= 1 << 20)) {
            throw new IllegalArgumentException(where + ": " + (rate ? "the rate must be in [0, 1)"
                : "sizes must be whole numbers >= 0") + ", got " + a);
          }
        }
        return s;
      }
    }
    try {
      Activation.parse(token);
      return s;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is unknown; tokens: " + TOKENS);
    }
  }

  /**
   * The layers of {@code spec} over rows of shape {@code in}, followed by a linear output layer of
   * {@code outputs} units. Shapes are checked as the layers are made: an error names the token and the numbers.
   */
  static List<Layer> build(String spec, Shape in, int outputs, Random rng, Engine e, boolean precise) {
    List<String> tokens = tokens(spec);
    List<Layer> layers = new ArrayList<>();
    Shape shape = in;
    int split = 0; // hidden units per direction when the last recurrent layer is bidirectional
    for (int i = 0; i < tokens.size(); i++) {
      Spec s = parse(spec, tokens, i);
      String where = "layers '" + spec + "': token " + (i + 1) + " '" + tokens.get(i) + "' on " + shape;
      double[] a = s.args();
      try {
        Layer layer;
        Shape next = shape;
        switch (s.name()) {
          case "conv2d", "conv1d" -> {
            boolean image = s.name().equals("conv2d");
            if (shape.kind() != (image ? Shape.Kind.IMAGE : Shape.Kind.SEQUENCE)) {
              throw new IllegalArgumentException("needs " + (image ? "an image: set inputShape to [channels,"
                  + " height, width]" : "a sequence: set inputShape to [time, features]"));
            }
            int k = (int) a[1];
            Convolution c = new Convolution(shape, (int) a[0], image ? k : 1, k, a.length > 2 ? (int) a[2] : 1,
                a.length > 3 ? (int) a[3] : 0, a.length > 4 ? (int) a[4] : 1, rng, e, precise);
            layer = c;
            next = c.shape();
          }
          case "maxpool", "avgpool" -> {
            Pooling p = Pooling.windows(shape, (int) a[0], a.length > 1 ? (int) a[1] : (int) a[0],
                s.name().equals("maxpool"));
            layer = p;
            next = p.shape();
          }
          case "globalavgpool", "globalmaxpool", "mean", "max" -> {
            positions(shape);
            Pooling p = Pooling.global(shape, s.name().contains("max"));
            layer = p;
            next = p.shape();
          }
          case "last" -> {
            if (shape.kind() != Shape.Kind.SEQUENCE) {
              throw new IllegalArgumentException("needs a sequence");
            }
            Pooling p = Pooling.last(shape, split);
            layer = p;
            next = p.shape();
          }
          case "flatten" -> {
            layer = null;
            next = Shape.flat(shape.size());
          }
          case "rnn", "gru", "lstm", "birnn", "bigru", "bilstm" -> {
            if (shape.kind() != Shape.Kind.SEQUENCE) {
              throw new IllegalArgumentException("needs a sequence: set inputShape to [time, features]");
            }
            boolean bi = s.name().startsWith("bi");
            Recurrent.Cell cell = Recurrent.Cell.valueOf(s.name().substring(bi ? 2 : 0).toUpperCase(Locale.ROOT));
            Recurrent r = new Recurrent(cell, shape.width(), shape.channels(), (int) a[0], bi, rng, e, precise);
            layer = r;
            next = r.shape();
            split = bi ? (int) a[0] : 0;
          }
          case "dense" -> {
            boolean he = i + 1 < tokens.size() && reluLike(tokens.get(i + 1));
            Dense d = new Dense(shape.channels(), (int) a[0], he, rng, e, precise);
            layer = perPosition(d, shape);
            next = shape.withChannels((int) a[0]);
          }
          case "batchnorm" -> layer = perPosition(new BatchNorm(shape.channels(), e, precise), shape);
          case "layernorm" -> layer = perPosition(new LayerNorm(shape.channels(), e, precise), shape);
          case "dropout" -> layer = new Dropout(a[0], shape.size());
          case "prelu" -> layer = new PRelu(shape.size(), e, precise);
          default -> layer = new ActivationLayer(Activation.parse(tokens.get(i)), shape.size());
        }
        if (layer != null) {
          layers.add(layer);
        }
        if (next != shape && !(layer instanceof Recurrent)) {
          split = 0; // only element-wise layers keep the two directions side by side
        }
        shape = next;
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
      }
    }
    layers.add(new Dense(shape.size(), outputs, false, rng, e, precise));
    return layers;
  }

  private static void positions(Shape shape) {
    if (shape.kind() == Shape.Kind.FLAT) {
      throw new IllegalArgumentException("needs an image or a sequence, the input is flat");
    }
  }

  private static boolean reluLike(String token) {
    if (token.equalsIgnoreCase("prelu")) {
      return true;
    }
    try {
      return Activation.parse(token).reluLike();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Layer perPosition(Layer inner, Shape shape) {
    return shape.kind() == Shape.Kind.FLAT ? inner : new PerPosition(inner, shape.positions());
  }
}
