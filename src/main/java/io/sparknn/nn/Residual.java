package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;

/** A skip connection around a block of layers whose output width equals its input width: {@code x + f(x)}. */
public final class Residual extends Layer {
  private final List<Layer> block;
  private Matrix output;
  private Matrix inputGrad;

  /** The residual of {@code block}. */
  public Residual(List<Layer> block) {
    this.block = List.copyOf(block);
  }

  @Override
  public int outputs() {
    return block.get(block.size() - 1).outputs();
  }

  @Override
  public List<Param> params() {
    List<Param> all = new ArrayList<>();
    for (Layer l : block) {
      all.addAll(l.params());
    }
    return all;
  }

  @Override
  public Matrix forward(Matrix x, Pass pass) {
    Matrix a = x;
    for (Layer l : block) {
      a = l.forward(a, pass);
    }
    Engine e = x.engine();
    output = e.reuse(output, x.rows, x.cols, x.precise()); // the block's layers keep their own outputs
    e.linear(1, a, 1, x, output);
    return output;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Matrix d = g;
    for (int l = block.size() - 1; l >= 0; l--) {
      d = block.get(l).backward(d, true);
    }
    Engine e = g.engine();
    inputGrad = e.reuse(inputGrad, g.rows, g.cols, g.precise());
    e.linear(1, d, 1, g, inputGrad);
    return inputGrad;
  }
}
