package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A recurrent layer over a sequence of {@code steps} × {@code features}: a plain (Elman) RNN, a GRU or an LSTM,
 * forward only or bidirectional. Its output is the hidden state at every step (steps × hidden, or steps × 2·hidden
 * with the forward and the backward state side by side), so layers stack; a {@link Pooling} (last step, mean, max)
 * turns it into one vector. Gates:
 * <ul>
 *   <li>rnn: h = tanh(x·Wx + h₋·Wh + b)</li>
 *   <li>lstm: i, f, o = σ(·), g = tanh(·); c = f∘c₋ + i∘g; h = o∘tanh(c) (forget-gate bias starts at 1)</li>
 *   <li>gru: r, u = σ(·); n = tanh(x·Wn + (r∘h₋)·Un + bn); h = (1 − u)∘n + u∘h₋</li>
 * </ul>
 * The input products of all steps are one matrix product before the recurrence; backpropagation through time
 * accumulates the recurrent weights' gradients step by step, and the input weights' in one product at the end.
 * Gradient clipping ({@code clipNorm}, {@code clipValue}) applies to these gradients like to any other.
 */
public final class Recurrent extends Layer {
  private static final Activation TANH = Activation.parse("tanh");
  private static final Activation SIGMOID = Activation.parse("sigmoid");

  /** The recurrent cell. */
  public enum Cell {
    /** Elman RNN: one tanh block. */
    RNN(TANH),
    /** Gated recurrent unit: reset, update, candidate. */
    GRU(SIGMOID, SIGMOID, TANH),
    /** Long short-term memory: input, forget, cell candidate, output. */
    LSTM(SIGMOID, SIGMOID, TANH, SIGMOID);

    final Activation[] blocks;

    Cell(Activation... blocks) {
      this.blocks = blocks;
    }
  }

  private final Cell cell;
  private final int steps;
  private final int features;
  private final int hidden;
  private final Direction[] directions;
  private final SequenceMask.Steps valid;
  private Matrix input;
  private Matrix output;
  private Matrix inputGrad;

  /** A layer over {@code steps} × {@code features} with {@code hidden} units per direction; Xavier-initialized. */
  public Recurrent(Cell cell, int steps, int features, int hidden, boolean bidirectional, Random rng, Engine engine,
      boolean precise) {
    this(cell, steps, features, hidden, bidirectional, null, rng, engine, precise);
  }

  /**
   * A layer over variable-length sequences: {@code valid} (from a {@link SequenceMask}) says which steps are real;
   * through padded steps the state is carried unchanged.
   */
  public Recurrent(Cell cell, int steps, int features, int hidden, boolean bidirectional, SequenceMask.Steps valid,
      Random rng, Engine engine, boolean precise) {
    if (steps < 1 || features < 1 || hidden < 1) {
      throw new IllegalArgumentException(cell.name().toLowerCase() + " needs steps, features and hidden units >= 1,"
          + " got " + steps + ", " + features + ", " + hidden);
    }
    this.cell = cell;
    this.valid = valid;
    this.steps = steps;
    this.features = features;
    this.hidden = hidden;
    this.directions = bidirectional
        ? new Direction[] {new Direction(false, 0, rng, engine, precise), new Direction(true, hidden, rng, engine,
            precise)}
        : new Direction[] {new Direction(false, 0, rng, engine, precise)};
  }

  /** The output shape: steps × (hidden per direction × directions). */
  public Shape shape() {
    return Shape.sequence(steps, hidden * directions.length);
  }

  @Override
  public int outputs() {
    return steps * hidden * directions.length;
  }

  @Override
  public int workingValues() {
    int blocks = cell.blocks.length;
    return outputs() + directions.length * steps * hidden * (3 * blocks + 4);
  }

  @Override
  public List<Param> params() {
    List<Param> all = new ArrayList<>();
    for (Direction d : directions) {
      all.addAll(d.params());
    }
    return all;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Engine e = x.engine();
    input = x;
    output = e.reuse(output, x.rows, outputs(), x.precise());
    for (Direction d : directions) {
      d.forward(x, output, pass.training());
    }
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Engine e = g.engine();
    inputGrad = inputGradient ? e.reuse(inputGrad, g.rows, input.cols, g.precise()) : null;
    for (int i = 0; i < directions.length; i++) {
      directions[i].backward(g, inputGrad, i > 0);
    }
    return inputGrad;
  }

  /** One direction's weights and the per-step values its backward pass needs. */
  private final class Direction {
    final boolean reverse;
    final int offset;
    final int blocks = cell.blocks.length;
    final Param wx;
    final Param[] wh;
    final Param bias;
    Matrix xw;
    Matrix xwGrad;
    Matrix zero;
    final Matrix[][] z = new Matrix[steps][blocks];
    final Matrix[][] a = new Matrix[steps][blocks];
    final Matrix[] h = new Matrix[steps];
    final Matrix[] c = new Matrix[steps];
    final Matrix[] tc = new Matrix[steps];
    final Matrix[] rh = new Matrix[steps];
    final Matrix[] cc = new Matrix[steps];
    Matrix carryH;
    Matrix carryC;
    Matrix dh;
    Matrix dhNext;
    Matrix dc;
    Matrix dcNext;
    Matrix tmp;
    final Matrix[] da;
    final Matrix[] dz;

