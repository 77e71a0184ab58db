package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;

/**
 * The running state of every aggregate call of a query for one group in one window (or pane, or
 * session): what the window operators keep per group. Either interpreted (an {@link Accumulator}
 * per call, {@link InterpretedGroupAccumulators}) or one generated class with a field per call
 * ({@code runtime.codegen.AggregateCompiler}). Single-threaded: the reactor thread of its operator.
 */
public interface GroupAccumulator {
  /** Folds row {@code row} of {@code in} into every call's state (honouring FILTER clauses). */
  void add(ColumnarBatch in, int row);

  /**
   * Folds another group state of the same factory into this one, as if this one had also seen its
   * rows; {@code other} covers later event times when the caller merges in time order.
   */
  void merge(GroupAccumulator other);

  /** Writes each call's result (or NULL) into row {@code row}, columns {@code firstColumn} onwards. */
  void writeResults(ColumnarBatch out, int row, int firstColumn);
}
