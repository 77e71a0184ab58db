package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.StateCodec;
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
public final class PaneWindowAggregateOperator implements Operator, PartialAggregates.Target, dev.laminar.runtime.Timer, dev.laminar.runtime.StoreBacked,
    AutoCloseable {
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
  private final TreeMap<Long, Map<GroupKey, PaneGroup>> panes = new TreeMap<>();
  /** The pane of the last row (reactor thread only), so consecutive rows of a pane skip the lookup. */
  private long currentPaneStart = Long.MIN_VALUE;
  private Map<GroupKey, PaneGroup> currentPane;
  /** Groups of the last pane dropped: the initial capacity of new panes. */
  private int lastPaneGroups = 16;
  /** Ends of windows that have data and have not been emitted. */
  private final TreeSet<Long> pendingEnds = new TreeSet<>();
  private long watermark = ColumnarBatch.NO_TIME;
  private TumblingWindowAggregateOperator.Emit emit = TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;
  /** ON UPDATE / CHANGES: per open window end, the row last emitted per key. */
  private final Map<Long, Map<GroupKey, Emitted>> emitted = new java.util.HashMap<>();
  /** Checkpoints: pane groups and emitted results are its entries, so a barrier encodes only what changed. */
  private final dev.laminar.runtime.HeapStateJournal journal = new dev.laminar.runtime.HeapStateJournal();

  /** One group of one pane. */
  private static final class PaneGroup extends dev.laminar.runtime.HeapStateJournal.Entry {
    final long paneStart;
    final GroupKey key;
    final GroupAccumulator accs;

    PaneGroup(long paneStart, GroupKey key, GroupAccumulator accs) {
      this.paneStart = paneStart;
      this.key = key;
      this.accs = accs;
    }
  }

  /** The result last emitted for a key in the window ending at {@code end}. */
  private static final class Emitted extends dev.laminar.runtime.HeapStateJournal.Entry {
    final long end;
    final GroupKey key;
    Object[] row;

    Emitted(long end, GroupKey key, Object[] row) {
      this.end = end;
      this.key = key;
      this.row = row;
    }
  }
  private final EmitEvery every = new EmitEvery();
  /** Two-phase aggregation: the one group key of a plan without grouping columns (made on first use). */
  private GroupKey globalKey;

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
    every.interval(millis);
  }

  /** EMIT EVERY: the changed results of every open window, per key (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != TumblingWindowAggregateOperator.Emit.EVERY || !every.due(nowMillis)) {
      return;
    }
    for (long end : pendingEnds) {
      emitWindow(end);
    }
    emitter.flush();
  }

  /** Every key of the window ending at {@code end}, as changes against what was emitted for it. */
  private void emitWindow(long end) {
    java.util.Set<GroupKey> keys = new java.util.LinkedHashSet<>();
    for (Map<GroupKey, PaneGroup> groups : panes.subMap(windowStart(end), true, end, false).values()) {
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
    return lastEnd(shape, size, paneStart);
  }

  /** End of the last {@code shape} window of {@code size} containing a row of pane {@code paneStart}. */
  static long lastEnd(Shape shape, long size, long paneStart) {
    return shape == Shape.HOP ? paneStart + size : Math.floorDiv(paneStart, size) * size + size;
  }

  /**
   * Two-phase aggregation (a global HOP or CUMULATE over several reactors, {@link PartialAggregates}): folds a
   * partial group state of the pane starting at {@code paneStart}, made of {@code rows} rows of one event that
   * were not late where they were folded. If every window containing the pane fired before this event, they are
   * late here, and dropped (counted). Only for a plan without grouping columns, EMIT ON WINDOW CLOSE and no
   * allowed lateness.
   */
  @Override
  public void mergePartial(long paneStart, GroupAccumulator partial, int rows) {
    if (lastEnd(paneStart) <= watermark) {
      late.dropped(rows);
      return;
    }
    Map<GroupKey, PaneGroup> groups = panes.get(paneStart);
    if (groups == null) {
      groups = openPane(paneStart);
    }
    if (globalKey == null) {
      globalKey = keys.blank(); // no grouping column: one group per pane
    }
    group(groups, paneStart, globalKey).accs.merge(partial);
  }

  /** A new pane's groups, and the ends of its windows still to fire. */
  private Map<GroupKey, PaneGroup> openPane(long paneStart) {
    // sized for as many groups as the last dropped pane had, so it does not rehash as it fills
    Map<GroupKey, PaneGroup> groups = LinkedHashMap.newLinkedHashMap(lastPaneGroups);
    panes.put(paneStart, groups);
    for (long end = paneStart + pane; end <= lastEnd(paneStart); end += pane) {
      if (end > watermark) {
        pendingEnds.add(end);
      }
    }
    return groups;
  }

  /** The group of {@code key} in a pane's {@code groups} (its stored key), created when missing; marked added or changed for the journal. */
  private PaneGroup group(Map<GroupKey, PaneGroup> groups, long paneStart, GroupKey key) {
    PaneGroup g = groups.get(key);
    if (g == null) {
      g = new PaneGroup(paneStart, key.copy(), newAccumulators());
      groups.put(g.key, g);
      journal.added(g);
    } else {
      journal.changed(g);
    }
    return g;
  }

  @Override
  public void dropLate(int rows) {
    late.dropped(rows);
  }

  @Override
  public void advanceTo(long wm) {
    if (wm > watermark) {
      advance(wm);
      emitter.flush();
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
      long t = in.rowtime(r);
      long paneStart = Math.floorDiv(t, pane) * pane;
      if (lastEnd(paneStart) + late.lateness() <= watermark) {
        late.reject(in, r);
        continue;
      }
      if (late.lateness() > 0 && paneStart + pane <= watermark) {
        late.accept(); // its first window has fired: the row corrects it
      }
      Map<GroupKey, PaneGroup> groups;
      if (paneStart == currentPaneStart && currentPane != null) {
        groups = currentPane; // rows come mostly in time order: no boxed TreeMap lookup per row
      } else {
        groups = panes.get(paneStart);
      }
      if (groups == null) {
        groups = openPane(paneStart);
      }
      currentPaneStart = paneStart;
      currentPane = groups;
      PaneGroup g = group(groups, paneStart, keys.probe(in, r));
      GroupKey key = g.key;
      g.accs.add(in, r);
      if (eager() || late.lateness() > 0) {
        emitChanges(paneStart, key, wm);
      }
    }
    emitter.flush();
    late.flush();
  }

  /**
   * Its watermark and the window ends still to emit; the pane groups and emitted results changed since
   * the last barrier go to the journal's store.
   */
  @Override
  public void snapshot(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(watermark);
    out.writeLong(every.last());
    out.writeInt(pendingEnds.size());
    for (long end : pendingEnds) {
      out.writeLong(end);
    }
    journal.<dev.laminar.runtime.HeapStateJournal.Entry>flush(visit -> {
      panes.values().forEach(groups -> groups.values().forEach(visit));
      emitted.values().forEach(perKey -> perKey.values().forEach(visit));
    }, (e, o) -> {
      if (e instanceof PaneGroup g) {
        o.writeBoolean(true);
        o.writeLong(g.paneStart);
        GroupStateIo.writeGroup(g.key, g.accs, null, o);
      } else {
        Emitted r = (Emitted) e;
        o.writeBoolean(false);
        o.writeLong(r.end);
        StateCodec.writeState(r.key, o);
        GroupStateIo.writeRow(r.row, o);
      }
    });
  }

  @Override
  public void restore(java.io.DataInput in) throws java.io.IOException {
    watermark = in.readLong();
    every.last(in.readLong());
    panes.clear();
    currentPane = null;
    pendingEnds.clear();
    for (int i = in.readInt(); i > 0; i--) {
      pendingEnds.add(in.readLong());
    }
    emitted.clear();
  }

  @Override
  public Map<String, dev.laminar.state.StateStore> stores() {
    return journal.stores("groups");
  }

  @Override
  public void restoreStores(Map<String, java.util.List<java.nio.file.Path>> chains) throws java.io.IOException {
    dev.laminar.runtime.StoreBacked.requireOwnStores(chains, "groups"::equals, "the heap " + shape + " aggregate");
    boolean restored = journal.restore(chains, "groups", in -> {
      GroupKey key = keys.blank();
      if (in.readBoolean()) {
        long paneStart = in.readLong();
        GroupAccumulator accs = newAccumulators();
        GroupStateIo.readGroup(key, accs, in);
        PaneGroup g = new PaneGroup(paneStart, key, accs);
        panes.computeIfAbsent(paneStart, x -> new LinkedHashMap<>()).put(key, g);
        return g;
      }
      long end = in.readLong();
      StateCodec.readState(key, in);
      Emitted r = new Emitted(end, key, GroupStateIo.readRow(in));
      emitted.computeIfAbsent(end, x -> new java.util.HashMap<>()).put(key, r);
      return r;
    });
    if (!restored && !pendingEnds.isEmpty()) {
      throw new java.io.IOException("the checkpoint has open windows but no snapshot of their groups");
    }
  }

  @Override
  public void close() {
    journal.close();
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
    for (java.util.Iterator<Map.Entry<Long, Map<GroupKey, Emitted>>> it = emitted.entrySet().iterator(); it.hasNext();) {
      Map.Entry<Long, Map<GroupKey, Emitted>> e = it.next();
      if (e.getKey() + late.lateness() <= wm) { // that window changes no more
        e.getValue().values().forEach(journal::dropped);
        it.remove();
      }
    }
    while (!panes.isEmpty() && lastEnd(panes.firstKey()) + late.lateness() <= wm) {
      Map<GroupKey, PaneGroup> dropped = panes.pollFirstEntry().getValue();
      dropped.values().forEach(journal::dropped);
      lastPaneGroups = Math.max(16, dropped.size());
      if (dropped == currentPane) {
        currentPane = null;
      }
    }
  }

  private void emit(long end, long wm) {
    long start = windowStart(end);
    int upperBound = 0;
    for (Map<GroupKey, PaneGroup> groups : panes.subMap(start, true, end, false).values()) {
      upperBound += groups.size();
    }
    Map<GroupKey, GroupAccumulator> merged = LinkedHashMap.newLinkedHashMap(upperBound); // no rehashing while merging
    for (Map<GroupKey, PaneGroup> groups : panes.subMap(start, true, end, false).values()) {
      for (Map.Entry<GroupKey, PaneGroup> e : groups.entrySet()) {
        merged.computeIfAbsent(e.getKey(), k -> newAccumulators()).merge(e.getValue().accs);
      }
    }
    for (Map.Entry<GroupKey, GroupAccumulator> e : merged.entrySet()) {
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.writeRow(out, o, start, end, e.getKey(), e.getValue());
      if (late.lateness() > 0) {
        // later changes retract it
        putEmitted(end, e.getKey(), ChangelogEmitter.snapshot(out, o));
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
    for (Map<GroupKey, PaneGroup> groups : panes.subMap(start, true, end, false).values()) {
      PaneGroup part = groups.get(key);
      if (part != null) {
        merged.merge(part.accs);
      }
    }
    int o = emitter.openRow(RowKind.INSERT, end - 1, wm);
    keys.writeRow(emitter.batch(), o, start, end, key, merged);
    Map<GroupKey, Emitted> perKey = emitted.get(end);
    Emitted last = perKey == null ? null : perKey.get(key);
    Object[] before = last == null ? null : last.row;
    Object[] now = ChangelogEmitter.emit(emitter, o, before, emit == TumblingWindowAggregateOperator.Emit.ON_UPDATE, end - 1, wm);
    if (now != before) {
      if (last != null) {
        last.row = now;
        journal.changed(last);
      } else {
        putEmitted(end, key.copy(), now);
      }
    }
  }

  /** Records {@code row} as the result last emitted for {@code key} (a stored copy) in the window ending at {@code end}. */
  private void putEmitted(long end, GroupKey key, Object[] row) {
    Map<GroupKey, Emitted> perKey = emitted.computeIfAbsent(end, e -> new java.util.HashMap<>());
    Emitted old = perKey.get(key);
    if (old != null) {
      old.row = row;
      journal.changed(old);
    } else {
      Emitted r = new Emitted(end, key, row);
      perKey.put(key, r);
      journal.added(r);
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
    emitter.downstream().onEndOfInput();
    late.onEndOfInput();
  }

  /** Panes currently held (for state-size checks). */
  public int openPanes() {
    return panes.size();
  }
}
