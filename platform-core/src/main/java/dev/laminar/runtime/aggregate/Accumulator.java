package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;

/** The running state of one aggregate call for one group in one window. Single-threaded. */
public interface Accumulator {
  /** Folds row {@code row} of {@code in} into the state. */
  void add(ColumnarBatch in, int row);

  /**
   * Folds another accumulator of the same aggregate call into this one, as if this one had also seen
   * its rows (used to combine the panes of hopping and cumulating windows). {@code other} covers
   * rows of later event time than this one's only when the caller merges in time order.
   */
  void merge(Accumulator other);

  /** Writes the result (or NULL) into cell ({@code row}, {@code col}) of {@code out}. */
  void writeResult(ColumnarBatch out, int row, int col);
}
