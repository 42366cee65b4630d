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
 *   <li>{@code tokens(width)} (first token, on a table row): one token per slot, FT-Transformer style (a learned
 *   projection per numeric slot, the embedding of each nominal slot); {@code cls}: prepend a learned class token,
 *   {@code first}: read it out; {@code posemb} (learned) or {@code posenc} (sinusoidal) positional encoding;
 *   {@code attention(heads)}: multi-head self-attention; {@code encoder(heads[, ff, dropout])}: a pre-LayerNorm
 *   Transformer block, x + attention(LN(x)) then x + FFN(LN(x)) with a GELU feed-forward of ff units (2·width by
 *   default) and dropout on both branches</li>
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
      + " lstm(h), birnn(h), bigru(h), bilstm(h), tokens(width), cls, first, posemb, posenc, attention(heads),"
      + " encoder(heads[,ff,dropout]), dense(n), batchnorm, layernorm, dropout(rate), prelu, "
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
      {"layernorm", "0", "0"}, {"dropout", "1", "1"}, {"prelu", "0", "0"}, {"posemb", "0", "0"},
      {"posenc", "0", "0"}, {"attention", "1", "1"}, {"encoder", "1", "3"}, {"cls", "0", "0"}, {"first", "0", "0"},
      {"tokens", "1", "1"}};

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
        for (int k = 0; k < s.args().length; k++) {
          double a = s.args()[k];
          boolean rate = s.name().equals("dropout") || s.name().equals("encoder") && k == 2;
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
  static List<Layer> build(String spec, Shape in, int numeric, SequenceMask.Steps valid, int outputs, Random rng,
      Engine e, boolean precise) {
    List<String> tokens = tokens(spec);
    List<Layer> layers = new ArrayList<>();
    Shape shape = in;
    int split = 0; // hidden units per direction when the last recurrent layer is bidirectional
    for (int i = 0; i < tokens.size(); i++) {
      Spec s = parse(spec, tokens, i);
      String where = "layers '" + spec + "': token " + (i + 1) + " '" + tokens.get(i) + "' on " + shape;
      double[] a = s.args();
      // variable-length masks follow the steps while a layer keeps them (recurrent, attention, per-step layers)
      SequenceMask.Steps steps = valid != null && shape.kind() == Shape.Kind.SEQUENCE
          && shape.width() == valid.steps() ? valid : null;
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
            Pooling p = Pooling.global(shape, s.name().contains("max"), steps);
            layer = p;
            next = p.shape();
          }
          case "last" -> {
            sequence(shape);
            Pooling p = Pooling.last(shape, split);
            layer = p;
            next = p.shape();
          }
          case "flatten" -> {
            layer = null;
            next = Shape.flat(shape.size());
          }
          case "rnn", "gru", "lstm", "birnn", "bigru", "bilstm" -> {
            sequence(shape);
            boolean bi = s.name().startsWith("bi");
            Recurrent.Cell cell = Recurrent.Cell.valueOf(s.name().substring(bi ? 2 : 0).toUpperCase(Locale.ROOT));
            Recurrent r = new Recurrent(cell, shape.width(), shape.channels(), (int) a[0], bi, steps, rng, e,
                precise);
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
          case "posemb", "posenc" -> {
            sequence(shape);
            layer = new PositionalEncoding(shape.width(), shape.channels(), s.name().equals("posemb"), rng, e,
                precise);
          }
          case "attention" -> {
            sequence(shape);
            layer = new Attention(shape.width(), shape.channels(), (int) a[0], steps, rng, e, precise);
          }
          case "encoder" -> {
            sequence(shape);
            int t = shape.width();
            int c = shape.channels();
            int ff = a.length > 1 ? (int) a[1] : 2 * c;
            double rate = a.length > 2 ? a[2] : 0;
            List<Layer> attend = new ArrayList<>(List.of(new PerPosition(new LayerNorm(c, e, precise), t),
                new Attention(t, c, (int) a[0], steps, rng, e, precise)));
            List<Layer> feed = new ArrayList<>(List.of(new PerPosition(new LayerNorm(c, e, precise), t),
                new PerPosition(new Dense(c, ff, false, rng, e, precise), t),
                new ActivationLayer(Activation.parse("gelu"), t * ff),
                new PerPosition(new Dense(ff, c, false, rng, e, precise), t)));
            if (rate > 0) {
              attend.add(new Dropout(rate, t * c));
              feed.add(new Dropout(rate, t * c));
            }
            layers.add(new Residual(attend));
            layer = new Residual(feed);
          }
          case "cls" -> {
            sequence(shape);
            if (valid != null) {
              throw new IllegalArgumentException("a class token does not take variable-length sequences; pool with"
                  + " mean or max instead");
            }
            layer = new ClassToken(shape.width(), shape.channels(), rng, e, precise);
            next = Shape.sequence(shape.width() + 1, shape.channels());
          }
          case "first" -> {
            sequence(shape);
            Pooling p = Pooling.first(shape);
            layer = p;
            next = p.shape();
          }
          case "tokens" -> {
            int width = (int) a[0];
            int rest = shape.size() - numeric;
            if (shape.kind() != Shape.Kind.FLAT || i > 0 || width < 1 || rest % width != 0) {
              throw new IllegalArgumentException("tokens(width) must be the first token, on a flat table row whose"
                  + " nominal slots are embedded with that width");
            }
            NumericTokens tk = new NumericTokens(numeric, rest / width, width, rng, e, precise);
            layer = tk;
            next = tk.shape();
          }
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

  private static void sequence(Shape shape) {
    if (shape.kind() != Shape.Kind.SEQUENCE) {
      throw new IllegalArgumentException("needs a sequence: set inputShape to [time, features] (or, for attention,"
          + " start with tokens(width) on a table row)");
    }
  }

  /** The token width when {@code spec} starts with {@code tokens(width)} (a tokenized table row), else 0. */
  public static int tokenWidth(String spec) {
    List<String> t = tokens(spec);
    if (t.isEmpty()) {
      return 0;
    }
    Spec s = Spec.parse(t.get(0), "layer", TOKENS);
    return s.name().equals("tokens") && s.args().length == 1 ? (int) s.args()[0] : 0;
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
