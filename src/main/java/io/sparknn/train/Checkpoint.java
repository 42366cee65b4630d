package io.sparknn.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The state of a fit between two epochs, enough to continue it: the next epoch, the optimizer updates made, the
 * weights and optimizer moments, the best epoch's weights and loss, and the history so far. Random draws are not
 * stored: they derive from (seed, worker, epoch, step), so a resumed fit draws what the uninterrupted one would
 * have. Written as a small binary file (magic, version, fields; no Java serialization).
 *
 * @param fingerprint what must match for a resume (architecture and training params)
 * @param epoch the next epoch to run
 * @param updates optimizer updates made
 * @param state weights and optimizer moments
 * @param best the best epoch's weights (null before any)
 * @param bestLoss the best monitored loss
 * @param bestEpoch the best epoch (−1 before any)
 * @param metricName the history's metric
 * @param history the history rows ({@link History#table()})
 */
public record Checkpoint(String fingerprint, int epoch, long updates, float[] state, float[] best, double bestLoss,
    int bestEpoch, String metricName, double[][] history) {
  private static final String MAGIC = "sparknn-checkpoint";
  private static final int VERSION = 1;

  /** Fails unless this checkpoint was written by a fit with {@code fingerprint} and a state of {@code size}. */
  void check(String expected, int size) {
    if (!fingerprint.equals(expected)) {
      throw new IllegalArgumentException("the checkpoint was written by another fit: it has " + fingerprint
          + " but this fit has " + expected + "; resume with the params and data of the interrupted fit");
    }
    if (state.length != size) {
      throw new IllegalArgumentException("the checkpoint holds " + state.length + " state values, this fit's"
          + " network and optimizer have " + size);
    }
  }

  /** Writes this checkpoint to {@code out} (not closed). */
  public void write(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeUTF(MAGIC);
    d.writeInt(VERSION);
    d.writeUTF(fingerprint);
    d.writeInt(epoch);
    d.writeLong(updates);
    floats(d, state);
    floats(d, best);
    d.writeDouble(bestLoss);
    d.writeInt(bestEpoch);
    d.writeUTF(metricName);
    d.writeInt(history.length);
    for (double[] row : history) {
      d.writeInt(row.length);
      for (double v : row) {
        d.writeDouble(v);
      }
    }
    d.writeUTF("end");
    d.flush();
  }

  /** Reads a checkpoint written by {@link #write}; {@code where} names the file in errors. */
  public static Checkpoint read(InputStream in, String where) throws IOException {
    DataInputStream d = new DataInputStream(in);
    try {
      if (!MAGIC.equals(d.readUTF())) {
        throw new IOException(where + " is not a sparknn checkpoint");
      }
      int version = d.readInt();
      if (version != VERSION) {
        throw new IOException(where + " has checkpoint format " + version + "; this version reads " + VERSION);
      }
      String fingerprint = d.readUTF();
      int epoch = d.readInt();
      long updates = d.readLong();
      float[] state = floats(d);
      float[] best = floats(d);
      double bestLoss = d.readDouble();
      int bestEpoch = d.readInt();
      String metric = d.readUTF();
      double[][] history = new double[d.readInt()][];
      for (int i = 0; i < history.length; i++) {
        history[i] = new double[d.readInt()];
        for (int j = 0; j < history[i].length; j++) {
          history[i][j] = d.readDouble();
        }
      }
      if (!"end".equals(d.readUTF())) {
        throw new IOException(where + " is damaged: its end marker is missing");
      }
      return new Checkpoint(fingerprint, epoch, updates, state, best, bestLoss, bestEpoch, metric, history);
    } catch (EOFException | NegativeArraySizeException e) {
      throw new IOException(where + " is truncated or damaged (" + e + "); resume from an earlier checkpoint", e);
    }
  }

  private static void floats(DataOutputStream d, float[] v) throws IOException {
    d.writeInt(v == null ? -1 : v.length);
    if (v != null) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length);
      b.asFloatBuffer().put(v);
      d.write(b.array());
    }
  }

  private static float[] floats(DataInputStream d) throws IOException {
    int n = d.readInt();
    if (n < 0) {
      return null;
    }
    byte[] bytes = new byte[Math.multiplyExact(4, n)];
    d.readFully(bytes);
    float[] v = new float[n];
    java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
    return v;
  }
}
