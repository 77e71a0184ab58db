package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * GROUP BY over hopping (HOP) or cumulating (CUMULATE) windows, EMIT ON WINDOW CLOSE, with partial
 * aggregates shared between overlapping windows: each row is folded once into the pane (slice) of
 * its event time — panes are {@code slide} (HOP) or {@code step} (CUMULATE) long — and a window's
 * result is the merge of its panes when the watermark reaches its end. A row is late, counted and
 * dropped, only when every window containing it has closed.
 *
 * <p>Windows: HOP(size, slide) has windows {@code [k·slide, k·slide + size)}; CUMULATE(step, size)
 * has, per cycle {@code [c, c + size)}, the windows {@code [c, c + j·step)} for j = 1..size/step.
 * Output rows follow GROUP BY order like the tumbling operator's, carry event time window_end − 1,
 * and come window by window in end order, groups in order of first appearance.
 */
public final class PaneWindowAggregateOperator implements Operator, dev.laminar.runtime.Timer, dev.laminar.runtime.Checkpointable {
  /**
   * Window shapes other than TUMBLE: HOP and CUMULATE are built from panes here; SESSION is
   * aggregated by {@link SessionWindowAggregateOperator} (the planner uses this enum for all three).
   */
  public enum Shape { HOP, CUMULATE, SESSION }

  private final Shape shape;
  private final long pane;
  private final long size;
  private final WindowGroupKeys keys;
  private final GroupAccumulatorFactory aggregates;
  private final BatchEmitter emitter;
  private final LateRows late;
  /** Pane start → groups of that pane. */
  private final TreeMap<Long, Map<GroupKey, GroupAccumulator>> panes = new TreeMap<>();
  /** The pane of the last row (reactor thread only), so consecutive rows of a pane skip the lookup. */
  private long currentPaneStart = Long.MIN_VALUE;
  private Map<GroupKey, GroupAccumulator> currentPane;
  /** Groups of the last pane dropped: the initial capacity of new panes. */
  private int lastPaneGroups = 16;
  /** Ends of windows that have data and have not been emitted. */
  private final TreeSet<Long> pendingEnds = new TreeSet<>();
  private long watermark = ColumnarBatch.NO_TIME;
  private TumblingWindowAggregateOperator.Emit emit = TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;
  /** ON UPDATE / CHANGES: per open window end, the row last emitted per key. */
  private final Map<Long, Map<GroupKey, Object[]>> emitted = new java.util.HashMap<>();
  private long everyMillis;
  private long lastEveryMillis;

  /**
   * @param pane slide (HOP) or step (CUMULATE); must divide {@code size}
   * @param keySources and {@code keyColumns} as for {@link TumblingWindowAggregateOperator}
   */
  public PaneWindowAggregateOperator(Shape shape, long pane, long size, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped) {
    if (shape == Shape.SESSION) {
      throw new IllegalArgumentException("SESSION windows are aggregated by SessionWindowAggregateOperator");
    }
    if (pane <= 0 || size <= 0 || size % pane != 0) {
      throw new IllegalArgumentException(shape + " window size " + size + " ms must be a positive multiple of "
          + (shape == Shape.HOP ? "the slide" : "the step") + " " + pane + " ms");
    }
    this.shape = shape;
    this.pane = pane;
    this.size = size;
    this.keys = new WindowGroupKeys(keySources, keyColumns, inputSchema);
    this.aggregates = aggregates;
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.late = new LateRows(lateRowsDropped);
  }

  /**
   * ON UPDATE or CHANGES: after every row, the new result of its key in each open window containing
   * it goes out (+I, then +U — or -U/+U for CHANGES); nothing more when the window closes. Each row
   * merges up to size/pane panes for up to size/pane windows, so this costs far more than ON WINDOW
   * CLOSE on fine-grained HOPs.
   */
  public void emit(TumblingWindowAggregateOperator.Emit mode) {
    this.emit = mode;
  }

