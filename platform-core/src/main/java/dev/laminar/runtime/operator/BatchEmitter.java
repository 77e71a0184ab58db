package dev.laminar.runtime.operator;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;

/**
 * The output side of an operator: one reused batch, handed to the downstream operator when full and
 * at the end of each input batch. Downstream does not retain it, so it is cleared and reused.
 */
public final class BatchEmitter {
  private final ColumnarBatch out;
  private final Operator downstream;

  public BatchEmitter(Schema schema, int capacity, Operator downstream) {
    this.out = new ColumnarBatch(schema, capacity);
    this.downstream = downstream;
  }

  /** Opens a row, flushing first if the batch is full; returns the row index to fill. */
  public int openRow(RowKind kind, long rowtime, long watermark) {
    if (out.size() == out.capacity()) {
      flush();
    }
    return out.openRow(kind, rowtime, watermark);
  }

  /** The batch being filled (valid until the next {@link #openRow} or {@link #flush}). */
  public ColumnarBatch batch() {
    return out;
  }

  public void commitRow() {
    out.commitRow();
  }

  /** Appends a copy of a row of a batch with the same schema. */
  public void copyRow(ColumnarBatch src, int row) {
    if (out.size() == out.capacity()) {
      flush();
    }
    out.appendRowFrom(src, row);
  }

  /** Passes buffered rows downstream. */
  public void flush() {
    if (out.size() > 0) {
      downstream.process(out);
      out.clear();
    }
  }

  public Operator downstream() {
    return downstream;
  }
}
