package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;

/**
 * The legacy group-window function {@code TUMBLE(ts, size)} in GROUP BY: the start of the row's
 * tumbling window, from the row's event time (the planner checks {@code ts} is the event-time column).
 */
public final class TumbleStartExpr extends Expr {
  private final long size;

  public TumbleStartExpr(long size) {
    super(DataType.TIMESTAMP);
    this.size = size;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return false;
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return Math.floorDiv(b.rowtime(row), size) * size;
  }

  @Override
  public String toString() {
    return "TUMBLE(rowtime, " + size + " ms)";
  }
}
