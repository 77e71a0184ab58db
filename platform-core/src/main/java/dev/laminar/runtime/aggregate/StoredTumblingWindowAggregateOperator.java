package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import dev.laminar.state.OffHeapStateStore;
import dev.laminar.state.StateStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TUMBLE ... EMIT ON WINDOW CLOSE (no allowed lateness) with every group's state in an off-heap
 * {@link OffHeapStateStore}, one store per open window: what {@link TumblingWindowAggregateOperator}
 * does on the heap, for queries whose grouping columns are long-backed, DOUBLE or VARCHAR (a VARCHAR
 * value is keyed by its id in a {@link StringKeyDictionary}, itself a snapshotted store) and whose
 * aggregate state is fixed-size ({@link GroupAccumulatorFactory#slotBytes()} ≥ 0). The planner picks
 * it when both hold ({@link #supports}); the results are the same, in the same order.
 *
 * <p>Entry: key = one 8-byte word per grouping column (the value, DOUBLE as its bits with -0.0 folded
 * into 0.0, VARCHAR as its dictionary id), plus a word of NULL bits when a grouping column is nullable; value = the group's
 * first-seen ordinal in its window (8 bytes, for the output order) followed by the accumulator slot,
 * read and written in place through one reused {@link SlotAccumulator}. A row costs one probe of the
 * window's table and a load/update/store of its slot: no object per group, nothing allocated per row.
 * A window's store is closed (its files deleted) when the window is emitted.
 *
 * <p>Checkpoints ({@link StoreBacked}): the heap part is the watermark and each open window's start and
 * next ordinal; each window's store is captured incrementally (only the groups changed since the last
 * checkpoint), so a checkpoint costs the reactor O(changes), not O(state).
 */
public final class StoredTumblingWindowAggregateOperator implements Operator, StoreBacked, AutoCloseable {
  private static final long ORDINAL_BYTES = 8;

  private final long size;
  private final int windowStartColumn;
  private final KeySource[] sources;
  private final int[] keyColumns;
  private static final byte LONG = 0;
  private static final byte DOUBLE = 1;
  private static final byte STRING = 2;
  /** Per grouping column: LONG (long-backed), DOUBLE (its bits) or STRING (an id of {@link #dictionary}). */
  private final byte[] keyKind;
  private final boolean hasStrings;
  /** Ids of VARCHAR grouping values (null when no grouping column is VARCHAR). */
  private final StringKeyDictionary dictionary;
  private final boolean nullWord;
  private final int keyWords;
  private final int valueBytes;
  private final SlotAccumulator cursor;
  private final BatchEmitter emitter;
  private final LateRows late;
  private final Path scratch;
  private final long[] probeWords;
  private final MemorySegment probe;
  private final List<Window> windows = new ArrayList<>();
  private long watermark = ColumnarBatch.NO_TIME;
  /** Groups of the last window closed: the next window's table starts with room for as many. */
  private long lastWindowGroups = 1024;
  /** Reused at window close: (ordinal << 32 | slot) of each group, sorted into first-seen order. */
  private long[] order = new long[1024];

  private final class Window {
    final long start;
    final OffHeapStateStore store;
    long nextOrdinal;

    Window(long start) {
      this.start = start;
      this.store = new OffHeapStateStore(scratch, keyWords * 8, valueBytes, false, lastWindowGroups);
    }
  }

  /** Whether this operator can run a query of these grouping columns and aggregates (else use the heap operator). */
  public static boolean supports(KeySource[] keySources, int[] keyColumns, Schema input, int slotBytes) {
    if (slotBytes < 0) {
      return false;
    }
    for (int i = 0; i < keySources.length; i++) {
      if (keySources[i] == KeySource.COLUMN) {
        DataType t = input.column(keyColumns[i]).type();
        if (!t.isLongBacked() && t.kind() != TypeKind.DOUBLE && t.kind() != TypeKind.VARCHAR) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * @param keySources for each grouping output column, where its value comes from
   * @param keyColumns for each grouping output column of source COLUMN, the input column (others ignored)
   * @param scratch directory for the stores' memory-mapped files (scratch space, not the durable copy)
   */
  public StoredTumblingWindowAggregateOperator(long size, int windowStartColumn, KeySource[] keySources, int[] keyColumns,
      Schema inputSchema, GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream,
      Counter lateRowsDropped, Path scratch) {
    if (!supports(keySources, keyColumns, inputSchema, aggregates.slotBytes())) {
      throw new IllegalArgumentException("the grouping columns or aggregate states are not fixed-size: use TumblingWindowAggregateOperator");
    }
    this.size = size;
    this.windowStartColumn = windowStartColumn;
    this.sources = keySources.clone();
    this.scratch = scratch;
    int n = 0;
    int[] cols = new int[keySources.length];
    boolean nullable = false;
    for (int i = 0; i < keySources.length; i++) {
      if (keySources[i] == KeySource.COLUMN) {
        cols[n++] = keyColumns[i];
        nullable |= inputSchema.column(keyColumns[i]).nullable();
      }
    }
    this.keyColumns = Arrays.copyOf(cols, n);
    this.keyKind = new byte[n];
    boolean strings = false;
    for (int i = 0; i < n; i++) {
      TypeKind kind = inputSchema.column(this.keyColumns[i]).type().kind();
      keyKind[i] = kind == TypeKind.DOUBLE ? DOUBLE : kind == TypeKind.VARCHAR ? STRING : LONG;
      strings |= keyKind[i] == STRING;
    }
    this.hasStrings = strings;
    this.dictionary = strings ? new StringKeyDictionary(scratch) : null;
    this.nullWord = nullable;
    this.keyWords = Math.max(1, n + (nullable ? 1 : 0)); // a store needs a key: GROUP BY the window alone uses one zero word
    this.valueBytes = (int) ORDINAL_BYTES + aggregates.slotBytes();
    this.cursor = (SlotAccumulator) aggregates.create();
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.late = new LateRows(lateRowsDropped);
    this.probeWords = new long[keyWords];
    this.probe = MemorySegment.ofArray(probeWords);
  }

  /** LATE DATA TO (no allowed lateness on this operator): late rows go to {@code lateOutput}; all are counted. */
  public void lateDataTo(Operator lateOutput, Schema inputSchema, int batchCapacity, Counter accepted, Counter redirected) {
    late.configure(0, lateOutput, inputSchema, batchCapacity, accepted, redirected);
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
      long start = in.getLong(r, windowStartColumn);
      if (start + size <= watermark) {
        late.reject(in, r);
        continue;
      }
      Window w = window(start);
      OffHeapStateStore store = w.store;
      long slot = store.upsertSlot(loadKey(in, r));
      MemorySegment table = store.table();
      long at = store.valueOffset(slot);
      if (store.inserted()) {
        table.set(JAVA_LONG_UNALIGNED, at, w.nextOrdinal++);
        if (hasStrings) {
          retainStrings(probeWords);
        }
      }
      acc.load(table, at + ORDINAL_BYTES);
      acc.add(in, r);
      acc.store(table, at + ORDINAL_BYTES);
    }
    emitter.flush();
    late.flush();
  }

  private MemorySegment loadKey(ColumnarBatch in, int r) {
    final long[] words = probeWords;
    final int[] cols = keyColumns;
    long nulls = 0;
    for (int k = 0; k < cols.length; k++) {
      int c = cols[k];
      if (in.isNull(r, c)) {
        nulls |= 1L << k;
        words[k] = 0;
      } else if (keyKind[k] == DOUBLE) {
        double d = in.getDouble(r, c);
        words[k] = Double.doubleToLongBits(d == 0.0 ? 0.0 : d); // -0.0 and 0.0 group together
      } else if (keyKind[k] == STRING) {
        words[k] = dictionary.id((String) in.getObjectSlot(r, c));
      } else {
        words[k] = in.getLong(r, c);
      }
    }
    if (nullWord) {
      words[cols.length] = nulls;
    }
    return probe;
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

  /** Moves the watermark; emits and drops every window whose end it has reached. */
  private void advance(long wm) {
    watermark = wm;
    while (!windows.isEmpty() && windows.get(0).start + size <= wm) {
      Window w = windows.remove(0);
      emit(w);
      lastWindowGroups = Math.max(16, w.store.size());
      w.store.close();
    }
  }

  /** Emits a window's groups in the order they first appeared in it. */
  private void emit(Window w) {
    OffHeapStateStore store = w.store;
    MemorySegment table = store.table();
    long cap = store.capacity();
    if (order.length < store.size()) {
      order = new long[(int) Math.max(store.size(), order.length * 2L)];
    }
    int n = 0;
    for (long s = 0; s < cap; s++) {
      if (store.occupied(s)) {
        order[n++] = table.get(JAVA_LONG_UNALIGNED, store.valueOffset(s)) << 32 | s;
      }
    }
    Arrays.sort(order, 0, n);
    long end = w.start + size;
    for (int i = 0; i < n; i++) {
      long s = order[i] & 0xFFFF_FFFFL;
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      writeKey(out, o, w.start, end, table, store.keyOffset(s));
      cursor.load(table, store.valueOffset(s) + ORDINAL_BYTES);
      cursor.writeResults(out, o, sources.length);
      emitter.commitRow();
      if (hasStrings) {
        releaseStrings(table, store.keyOffset(s));
      }
    }
  }

  /** A new group's key (in {@code words}) uses its strings' ids. */
  private void retainStrings(long[] words) {
    long nulls = nullWord ? words[keyColumns.length] : 0;
    for (int k = 0; k < keyKind.length; k++) {
      if (keyKind[k] == STRING && (nulls & (1L << k)) == 0) {
        dictionary.retain(words[k]);
      }
    }
  }

  /** A dropped group's key (at {@code keyAt} of {@code table}) no longer uses its strings' ids. */
  private void releaseStrings(MemorySegment table, long keyAt) {
    long nulls = nullWord ? table.get(JAVA_LONG_UNALIGNED, keyAt + 8L * keyColumns.length) : 0;
    for (int k = 0; k < keyKind.length; k++) {
      if (keyKind[k] == STRING && (nulls & (1L << k)) == 0) {
        dictionary.release(table.get(JAVA_LONG_UNALIGNED, keyAt + 8L * k));
      }
    }
  }

  private void writeKey(ColumnarBatch out, int o, long start, long end, MemorySegment table, long keyAt) {
    long nulls = nullWord ? table.get(JAVA_LONG_UNALIGNED, keyAt + 8L * keyColumns.length) : 0;
    int k = 0;
    for (int c = 0; c < sources.length; c++) {
      switch (sources[c]) {
        case WINDOW_START -> out.putLong(o, c, start);
        case WINDOW_END -> out.putLong(o, c, end);
        case WINDOW_TIME -> out.putLong(o, c, end - 1);
        case COLUMN -> {
          long word = table.get(JAVA_LONG_UNALIGNED, keyAt + 8L * k);
          if ((nulls & (1L << k)) != 0) {
            out.putNull(o, c);
          } else if (keyKind[k] == DOUBLE) {
            out.putDouble(o, c, Double.longBitsToDouble(word));
          } else if (keyKind[k] == STRING) {
            out.putObject(o, c, dictionary.string(word));
          } else {
            out.putLong(o, c, word);
          }
          k++;
        }
      }
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

  /** The heap part: watermark, and each open window's start and next ordinal (its groups are in its store). */
  @Override
  public void snapshot(DataOutput out) throws IOException {
    out.writeLong(watermark);
    out.writeInt(windows.size());
    for (Window w : windows) {
      out.writeLong(w.start);
      out.writeLong(w.nextOrdinal);
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
      windows.add(w);
    }
  }

  @Override
  public Map<String, StateStore> stores() {
    Map<String, StateStore> stores = new LinkedHashMap<>();
    for (Window w : windows) {
      stores.put(storeName(w.start), w.store);
    }
    if (dictionary != null) {
      stores.put(DICTIONARY, dictionary.store());
    }
    return stores;
  }

  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    for (Window w : windows) {
      List<Path> chain = chains.get(storeName(w.start));
      if (chain == null) {
        throw new IOException("the checkpoint has no state for the window starting at " + w.start);
      }
      w.store.restore(chain);
    }
    if (dictionary != null) {
      List<Path> chain = chains.get(DICTIONARY);
      if (chain != null) {
        dictionary.store().restore(chain);
      } else if (!windows.isEmpty()) {
        throw new IOException("the checkpoint has no dictionary of the grouping strings");
      }
      dictionary.rebuild();
      long[] words = new long[keyWords];
      for (Window w : windows) { // count each string's groups again
        OffHeapStateStore store = w.store;
        for (long s = 0, cap = store.capacity(); s < cap; s++) {
          if (store.occupied(s)) {
            MemorySegment.copy(store.table(), JAVA_LONG_UNALIGNED, store.keyOffset(s), words, 0, keyWords);
            retainStrings(words);
          }
        }
      }
      dictionary.dropUnreferenced();
    }
  }

  private static final String DICTIONARY = "dict";

  private static String storeName(long windowStart) {
    return "w" + windowStart;
  }

  /** Frees the open windows' stores (their memory-mapped files). Idempotent; the operator must not run after it. */
  @Override
  public void close() {
    closeWindows();
    if (dictionary != null) {
      dictionary.close();
    }
  }

  private void closeWindows() {
    for (Window w : windows) {
      w.store.close();
    }
    windows.clear();
  }
}
