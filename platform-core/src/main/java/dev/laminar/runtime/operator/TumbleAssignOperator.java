package dev.laminar.runtime.operator;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import dev.laminar.sdk.type.Schema;

/**
 * {@code TUMBLE(TABLE t, DESCRIPTOR(ts), size)}: passes every row through with {@code window_start}
 * and {@code window_end} appended, computed from the row's event time. Windows are
 * {@code [start, start + size)}, aligned to the epoch (plus {@code offset}).
 */
public final class TumbleAssignOperator implements Operator {
  private final long size;
  private final long offset;
  private final int inputColumns;
  private final BatchEmitter emitter;
  private final boolean withTime;

  public TumbleAssignOperator(long size, long offset, int inputColumns, Schema outputSchema, int batchCapacity, Operator downstream) {
    if (size <= 0) {
      throw new IllegalArgumentException("window size must be positive, was " + size + " ms");
    }
    this.size = size;
    this.offset = offset;
    this.inputColumns = inputColumns;
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.withTime = outputSchema.size() > inputColumns + 2; // window_time follows window_end
  }

  /** Start of the window containing {@code t}. */
  public static long windowStart(long t, long size, long offset) {
    return Math.floorDiv(t - offset, size) * size + offset;
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    final int cols = inputColumns;
    for (int r = 0; r < n; r++) {
      long t = in.rowtime(r);
      int o = emitter.openRow(in.rowKind(r), t, in.watermark(r));
      ColumnarBatch out = emitter.batch();
      for (int c = 0; c < cols; c++) {
        out.copyCell(in, r, c, o, c);
      }
      long start = windowStart(t, size, offset);
      out.putLong(o, cols, start);
      out.putLong(o, cols + 1, start + size);
      if (withTime) {
        out.putLong(o, cols + 2, start + size - 1);
      }
      emitter.commitRow();
    }
    emitter.flush();
  }

  @Override
  public void onWatermark(long watermark) {
    emitter.downstream().onWatermark(watermark);
  }

  @Override
  public void onEndOfInput() {
    emitter.flush();
    emitter.downstream().onEndOfInput();
  }
}
