package io.sparknn.nn;

import java.util.ArrayList;
import java.util.List;

/** A skip connection around a block of layers whose output width equals its input width: {@code x + f(x)}. */
public final class Residual extends Layer {
  private final List<Layer> block;

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
    Matrix out = a.copy(); // the block's layers keep their outputs for the backward pass
    for (int i = 0; i < out.size(); i++) {
      out.add(i, x.get(i));
    }
    return out;
  }

  @Override
  public Matrix backward(Matrix g, boolean inputGradient) {
    Matrix d = g;
    for (int l = block.size() - 1; l >= 0; l--) {
      d = block.get(l).backward(d, true);
    }
    Matrix dx = d.copy();
    for (int i = 0; i < dx.size(); i++) {
      dx.add(i, g.get(i));
    }
    return dx;
  }
}
