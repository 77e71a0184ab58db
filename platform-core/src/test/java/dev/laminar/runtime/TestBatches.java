package dev.laminar.runtime;

import dev.laminar.sdk.type.Schema;

/** Batches the runtime's tests build by hand: rows of one BIGINT column, and checkpoint barrier markers. */
final class TestBatches {
  private TestBatches() {
  }

  /** One row per value, in column 0 (a BIGINT). */
  static ColumnarBatch longs(Schema schema, long... values) {
    ColumnarBatch b = new ColumnarBatch(schema, Math.max(8, values.length));
    for (long v : values) {
      b.beginRow();
      b.setLong(0, v);
      b.endRow();
    }
    return b;
  }

  /** The marker of checkpoint barrier {@code id}: no rows. */
  static ColumnarBatch marker(Schema schema, long id) {
    ColumnarBatch b = new ColumnarBatch(schema, 1);
    b.markBarrier(id);
    return b;
  }
}
