package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GROUP BY keys, window_start, window_end over a tumbling window, EMIT ON WINDOW CLOSE: each
 * window's groups are emitted exactly once, when the watermark reaches the window's end. A row
 * whose window has already closed (window end &le; the watermark in force at the row) is late: it
 * is counted and dropped.
 *
 * <p>Output columns follow the GROUP BY order (grouping columns, with window_start/window_end
 * filled from the window) and then the aggregate calls. Each output row's event time is
 * window_end - 1 ms (Flink's window_time), so windowed results can be windowed again.
 * Groups are emitted in the order they first appeared in the window.
 */
public final class TumblingWindowAggregateOperator implements Operator {
  /** What a grouping column of the output is filled from. */
  public enum KeySource { COLUMN, WINDOW_START, WINDOW_END }

  private final long size;
  private final int windowStartColumn;
  private final KeySource[] keySources;
  private final int[] keyColumns;
  private final boolean[] keyLongBacked;
  private final DataType[] keyTypes;
  private final AggregateSpec[] aggregates;
  private final GroupKey probe;
  private final BatchEmitter emitter;
  private final Counter lateRowsDropped;
  /** Open windows, ordered by start. Few are open at once (out-of-orderness / size + 1). */
  private final List<Window> windows = new ArrayList<>();
  private long watermark = ColumnarBatch.NO_TIME;

  private static final class Window {
    final long start;
    final Map<GroupKey, Accumulator[]> groups = new LinkedHashMap<>();

    Window(long start) {
      this.start = start;
    }
  }

  /**
   * @param keySources for each grouping output column, where its value comes from
   * @param keyColumns for each grouping output column of source COLUMN, the input column (others ignored)
   */
  public TumblingWindowAggregateOperator(long size, int windowStartColumn, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, AggregateSpec[] aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped) {
    this.size = size;
    this.windowStartColumn = windowStartColumn;
    this.keySources = keySources.clone();
    List<Integer> cols = new ArrayList<>();
    for (int i = 0; i < keySources.length; i++) {
      if (keySources[i] == KeySource.COLUMN) {
        cols.add(keyColumns[i]);
      }
    }
    this.keyColumns = cols.stream().mapToInt(Integer::intValue).toArray();
    this.keyTypes = new DataType[this.keyColumns.length];
    this.keyLongBacked = new boolean[this.keyColumns.length];
    for (int i = 0; i < this.keyColumns.length; i++) {
      keyTypes[i] = inputSchema.column(this.keyColumns[i]).type();
      keyLongBacked[i] = keyTypes[i].isLongBacked();
    }
    this.aggregates = aggregates.clone();
    this.probe = new GroupKey(this.keyColumns, keyTypes);
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.lateRowsDropped = lateRowsDropped;
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    for (int r = 0; r < n; r++) {
      long wm = in.watermark(r);
      if (wm > watermark) {
        advance(wm);
      }
      long start = in.getLong(r, windowStartColumn);
      if (start + size <= watermark) {
        lateRowsDropped.increment();
        continue;
      }
      Window w = window(start);
      GroupKey key = probe.load(in, r, keyLongBacked);
      Accumulator[] accs = w.groups.get(key);
      if (accs == null) {
        accs = new Accumulator[aggregates.length];
        for (int a = 0; a < accs.length; a++) {
          accs[a] = aggregates[a].create();
        }
        w.groups.put(key.copy(), accs);
      }
      for (Accumulator acc : accs) {
        acc.add(in, r);
      }
    }
    emitter.flush();
  }

  private Window window(long start) {
    for (int i = windows.size() - 1; i >= 0; i--) {
      Window w = windows.get(i);
      if (w.start == start) {
        return w;
      }
      if (w.start < start) {
        Window created = new Window(start);
        windows.add(i + 1, created);
        return created;
      }
    }
    Window created = new Window(start);
    windows.add(0, created);
    return created;
  }

  /** Moves the watermark and emits every window whose end it has reached. */
  private void advance(long wm) {
    watermark = wm;
    while (!windows.isEmpty() && windows.get(0).start + size <= wm) {
      emit(windows.remove(0), wm);
    }
  }

  private void emit(Window w, long wm) {
    long end = w.start + size;
    for (Map.Entry<GroupKey, Accumulator[]> e : w.groups.entrySet()) {
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      GroupKey key = e.getKey();
      int k = 0;
      for (int c = 0; c < keySources.length; c++) {
        switch (keySources[c]) {
          case WINDOW_START -> out.putLong(o, c, w.start);
          case WINDOW_END -> out.putLong(o, c, end);
          case COLUMN -> {
            if (key.isNull(k)) {
              out.putNull(o, c);
            } else if (keyLongBacked[k]) {
              out.putLong(o, c, key.longValue(k));
            } else if (keyTypes[k].kind() == TypeKind.DOUBLE) {
              out.putDouble(o, c, key.doubleValue(k));
            } else {
              out.putObject(o, c, key.objectValue(k));
            }
            k++;
          }
        }
      }
      Accumulator[] accs = e.getValue();
      for (int a = 0; a < accs.length; a++) {
        accs[a].writeResult(out, o, keySources.length + a);
      }
      emitter.commitRow();
    }
  }

  @Override
  public void onWatermark(long wm) {
    if (wm > watermark) {
      advance(wm);
      emitter.flush();
    }
    emitter.downstream().onWatermark(wm);
  }

  @Override
  public void onEndOfInput() {
    advance(Long.MAX_VALUE);
    emitter.flush();
    emitter.downstream().onEndOfInput();
  }

  /** Windows currently open (for metrics and tests). */
  public int openWindows() {
    return windows.size();
  }
}
