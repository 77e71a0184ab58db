package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
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

/**
 * TUMBLE with every group's state in an off-heap {@link OffHeapStateStore}, one store per open window: what
 * {@link TumblingWindowAggregateOperator} does on the heap, in every emit mode and with allowed lateness, for
 * queries whose grouping columns are long-backed, DOUBLE or VARCHAR (a VARCHAR value is keyed by its id in a
 * {@link StringKeyDictionary}, itself a snapshotted store) and whose aggregate state is fixed-size
 * ({@link GroupAccumulatorFactory#slotBytes()} ≥ 0). The planner picks it when both hold ({@link #supports});
 * the results are the same, in the same order.
 *
 * <p>Entry: key = one 8-byte word per grouping column (the value, DOUBLE as its bits with -0.0 folded
 * into 0.0, VARCHAR as its dictionary id), plus a word of NULL bits when a grouping column is nullable; value = the group's
 * first-seen ordinal in its window (8 bytes, for the output order) followed by the accumulator slot,
 * read and written in place through one reused {@link SlotAccumulator}. When results go out as changes
 * (EMIT ON UPDATE, CHANGES, EVERY, or ALLOW LATENESS) the value also holds the result last emitted, as a copy
 * of the slot ({@link SlotChanges}). A row costs one probe of the window's table and a load/update/store of
 * its slot: no object per group, nothing allocated per row. A window's store is cleared and kept for a later
 * window when the window is dropped (at most two, and only small tables; others are closed, their files deleted).
 *
 * <p>Checkpoints ({@link StoreBacked}): the heap part is the watermark and each open window's start and
 * next ordinal (and, with changes, whether it fired, and EMIT EVERY's last tick); each window's store is
 * captured incrementally (only the groups changed since the last checkpoint), so a checkpoint costs the
 * reactor O(changes), not O(state).
 */
public final class StoredTumblingWindowAggregateOperator implements Operator, StoreBacked, dev.laminar.runtime.Timer, AutoCloseable {
  private static final long ORDINAL_BYTES = 8;
  private static final String DICTIONARY = "dict";

  private final long size;
  private final int windowStartColumn;
  private final FixedGroupKeys keys;
  private final int slotBytes;
  private final SlotAccumulator cursor;
  /** The references the slots hold on the dictionary's object values and their sets (none when the state is all primitives). */
  private final SlotRefs refs;
  /** The sets of the COUNT(DISTINCT) and APPROX_COUNT_DISTINCT calls (null when there are none). */
  private final SlotSets sets;
  private final BatchEmitter emitter;
  private final LateRows late;
  private final Emit emit;
  private final long lateness;
  /** The results last emitted per group, when results go out as changes (else null). */
  private final SlotChanges changes;
  private final EmitEvery every = new EmitEvery();
  private final List<Window> windows = new ArrayList<>();
  private long watermark = ColumnarBatch.NO_TIME;
  /** Groups of the last window closed: the next window's table starts with room for as many. */
  private long lastWindowGroups = 1024;
  /** Reused at window close: (ordinal << 32 | slot) of each group, sorted into first-seen order. */
  private long[] order = new long[1024];
  private final StorePool pool;

  private final class Window {
    final long start;
    final OffHeapStateStore store;
    long nextOrdinal;
    /** Whether the watermark has passed the window's end (results from then on are changes). */
    boolean fired;

    Window(long start) {
      this.start = start;
      this.store = pool.take(lastWindowGroups);
    }
  }

  /** Whether this operator can run a query of these grouping columns and aggregate slot size (else use the heap operator). */
  public static boolean supports(KeySource[] keySources, int[] keyColumns, Schema input, int slotBytes) {
    return slotBytes >= 0; // any grouping columns: FixedGroupKeys takes every type
  }

  /** EMIT ON WINDOW CLOSE, no allowed lateness. */
  public StoredTumblingWindowAggregateOperator(long size, int windowStartColumn, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped, Path scratch) {
    this(size, windowStartColumn, keySources, keyColumns, inputSchema, aggregates, outputSchema, batchCapacity, downstream,
        lateRowsDropped, scratch, Emit.ON_WINDOW_CLOSE, 0);
  }