    Direction(boolean reverse, int offset, Random rng, Engine e, boolean precise) {
      this.reverse = reverse;
      this.offset = offset;
      int gh = blocks * hidden;
      wx = new Param("inputWeight", uniform(features, gh, rng, e, precise), e.zeros(features, gh, precise), true);
      wh = new Param[blocks];
      for (int b = 0; b < blocks; b++) {
        wh[b] = new Param("recurrentWeight" + b, uniform(hidden, hidden, rng, e, precise),
            e.zeros(hidden, hidden, precise), true);
      }
      double[] b0 = new double[gh];
      if (cell == Cell.LSTM) {
        java.util.Arrays.fill(b0, hidden, 2 * hidden, 1.0); // forget gate open at the start
      }
      bias = new Param("bias", e.fromDoubles(b0, 1, gh, precise), e.zeros(1, gh, precise), false);
      da = new Matrix[blocks];
      dz = new Matrix[blocks];
    }

    List<Param> params() {
      List<Param> p = new ArrayList<>(List.of(wx));
      p.addAll(List.of(wh));
      p.add(bias);
      return p;
    }

    private Matrix uniform(int rows, int cols, Random rng, Engine e, boolean precise) {
      double limit = Math.sqrt(6.0 / (rows + cols));
      double[] w = new double[rows * cols];
      for (int i = 0; i < w.length; i++) {
        w[i] = (rng.nextDouble() * 2 - 1) * limit;
      }
      return e.fromDoubles(w, rows, cols, precise);
    }

    /** The step processed at position {@code s} of the pass. */
    int step(int s) {
      return reverse ? steps - 1 - s : s;
    }

    /**
     * Runs the direction over every step into its columns of {@code out}; a training pass keeps each step's gates and
     * states for the backward pass, inference reuses two sets (this step's and the previous one's), which keeps them
     * in the cache.
     */
    void forward(Matrix x, Matrix out, boolean training) {
      Engine e = x.engine();
      int n = x.rows;
      boolean p = x.precise();
      int gh = blocks * hidden;
      xw = e.reuse(xw, n, steps * gh, p);
      Dense.affine(e.reshape(x, n * steps, features), wx, bias, e.reshape(xw, n * steps, gh));
      zero = e.reuse(zero, n, hidden, p);
      e.fill(zero, 0);
      Matrix hp = zero;
      Matrix cp = zero;
      for (int s = 0; s < steps; s++) {
        int t = step(s);
        int u = training ? t : s % 2; // inference keeps no steps for a backward pass: two alternating sets
        for (int b = 0; b < blocks; b++) {
          z[u][b] = e.reuse(z[u][b], n, hidden, p);
          a[u][b] = e.reuse(a[u][b], n, hidden, p);
        }
        h[u] = e.reuse(h[u], n, hidden, p);
        for (int b = 0; b < blocks; b++) {
          e.copyColumns(xw, Engine.range(t * gh + b * hidden, hidden), z[u][b], 0);
          if (s > 0) {
            Matrix src = hp;
            if (cell == Cell.GRU && b == 2) {
              rh[u] = e.reuse(rh[u], n, hidden, p);
              e.multiply(a[u][0], hp, rh[u]);
              src = rh[u];
            }
            e.gemm(src, false, wh[b].value(), false, z[u][b], 1, 1);
          }
          e.activate(cell.blocks[b], z[u][b], a[u][b]);
        }
        switch (cell) {
          case RNN -> e.copy(a[u][0], h[u]);
          case LSTM -> {
            c[u] = e.reuse(c[u], n, hidden, p);
            tc[u] = e.reuse(tc[u], n, hidden, p);
            e.multiply(a[u][1], cp, c[u]);
            tmp = e.reuse(tmp, n, hidden, p);
            e.multiply(a[u][0], a[u][2], tmp);
            e.linear(1, c[u], 1, tmp, c[u]);
            e.activate(TANH, c[u], tc[u]);
            e.multiply(a[u][3], tc[u], h[u]);
            if (valid != null) {
              cc[u] = e.reuse(cc[u], n, hidden, p);
              carry(e, valid.step(t), cp, c[u], cc[u]);
              cp = cc[u];
            } else {
              cp = c[u];
            }
          }
          case GRU -> { // h = n + u∘(h₋ − n)
            e.linear(1, hp, -1, a[u][2], h[u]);
            e.multiply(a[u][1], h[u], h[u]);
            e.linear(1, h[u], 1, a[u][2], h[u]);
          }
        }
        if (valid != null) {
          carry(e, valid.step(t), hp, h[u], h[u]);
        }
        e.copyColumns(h[u], Engine.range(0, hidden), out, t * hidden * directions.length + offset);
        hp = h[u];
      }
    }

