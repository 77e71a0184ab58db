package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;

/**
 * The reference implementation of a group's state: one {@link Accumulator} per aggregate call,
 * each called in turn for every row. Also the fallback when code generation is switched off or
 * fails.
 */
public final class InterpretedGroupAccumulators implements GroupAccumulatorFactory {
  private final AggregateSpec[] specs;

  public InterpretedGroupAccumulators(AggregateSpec[] specs) {
    this.specs = specs.clone();
  }

  @Override
  public GroupAccumulator create() {
    Accumulator[] accs = new Accumulator[specs.length];
    for (int a = 0; a < accs.length; a++) {
      accs[a] = specs[a].create();
    }
    return new Group(accs);
  }

  @Override
  public boolean isCompiled() {
    return false;
  }

  private static final class Group implements GroupAccumulator {
    private final Accumulator[] accs;

    Group(Accumulator[] accs) {
      this.accs = accs;
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      for (Accumulator acc : accs) {
        acc.add(in, row);
      }
    }

    @Override
    public void merge(GroupAccumulator other) {
      Accumulator[] o = ((Group) other).accs;
      for (int a = 0; a < accs.length; a++) {
        accs[a].merge(o[a]);
      }
    }

    @Override
    public void writeResults(ColumnarBatch out, int row, int firstColumn) {
      for (int a = 0; a < accs.length; a++) {
        accs[a].writeResult(out, row, firstColumn + a);
      }
    }
  }
}
