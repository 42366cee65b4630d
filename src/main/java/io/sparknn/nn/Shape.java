package io.sparknn.nn;

/**
 * How a layer reads a row: a flat vector of {@code channels} values, a sequence of {@code width} time steps of
 * {@code channels} features, or an image of {@code height} × {@code width} positions of {@code channels} values.
 * Rows are stored position-major (channels last): value {@code (y·width + x)·channels + c} is channel c at (y, x),
 * and value {@code t·channels + f} is feature f at step t, so one row per position is a reshape, not a copy.
 *
 * @param kind flat, sequence or image
 * @param height image rows (1 otherwise)
 * @param width image columns or time steps (1 when flat)
 * @param channels values per position
 */
public record Shape(Kind kind, int height, int width, int channels) {
  /** What a row holds. */
  public enum Kind {
    /** A vector. */
    FLAT,
    /** Time steps × features. */
    SEQUENCE,
    /** Height × width × channels. */
    IMAGE
  }

  /** A flat vector of {@code n} values. */
  public static Shape flat(int n) {
    return new Shape(Kind.FLAT, 1, 1, n);
  }

  /** {@code steps} time steps of {@code features} values. */
  public static Shape sequence(int steps, int features) {
    return new Shape(Kind.SEQUENCE, 1, steps, features);
  }

  /** An image of {@code height} × {@code width} positions of {@code channels} values. */
  public static Shape image(int height, int width, int channels) {
    return new Shape(Kind.IMAGE, height, width, channels);
  }

  /** Positions per row (pixels or time steps; 1 when flat). */
  public int positions() {
    return height * width;
  }

  /** Values per row. */
  public int size() {
    return height * width * channels;
  }

  /** The same positions with {@code c} channels. */
  public Shape withChannels(int c) {
    return new Shape(kind, height, width, c);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case FLAT -> "[" + channels + "]";
      case SEQUENCE -> "[" + width + " steps, " + channels + " features]";
      case IMAGE -> "[" + height + " x " + width + ", " + channels + " channels]";
    };
  }
}