    /** out = prev + m∘(next − prev): the new state on real steps (m = 1), the previous one on padded steps. */
    private void carry(Engine e, Matrix m, Matrix prev, Matrix next, Matrix out) {
      tmp = e.reuse(tmp, next.rows, hidden, next.precise());
      e.linear(1, next, -1, prev, tmp);
      e.broadcast(tmp, m, true, tmp);
      e.linear(1, prev, 1, tmp, out);
    }

    /** Splits a state gradient at a step: g keeps m∘g (to the new state), {@code carried} gets (1 − m)∘g. */
    private void split(Engine e, Matrix m, Matrix g, Matrix carried) {
      e.broadcast(g, m, true, tmp);
      e.linear(1, g, -1, tmp, carried);
      e.copy(tmp, g);
    }

    void backward(Matrix g, Matrix dx, boolean accumulate) {
      Engine e = g.engine();
      int n = g.rows;
      boolean p = g.precise();
      int gh = blocks * hidden;
      xwGrad = e.reuse(xwGrad, n, steps * gh, p);
      dh = e.reuse(dh, n, hidden, p);
      dhNext = e.reuse(dhNext, n, hidden, p);
      dc = e.reuse(dc, n, hidden, p);
      dcNext = e.reuse(dcNext, n, hidden, p);
      tmp = e.reuse(tmp, n, hidden, p);
      for (int b = 0; b < blocks; b++) {
        da[b] = e.reuse(da[b], n, hidden, p);
        dz[b] = e.reuse(dz[b], n, hidden, p);
        e.fill(wh[b].grad(), 0);
      }
      e.fill(dhNext, 0);
      e.fill(dcNext, 0);
      for (int s = steps - 1; s >= 0; s--) {
        int t = step(s);
        Matrix hp = s > 0 ? h[step(s - 1)] : zero;
        e.copyColumns(g, Engine.range(t * hidden * directions.length + offset, hidden), dh, 0);
        e.linear(1, dh, 1, dhNext, dh);
        if (valid != null) {
          carryH = e.reuse(carryH, n, hidden, p);
          split(e, valid.step(t), dh, carryH);
          if (cell == Cell.LSTM) {
            carryC = e.reuse(carryC, n, hidden, p);
            split(e, valid.step(t), dcNext, carryC);
          }
        }
        switch (cell) {
          case RNN -> e.copy(dh, da[0]);
          case LSTM -> {
            Matrix cp = s > 0 ? (valid != null ? cc : c)[step(s - 1)] : zero;
            e.multiply(dh, tc[t], da[3]);
            e.multiply(dh, a[t][3], tmp);
            e.activateBackward(TANH, c[t], tc[t], tmp, dc);
            e.linear(1, dc, 1, dcNext, dc);
            e.multiply(dc, a[t][2], da[0]);
            e.multiply(dc, cp, da[1]);
            e.multiply(dc, a[t][0], da[2]);
            e.multiply(dc, a[t][1], dcNext);
            if (valid != null) {
              e.linear(1, dcNext, 1, carryC, dcNext);
            }
          }
          case GRU -> {
            e.affine(a[t][1], -1, 1, tmp);
            e.multiply(dh, tmp, da[2]); // dn = dh∘(1 − u)
            e.linear(1, hp, -1, a[t][2], tmp);
            e.multiply(dh, tmp, da[1]); // du = dh∘(h₋ − n)
          }
        }
        // d(loss)/d(h₋) from the direct path (GRU), then through the recurrent products
        if (cell == Cell.GRU) {
          e.multiply(dh, a[t][1], dhNext);
        } else {
          e.fill(dhNext, 0);
        }
        for (int k = blocks - 1; k >= 0; k--) {
          if (cell == Cell.GRU && k == 0) {
            if (s > 0) { // dr = (dz_n·Unᵀ)∘h₋, and h₋ gets (dz_n·Unᵀ)∘r
              e.gemm(dz[2], false, wh[2].value(), true, tmp, 1, 0);
              e.multiply(tmp, hp, da[0]);
              e.multiply(tmp, a[t][0], tmp);
              e.linear(1, dhNext, 1, tmp, dhNext);
            } else {
              e.fill(da[0], 0);
            }
          }
          e.activateBackward(cell.blocks[k], z[t][k], a[t][k], da[k], dz[k]);
          e.copyColumns(dz[k], Engine.range(0, hidden), xwGrad, t * gh + k * hidden);
          if (s > 0) {
            Matrix src = cell == Cell.GRU && k == 2 ? rh[t] : hp;
            e.gemm(src, true, dz[k], false, wh[k].grad(), 1, 1);
            if (!(cell == Cell.GRU && k == 2)) {
              e.gemm(dz[k], false, wh[k].value(), true, dhNext, 1, 1);
            }
          }
        }
        if (valid != null) {
          e.linear(1, dhNext, 1, carryH, dhNext);
        }
      }
      Dense.affineBackward(e.reshape(input, n * steps, features), e.reshape(xwGrad, n * steps, gh), wx, bias,
          dx == null ? null : e.reshape(dx, n * steps, features), accumulate);
    }
  }
}
