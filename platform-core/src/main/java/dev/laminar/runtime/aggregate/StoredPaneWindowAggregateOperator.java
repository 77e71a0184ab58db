package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import dev.laminar.state.OffHeapStateStore;
import dev.laminar.state.StateStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * HOP / CUMULATE with each pane's group partials in an off-heap {@link OffHeapStateStore}: what
 * {@link PaneWindowAggregateOperator} does on the heap, in every emit mode and with allowed lateness, under the
 * same conditions as {@link StoredTumblingWindowAggregateOperator} (fixed-size grouping columns through
 * {@link FixedGroupKeys}, fixed-size aggregate state through {@link SlotAccumulator}); same results, same
 * order (windows in end order, groups in order of first appearance across the window's panes).
 *
 * <p>A row goes into the store of its pane (key → first-seen ordinal + slot, updated in place). At a
 * window's end its panes are merged, oldest first, into a scratch store (two cursors: the window's slot
 * and the pane's, {@code merge}d), which is emitted in first-seen order and cleared. A pane's store is
 * dropped once no window still to emit (or still within its allowed lateness) contains it.
 *
 * <p>When results go out as changes (EMIT ON UPDATE, CHANGES, EVERY, or ALLOW LATENESS), the result last emitted
 * per group of each window lives in a store of that window ({@link SlotChanges}: key → flags + the emitted state),
 * dropped when the window can change no more. A group's current result in a window is the merge of its partials
 * in the window's panes, found by key in each.
 *
 * <p>Checkpoints capture each pane's and each window's store incrementally ({@link StoreBacked}); the scratch store
 * is not state.
 */
public final class StoredPaneWindowAggregateOperator implements Operator, StoreBacked, dev.laminar.runtime.Timer, AutoCloseable {
  private static final long ORDINAL_BYTES = 8;
  private static final String DICTIONARY = "dict";

  private final Shape shape;
  private final long pane;
  private final long size;
  private final FixedGroupKeys keys;
  private final int valueBytes;
  private final SlotAccumulator cursor;
  private final SlotAccumulator partial;
  /** The references the slots hold on the dictionary's object values (none when the state is all primitives). */
  private final SlotRefs refs;
  /** The sets of the COUNT(DISTINCT) and APPROX_COUNT_DISTINCT calls (null when there are none). */
  private final SlotSets sets;
  private final Emit emit;
  private final long lateness;
  /** The results last emitted per group, when results go out as changes (else null). */
  private final SlotChanges changes;
  /** Window end → the results last emitted in it (with changes). */
  private final TreeMap<Long, OffHeapStateStore> emitted = new TreeMap<>();
  private final StorePool emittedPool;
  /** A pane's value read out by key (reused), and an all-zero slot: the state of a group with no row. */
  private final MemorySegment paneValue;
  private final MemorySegment emptySlot;
  private final EmitEvery every = new EmitEvery();
  private final BatchEmitter emitter;
  private final LateRows late;
  private final Path scratch;
  /** Pane start → its groups. */
  private final TreeMap<Long, Pane> panes = new TreeMap<>();
  /** The pane of the last row, so consecutive rows of a pane skip the boxed TreeMap lookup. */
  private Pane current;
  /** Ends of windows that have data and have not been emitted. */
  private final TreeSet<Long> pendingEnds = new TreeSet<>();
  private long watermark = ColumnarBatch.NO_TIME;
  private long lastPaneGroups = 64;
  private OffHeapStateStore merged;
  private long[] order = new long[1024];
  /** A pane's key copied out for the merge store's probe (no slice per group). */
  private final long[] mergeKeyWords;
  private final MemorySegment mergeKey;
  private final StorePool pool;

  private final class Pane {
    final long start;
    final OffHeapStateStore store;
    long nextOrdinal;

    Pane(long start) {
      this.start = start;
      this.store = pool.take(lastPaneGroups);
    }
  }

  /** Whether this operator can run a query of these grouping columns and aggregate slot size (else use the heap operator). */
  public static boolean supports(KeySource[] keySources, int[] keyColumns, Schema input, int slotBytes) {
    return StoredTumblingWindowAggregateOperator.supports(keySources, keyColumns, input, slotBytes);
  }

  /** EMIT ON WINDOW CLOSE, no allowed lateness. */
  public StoredPaneWindowAggregateOperator(Shape shape, long pane, long size, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped, Path scratch) {
    this(shape, pane, size, keySources, keyColumns, inputSchema, aggregates, outputSchema, batchCapacity, downstream, lateRowsDropped,
        scratch, Emit.ON_WINDOW_CLOSE, 0);
  }

  /**
   * @param pane slide (HOP) or step (CUMULATE); must divide {@code size}
   * @param scratch directory for the stores' memory-mapped files
   * @param emit when results leave ({@link Emit}; EVERY also needs {@link #emitEvery})
   * @param lateness ALLOW LATENESS in milliseconds: panes stay that long after the last window containing them
   *     has ended; a row in that time updates its pane, and every fired window it belongs to goes out again as a
   *     change (-U old, +U new)
   */
  public StoredPaneWindowAggregateOperator(Shape shape, long pane, long size, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped, Path scratch, Emit emit, long lateness) {
    if (shape == Shape.SESSION) {
      throw new IllegalArgumentException("SESSION windows are aggregated by SessionWindowAggregateOperator");
    }
    if (pane <= 0 || size <= 0 || size % pane != 0) {
      throw new IllegalArgumentException(shape + " window size " + size + " ms must be a positive multiple of "
          + (shape == Shape.HOP ? "the slide" : "the step") + " " + pane + " ms");
    }
    if (!supports(keySources, keyColumns, inputSchema, aggregates.slotBytes())) {
      throw new IllegalArgumentException("the grouping columns or aggregate states are not fixed-size: use PaneWindowAggregateOperator");
    }
    this.shape = shape;
    this.pane = pane;
    this.size = size;
    this.scratch = scratch;
    this.emit = emit;
    this.lateness = lateness;
    this.keys = new FixedGroupKeys(keySources, keyColumns, inputSchema, scratch,
        aggregates.slotObjectWords().length > 0 || SlotSets.needsDictionary(aggregates));
    this.sets = SlotSets.of(aggregates, scratch, keys.dictionary());
    this.valueBytes = (int) ORDINAL_BYTES + aggregates.slotBytes();
    this.pool = new StorePool(scratch, keys.keyBytes(), valueBytes, 4);
    this.refs = new SlotRefs(aggregates, keys.dictionary(), sets);
    this.changes = emit != Emit.ON_WINDOW_CLOSE || lateness > 0 ? new SlotChanges(aggregates, outputSchema, keys, refs) : null;
    this.emittedPool = changes == null ? null : new StorePool(scratch, keys.keyBytes(), (int) changes.bytes(), 4);
    this.paneValue = MemorySegment.ofArray(new long[valueBytes / 8]);
    this.emptySlot = MemorySegment.ofArray(new long[Math.max(1, aggregates.slotBytes() / 8)]);
    this.cursor = (SlotAccumulator) aggregates.create();
    this.partial = (SlotAccumulator) aggregates.create();
    cursor.bind(keys.dictionary());
    partial.bind(keys.dictionary());
    cursor.bindSets(sets);
    partial.bindSets(sets);
    this.mergeKeyWords = new long[keys.keyBytes() / 8];
    this.mergeKey = MemorySegment.ofArray(mergeKeyWords);
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.late = new LateRows(lateRowsDropped);
    late.configure(lateness, null, inputSchema, batchCapacity, new Counter(), new Counter());
  }

  /**
   * LATE DATA TO: rows later than the allowed lateness go to {@code lateOutput} (null: they are dropped); rows
   * accepted within the lateness and rows redirected are counted in {@code accepted} and {@code redirected}.
   */
  public void lateDataTo(Operator lateOutput, Schema inputSchema, int batchCapacity, Counter accepted, Counter redirected) {
    late.configure(lateness, lateOutput, inputSchema, batchCapacity, accepted, redirected);
  }

  /** EMIT EVERY: the interval of processing time between early results. */
  public void emitEvery(long millis) {
    every.interval(millis);
  }

  /** EMIT EVERY: the changed results of every open window, per group (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != Emit.EVERY || !every.due(nowMillis)) {
      return;
    }
    for (long end : pendingEnds) {
      emitWindow(end);
    }
    emitter.flush();
  }

  private boolean eager() {
    return emit == Emit.ON_UPDATE || emit == Emit.CHANGES;
  }

  private long windowStart(long end) {
    return shape == Shape.HOP ? end - size : Math.floorDiv(end - 1, size) * size;
  }

  private long lastEnd(long paneStart) {
    return shape == Shape.HOP ? paneStart + size : Math.floorDiv(paneStart, size) * size + size;
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    final SlotAccumulator acc = cursor;
    final boolean eachRow = eager() || lateness > 0;
    for (int r = 0; r < n; r++) {
      long wm = in.watermark(r);
      if (wm > watermark) {
        advance(wm);
      }
      long paneStart = Math.floorDiv(in.rowtime(r), pane) * pane;
      if (lastEnd(paneStart) + lateness <= watermark) {
        late.reject(in, r);
        continue;
      }
      if (lateness > 0 && paneStart + pane <= watermark) {
        late.accept(); // its first window has fired: the row corrects it
      }
      Pane p = current != null && current.start == paneStart ? current : panes.get(paneStart);
      if (p == null) {
        p = new Pane(paneStart);
        panes.put(paneStart, p);
        for (long end = paneStart + pane; end <= lastEnd(paneStart); end += pane) {
          if (end > watermark) {
            pendingEnds.add(end);
          }
        }
      }
      current = p;
      OffHeapStateStore store = p.store;
      long slot = store.upsertSlot(keys.load(in, r));
      MemorySegment table = store.table();
      long at = store.valueOffset(slot);
      if (store.inserted()) {
        table.set(JAVA_LONG_UNALIGNED, at, p.nextOrdinal++);
        keys.retainProbe();
      }
      acc.load(table, at + ORDINAL_BYTES);
      acc.add(in, r);
      refs.overwrite(acc, table, at + ORDINAL_BYTES);
      if (eachRow) {
        MemorySegment.copy(table, store.keyOffset(slot), mergeKey, 0, keys.keyBytes());
        emitChanges(paneStart, wm);
      }
    }
    emitter.flush();
    late.flush();
  }

  /** The new result of the group in {@link #mergeKey} in every window containing pane {@code paneStart} that a row can still change. */
  private void emitChanges(long paneStart, long wm) {
    for (long end = paneStart + pane; end <= lastEnd(paneStart); end += pane) {
      if (end + lateness <= watermark) {
        continue; // past its allowed lateness: it changes no more
      }
      if (!eager() && end > watermark) {
        continue; // ON WINDOW CLOSE / EVERY: an open window's result goes out later
      }
      emitChange(end, wm);
    }
  }

  /**
   * Emits the result of the group in {@link #mergeKey} in the window ending at {@code end} (the merge of its partials
   * in the window's panes) if it changed since it last went out: +I, -U/+U or +U.
   */
  private void emitChange(long end, long wm) {
    long start = windowStart(end);
    cursor.load(emptySlot, 0);
    for (Pane p : panes.subMap(start, true, end, false).values()) {
      if (p.store.get(mergeKey, paneValue)) {
        partial.load(paneValue, ORDINAL_BYTES);
        cursor.merge(partial);
      }
    }
    OffHeapStateStore store = emitted.get(end);
    if (store == null) {
      store = emittedPool.take(lastPaneGroups);
      emitted.put(end, store);
    }
    long slot = store.upsertSlot(mergeKey);
    if (store.inserted()) {
      keys.retain(mergeKey, 0);
    }
    MemorySegment table = store.table();
    int o = emitter.openRow(RowKind.INSERT, end - 1, wm);
    keys.write(emitter.batch(), o, start, end, table, store.keyOffset(slot));
    cursor.writeResults(emitter.batch(), o, keys.width());
    changes.emit(emitter, o, cursor, start, end, table, store.keyOffset(slot), store.valueOffset(slot), emit == Emit.ON_UPDATE, end - 1, wm);
    cursor.releaseSets(); // the merge of the panes' sets was for this result only
  }

  /** EMIT EVERY: every group of the window ending at {@code end}, in order of first appearance, as changes. */
  private void emitWindow(long end) {
    OffHeapStateStore seen = scratchStore(end);
    if (seen == null) {
      return;
    }
    for (Pane p : panes.subMap(windowStart(end), true, end, false).values()) {
      OffHeapStateStore store = p.store;
      int n = collect(store);
      for (int i = 0; i < n; i++) {
        long s = order[i] & 0xFFFF_FFFFL;
        MemorySegment.copy(store.table(), store.keyOffset(s), mergeKey, 0, keys.keyBytes());
        seen.upsertSlot(mergeKey);
        if (seen.inserted()) {
          emitChange(end, watermark);
        }
      }
    }
    releaseScratch();
  }

  /** Moves the watermark: emits every pending window whose end it reached, then drops the panes no window needs. */
  private void advance(long wm) {
    watermark = wm;
    while (!pendingEnds.isEmpty() && pendingEnds.first() <= wm) {
      long end = pendingEnds.pollFirst();
      if (emit == Emit.EVERY) {
        emitWindow(end); // the changes since the last early result
      } else if (!eager()) {
        emit(end);
      }
    }
    while (!emitted.isEmpty() && emitted.firstKey() + lateness <= wm) { // that window changes no more
      OffHeapStateStore store = emitted.pollFirstEntry().getValue();
      for (long s = 0, cap = store.capacity(); s < cap; s++) {
        if (store.occupied(s)) {
          keys.release(store.table(), store.keyOffset(s));
          changes.release(store.table(), store.valueOffset(s));
        }
      }
      emittedPool.recycle(store);
    }
    while (!panes.isEmpty() && lastEnd(panes.firstKey()) + lateness <= wm) {
      Pane dropped = panes.pollFirstEntry().getValue();
      if (dropped == current) {
        current = null;
      }
      OffHeapStateStore store = dropped.store;
      lastPaneGroups = Math.max(16, store.size());
      for (long s = 0, cap = store.capacity(); s < cap; s++) { // the pane's groups go: their strings and values may go too
        if (store.occupied(s)) {
          keys.release(store.table(), store.keyOffset(s));
          refs.release(store.table(), store.valueOffset(s) + ORDINAL_BYTES);
        }
      }
      pool.recycle(store);
    }
  }

  /** The cleared scratch store, sized for the groups of the window ending at {@code end}; null when the window has none. */
  private OffHeapStateStore scratchStore(long end) {
    long upperBound = 0;
    for (Pane p : panes.subMap(windowStart(end), true, end, false).values()) {
      upperBound += p.store.size();
    }
    if (upperBound == 0) {
      return null;
    }
    if (merged == null) {
      merged = new OffHeapStateStore(scratch, keys.keyBytes(), valueBytes, false, upperBound);
    }
    return merged;
  }

  /** Clears the scratch store for its next use (or closes it when it grew large), dropping its slots' references. */
  private void releaseScratch() {
    if (refs.any()) {
      for (long s = 0, cap = merged.capacity(); s < cap; s++) {
        if (merged.occupied(s)) {
          refs.release(merged.table(), merged.valueOffset(s) + ORDINAL_BYTES);
        }
      }
    }
    if (merged.tableBytes() > StorePool.POOLED_TABLE_BYTES) {
      merged.close();
      merged = null;
    } else {
      merged.clear();
    }
  }

  /**
   * Merges the window's panes, oldest first, into the scratch store and emits it in first-seen order; with allowed
   * lateness, each result is remembered in the window's store of emitted results, for later changes to retract.
   */
  private void emit(long end) {
    long start = windowStart(end);
    OffHeapStateStore merged = scratchStore(end);
    if (merged == null) {
      return;
    }
    long nextOrdinal = 0;
    for (Pane p : panes.subMap(start, true, end, false).values()) {
      OffHeapStateStore store = p.store;
      int n = collect(store);
      MemorySegment paneTable = store.table();
      for (int i = 0; i < n; i++) {
        long s = order[i] & 0xFFFF_FFFFL;
        MemorySegment.copy(paneTable, store.keyOffset(s), mergeKey, 0, keys.keyBytes());
        long slot = merged.upsertSlot(mergeKey);
        MemorySegment table = merged.table();
        long at = merged.valueOffset(slot);
        if (merged.inserted()) {
          table.set(JAVA_LONG_UNALIGNED, at, nextOrdinal++);
        }
        cursor.load(table, at + ORDINAL_BYTES);
        partial.load(paneTable, store.valueOffset(s) + ORDINAL_BYTES);
        cursor.merge(partial);
        refs.overwrite(cursor, table, at + ORDINAL_BYTES);
      }
    }
    int n = collect(merged);
    OffHeapStateStore remembered = null;
    if (changes != null) {
      remembered = emittedPool.take(n);
      emitted.put(end, remembered);
    }
    for (int i = 0; i < n; i++) {
      long s = order[i] & 0xFFFF_FFFFL;
      MemorySegment table = merged.table();
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.write(out, o, start, end, table, merged.keyOffset(s));
      cursor.load(table, merged.valueOffset(s) + ORDINAL_BYTES);
      cursor.writeResults(out, o, keys.width());
      emitter.commitRow();
      if (remembered != null) {
        MemorySegment.copy(table, merged.keyOffset(s), mergeKey, 0, keys.keyBytes());
        long slot = remembered.upsertSlot(mergeKey);
        keys.retain(mergeKey, 0);
        changes.remember(cursor, start, end, remembered.table(), remembered.valueOffset(slot));
      }
    }
    releaseScratch();
  }

  private int collect(OffHeapStateStore store) {
    if (order.length < store.size()) {
      order = new long[(int) Math.max(store.size(), order.length * 2L)];
    }
    return SlotOrder.collect(store, order);
  }

  @Override
  public void onRowWatermark(long wm) {
    if (wm > watermark) {
      advance(wm);
      emitter.flush();
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

  /** The heap part: watermark, each pane's start and next ordinal, the window ends still to emit. */
  @Override
  public void snapshot(DataOutput out) throws IOException {
    if (sets != null) {
      sets.flush(); // the plugin accumulators changed since the last barrier into their store, before it is captured
    }
    out.writeLong(watermark);
    out.writeInt(panes.size());
    for (Pane p : panes.values()) {
      out.writeLong(p.start);
      out.writeLong(p.nextOrdinal);
    }
    out.writeInt(pendingEnds.size());
    for (long end : pendingEnds) {
      out.writeLong(end);
    }
    if (changes != null) { // the form of ON WINDOW CLOSE without lateness stays as it was
      out.writeInt(emitted.size());
      for (long end : emitted.keySet()) {
        out.writeLong(end);
      }
      out.writeLong(every.last());
    }
  }

  @Override
  public void restore(DataInput in) throws IOException {
    closePanes();
    watermark = in.readLong();
    for (int i = in.readInt(); i > 0; i--) {
      Pane p = new Pane(in.readLong());
      p.nextOrdinal = in.readLong();
      panes.put(p.start, p);
    }
    pendingEnds.clear();
    for (int i = in.readInt(); i > 0; i--) {
      pendingEnds.add(in.readLong());
    }
    if (changes != null) {
      for (int i = in.readInt(); i > 0; i--) {
        emitted.put(in.readLong(), emittedPool.take(lastPaneGroups));
      }
      every.last(in.readLong());
    }
  }

  /** Distinct grouping strings and aggregate object values held (0 once every window is gone: nothing leaks). */
  int dictionarySize() {
    return keys.dictionary() == null ? 0 : keys.dictionary().size();
  }

  /** Distinct-count sets held (0 once every window is gone: nothing leaks). */
  long setCount() {
    return sets == null ? 0 : sets.sets();
  }

  @Override
  public Map<String, StateStore> stores() {
    Map<String, StateStore> stores = new LinkedHashMap<>();
    for (Pane p : panes.values()) {
      stores.put("p" + p.start, p.store);
    }
    for (Map.Entry<Long, OffHeapStateStore> e : emitted.entrySet()) {
      stores.put("e" + e.getKey(), e.getValue());
    }
    if (keys.dictionaryStore() != null) {
      stores.put(DICTIONARY, keys.dictionaryStore());
    }
    if (sets != null) {
      sets.addStores(stores);
    }
    return stores;
  }

  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    StoreBacked.requireOwnStores(chains, name -> name.equals(DICTIONARY) || name.matches("[pe]-?\\d+") || SlotSets.isStoreName(name),
        "the store-backed " + shape + " aggregate");
    List<OffHeapStateStore> restored = new ArrayList<>();
    for (Pane p : panes.values()) {
      List<Path> chain = chains.get("p" + p.start);
      if (chain == null) {
        throw new IOException("the checkpoint has no state for the pane starting at " + p.start);
      }
      p.store.restore(chain);
      restored.add(p.store);
    }
    for (Map.Entry<Long, OffHeapStateStore> e : emitted.entrySet()) {
      List<Path> chain = chains.get("e" + e.getKey());
      if (chain == null) {
        throw new IOException("the checkpoint has no results emitted in the window ending at " + e.getKey());
      }
      e.getValue().restore(chain);
      restored.add(e.getValue());
    }
    if (sets != null) {
      sets.restore(chains);
    }
    keys.restoreDictionary(chains.get(DICTIONARY), restored, () -> {
      if (sets != null) {
        sets.retainObjects();
      }
      for (Pane p : panes.values()) {
        for (long s = 0, cap = p.store.capacity(); s < cap; s++) {
          if (p.store.occupied(s)) {
            refs.retain(p.store.table(), p.store.valueOffset(s) + ORDINAL_BYTES);
          }
        }
      }
      for (OffHeapStateStore store : emitted.values()) {
        for (long s = 0, cap = store.capacity(); s < cap; s++) {
          if (store.occupied(s)) {
            changes.retain(store.table(), store.valueOffset(s));
          }
        }
      }
    });
  }

  /** Frees every store. Idempotent; the operator must not run after it. */
  @Override
  public void close() {
    closePanes();
    pool.close();
    if (emittedPool != null) {
      emittedPool.close();
    }
    if (merged != null) {
      merged.close();
      merged = null;
    }
    keys.close();
    if (sets != null) {
      sets.close();
    }
  }

  private void closePanes() {
    for (Pane p : panes.values()) {
      p.store.close();
    }
    panes.clear();
    current = null;
    for (OffHeapStateStore store : emitted.values()) {
      store.close();
    }
    emitted.clear();
  }
}
