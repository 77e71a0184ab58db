package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape;
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
 * HOP / CUMULATE ... EMIT ON WINDOW CLOSE (no allowed lateness) with each pane's group partials in an
 * off-heap {@link OffHeapStateStore}: what {@link PaneWindowAggregateOperator} does on the heap, under the
 * same conditions as {@link StoredTumblingWindowAggregateOperator} (fixed-size grouping columns through
 * {@link FixedGroupKeys}, fixed-size aggregate state through {@link SlotAccumulator}); same results, same
 * order (windows in end order, groups in order of first appearance across the window's panes).
 *
 * <p>A row goes into the store of its pane (key → first-seen ordinal + slot, updated in place). At a
 * window's end its panes are merged, oldest first, into a scratch store (two cursors: the window's slot
 * and the pane's, {@code merge}d), which is emitted in first-seen order and cleared. A pane's store is
 * dropped once no window still to emit contains it. Checkpoints capture each pane's store
 * incrementally ({@link StoreBacked}); the scratch store is not state.
 */
public final class StoredPaneWindowAggregateOperator implements Operator, StoreBacked, AutoCloseable {
  private static final long ORDINAL_BYTES = 8;
  private static final String DICTIONARY = "dict";

  private final Shape shape;
  private final long pane;
  private final long size;
  private final FixedGroupKeys keys;
  private final int valueBytes;
  private final SlotAccumulator cursor;
  private final SlotAccumulator partial;
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

  /**
   * @param pane slide (HOP) or step (CUMULATE); must divide {@code size}
   * @param scratch directory for the stores' memory-mapped files
   */
  public StoredPaneWindowAggregateOperator(Shape shape, long pane, long size, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped, Path scratch) {
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
    this.keys = new FixedGroupKeys(keySources, keyColumns, inputSchema, scratch);
    this.valueBytes = (int) ORDINAL_BYTES + aggregates.slotBytes();
    this.pool = new StorePool(scratch, keys.keyBytes(), valueBytes, 4);
    this.cursor = (SlotAccumulator) aggregates.create();
    this.partial = (SlotAccumulator) aggregates.create();
    this.mergeKeyWords = new long[keys.keyBytes() / 8];
    this.mergeKey = MemorySegment.ofArray(mergeKeyWords);
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.late = new LateRows(lateRowsDropped);
  }

  /** LATE DATA TO (no allowed lateness on this operator): late rows go to {@code lateOutput}; all are counted. */
  public void lateDataTo(Operator lateOutput, Schema inputSchema, int batchCapacity, Counter accepted, Counter redirected) {
    late.configure(0, lateOutput, inputSchema, batchCapacity, accepted, redirected);
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
    for (int r = 0; r < n; r++) {
      long wm = in.watermark(r);
      if (wm > watermark) {
        advance(wm);
      }
      long paneStart = Math.floorDiv(in.rowtime(r), pane) * pane;
      if (lastEnd(paneStart) <= watermark) {
        late.reject(in, r);
        continue;
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
      acc.store(table, at + ORDINAL_BYTES);
    }
    emitter.flush();
    late.flush();
  }

  /** Moves the watermark: emits every pending window whose end it reached, then drops the panes no window needs. */
  private void advance(long wm) {
    watermark = wm;
    while (!pendingEnds.isEmpty() && pendingEnds.first() <= wm) {
      emit(pendingEnds.pollFirst());
    }
    while (!panes.isEmpty() && lastEnd(panes.firstKey()) <= wm) {
      Pane dropped = panes.pollFirstEntry().getValue();
      if (dropped == current) {
        current = null;
      }
      OffHeapStateStore store = dropped.store;
      lastPaneGroups = Math.max(16, store.size());
      for (long s = 0, cap = store.capacity(); s < cap; s++) {
        if (store.occupied(s)) {
          keys.release(store.table(), store.keyOffset(s));
        }
      }
      pool.recycle(store);
    }
  }

  /** Merges the window's panes, oldest first, into the scratch store and emits it in first-seen order. */
  private void emit(long end) {
    long start = windowStart(end);
    long upperBound = 0;
    for (Pane p : panes.subMap(start, true, end, false).values()) {
      upperBound += p.store.size();
    }
    if (upperBound == 0) {
      return;
    }
    if (merged == null) {
      merged = new OffHeapStateStore(scratch, keys.keyBytes(), valueBytes, false, upperBound);
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
        cursor.store(table, at + ORDINAL_BYTES);
      }
    }
    int n = collect(merged);
    MemorySegment table = merged.table();
    for (int i = 0; i < n; i++) {
      long s = order[i] & 0xFFFF_FFFFL;
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.write(out, o, start, end, table, merged.keyOffset(s));
      cursor.load(table, merged.valueOffset(s) + ORDINAL_BYTES);
      cursor.writeResults(out, o, keys.width());
      emitter.commitRow();
    }
    if (merged.tableBytes() > StorePool.POOLED_TABLE_BYTES) {
      merged.close();
      merged = null;
    } else {
      merged.clear();
    }
  }

  private int collect(OffHeapStateStore store) {
    if (order.length < store.size()) {
      order = new long[(int) Math.max(store.size(), order.length * 2L)];
    }
    return SlotOrder.collect(store, order);
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
  }

  @Override
  public Map<String, StateStore> stores() {
    Map<String, StateStore> stores = new LinkedHashMap<>();
    for (Pane p : panes.values()) {
      stores.put("p" + p.start, p.store);
    }
    if (keys.dictionaryStore() != null) {
      stores.put(DICTIONARY, keys.dictionaryStore());
    }
    return stores;
  }

  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    List<OffHeapStateStore> restored = new ArrayList<>();
    for (Pane p : panes.values()) {
      List<Path> chain = chains.get("p" + p.start);
      if (chain == null) {
        throw new IOException("the checkpoint has no state for the pane starting at " + p.start);
      }
      p.store.restore(chain);
      restored.add(p.store);
    }
    keys.restoreDictionary(chains.get(DICTIONARY), restored);
  }

  /** Frees every store. Idempotent; the operator must not run after it. */
  @Override
  public void close() {
    closePanes();
    pool.close();
    if (merged != null) {
      merged.close();
      merged = null;
    }
    keys.close();
  }

  private void closePanes() {
    for (Pane p : panes.values()) {
      p.store.close();
    }
    panes.clear();
    current = null;
  }
}
