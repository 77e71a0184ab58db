package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
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
public final class TumblingWindowAggregateOperator implements Operator, dev.laminar.runtime.Timer, dev.laminar.runtime.Checkpointable {
  /** What a grouping column of the output is filled from. */
  public enum KeySource { COLUMN, WINDOW_START, WINDOW_END,
    /** window_end − 1 ms: the event time of a window's result (Flink's window_time). */
    WINDOW_TIME }

  /**
   * When results leave: ON_WINDOW_CLOSE (once per window, append-only); ON_UPDATE (after every change
   * of a group: +I the first time, then +U with the new value — an upsert stream keyed by the
   * grouping columns); CHANGES (the same changes as a changelog: +I, then -U old / +U new pairs).
   * An update that leaves a group's result unchanged emits nothing.
   */
  public enum Emit { ON_WINDOW_CLOSE, ON_UPDATE, CHANGES,
    /** Every interval of processing time, the changed results of open windows as a changelog; the rest at close. */
    EVERY }

  private final long size;
  private final int windowStartColumn;
  private final WindowGroupKeys keys;
  private final GroupAccumulatorFactory aggregates;
  private final BatchEmitter emitter;
  private final LateRows late;
  private final Emit emit;
  private long everyMillis;
  private long lastEveryMillis;
  /** Open windows, ordered by start. Few are open at once (out-of-orderness / size + 1). */
  private final List<Window> windows = new ArrayList<>();
  private long watermark = ColumnarBatch.NO_TIME;

  private static final class Window {
    final long start;
    /** Whether the watermark has passed the window's end (its ON WINDOW CLOSE result is out). */
    boolean fired;
    final Map<GroupKey, GroupAccumulator> groups = new LinkedHashMap<>();
    /** Per group, the result last emitted (ON_UPDATE / CHANGES only). */
    final Map<GroupKey, Object[]> emitted = new java.util.HashMap<>();

    Window(long start) {
      this.start = start;
    }
  }

  /**
   * @param keySources for each grouping output column, where its value comes from
   * @param keyColumns for each grouping output column of source COLUMN, the input column (others ignored)
   */
  public TumblingWindowAggregateOperator(long size, int windowStartColumn, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped) {
    this(size, windowStartColumn, keySources, keyColumns, inputSchema, aggregates, outputSchema, batchCapacity, downstream,
        lateRowsDropped, Emit.ON_WINDOW_CLOSE);
  }

  /** With an emit mode other than the default ON_WINDOW_CLOSE. */
  public TumblingWindowAggregateOperator(long size, int windowStartColumn, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped, Emit emit) {
    this.emit = emit;
    this.size = size;
    this.windowStartColumn = windowStartColumn;
    this.keys = new WindowGroupKeys(keySources, keyColumns, inputSchema);
    this.aggregates = aggregates;
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.late = new LateRows(lateRowsDropped);
  }

  /**
   * {@code ALLOW LATENESS}: windows stay open {@code millis} after their end; a row arriving in that
   * time updates its window and the corrected result is re-emitted as a change (-U old, +U new).
   * Rows later than that go to {@code lateOutput} (LATE DATA TO), or are dropped; all are counted.
   */
  public void allowLateness(long millis, Operator lateOutput, Schema inputSchema, int batchCapacity, Counter accepted,
      Counter redirected) {
    late.configure(millis, lateOutput, inputSchema, batchCapacity, accepted, redirected);
  }

