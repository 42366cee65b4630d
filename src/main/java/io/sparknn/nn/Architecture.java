package io.sparknn.nn;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Everything that defines a network's shape, as plain values (saved with the model, shipped to executors):
 * {@code inputs} feature slots of which {@code nominalSlots} (with their {@code cardinalities}) go through learned
 * embeddings of {@code embeddingDims}; hidden blocks {@code Dense → [BatchNorm | LayerNorm] → activation (or
 * PReLU) → [Dropout]}, each wrapped in a residual connection when {@code residual} is on and its width equals its
 * input width; a linear output layer of {@code outputs} units.
 *
 * @param inputs feature slots per row
 * @param nominalSlots indices of the nominal slots (ascending)
 * @param cardinalities categories of each nominal slot
 * @param embeddingDims embedding width of each nominal slot
 * @param hidden hidden layer widths
 * @param activation an {@link Activation} spec or {@code prelu}
 * @param normalization none, batch or layer
 * @param residual skip connections between equal-width blocks
 * @param dropout dropout rate after each hidden activation
 * @param weightInit he, xavier or auto (he for the ReLU family and PReLU)
 * @param outputs output units (classes, or 1 for regression)
 * @param inputShape how a row is read: {@code [channels, height, width]}, {@code [time, features]}, or empty (flat)
 * @param layers a {@link LayerStack} spec that replaces the MLP body (hidden blocks, embeddings), or empty
 * @param masked rows are variable-length sequences: {@code inputShape} values (zero-padded) and then the length
 */
