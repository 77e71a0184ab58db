package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;

/** The running state of one aggregate call for one group in one window. Single-threaded. */
public interface Accumulator {
  /** Folds row {@code row} of {@code in} into the state. */
  void add(ColumnarBatch in, int row);

  /** Writes the result (or NULL) into cell ({@code row}, {@code col}) of {@code out}. */
  void writeResult(ColumnarBatch out, int row, int col);
}
