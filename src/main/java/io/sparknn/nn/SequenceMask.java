package io.sparknn.nn;

/**
 * The first layer of a network over variable-length sequences: a row holds {@code steps × features} values (a
 * shorter sequence padded with zeros at the end) and then its length. The layer drops the length column and
 * tells the layers that care which steps are real, through the {@link Steps} it shares with them: recurrent layers
 * carry their state unchanged through padded steps (so the last step holds each sequence's final state, and a
 * backward direction starts at the sequence's own end), attention gives padded keys no weight, and mean or max
 * pooling over the steps ignores them. A padded sequence's output therefore equals the unpadded one's.
 */
public final class SequenceMask extends Layer {
  private final int steps;
  private final int features;
  private final Steps valid;
  private Matrix output;

  /** Which steps of the current batch are real: set by {@link SequenceMask}, read by the layers after it. */
  public static final class Steps {
    private final int steps;
    private float[] lengths = new float[0];
    private Matrix mask;
    private final java.util.Map<String, Matrix> derived = new java.util.HashMap<>();

    Steps(int steps) {
      this.steps = steps;
    }

    void set(float[] lengths, Engine e, boolean precise) {
      this.lengths = lengths;
      derived.clear();
      double[] m = new double[lengths.length * steps];
      for (int r = 0; r < lengths.length; r++) {
        for (int t = 0; t < lengths[r]; t++) {
          m[r * steps + t] = 1;
        }
      }
      mask = e.fromDoubles(m, lengths.length, steps, precise);
    }

    /** Steps per sequence (the padded length). */
    int steps() {
      return steps;
    }

    /** Rows × 1: 1 where step t is real. */
    Matrix step(int t) {
      return derived.computeIfAbsent("step" + t, k -> {
        Matrix out = mask.like(mask.rows, 1);
        mask.engine().gatherColumns(mask, new int[] {t}, out);
        return out;
      });
    }

    /** Rows × steps·channels: 1 on the values of real steps. */
    Matrix positions(int channels) {
      return derived.computeIfAbsent("positions" + channels, k -> {
        int[] idx = new int[steps * channels];
        for (int i = 0; i < idx.length; i++) {
          idx[i] = i / channels;
        }
        Matrix out = mask.like(mask.rows, idx.length);
        mask.engine().gatherColumns(mask, idx, out);
        return out;
      });
    }

    /** (rows·heads·steps) × steps: 0 for real keys, −1e9 for padded ones (added to attention scores). */
    Matrix keyBias(int heads) {
      return derived.computeIfAbsent("keys" + heads, k -> {
        Engine e = mask.engine();
        Matrix bias = mask.like(mask.rows, steps);
        e.affine(mask, 1e9, -1e9, bias);
        int[] rows = new int[mask.rows * heads * steps];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = i / (heads * steps);
        }
        Matrix out = mask.like(rows.length, steps);
        e.gatherRows(bias, rows, out);
        return out;
      });
    }

    /** Rows × 1: steps / length, which turns a mean over all steps into a mean over the real ones. */
    Matrix meanScale() {
      return derived.computeIfAbsent("scale", k -> {
        double[] s = new double[lengths.length];
        for (int r = 0; r < s.length; r++) {
          s[r] = steps / (double) lengths[r];
        }
        return mask.engine().fromDoubles(s, s.length, 1, mask.precise());
      });
    }
  }

  /** The mask layer for sequences of up to {@code steps} × {@code features}. */
  public SequenceMask(int steps, int features) {
    this.steps = steps;
    this.features = features;
    this.valid = new Steps(steps);
  }

  /** The steps it shares with the layers after it. */
  public Steps steps() {
    return valid;
  }

  @Override
  public int outputs() {
    return steps * features;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    int n = x.rows;
    Matrix length = x.like(n, 1);
    e.gatherColumns(x, new int[] {steps * features}, length);
    float[] lengths = length.toFloats();
    for (float l : lengths) {
      if (!(l >= 1 && l <= steps && l == Math.rint(l))) {
        throw new IllegalArgumentException("a sequence length of " + l + " outside 1.." + steps);
      }
    }
    valid.set(lengths, e, x.precise());
    output = e.reuse(output, n, steps * features, x.precise());
    e.copyColumns(x, Engine.range(0, steps * features), output, 0);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    return null; // the first layer: the input is data
  }
}