  /**
   * @param keySources for each grouping output column, where its value comes from
   * @param keyColumns for each grouping output column of source COLUMN, the input column (others ignored)
   * @param scratch directory for the stores' memory-mapped files (scratch space, not the durable copy)
   * @param emit when results leave ({@link Emit}; EVERY also needs {@link #emitEvery})
   * @param lateness ALLOW LATENESS in milliseconds: windows stay open that long after their end, and a row
   *     arriving in that time updates its window, whose corrected result goes out as a change (-U old, +U new)
   */
  public StoredTumblingWindowAggregateOperator(long size, int windowStartColumn, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped, Path scratch, Emit emit, long lateness) {
    if (!supports(keySources, keyColumns, inputSchema, aggregates.slotBytes())) {
      throw new IllegalArgumentException("the grouping columns or aggregate states are not fixed-size: use TumblingWindowAggregateOperator");
    }
    this.size = size;
    this.windowStartColumn = windowStartColumn;
    this.emit = emit;
    this.lateness = lateness;
    this.keys = new FixedGroupKeys(keySources, keyColumns, inputSchema, scratch,
        aggregates.slotObjectWords().length > 0 || SlotSets.needsDictionary(aggregates));
    this.slotBytes = aggregates.slotBytes();
    this.sets = SlotSets.of(aggregates, scratch, keys.dictionary());
    this.cursor = (SlotAccumulator) aggregates.create();
    cursor.bind(keys.dictionary());
    cursor.bindSets(sets);
    this.refs = new SlotRefs(aggregates, keys.dictionary(), sets);
    this.changes = emit != Emit.ON_WINDOW_CLOSE || lateness > 0 ? new SlotChanges(aggregates, outputSchema, keys, refs) : null;
    int valueBytes = (int) (ORDINAL_BYTES + slotBytes + (changes == null ? 0 : changes.bytes()));
    this.pool = new StorePool(scratch, keys.keyBytes(), valueBytes, 2);
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

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    final SlotAccumulator acc = cursor;
    final boolean eachChange = emit == Emit.ON_UPDATE || emit == Emit.CHANGES;
    for (int r = 0; r < n; r++) {
      long wm = in.watermark(r);
      if (wm > watermark) {
        advance(wm);
      }
      long start = in.getLong(r, windowStartColumn);
      if (start + size + lateness <= watermark) {
        late.reject(in, r);
        continue;
      }
      Window w = window(start);
      if (start + size <= watermark) { // within the allowed lateness
        late.accept();
        w.fired = true; // a window first seen after its end: its rows go out as changes
      }
      OffHeapStateStore store = w.store;
      long slot = store.upsertSlot(keys.load(in, r));
      MemorySegment table = store.table();
      long at = store.valueOffset(slot);
      if (store.inserted()) {
        table.set(JAVA_LONG_UNALIGNED, at, w.nextOrdinal++);
        keys.retainProbe();
      }
      acc.load(table, at + ORDINAL_BYTES);
      acc.add(in, r);
      refs.overwrite(acc, table, at + ORDINAL_BYTES);
      if (eachChange || w.fired) {
        emitChange(w, slot, wm);
      }
    }
    emitter.flush();
    late.flush();
  }