  /** EMIT EVERY: the interval of processing time between early results. */
  public void emitEvery(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("EMIT EVERY needs a positive interval, was " + millis + " ms");
    }
    this.everyMillis = millis;
  }

  /** EMIT EVERY: emits the changed results of every open window (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != Emit.EVERY || nowMillis - lastEveryMillis < everyMillis) {
      return;
    }
    lastEveryMillis = nowMillis;
    for (Window w : windows) {
      if (!w.fired) {
        emitPending(w);
      }
    }
    emitter.flush();
  }

  private void emitPending(Window w) {
    for (Map.Entry<GroupKey, GroupAccumulator> e : w.groups.entrySet()) {
      emitChange(w, e.getKey(), e.getValue(), watermark);
    }
  }

  /** Its open windows with every group's state, the results last emitted, and its watermark. */
  @Override
  public void snapshot(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(watermark);
    out.writeLong(lastEveryMillis);
    out.writeInt(windows.size());
    for (Window w : windows) {
      out.writeLong(w.start);
      out.writeBoolean(w.fired);
      GroupStateIo.writeGroups(w.groups, out);
      GroupStateIo.writeEmitted(w.emitted, out);
    }
  }

  @Override
  public void restore(java.io.DataInput in) throws java.io.IOException {
    watermark = in.readLong();
    lastEveryMillis = in.readLong();
    windows.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      Window w = new Window(in.readLong());
      w.fired = in.readBoolean();
      w.groups.putAll(GroupStateIo.readGroups(keys, aggregates, in));
      w.emitted.putAll(GroupStateIo.readEmitted(keys, in));
      windows.add(w);
    }
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
      if (start + size + late.lateness() <= watermark) {
        late.reject(in, r);
        continue;
      }
      boolean isLate = start + size <= watermark;
      if (isLate) {
        late.accept();
      }
      Window w = window(start);
      if (isLate) {
        w.fired = true; // a window first seen after its end: its rows go out as changes
      }
      GroupKey key = keys.probe(in, r);
      GroupAccumulator accs = w.groups.get(key);
      if (accs == null) {
        accs = aggregates.create();
        key = key.copy();
        w.groups.put(key, accs);
      }
      accs.add(in, r);
      if (emit == Emit.ON_UPDATE || emit == Emit.CHANGES || w.fired) {
        emitChange(w, key, accs, in.watermark(r));
      }
    }
    emitter.flush();
    late.flush();
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

  /** Moves the watermark and emits (or, for ON_UPDATE / CHANGES, just closes) every window whose end it has reached. */
  private void advance(long wm) {
    watermark = wm;
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      if (w.start + size > wm) {
        break;
      }
      if (!w.fired) {
        w.fired = true;
        if (emit == Emit.ON_WINDOW_CLOSE) {
          emit(w, wm);
        } else if (emit == Emit.EVERY) {
          emitPending(w); // the final changes at close
        }
      }
    }
    while (!windows.isEmpty() && windows.get(0).start + size + late.lateness() <= wm) {
      windows.remove(0); // past the allowed lateness: nothing can change it any more
    }
  }

  /** Emits a group's new result as +I / +U (and the old one as -U for CHANGES), unless it did not change. */
  private void emitChange(Window w, GroupKey storedKey, GroupAccumulator accs, long wm) {
    long end = w.start + size;
    int o = emitter.openRow(RowKind.INSERT, end - 1, wm);
    keys.writeRow(emitter.batch(), o, w.start, end, storedKey, accs);
    w.emitted.put(storedKey, ChangelogEmitter.emit(emitter, o, w.emitted.get(storedKey), emit == Emit.ON_UPDATE, end - 1, wm));
  }

  private void emit(Window w, long wm) {
    long end = w.start + size;
    for (Map.Entry<GroupKey, GroupAccumulator> e : w.groups.entrySet()) {
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.writeRow(out, o, w.start, end, e.getKey(), e.getValue());
      if (late.lateness() > 0) {
        w.emitted.put(e.getKey(), ChangelogEmitter.snapshot(out, o)); // later changes retract it
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
    late.onWatermark(wm);
  }

  @Override
  public void onEndOfInput() {
    advance(Long.MAX_VALUE);
    emitter.flush();
    late.onEndOfInput();
    emitter.downstream().onEndOfInput();
  }

  /** Windows currently open (for metrics and tests). */
  public int openWindows() {
    return windows.size();
  }
}