@DefaultSerializer(JavaSerializer.class) // Kryo cannot build records; Java serialization can
public record Architecture(int inputs, int[] nominalSlots, int[] cardinalities, int[] embeddingDims, int[] hidden,
    String activation, String normalization, boolean residual, double dropout, String weightInit, int outputs,
    int[] inputShape, String layers, boolean masked) implements Serializable {

  /** An MLP over a flat row (no input shape, no layer stack). */
  public Architecture(int inputs, int[] nominalSlots, int[] cardinalities, int[] embeddingDims, int[] hidden,
      String activation, String normalization, boolean residual, double dropout, String weightInit, int outputs) {
    this(inputs, nominalSlots, cardinalities, embeddingDims, hidden, activation, normalization, residual, dropout,
        weightInit, outputs, new int[0], "", false);
  }

  /** A network over rows of a fixed shape (no variable-length masks). */
  public Architecture(int inputs, int[] nominalSlots, int[] cardinalities, int[] embeddingDims, int[] hidden,
      String activation, String normalization, boolean residual, double dropout, String weightInit, int outputs,
      int[] inputShape, String layers) {
    this(inputs, nominalSlots, cardinalities, embeddingDims, hidden, activation, normalization, residual, dropout,
        weightInit, outputs, inputShape, layers, false);
  }

  /**
   * How a row of {@code inputs} values is read for {@code inputShape}; throws a message naming the param when the
   * shape does not multiply to the row size.
   */
  public static Shape shape(int[] inputShape, int inputs) {
    long product = 1;
    for (int v : inputShape) {
      if (v < 1) {
        throw new IllegalArgumentException("inputShape " + java.util.Arrays.toString(inputShape) + " has a size < 1");
      }
      product *= v;
    }
    if (inputShape.length > 0 && product != inputs) {
      throw new IllegalArgumentException("inputShape " + java.util.Arrays.toString(inputShape) + " holds " + product
          + " values but each features vector has " + inputs + "; the product of inputShape must equal the vector"
          + " size");
    }
    return switch (inputShape.length) {
      case 0 -> Shape.flat(inputs);
      case 2 -> Shape.sequence(inputShape[0], inputShape[1]);
      case 3 -> Shape.image(inputShape[1], inputShape[2], inputShape[0]);
      default -> throw new IllegalArgumentException("inputShape must be empty (flat), [time, features] or"
          + " [channels, height, width]; got " + java.util.Arrays.toString(inputShape));
    };
  }

  /** How a row is read. */
  public Shape shape() {
    return shape(inputShape, masked ? inputs - 1 : inputs);
  }

  /** Normalization choices. */
  public static final String[] NORMALIZATIONS = {"none", "batch", "layer"};

  /** Values of the {@code architecture} param. */
  public static final String[] FAMILIES = {"mlp", "cnn", "lstm", "gru", "rnn", "transformer"};

  /** The settings of an architecture family, from the estimator's params. */
  public record Family(String name, int[] filters, int kernelSize, int hiddenSize, int numLayers,
      boolean bidirectional, String sequencePooling, int modelDim, int numHeads, int[] hidden, String activation,
      String normalization, double dropout) {

    /**
     * The family's body as a {@link LayerStack} spec for rows of {@code shape}, or empty for {@code mlp} (which
     * keeps its own builder: embeddings, residual blocks). Throws when the family cannot read that shape.
     */
    public String layers(Shape shape) {
      StringBuilder b = new StringBuilder();
      switch (name) {
        case "mlp" -> {
          return "";
        }
        case "cnn" -> {
          if (shape.kind() == Shape.Kind.FLAT) {
            throw new IllegalArgumentException("architecture cnn reads images or sequences: set inputShape to"
                + " [channels, height, width] (e.g. [1, 28, 28]) or [time, features]");
          }
          boolean image = shape.kind() == Shape.Kind.IMAGE;
          int h = shape.height();
          int w = shape.width();
          for (int f : filters) {
            b.append(image ? "conv2d(" : "conv1d(").append(f).append(',').append(kernelSize).append(",1,")
                .append(kernelSize / 2).append(") ");
            if (normalization.equals("batch")) {
              b.append("batchnorm ");
            }
            b.append(activation).append(' ');
            int size = kernelSize % 2 == 1 ? 0 : 1; // an even kernel with padding k/2 grows the map by one
            h += image ? size : 0;
            w += size;
            if (w >= 2 && (!image || h >= 2)) {
              b.append("maxpool(2) ");
              h = image ? h / 2 : h;
              w /= 2;
            }
          }
          b.append("flatten");
        }
        case "lstm", "gru", "rnn" -> {
          if (shape.kind() != Shape.Kind.SEQUENCE) {
            throw new IllegalArgumentException("architecture " + name + " reads sequences: set inputShape to [time,"
                + " features] (an image of 28 x 28 read row by row is [28, 28])");
          }
          for (int l = 0; l < numLayers; l++) {
            b.append(bidirectional ? "bi" : "").append(name).append('(').append(hiddenSize).append(") ");
            if (dropout > 0 && l + 1 < numLayers) {
              b.append("dropout(").append(dropout).append(") ");
            }
          }
          b.append(switch (sequencePooling) {
            case "mean" -> "mean";
            case "max" -> "max";
            default -> "last";
          });
        }
        case "transformer" -> {
          if (modelDim % numHeads != 0) {
            throw new IllegalArgumentException("architecture transformer: modelDim " + modelDim + " must divide by"
                + " numHeads " + numHeads);
          }
          if (shape.kind() == Shape.Kind.IMAGE) {
            throw new IllegalArgumentException("architecture transformer reads sequences ([time, features]) or"
                + " table rows (empty inputShape); an image of h x w can be read as [h, w]");
          }
          boolean table = shape.kind() == Shape.Kind.FLAT;
          b.append(table ? "tokens(" + modelDim + ") cls " : "dense(" + modelDim + ") posemb ");
          for (int l = 0; l < numLayers; l++) {
            b.append("encoder(").append(numHeads).append(',').append(2 * modelDim);
            b.append(dropout > 0 ? "," + dropout : "").append(") ");
          }
          b.append(table ? "layernorm first" : "layernorm mean");
        }
        default -> throw new IllegalArgumentException("unknown architecture " + name + "; supported: "
            + String.join(", ", FAMILIES));
      }
      for (int units : hidden) {
        b.append(" dense(").append(units).append(')');
        if (!normalization.equals("none")) {
          b.append(normalization.equals("batch") ? " batchnorm" : " layernorm");
        }
        b.append(' ').append(activation);
        if (dropout > 0) {
          b.append(" dropout(").append(dropout).append(')');
        }
      }
      return b.toString().trim();
    }
  }

  /** Checks an activation spec: every {@link Activation} plus {@code prelu}; throws when unknown. */
  public static void checkActivation(String spec) {
    if (!spec.equalsIgnoreCase("prelu")) {
      Activation.parse(spec);
    }
  }

  /** The embedding width for a slot with {@code cardinality} categories when none is set: min(50, 1.6·n^0.56). */
  public static int embeddingSize(int cardinality) {
    return (int) Math.max(1, Math.min(50, Math.round(1.6 * Math.pow(cardinality, 0.56))));
  }

  /**
   * The first nominal slot of row {@code row} in the row-major {@code x} that does not hold a valid category
   * index, or −1 when all do.
   */
  public int invalidSlot(float[] x, int row) {
    return invalidSlot(x, row, inputs, nominalSlots, cardinalities);
  }

  /** {@link #invalidSlot(float[], int)} for rows of {@code inputs} values with the given nominal slots. */
  public static int invalidSlot(float[] x, int row, int inputs, int[] nominalSlots, int[] cardinalities) {
    for (int s = 0; s < nominalSlots.length; s++) {
      float v = x[row * inputs + nominalSlots[s]];
      if (!(v >= 0 && v < cardinalities[s] && v == Math.rint(v))) {
        return nominalSlots[s];
      }
    }
    return -1;
  }

  /** A freshly initialized network on the {@code jvm} engine in float ({@code precise = false}) or double precision. */
  public Network build(boolean precise, long seed) {
    return build(Engine.jvm(), precise, seed);
  }

  /**
   * A freshly initialized network on {@code engine} in float ({@code precise = false}) or double precision. The
   * initial values depend on {@code seed} only, not on the engine.
   */
  public Network build(Engine engine, boolean precise, long seed) {
    boolean prelu = activation.equalsIgnoreCase("prelu");
    Activation act = prelu ? null : Activation.parse(activation);
    boolean he = switch (weightInit) {
      case "he" -> true;
      case "xavier" -> false;
      case "auto" -> prelu || act.reluLike();
      default -> throw new IllegalArgumentException("weightInit must be he, xavier or auto, got " + weightInit);
    };
    if (!List.of(NORMALIZATIONS).contains(normalization)) {
      throw new IllegalArgumentException("normalization must be none, batch or layer, got " + normalization);
    }
    Random rng = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    if (!layers().isEmpty()) {
      Shape in = shape();
      if (inputShape.length == 3 && inputShape[0] > 1) {
        layers.add(Pooling.channelsLast(inputShape[0], inputShape[1], inputShape[2]));
      }
      SequenceMask.Steps valid = null;
      if (masked) {
        SequenceMask mask = new SequenceMask(in.width(), in.channels());
        layers.add(mask);
        valid = mask.steps();
      }
      if (nominalSlots.length > 0) {
        EmbeddingInput embedding = new EmbeddingInput(inputs, nominalSlots, cardinalities, embeddingDims, rng,
            engine, precise);
        layers.add(embedding);
        in = Shape.flat(embedding.outputs());
      }
      layers.addAll(LayerStack.build(layers(), in, inputs - nominalSlots.length, valid, outputs, rng, engine,
          precise));
      return new Network(inputs, layers);
    }
    int width = inputs;
    if (nominalSlots.length > 0) {
      EmbeddingInput embedding = new EmbeddingInput(inputs, nominalSlots, cardinalities, embeddingDims, rng,
          engine, precise);
      layers.add(embedding);
      width = embedding.outputs();
    }
    for (int h : hidden) {
      List<Layer> block = new ArrayList<>();
      block.add(new Dense(width, h, he, rng, engine, precise));
      if (normalization.equals("batch")) {
        block.add(new BatchNorm(h, engine, precise));
      } else if (normalization.equals("layer")) {
        block.add(new LayerNorm(h, engine, precise));
      }
      block.add(prelu ? new PRelu(h, engine, precise) : new ActivationLayer(act, h));
      if (dropout > 0) {
        block.add(new Dropout(dropout, h));
      }
      if (residual && width == h) {
        layers.add(new Residual(block));
      } else {
        layers.addAll(block);
      }
      width = h;
    }
    layers.add(new Dense(width, outputs, false, rng, engine, precise));
    return new Network(inputs, layers);
  }
}
