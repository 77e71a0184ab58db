package dev.laminar.runtime.join;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.aggregate.StringKeyDictionary;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import dev.laminar.state.OffHeapStateStore;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One input's rows in state of a store-backed join ({@link StoredIntervalJoinOperator},
 * {@link StoredAsofJoinOperator}): two stores with fixed-size entries, reused buffers, and the rows' time order.
 * Every column type fits: fixed-width values are words of the entry, variable-size ones (VARCHAR, BYTES, DECIMAL
 * wider than {@value DataType#MAX_COMPACT_DECIMAL_PRECISION} digits) are ids of a {@link StringKeyDictionary} shared
 * by both inputs, whose store holds the values themselves.
 * <ul>
 *   <li>rows: key = a row id; value = event time, the previous and next row id of its key's list, flags
 *       ({@link #FREE} and the operator's own), the NULL bits of columns 0..63, the join key's words, the operator's
 *       own words ({@link #extra}), one word per column (long-backed values; DOUBLE bits; VARCHAR, BYTES and wide
 *       DECIMAL values as dictionary ids), then, for an input of more than 64 columns, the NULL bits of columns 64
 *       on, a word per 64 (so that an entry of at most 64 columns is laid out as it always was). A row leaving state
 *       marks its entry free and its id is reused by a later row, in place: the store never removes an entry, so
 *       its table keeps no tombstones and never rehashes under churn; it holds as many entries as the most rows
 *       ever in state at once (free ones included in snapshots);</li>
 *   <li>keys: key = the join key's words (long-backed values, DOUBLE bits with -0.0 folded into 0.0 as
 *       {@code GroupKey} compares them, dictionary ids, which are equal exactly when {@code GroupKey}'s values are
 *       equal; one zero word for a join without equality keys; a last word telling the inputs apart when a key pair
 *       can never be equal, see {@link #disjointKeys}); value = head and tail row id of the key's list, its
 *       length, and the tail's event time (a row in order goes to the tail without reading it).</li>
 * </ul>
 * A key's list is in event-time order: a row enters after the last row not later than it (the tail, for
 * rows arriving in order: O(1); else O(rows of its key later than it)), and leaves in O(1) (its neighbours
 * are relinked in place). A key entry whose list empties stays (a recurring key costs no removal) until such
 * entries are over 4,096 and half of all, then they are swept together. The time order is a ring of (event
 * time, row id) in two {@code long} arrays, sorted by inserting from the tail (O(1) per row for rows arriving
 * in event-time order, O(rows later than it) otherwise) and polled from the head: derived state, rebuilt
 * from the row store on restore. A row removed out of time order keeps its id until its ring entry comes up
 * (so that the ring never names a later row by a stale entry).
 *
 * <p>A row of fixed-width columns costs no allocation on the way in, through reads, or out; a new variable-size
 * value costs its dictionary entry, and BYTES and wide DECIMAL values cost a lookup key or their decoding on the
 * way in. Reactor thread only.
 */
final class JoinRowStore implements AutoCloseable {
  /** The stores of a two-input join whose inputs are kept in row stores, by the names its checkpoints use. */
  static java.util.Map<String, dev.laminar.state.StateStore> stores(JoinRowStore left, JoinRowStore right, StringKeyDictionary strings) {
    java.util.Map<String, dev.laminar.state.StateStore> stores = new java.util.LinkedHashMap<>();
    stores.put("left-rows", left.rows);
    stores.put("left-keys", left.keyIndex);
    stores.put("right-rows", right.rows);
    stores.put("right-keys", right.keyIndex);
    stores.put("strings", strings.store());
    return stores;
  }

  /** Puts back each of {@code stores} from its chain; a store the checkpoint lacks fails, naming {@code join} and the store. */
  static void restoreChains(java.util.Map<String, dev.laminar.state.StateStore> stores, java.util.Map<String, List<Path>> chains, String join)
      throws java.io.IOException {
    for (java.util.Map.Entry<String, dev.laminar.state.StateStore> e : stores.entrySet()) {
      List<Path> chain = chains.get(e.getKey());
      if (chain == null) {
        throw new java.io.IOException("the checkpoint has no snapshot of the " + join + "'s store '" + e.getKey() + "' (has "
            + chains.keySet() + ")");
      }
      e.getValue().restore(chain);
    }
  }

  static final int TIME = 0;
  static final int PREV = 1;
  static final int NEXT = 2;
  static final int FLAGS = 3;
  static final int NULLS = 4;
  static final int KEY = 5;
  /** The entry holds no row: its id is free for a later row (or will be once its time-order entry is passed). Other flag bits are the operator's. */
  static final long FREE = 2;
  /**
   * A live row with no entry in the time ring: {@link #pollDue} returned it and the operator kept it without filing
   * it again ({@link #ringAdd}). It leaves state at once, whenever it is removed, and a restore does not file it.
   */
  static final long UNFILED = 4;
  /** {@code keyTag} of an input whose key words are the key values alone. */
  static final long NO_TAG = -1;
  private static final byte AS_LONG = 0;
  private static final byte AS_DOUBLE = 1;
  /** VARCHAR, BYTES, wide DECIMAL: a dictionary id. */
  private static final byte AS_OBJECT = 2;

  private final StringKeyDictionary values;

  final byte[] storage;
  /** The columns stored as dictionary ids. */
  private final int[] objectColumns;
  /** The first word of the NULL bits of columns 64 on (the word after the cells). */
  private final int moreNulls;
  final int[] keys;
  final byte[] keyStorage;
  final int keyWords;
  /** The first of the operator's own words ({@code extraWords} of them), after the key words. */
  final int extra;
  /** The first cell word. */
  final int cells;
  final OffHeapStateStore rows;
  final OffHeapStateStore keyIndex;
  /** The row being processed, in entry form (dictionary-id words filled only when it enters state). */
  final long[] fresh;
  final MemorySegment freshSeg;
  /** The variable-size values of the row being processed, by column. */
  final Object[] freshObjects;
  /** A row read from the store. */
  final long[] entry;
  final MemorySegment entrySeg;
  final long[] keyBuf;
  final MemorySegment keySeg;
  final long[] idBuf = new long[1];
  final MemorySegment idSeg = MemorySegment.ofArray(idBuf);
  final long[] list = new long[4];
  final MemorySegment listSeg = MemorySegment.ofArray(list);
  long nextRowId = 1;
  /** Whether the last {@link #insert} replaced a row of the same time. */
  boolean replaced;
  /** The time the last row {@link #pollDue} returned was filed under. */
  long polledTime;
  /** Key entries whose list is empty: kept for a key that comes back, swept in bulk once they are many. */
  long emptyKeys;
  /** Ids of free entries, reused before new ones: the row store never removes a key (no tombstones, no rehash churn). */
  long[] freeIds = new long[256];
  int freeCount;
  long live;
  long[] ringTimes = new long[1024];
  long[] ringIds = new long[1024];
  int ringHead;
  int ringSize;
  /** Ring entries whose row left state out of time order (skipped when reached). */
  long ringDead;

  /**
   * @param extraWords words of the operator's own between the key words and the cells ({@link #extra})
   * @param keyTag {@link #NO_TAG}, or (when {@link #disjointKeys}) a last key word, the other input's different
   * @param values the dictionary of the variable-size cells, shared by both inputs of a join
   */
  JoinRowStore(Schema schema, int[] keys, long keyTag, int extraWords, StringKeyDictionary values, Path scratch) {
    this.values = values;
    storage = new byte[schema.size()];
    int objects = 0;
    for (int c = 0; c < storage.length; c++) {
      storage[c] = storage(schema.column(c).type());
      objects += storage[c] == AS_OBJECT ? 1 : 0;
    }
    objectColumns = new int[objects];
    for (int c = 0, i = 0; c < storage.length; c++) {
      if (storage[c] == AS_OBJECT) {
        objectColumns[i++] = c;
      }
    }
    this.keys = keys.clone();
    keyStorage = new byte[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keyStorage[i] = storage[keys[i]];
    }
    keyWords = Math.max(1, keys.length + (keyTag == NO_TAG ? 0 : 1));
    extra = KEY + keyWords;
    cells = extra + extraWords;
    moreNulls = cells + storage.length;
    int words = moreNulls + Math.max(0, (storage.length + 63) / 64 - 1);
    rows = new OffHeapStateStore(scratch, 8, words * 8, false, 1024);
    keyIndex = new OffHeapStateStore(scratch, keyWords * 8, 32, false, 1024);
    fresh = new long[words];
    freshSeg = MemorySegment.ofArray(fresh);
    freshObjects = new Object[storage.length];
    entry = new long[words];
    entrySeg = MemorySegment.ofArray(entry);
    keyBuf = new long[keyWords];
    keySeg = MemorySegment.ofArray(keyBuf);
    if (keyTag != NO_TAG) {
      keyBuf[keys.length] = keyTag; // never overwritten: the key words copied back from an entry carry it too
    }
  }

  /** The word of an entry that holds column {@code c}'s NULL bit (bit {@code c % 64}). */
  private int nullWord(int c) {
    return c < 64 ? NULLS : moreNulls + (c >>> 6) - 1;
  }

  /** Whether column {@code c} of the row in entry form {@code e} is NULL. */
  boolean isNull(long[] e, int c) {
    return (e[nullWord(c)] & (1L << c)) != 0;
  }

  /**
   * Loads row {@code row} of {@code in} into {@link #fresh} and its key into {@link #keyBuf}: 0 when a key
   * component is NULL, 1 when the key is known, 2 when a key string is held by no row (nothing can match).
   */
  int load(ColumnarBatch in, int row) {
    final long[] f = fresh;
    final int n = storage.length;
    for (int from = 0; from < n; from += 64) { // once for an input of at most 64 columns
      long nulls = 0;
      for (int c = from, end = Math.min(n, from + 64); c < end; c++) {
        f[cells + c] = 0;
        freshObjects[c] = null;
        if (in.isNull(row, c)) {
          nulls |= 1L << c;
          continue;
        }
        switch (storage[c]) {
          case AS_LONG -> f[cells + c] = in.getLong(row, c);
          case AS_DOUBLE -> f[cells + c] = Double.doubleToRawLongBits(in.getDouble(row, c));
          default -> freshObjects[c] = in.getObjectSlot(row, c);
        }
      }
      f[nullWord(from)] = nulls;
    }
    f[TIME] = in.rowtime(row);
    f[PREV] = 0;
    f[NEXT] = 0;
    f[FLAGS] = 0;
    keyBuf[0] = 0;
    int status = 1;
    for (int i = 0; i < keys.length; i++) {
      int c = keys[i];
      if (isNull(f, c)) {
        return 0;
      }
      switch (keyStorage[i]) {
        case AS_LONG -> keyBuf[i] = f[cells + c];
        case AS_DOUBLE -> {
          double d = in.getDouble(row, c);
          keyBuf[i] = Double.doubleToLongBits(d == 0.0 ? 0.0 : d); // -0.0 and 0.0 match, as GroupKey compares them
        }
        default -> {
          long id = values.find(freshObjects[c]);
          keyBuf[i] = id;
          if (id < 0) {
            status = 2;
          }
        }
      }
    }
    return status;
  }

  /**
   * The fresh row enters state after the last row of its key not later than it (the tail, for rows in
   * order; its key in {@link #keyBuf}, dictionary ids acquired here) and returns its id. With {@code replaceEqualTime}
   * a row of the key with the same event time is replaced in place instead, keeping its id and its place in the
   * time order ({@link #replaced} says which happened).
   */
  long insert(boolean replaceEqualTime) {
    final long[] f = fresh;
    for (int c : objectColumns) {
      if (freshObjects[c] != null) {
        f[cells + c] = values.acquire(freshObjects[c]);
      }
    }
    for (int i = 0; i < keys.length; i++) {
      if (keyStorage[i] == AS_OBJECT) {
        keyBuf[i] = f[cells + keys[i]];
      }
    }
    System.arraycopy(keyBuf, 0, f, KEY, keyWords);
    replaced = false;
    long slot = keyIndex.upsertSlot(keySeg);
    MemorySegment t = keyIndex.table();
    long at = keyIndex.valueOffset(slot);
    boolean empty = !keyIndex.inserted() && t.get(JAVA_LONG_UNALIGNED, at + 16) == 0;
    if (empty) {
      emptyKeys--;
    }
    if (!keyIndex.inserted() && !empty && replaceEqualTime) {
      long same = sameTime(t.get(JAVA_LONG_UNALIGNED, at + 8), t.get(JAVA_LONG_UNALIGNED, at + 24), f[TIME]);
      if (same != 0) {
        replace(same);
        return same;
      }
    }
    long id = freeCount > 0 ? freeIds[--freeCount] : nextRowId++;
    if (keyIndex.inserted() || empty) {
      t.set(JAVA_LONG_UNALIGNED, at, id);
      t.set(JAVA_LONG_UNALIGNED, at + 8, id);
      t.set(JAVA_LONG_UNALIGNED, at + 16, 1);
      t.set(JAVA_LONG_UNALIGNED, at + 24, f[TIME]);
    } else {
      // in event-time order: after the last row not later than this one (the tail, for rows arriving in order)
      long after = t.get(JAVA_LONG_UNALIGNED, at + 8);
      long before = 0;
      if (t.get(JAVA_LONG_UNALIGNED, at + 24) > f[TIME]) {
        while (after != 0 && read(after) && entry[TIME] > f[TIME]) {
          after = entry[PREV];
        }
        before = after == 0 ? t.get(JAVA_LONG_UNALIGNED, at) : entry[NEXT]; // entry: the row read last, 'after'
      }
      f[PREV] = after;
      f[NEXT] = before;
      if (after == 0) {
        t.set(JAVA_LONG_UNALIGNED, at, id);
      } else {
        setWord(after, NEXT, id);
      }
      if (before == 0) {
        t.set(JAVA_LONG_UNALIGNED, at + 8, id);
        t.set(JAVA_LONG_UNALIGNED, at + 24, f[TIME]);
      } else {
        setWord(before, PREV, id);
      }
      t.set(JAVA_LONG_UNALIGNED, at + 16, t.get(JAVA_LONG_UNALIGNED, at + 16) + 1);
    }
    idBuf[0] = id;
    rows.put(idSeg, freshSeg);
    ringAdd(f[TIME], id);
    live++;
    return id;
  }

  /** The row of the list ending at {@code tail} (time {@code tailTime}) whose time is {@code time}, or 0. */
  private long sameTime(long tail, long tailTime, long time) {
    if (tailTime == time) {
      return tail;
    }
    if (tailTime < time) {
      return 0;
    }
    for (long id = tail; id != 0 && read(id); id = entry[PREV]) {
      if (entry[TIME] <= time) {
        return entry[TIME] == time ? id : 0;
      }
    }
    return 0;
  }

  /** The fresh row takes the place of row {@code id} (same key, same time): its links stay, its dictionary ids are released. */
  private void replace(long id) {
    read(id);
    releaseObjects(entry);
    fresh[FLAGS] |= entry[FLAGS] & UNFILED; // its time-order entry (or none) stays
    fresh[PREV] = entry[PREV];
    fresh[NEXT] = entry[NEXT];
    idBuf[0] = id;
    rows.put(idSeg, freshSeg);
    replaced = true;
  }

  /** Reads row {@code id} into {@link #entry}; false when it is no longer in state. */
  boolean read(long id) {
    idBuf[0] = id;
    return rows.get(idSeg, entrySeg);
  }

  /** Sets one word of row {@code id}'s entry in place; returns the row's event time. */
  long setWord(long id, int word, long value) {
    idBuf[0] = id;
    long slot = rows.upsertSlot(idSeg);
    MemorySegment t = rows.table();
    long at = rows.valueOffset(slot);
    t.set(JAVA_LONG_UNALIGNED, at + word * 8L, value);
    return t.get(JAVA_LONG_UNALIGNED, at + TIME * 8L);
  }

  /** Sets {@code flag} on row {@code id} (its entry in {@code e}). */
  void setFlag(long id, long[] e, long flag) {
    if ((e[FLAGS] & flag) == 0) {
      e[FLAGS] |= flag;
      setWord(id, FLAGS, e[FLAGS]);
    }
  }

  /**
   * Row {@code id} (its entry in {@code e}) leaves state: unlinked from its key's list, its dictionary ids released, its
   * entry marked free. The id is reused at once when the row left in time order (its ring entry is gone) or
   * has no ring entry ({@link #UNFILED}), else only when its ring entry comes up (so that the ring never names a later row by a stale entry).
   */
  void remove(long id, long[] e, boolean outOfTimeOrder) {
    long prev = e[PREV];
    long next = e[NEXT];
    long prevTime = 0;
    if (prev != 0) {
      prevTime = setWord(prev, NEXT, next);
    }
    if (next != 0) {
      setWord(next, PREV, prev);
    }
    System.arraycopy(e, KEY, keyBuf, 0, keyWords);
    long slot = keyIndex.upsertSlot(keySeg);
    MemorySegment t = keyIndex.table();
    long at = keyIndex.valueOffset(slot);
    long count = t.get(JAVA_LONG_UNALIGNED, at + 16) - 1;
    if (prev == 0) {
      t.set(JAVA_LONG_UNALIGNED, at, next);
    }
    if (next == 0) {
      t.set(JAVA_LONG_UNALIGNED, at + 8, prev);
      t.set(JAVA_LONG_UNALIGNED, at + 24, prevTime);
    }
    t.set(JAVA_LONG_UNALIGNED, at + 16, count);
    if (count == 0 && ++emptyKeys > 4096 && emptyKeys * 2 > keyIndex.size()) {
      sweepEmptyKeys();
    }
    setWord(id, FLAGS, FREE);
    live--;
    releaseObjects(e);
    if (outOfTimeOrder && (e[FLAGS] & UNFILED) == 0) {
      ringDead++;
    } else {
      free(id);
    }
  }

  private void releaseObjects(long[] e) {
    for (int c : objectColumns) {
      if (!isNull(e, c)) {
        values.release(e[cells + c]);
      }
    }
  }

  /**
   * Removes the key entries with empty lists. A key whose last row leaves keeps its entry until then, so
   * that a key coming back (the common case: the same keys recur) costs no removal and no re-insertion
   * (a store's removal leaves a tombstone that lengthens probes until the next rehash). Amortised O(1)
   * per emptied key; allocates while it runs.
   */
  private void sweepEmptyKeys() {
    List<long[]> empty = new ArrayList<>();
    keyIndex.forEach((k, v) -> {
      if (v.get(JAVA_LONG_UNALIGNED, 16) == 0) {
        empty.add(k.toArray(JAVA_LONG_UNALIGNED));
      }
    });
    for (long[] k : empty) {
      keyIndex.remove(MemorySegment.ofArray(k));
    }
    emptyKeys = 0;
  }

  private void free(long id) {
    if (freeCount == freeIds.length) {
      freeIds = Arrays.copyOf(freeIds, freeCount * 2);
    }
    freeIds[freeCount++] = id;
  }

  /** Reads row {@code id} into {@link #entry}: false (and the id freed) when it left state out of time order. */
  boolean readLive(long id) {
    read(id);
    if ((entry[FLAGS] & FREE) != 0) {
      ringDead--;
      free(id);
      return false;
    }
    return true;
  }

  /** Files row {@code id} under {@code time} in the time order (a row has one entry from {@link #insert}; an operator may file it again once that is polled). */
  void ringAdd(long time, long id) {
    if (ringSize == ringTimes.length) {
      growRing();
    }
    final long[] times = ringTimes;
    final long[] ids = ringIds;
    int mask = times.length - 1;
    int i = ringSize;
    while (i > 0 && times[(ringHead + i - 1) & mask] > time) { // keep event-time order: ties in arrival order
      int from = (ringHead + i - 1) & mask;
      int to = (ringHead + i) & mask;
      times[to] = times[from];
      ids[to] = ids[from];
      i--;
    }
    times[(ringHead + i) & mask] = time;
    ids[(ringHead + i) & mask] = id;
    ringSize++;
  }

  private void growRing() {
    long[] times = new long[ringTimes.length * 2];
    long[] ids = new long[times.length];
    int mask = ringTimes.length - 1;
    for (int i = 0; i < ringSize; i++) {
      times[i] = ringTimes[(ringHead + i) & mask];
      ids[i] = ringIds[(ringHead + i) & mask];
    }
    ringTimes = times;
    ringIds = ids;
    ringHead = 0;
  }

  private void pop() {
    ringHead = (ringHead + 1) & (ringTimes.length - 1);
    ringSize--;
  }

  /** The earliest event time in state, or {@link Long#MAX_VALUE}; drops ring entries of rows already gone. */
  long earliest() {
    while (ringSize > 0) {
      if (ringDead == 0) {
        return ringTimes[ringHead];
      }
      long id = ringIds[ringHead];
      if (readLive(id)) {
        return ringTimes[ringHead];
      }
      pop();
    }
    return Long.MAX_VALUE;
  }

  /**
   * Takes the earliest row in state out of the ring when its time is below {@code bound} (after
   * {@code shift}): returns its id, its entry in {@link #entry} and the time it was filed under in
   * {@link #polledTime}, or 0 when none is due.
   */
  long pollDue(long shift, long bound) {
    while (ringSize > 0 && ringTimes[ringHead] + shift < bound) {
      long id = ringIds[ringHead];
      polledTime = ringTimes[ringHead];
      pop();
      if (readLive(id)) {
        return id;
      }
    }
    return 0;
  }

  /** After a restore: the ring again, from the row entries, in (time, id) order; free ids; dictionary references counted. */
  void rebuild() {
    List<long[]> all = new ArrayList<>();
    freeCount = 0;
    live = 0;
    rows.forEach((k, v) -> {
      long id = k.get(JAVA_LONG_UNALIGNED, 0);
      if ((v.get(JAVA_LONG_UNALIGNED, FLAGS * 8L) & FREE) != 0) {
        free(id);
        return;
      }
      live++;
      if ((v.get(JAVA_LONG_UNALIGNED, FLAGS * 8L) & UNFILED) == 0) {
        all.add(new long[] {v.get(JAVA_LONG_UNALIGNED, TIME * 8L), id});
      }
      for (int c : objectColumns) {
        if ((v.get(JAVA_LONG_UNALIGNED, nullWord(c) * 8L) & (1L << c)) == 0) {
          values.retain(v.get(JAVA_LONG_UNALIGNED, (cells + c) * 8L));
        }
      }
    });
    all.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int cap = 1024;
    while (cap < all.size()) {
      cap <<= 1;
    }
    ringTimes = new long[cap];
    ringIds = new long[cap];
    ringHead = 0;
    ringSize = all.size();
    ringDead = 0;
    long[] empty = {0};
    keyIndex.forEach((k, v) -> empty[0] += v.get(JAVA_LONG_UNALIGNED, 16) == 0 ? 1 : 0);
    emptyKeys = empty[0];
    for (int i = 0; i < all.size(); i++) {
      ringTimes[i] = all.get(i)[0];
      ringIds[i] = all.get(i)[1];
    }
  }

  /**
   * Writes a row's cells into columns {@code offset..} of an opened output row; {@code freshCells} holds the
   * variable-size values of a row not in state.
   */
  void write(long[] w, Object[] freshCells, ColumnarBatch out, int outRow, int offset) {
    final int n = storage.length;
    for (int from = 0; from < n; from += 64) { // once for an input of at most 64 columns
      final long nulls = w[nullWord(from)];
      for (int c = from, end = Math.min(n, from + 64); c < end; c++) {
        if ((nulls & (1L << c)) != 0) {
          out.putNull(outRow, offset + c);
          continue;
        }
        switch (storage[c]) {
          case AS_LONG -> out.putLong(outRow, offset + c, w[cells + c]);
          case AS_DOUBLE -> out.putDouble(outRow, offset + c, Double.longBitsToDouble(w[cells + c]));
          default -> out.putObject(outRow, offset + c, freshCells != null ? freshCells[c] : values.value(w[cells + c]));
        }
      }
    }
  }

  void writeNulls(ColumnarBatch out, int outRow, int offset) {
    for (int c = 0; c < storage.length; c++) {
      out.putNull(outRow, offset + c);
    }
  }

  /** Columns of a row. */
  int width() {
    return storage.length;
  }

  @Override
  public void close() {
    rows.close();
    keyIndex.close();
  }

  /**
   * Whether a store-backed join takes these inputs: always, given as many key columns on each side (the
   * {@code GroupKey} of the heap joins needs that as much). Every column type has a stored form, any number of
   * columns fits, and every key pair compares as the heap joins compare it: the planner gives both columns of a
   * key pair the same type (Calcite casts the two sides of an equality to a common type, in a projection below the
   * join, and {@code JoinPlanner} refuses other pairs unless both are long-backed), so their words are of the same
   * kind; a pair built directly of other kinds compares as {@code GroupKey} does too: a long-backed value against a
   * DOUBLE by their words, two variable-size values by the dictionary (so never equal across kinds), and a
   * variable-size value against a fixed-width one never ({@link #disjointKeys}).
   */
  static boolean supports(Schema leftSchema, int[] leftKeys, Schema rightSchema, int[] rightKeys) {
    return leftKeys.length == rightKeys.length;
  }

  /**
   * Whether some key pair holds a variable-size value on one side and a fixed-width one on the other: such a pair
   * is never equal ({@code GroupKey} keeps the one as an object and the other as a word), whereas a dictionary id
   * may equal a word. Then each input's key ends with a word of its own ({@code keyTag} 0 left, 1 right), so no key
   * of one input is found among the other's.
   */
  static boolean disjointKeys(Schema leftSchema, int[] leftKeys, Schema rightSchema, int[] rightKeys) {
    for (int i = 0; i < leftKeys.length; i++) {
      boolean l = storage(leftSchema.column(leftKeys[i]).type()) == AS_OBJECT;
      boolean r = storage(rightSchema.column(rightKeys[i]).type()) == AS_OBJECT;
      if (l != r) {
        return true;
      }
    }
    return false;
  }

  private static byte storage(DataType t) {
    if (t.isLongBacked()) {
      return AS_LONG;
    }
    return t.kind() == TypeKind.DOUBLE ? AS_DOUBLE : AS_OBJECT;
  }
}