  /** EMIT EVERY: the interval of processing time between early results. */
  public void emitEvery(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("EMIT EVERY needs a positive interval, was " + millis + " ms");
    }
    this.everyMillis = millis;
  }

  /** EMIT EVERY: the changed results of every open window, per key (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != TumblingWindowAggregateOperator.Emit.EVERY || nowMillis - lastEveryMillis < everyMillis) {
      return;
    }
    lastEveryMillis = nowMillis;
    for (long end : pendingEnds) {
      emitWindow(end);
    }
    emitter.flush();
  }

  /** Every key of the window ending at {@code end}, as changes against what was emitted for it. */
  private void emitWindow(long end) {
    java.util.Set<GroupKey> keys = new java.util.LinkedHashSet<>();
    for (Map<GroupKey, GroupAccumulator> groups : panes.subMap(windowStart(end), true, end, false).values()) {
      keys.addAll(groups.keySet());
    }
    for (GroupKey key : keys) {
      emitChange(end, key, watermark);
    }
  }

  /**
   * ALLOW LATENESS / LATE DATA TO, as for tumbling windows: panes stay {@code millis} after the last
   * window containing them has ended; a row in that time updates its pane, and every fired window it
   * belongs to is re-emitted as a change (-U old, +U new). Rows later than that go to
   * {@code lateOutput} or are dropped; all are counted.
   */
  public void allowLateness(long millis, Operator lateOutput, Schema inputSchema, int batchCapacity, Counter accepted,
      Counter redirected) {
    late.configure(millis, lateOutput, inputSchema, batchCapacity, accepted, redirected);
  }

  private boolean eager() {
    return emit == TumblingWindowAggregateOperator.Emit.ON_UPDATE || emit == TumblingWindowAggregateOperator.Emit.CHANGES;
  }

  /** Start of the window that ends at {@code end}. */
  private long windowStart(long end) {
    return shape == Shape.HOP ? end - size : Math.floorDiv(end - 1, size) * size;
  }

  /** End of the last window containing a row of pane {@code paneStart}. */
  private long lastEnd(long paneStart) {
    return shape == Shape.HOP ? paneStart + size : Math.floorDiv(paneStart, size) * size + size;
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    for (int r = 0; r < n; r++) {
      long wm = in.watermark(r);
      if (wm > watermark) {
        advance(wm);
      }
      long t = in.rowtime(r);
      long paneStart = Math.floorDiv(t, pane) * pane;
      if (lastEnd(paneStart) + late.lateness() <= watermark) {
        late.reject(in, r);
        continue;
      }
      if (late.lateness() > 0 && paneStart + pane <= watermark) {
        late.accept(); // its first window has fired: the row corrects it
      }
      Map<GroupKey, GroupAccumulator> groups;
      if (paneStart == currentPaneStart && currentPane != null) {
        groups = currentPane; // rows come mostly in time order: no boxed TreeMap lookup per row
      } else {
        groups = panes.get(paneStart);
      }
      if (groups == null) {
        // sized for as many groups as the last dropped pane had, so it does not rehash as it fills
        groups = LinkedHashMap.newLinkedHashMap(lastPaneGroups);
        panes.put(paneStart, groups);
        for (long end = paneStart + pane; end <= lastEnd(paneStart); end += pane) {
          if (end > watermark) {
            pendingEnds.add(end);
          }
        }
      }
      currentPaneStart = paneStart;
      currentPane = groups;
      GroupKey key = keys.probe(in, r);
      GroupAccumulator accs = groups.get(key);
      if (accs == null) {
        accs = newAccumulators();
        key = key.copy();
        groups.put(key, accs);
      }
      accs.add(in, r);
      if (eager() || late.lateness() > 0) {
        emitChanges(paneStart, key, wm);
      }
    }
    emitter.flush();
    late.flush();
  }

  /** Its panes with every group's state, the window ends still to emit, the results last emitted, and its watermark. */
  @Override
  public void snapshot(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(watermark);
    out.writeLong(lastEveryMillis);
    out.writeInt(panes.size());
    for (Map.Entry<Long, Map<GroupKey, GroupAccumulator>> p : panes.entrySet()) {
      out.writeLong(p.getKey());
      GroupStateIo.writeGroups(p.getValue(), out);
    }
    out.writeInt(pendingEnds.size());
    for (long end : pendingEnds) {
      out.writeLong(end);
    }
    out.writeInt(emitted.size());
    for (Map.Entry<Long, Map<GroupKey, Object[]>> e : emitted.entrySet()) {
      out.writeLong(e.getKey());
      GroupStateIo.writeEmitted(e.getValue(), out);
    }
  }

  @Override
  public void restore(java.io.DataInput in) throws java.io.IOException {
    watermark = in.readLong();
    lastEveryMillis = in.readLong();
    panes.clear();
    for (int i = in.readInt(); i > 0; i--) {
      long start = in.readLong();
      panes.put(start, GroupStateIo.readGroups(keys, aggregates, in));
    }
    pendingEnds.clear();
    for (int i = in.readInt(); i > 0; i--) {
      pendingEnds.add(in.readLong());
    }
    emitted.clear();
    for (int i = in.readInt(); i > 0; i--) {
      long end = in.readLong();
      emitted.put(end, GroupStateIo.readEmitted(keys, in));
    }
  }

  private GroupAccumulator newAccumulators() {
    return aggregates.create();
  }

  /** Moves the watermark: emits every pending window whose end it reached, then drops unneeded panes. */
  private void advance(long wm) {
    watermark = wm;
    while (!pendingEnds.isEmpty() && pendingEnds.first() <= wm) {
      long end = pendingEnds.pollFirst();
      if (emit == TumblingWindowAggregateOperator.Emit.EVERY) {
        emitWindow(end); // the changes since the last early result
      } else if (!eager()) {
        emit(end, wm);
      }
    }
    emitted.keySet().removeIf(end -> end + late.lateness() <= wm); // those windows change no more
    while (!panes.isEmpty() && lastEnd(panes.firstKey()) + late.lateness() <= wm) {
      Map<GroupKey, GroupAccumulator> dropped = panes.pollFirstEntry().getValue();
      lastPaneGroups = Math.max(16, dropped.size());
      if (dropped == currentPane) {
        currentPane = null;
      }
    }
  }

  private void emit(long end, long wm) {
    long start = windowStart(end);
    int upperBound = 0;
    for (Map<GroupKey, GroupAccumulator> groups : panes.subMap(start, true, end, false).values()) {
      upperBound += groups.size();
    }
    Map<GroupKey, GroupAccumulator> merged = LinkedHashMap.newLinkedHashMap(upperBound); // no rehashing while merging
    for (Map<GroupKey, GroupAccumulator> groups : panes.subMap(start, true, end, false).values()) {
      for (Map.Entry<GroupKey, GroupAccumulator> e : groups.entrySet()) {
        merged.computeIfAbsent(e.getKey(), k -> newAccumulators()).merge(e.getValue());
      }
    }
    for (Map.Entry<GroupKey, GroupAccumulator> e : merged.entrySet()) {
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.writeRow(out, o, start, end, e.getKey(), e.getValue());
      if (late.lateness() > 0) {
        // later changes retract it
        emitted.computeIfAbsent(end, x -> new java.util.HashMap<>()).put(e.getKey(), ChangelogEmitter.snapshot(out, o));
      }
      emitter.commitRow();
    }
  }

  /** The new result of {@code key} in every window containing pane {@code paneStart} that the row can still change. */
  private void emitChanges(long paneStart, GroupKey key, long wm) {
    for (long end = paneStart + pane; end <= lastEnd(paneStart); end += pane) {
      if (end + late.lateness() <= watermark) {
        continue; // past its allowed lateness: it changes no more
      }
      if (!eager() && end > watermark) {
        continue; // ON WINDOW CLOSE / EVERY: an open window's result goes out later
      }
      emitChange(end, key, wm);
    }
  }

  /** Emits the merged result of {@code key} in the window ending at {@code end} if it changed (+I, -U/+U or +U). */
  private void emitChange(long end, GroupKey key, long wm) {
    long start = windowStart(end);
    GroupAccumulator merged = newAccumulators();
    for (Map<GroupKey, GroupAccumulator> groups : panes.subMap(start, true, end, false).values()) {
      GroupAccumulator part = groups.get(key);
      if (part != null) {
        merged.merge(part);
      }
    }
    int o = emitter.openRow(RowKind.INSERT, end - 1, wm);
    keys.writeRow(emitter.batch(), o, start, end, key, merged);
    Map<GroupKey, Object[]> perKey = emitted.computeIfAbsent(end, e -> new java.util.HashMap<>());
    Object[] before = perKey.get(key);
    Object[] now = ChangelogEmitter.emit(emitter, o, before, emit == TumblingWindowAggregateOperator.Emit.ON_UPDATE, end - 1, wm);
    if (now != before) {
      perKey.put(key.copy(), now);
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
    emitter.downstream().onEndOfInput();
    late.onEndOfInput();
  }

  /** Panes currently held (for state-size checks). */
  public int openPanes() {
    return panes.size();
  }
}