  /** Emits the group in {@code slot} of {@code w} (loaded in the cursor) as a change, unless its result is unchanged. */
  private void emitChange(Window w, long slot, long wm) {
    OffHeapStateStore store = w.store;
    MemorySegment table = store.table();
    long at = store.valueOffset(slot);
    long end = w.start + size;
    int o = emitter.openRow(RowKind.INSERT, end - 1, wm);
    ColumnarBatch out = emitter.batch();
    keys.write(out, o, w.start, end, table, store.keyOffset(slot));
    cursor.writeResults(out, o, keys.width());
    if (changes.emit(emitter, o, cursor, w.start, end, table, store.keyOffset(slot), at + ORDINAL_BYTES + slotBytes, emit == Emit.ON_UPDATE,
        end - 1, wm)) {
      store.touch(slot);
    }
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

  /** The changed results of a window's groups, in the order they first appeared in it. */
  private void emitPending(Window w) {
    int n = collect(w.store);
    for (int i = 0; i < n; i++) {
      long s = order[i] & 0xFFFF_FFFFL;
      cursor.load(w.store.table(), w.store.valueOffset(s) + ORDINAL_BYTES);
      emitChange(w, s, watermark);
    }
  }

  private int collect(OffHeapStateStore store) {
    if (order.length < store.size()) {
      order = new long[(int) Math.max(store.size(), order.length * 2L)];
    }
    return SlotOrder.collect(store, order);
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

  /**
   * Moves the watermark; fires every window whose end it has reached (ON WINDOW CLOSE: its results; EVERY: its
   * last changes; ON UPDATE / CHANGES: nothing more), and drops those past their allowed lateness.
   */
  private void advance(long wm) {
    watermark = wm;
    if (changes == null) { // ON WINDOW CLOSE without lateness: fire and drop in one pass
      while (!windows.isEmpty() && windows.get(0).start + size <= wm) {
        Window w = windows.remove(0);
        emitClosed(w, true);
        recycle(w);
      }
      return;
    }
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      if (w.start + size > wm) {
        break;
      }
      if (!w.fired) {
        w.fired = true;
        if (emit == Emit.ON_WINDOW_CLOSE) {
          emitClosed(w, false);
        } else if (emit == Emit.EVERY) {
          emitPending(w); // the final changes at close
        }
      }
    }
    while (!windows.isEmpty() && windows.get(0).start + size + lateness <= wm) {
      Window gone = windows.remove(0); // past the allowed lateness: nothing can change it any more
      OffHeapStateStore store = gone.store;
      MemorySegment table = store.table();
      for (long s = 0, cap = store.capacity(); s < cap; s++) {
        if (store.occupied(s)) {
          keys.release(table, store.keyOffset(s));
          long liveAt = store.valueOffset(s) + ORDINAL_BYTES;
          refs.release(table, liveAt);
          changes.release(table, liveAt + slotBytes);
        }
      }
      recycle(gone);
    }
  }

  private void recycle(Window w) {
    lastWindowGroups = Math.max(16, w.store.size());
    pool.recycle(w.store);
  }

  /**
   * Emits a window's groups in the order they first appeared in it. {@code release}: the window goes now, and its
   * groups' strings with it; else (allowed lateness) each result is remembered, for later changes to retract.
   */
  private void emitClosed(Window w, boolean release) {
    OffHeapStateStore store = w.store;
    int n = collect(store);
    MemorySegment table = store.table();
    long end = w.start + size;
    for (int i = 0; i < n; i++) {
      long s = order[i] & 0xFFFF_FFFFL;
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.write(out, o, w.start, end, table, store.keyOffset(s));
      long liveAt = store.valueOffset(s) + ORDINAL_BYTES;
      cursor.load(table, liveAt);
      cursor.writeResults(out, o, keys.width());
      emitter.commitRow();
      if (release) {
        keys.release(table, store.keyOffset(s));
        refs.release(table, liveAt);
      } else {
        changes.remember(cursor, w.start, end, table, liveAt + slotBytes);
        store.touch(s);
      }
    }
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
    late.onEndOfInput();
    emitter.downstream().onEndOfInput();
  }

  /** Windows currently open (for metrics and tests). */
  public int openWindows() {
    return windows.size();
  }

  /** Groups in state across the open windows (for metrics and benchmarks). */
  public long stateGroups() {
    long groups = 0;
    for (Window w : windows) {
      groups += w.store.size();
    }
    return groups;
  }

  /** The heap part: watermark, each open window's start and next ordinal (its groups are in its store), and with changes whether it fired. */
  @Override
  public void snapshot(DataOutput out) throws IOException {
    if (sets != null) {
      sets.flush(); // the plugin accumulators changed since the last barrier into their store, before it is captured
    }
    out.writeLong(watermark);
    out.writeInt(windows.size());
    for (Window w : windows) {
      out.writeLong(w.start);
      out.writeLong(w.nextOrdinal);
      if (changes != null) { // the form of ON WINDOW CLOSE without lateness stays as it was
        out.writeBoolean(w.fired);
      }
    }
    if (emit == Emit.EVERY) {
      out.writeLong(every.last());
    }
  }

  @Override
  public void restore(DataInput in) throws IOException {
    closeWindows();
    watermark = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      Window w = new Window(in.readLong());
      w.nextOrdinal = in.readLong();
      if (changes != null) {
        w.fired = in.readBoolean();
      }
      windows.add(w);
    }
    if (emit == Emit.EVERY) {
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
    for (Window w : windows) {
      stores.put(storeName(w.start), w.store);
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
    StoreBacked.requireOwnStores(chains, name -> name.equals(DICTIONARY) || name.matches("w-?\\d+") || SlotSets.isStoreName(name),
        "the store-backed TUMBLE aggregate");
    List<OffHeapStateStore> restored = new ArrayList<>();
    for (Window w : windows) {
      List<Path> chain = chains.get(storeName(w.start));
      if (chain == null) {
        throw new IOException("the checkpoint has no state for the window starting at " + w.start);
      }
      w.store.restore(chain);
      restored.add(w.store);
    }
    if (sets != null) {
      sets.restore(chains);
    }
    keys.restoreDictionary(chains.get(DICTIONARY), restored, () -> {
      if (sets != null) {
        sets.retainObjects();
      }
      for (OffHeapStateStore store : restored) {
        for (long s = 0, cap = store.capacity(); s < cap; s++) {
          if (store.occupied(s)) {
            long liveAt = store.valueOffset(s) + ORDINAL_BYTES;
            refs.retain(store.table(), liveAt);
            if (changes != null) {
              changes.retain(store.table(), liveAt + slotBytes);
            }
          }
        }
      }
    });
  }

  private static String storeName(long windowStart) {
    return "w" + windowStart;
  }

  /** Frees the stores (their memory-mapped files). Idempotent; the operator must not run after it. */
  @Override
  public void close() {
    closeWindows();
    pool.close();
    keys.close();
    if (sets != null) {
      sets.close();
    }
  }

  private void closeWindows() {
    for (Window w : windows) {
      w.store.close();
    }
    windows.clear();
  }
}
