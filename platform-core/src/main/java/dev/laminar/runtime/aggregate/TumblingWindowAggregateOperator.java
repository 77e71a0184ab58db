package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.HeapStateJournal;
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
 *
 * <p>Checkpoints: the open windows and the watermark are the heap part; the groups go through a
 * {@link HeapStateJournal}, so a barrier encodes only the groups changed since the previous one.
 */
public final class TumblingWindowAggregateOperator implements Operator, PartialAggregates.Target, dev.laminar.runtime.Timer, dev.laminar.runtime.StoreBacked,
    AutoCloseable {
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
  private final EmitEvery every = new EmitEvery();
  /** Open windows, ordered by start. Few are open at once (out-of-orderness / size + 1). */
  private final List<Window> windows = new ArrayList<>();
  private long watermark = ColumnarBatch.NO_TIME;
  private final HeapStateJournal journal = new HeapStateJournal();

  private static final class Window {
    final long start;
    /** Whether the watermark has passed the window's end (its ON WINDOW CLOSE result is out). */
    boolean fired;
    final Map<GroupKey, Group> groups = new LinkedHashMap<>();

    Window(long start) {
      this.start = start;
    }
  }

  /** One group of one window. */
  private static final class Group extends HeapStateJournal.Entry {
    final long windowStart;
    final GroupKey key;
    final GroupAccumulator accs;
    /** The result last emitted (ON_UPDATE / CHANGES, or a fired window with allowed lateness), or null. */
    Object[] emitted;

    Group(long windowStart, GroupKey key, GroupAccumulator accs) {
      this.windowStart = windowStart;
      this.key = key;
      this.accs = accs;
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
    every.interval(millis);
  }

  /** EMIT EVERY: emits the changed results of every open window (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != Emit.EVERY || !every.due(nowMillis)) {
      return;
    }
    for (Window w : windows) {
      if (!w.fired) {
        emitPending(w);
      }
    }
    emitter.flush();
  }

  private void emitPending(Window w) {
    for (Group g : w.groups.values()) {
      emitChange(w, g, watermark);
    }
  }

  /** Its watermark and open windows; the groups changed since the last barrier go to the journal's store. */
  @Override
  public void snapshot(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(watermark);
    out.writeLong(every.last());
    out.writeInt(windows.size());
    for (Window w : windows) {
      out.writeLong(w.start);
      out.writeBoolean(w.fired);
    }
    journal.<Group>flush(visit -> windows.forEach(w -> w.groups.values().forEach(visit)), (g, o) -> {
      o.writeLong(g.windowStart);
      GroupStateIo.writeGroup(g.key, g.accs, g.emitted, o);
    });
  }

  @Override
  public void restore(java.io.DataInput in) throws java.io.IOException {
    watermark = in.readLong();
    every.last(in.readLong());
    windows.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      Window w = new Window(in.readLong());
      w.fired = in.readBoolean();
      windows.add(w);
    }
  }

  @Override
  public Map<String, dev.laminar.state.StateStore> stores() {
    return journal.stores("groups");
  }

  @Override
  public void restoreStores(Map<String, List<java.nio.file.Path>> chains) throws java.io.IOException {
    dev.laminar.runtime.StoreBacked.requireOwnStores(chains, "groups"::equals, "the heap TUMBLE aggregate");
    boolean restored = journal.restore(chains, "groups", in -> {
      long start = in.readLong();
      Window w = windows.stream().filter(x -> x.start == start).findFirst()
          .orElseThrow(() -> new java.io.IOException("checkpointed group of window " + start + ", which is not open"));
      GroupKey key = keys.blank();
      GroupAccumulator accs = aggregates.create();
      Group g = new Group(start, key, accs);
      g.emitted = GroupStateIo.readGroup(key, accs, in);
      w.groups.put(key, g);
      return g;
    });
    if (!restored && !windows.isEmpty()) {
      throw new java.io.IOException("the checkpoint has open windows but no snapshot of their groups");
    }
  }

  @Override
  public void close() {
    journal.close();
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
      Group g = w.groups.get(key);
      if (g == null) {
        g = new Group(start, key.copy(), aggregates.create());
        w.groups.put(g.key, g);
        journal.added(g);
      } else {
        journal.changed(g);
      }
      g.accs.add(in, r);
      if (emit == Emit.ON_UPDATE || emit == Emit.CHANGES || w.fired) {
        emitChange(w, g, in.watermark(r));
      }
    }
    emitter.flush();
    late.flush();
  }

  /**
   * Two-phase aggregation (a global aggregate over several reactors, {@link PartialAggregates}): folds a
   * partial group state of the window starting at {@code start}, made of {@code rows} rows of one event that
   * were not late where they were folded. If that window fired before this event, they are late here, and
   * dropped (counted). The caller then calls {@link #advanceTo} with the event's highest row watermark, so
   * the windows fire as they would have had the rows come here one by one. Only for a plan without grouping
   * columns, EMIT ON WINDOW CLOSE and no allowed lateness.
   */
  @Override
  public void mergePartial(long start, GroupAccumulator partial, int rows) {
    if (start + size <= watermark) {
      late.dropped(rows);
      return;
    }
    Window w = window(start);
    if (globalKey == null) {
      globalKey = keys.blank(); // no grouping column: one group per window
    }
    Group g = w.groups.get(globalKey);
    if (g == null) {
      g = new Group(start, globalKey.copy(), aggregates.create());
      w.groups.put(g.key, g);
      journal.added(g);
    } else {
      journal.changed(g);
    }
    g.accs.merge(partial);
  }

  private GroupKey globalKey;

  /** Two-phase aggregation: {@code rows} rows were late where they were folded; they are counted as dropped here. */
  @Override
  public void dropLate(int rows) {
    late.dropped(rows);
  }

  /** Two-phase aggregation: the watermark reached {@code wm} within an event's rows; fires the windows it closes. */
  @Override
  public void advanceTo(long wm) {
    if (wm > watermark) {
      advance(wm);
      emitter.flush();
    }
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
      Window gone = windows.remove(0); // past the allowed lateness: nothing can change it any more
      for (Group g : gone.groups.values()) {
        journal.dropped(g);
      }
    }
  }

  /** Emits a group's new result as +I / +U (and the old one as -U for CHANGES), unless it did not change. */
  private void emitChange(Window w, Group g, long wm) {
    long end = w.start + size;
    int o = emitter.openRow(RowKind.INSERT, end - 1, wm);
    keys.writeRow(emitter.batch(), o, w.start, end, g.key, g.accs);
    Object[] before = g.emitted;
    g.emitted = ChangelogEmitter.emit(emitter, o, before, emit == Emit.ON_UPDATE, end - 1, wm);
    if (g.emitted != before) {
      journal.changed(g);
    }
  }

  private void emit(Window w, long wm) {
    long end = w.start + size;
    for (Group g : w.groups.values()) {
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.writeRow(out, o, w.start, end, g.key, g.accs);
      if (late.lateness() > 0) {
        g.emitted = ChangelogEmitter.snapshot(out, o); // later changes retract it
        journal.changed(g);
      }
      emitter.commitRow();
    }
  }

  @Override
  public void onRowWatermark(long wm) {
    advanceTo(wm);
  }

  @Override
  public void onWatermark(long wm) {
    advanceTo(wm);
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
