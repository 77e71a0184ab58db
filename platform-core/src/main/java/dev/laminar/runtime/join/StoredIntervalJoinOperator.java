package dev.laminar.runtime.join;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.aggregate.StringKeyDictionary;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.join.IntervalJoinOperator.Kind;
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
 * The interval join of {@link IntervalJoinOperator} (same semantics, same output rows) with its rows in
 * off-heap state stores, checkpointed incrementally ({@link StoreBacked}). Chosen by the planner when
 * every column of both inputs is long-backed, DOUBLE or VARCHAR ({@link #supports}).
 *
 * <p>Per input, two stores with fixed-size entries:
 * <ul>
 *   <li>rows: key = a row id (per input); value = event time, the previous and next row id of its key's
 *       list, flags (matched, free), NULL bits, the join key's words, then one word per column
 *       (long-backed values; DOUBLE bits; VARCHAR as a {@link StringKeyDictionary} id). A row leaving state
 *       marks its entry free and its id is reused by a later row, in place: the store never removes an
 *       entry, so its table keeps no tombstones and never rehashes under churn; it holds as many entries
 *       as the most rows ever in state at once (free ones included in snapshots);</li>
 *   <li>keys: key = the join key's words (long-backed values, DOUBLE bits with -0.0 folded into 0.0 as
 *       {@code GroupKey} compares them, VARCHAR ids; one zero word for a join without equality keys);
 *       value = head and tail row id of the key's list, its length, and the tail's event time (a row in
 *       order goes to the tail without reading it).</li>
 * </ul>
 * A key's list is in event-time order: a row enters after the last row not later than it (the tail, for
 * rows arriving in order: O(1); else O(rows of its key later than it)), and leaves in O(1) (its neighbours
 * are relinked in place). A probe reads the other input's key entry and walks its list from the earliest
 * row on, passing rows too early to match and stopping at the first one too late: O(matches + the key's
 * rows too early), where rows too early are bounded by the probing input's own watermark lag (older ones
 * have expired) — not O(rows of the key) as the heap operator's scan, which grows with how far the other
 * input runs ahead. A key entry whose
 * list empties stays (a recurring key costs no removal) until such entries are over 4,096 and half of
 * all, then they are swept together. Expiry follows a
 * heap-side time order — a ring of (event time, row id) in two {@code long} arrays, sorted by inserting
 * from the tail (O(1) per row for rows arriving in event-time order, O(rows later than it) otherwise)
 * and popped from the head as the other input's watermark passes (O(expired)). It is derived state:
 * rebuilt from the row stores on restore. Rows removed out of time order (a semi/anti join's matched
 * left rows) are skipped when their ring entry comes up.
 *
 * <p>A row of fixed-width columns costs no allocation on the way in, through probes, or out; a new
 * VARCHAR value costs its dictionary entry. Reactor thread only.
 */
public final class StoredIntervalJoinOperator extends TwoInputOperator implements StoreBacked, AutoCloseable {
  private static final int TIME = 0;
  private static final int PREV = 1;
  private static final int NEXT = 2;
  private static final int FLAGS = 3;
  private static final int NULLS = 4;
  private static final int KEY = 5;
  private static final long MATCHED = 1;
  /** The entry holds no row: its id is free for a later row (or will be once its time-order entry is passed). */
  private static final long FREE = 2;
  private static final byte AS_LONG = 0;
  private static final byte AS_DOUBLE = 1;
  private static final byte AS_STRING = 2;

  private final Kind kind;
  private final long lower;
  private final long upper;
  private final Expr residual;
  private final ColumnarBatch scratch;
  private final StringKeyDictionary strings;
  private final Side leftSide;
  private final Side rightSide;
  /** Whether a stored row's matched flag can change what it yields when it leaves (its unmatched form is emitted). */
  private final boolean trackLeftMatches;
  private final boolean trackRightMatches;

  /**
   * @param joinedSchema left columns then right columns (what the residual is evaluated on)
   * @param outputSchema {@code joinedSchema}, or the left schema for SEMI and ANTI
   * @param scratch where the stores keep their memory-mapped files
   */
  public StoredIntervalJoinOperator(Kind kind, Schema leftSchema, int[] leftKeys, Schema rightSchema, int[] rightKeys, long lower, long upper,
      Expr residual, Schema joinedSchema, Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped, Path scratch) {
    super(outputSchema, batchCapacity, downstream, lateRowsDropped);
    if (!supports(leftSchema, leftKeys, rightSchema, rightKeys)) {
      throw new IllegalArgumentException("columns other than long-backed, DOUBLE and VARCHAR (or join keys of different kinds) need "
          + "the heap interval join");
    }
    this.kind = kind;
    this.lower = lower;
    this.upper = upper;
    this.residual = residual;
    this.scratch = residual == null ? null : new ColumnarBatch(joinedSchema, 1);
    this.strings = new StringKeyDictionary(scratch);
    this.leftSide = new Side(leftSchema, leftKeys, scratch);
    this.rightSide = new Side(rightSchema, rightKeys, scratch);
    this.trackLeftMatches = kind == Kind.LEFT || kind == Kind.FULL;
    this.trackRightMatches = kind == Kind.RIGHT || kind == Kind.FULL;
  }

  /**
   * Whether both inputs fit fixed-size entries: at most 64 columns each, all long-backed, DOUBLE or
   * VARCHAR, and each pair of join keys of the same kind (so equal values have equal words).
   */
  public static boolean supports(Schema leftSchema, int[] leftKeys, Schema rightSchema, int[] rightKeys) {
    if (leftKeys.length != rightKeys.length || leftSchema.size() > 64 || rightSchema.size() > 64) {
      return false;
    }
    for (Schema s : new Schema[] {leftSchema, rightSchema}) {
      for (int c = 0; c < s.size(); c++) {
        if (storage(s.column(c).type()) < 0) {
          return false;
        }
      }
    }
    for (int i = 0; i < leftKeys.length; i++) {
      if (storage(leftSchema.column(leftKeys[i]).type()) != storage(rightSchema.column(rightKeys[i]).type())) {
        return false;
      }
    }
    return true;
  }

  private static byte storage(DataType t) {
    if (t.isLongBacked()) {
      return AS_LONG;
    }
    return switch (t.kind()) {
      case DOUBLE -> AS_DOUBLE;
      case VARCHAR -> AS_STRING;
      default -> (byte) -1;
    };
  }

  /** One input's rows: the stores, reused buffers, and the time order. */
  private final class Side {
    final byte[] storage;
    final int[] keys;
    final byte[] keyStorage;
    final int keyWords;
    final int cells;
    final OffHeapStateStore rows;
    final OffHeapStateStore keyIndex;
    /** The row being processed, in entry form (VARCHAR words filled only when it enters state). */
    final long[] fresh;
    final MemorySegment freshSeg;
    final Object[] freshStrings;
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

    Side(Schema schema, int[] keys, Path scratch) {
      storage = new byte[schema.size()];
      for (int c = 0; c < storage.length; c++) {
        storage[c] = storage(schema.column(c).type());
      }
      this.keys = keys.clone();
      keyStorage = new byte[keys.length];
      for (int i = 0; i < keys.length; i++) {
        keyStorage[i] = storage[keys[i]];
      }
      keyWords = Math.max(1, keys.length);
      cells = KEY + keyWords;
      int words = cells + storage.length;
      rows = new OffHeapStateStore(scratch, 8, words * 8, false, 1024);
      keyIndex = new OffHeapStateStore(scratch, keyWords * 8, 32, false, 1024);
      fresh = new long[words];
      freshSeg = MemorySegment.ofArray(fresh);
      freshStrings = new Object[storage.length];
      entry = new long[words];
      entrySeg = MemorySegment.ofArray(entry);
      keyBuf = new long[keyWords];
      keySeg = MemorySegment.ofArray(keyBuf);
    }

    /**
     * Loads row {@code row} of {@code in} into {@link #fresh} and its key into {@link #keyBuf}: 0 when a key
     * component is NULL, 1 when the key is known, 2 when a key string is held by no row (nothing can match).
     */
    int load(ColumnarBatch in, int row) {
      final long[] f = fresh;
      long nulls = 0;
      for (int c = 0; c < storage.length; c++) {
        f[cells + c] = 0;
        freshStrings[c] = null;
        if (in.isNull(row, c)) {
          nulls |= 1L << c;
          continue;
        }
        switch (storage[c]) {
          case AS_LONG -> f[cells + c] = in.getLong(row, c);
          case AS_DOUBLE -> f[cells + c] = Double.doubleToRawLongBits(in.getDouble(row, c));
          default -> freshStrings[c] = in.getObjectSlot(row, c);
        }
      }
      f[TIME] = in.rowtime(row);
      f[PREV] = 0;
      f[NEXT] = 0;
      f[FLAGS] = 0;
      f[NULLS] = nulls;
      keyBuf[0] = 0;
      int status = 1;
      for (int i = 0; i < keys.length; i++) {
        int c = keys[i];
        if ((nulls & (1L << c)) != 0) {
          return 0;
        }
        switch (keyStorage[i]) {
          case AS_LONG -> keyBuf[i] = f[cells + c];
          case AS_DOUBLE -> {
            double d = in.getDouble(row, c);
            keyBuf[i] = Double.doubleToLongBits(d == 0.0 ? 0.0 : d); // -0.0 and 0.0 match, as GroupKey compares them
          }
          default -> {
            long id = strings.find((String) freshStrings[c]);
            keyBuf[i] = id;
            if (id < 0) {
              status = 2;
            }
          }
        }
      }
      return status;
    }

    /** The fresh row enters state at its key's tail (its key in {@link #keyBuf}, string ids acquired here). */
    void insert() {
      final long[] f = fresh;
      for (int c = 0; c < storage.length; c++) {
        if (storage[c] == AS_STRING && freshStrings[c] != null) {
          f[cells + c] = strings.acquire((String) freshStrings[c]);
        }
      }
      for (int i = 0; i < keys.length; i++) {
        keyBuf[i] = keyStorage[i] == AS_STRING ? f[cells + keys[i]] : keyBuf[i];
        f[KEY + i] = keyBuf[i];
      }
      if (keys.length == 0) {
        f[KEY] = 0;
      }
      long id = freeCount > 0 ? freeIds[--freeCount] : nextRowId++;
      long slot = keyIndex.upsertSlot(keySeg);
      MemorySegment t = keyIndex.table();
      long at = keyIndex.valueOffset(slot);
      boolean empty = !keyIndex.inserted() && t.get(JAVA_LONG_UNALIGNED, at + 16) == 0;
      if (empty) {
        emptyKeys--;
      }
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
    }

    /** Reads row {@code id} into {@link #entry}; false when it is no longer in state. */
    boolean read(long id) {
      idBuf[0] = id;
      return rows.get(idSeg, entrySeg);
    }

    /** Sets one word of row {@code id}'s entry in place; returns the row's event time. */
    private long setWord(long id, int word, long value) {
      idBuf[0] = id;
      long slot = rows.upsertSlot(idSeg);
      MemorySegment t = rows.table();
      long at = rows.valueOffset(slot);
      t.set(JAVA_LONG_UNALIGNED, at + word * 8L, value);
      return t.get(JAVA_LONG_UNALIGNED, at + TIME * 8L);
    }

    /** Marks row {@code id} (in {@code e}) matched. */
    void markMatched(long id, long[] e) {
      if ((e[FLAGS] & MATCHED) == 0) {
        e[FLAGS] |= MATCHED;
        setWord(id, FLAGS, e[FLAGS]);
      }
    }

    /**
     * Row {@code id} (its entry in {@code e}) leaves state: unlinked from its key's list, its strings released, its
     * entry marked free. The id is reused at once when the row left in time order (its ring entry is gone),
     * else only when its ring entry comes up (so that the ring never names a later row by a stale entry).
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
      long nulls = e[NULLS];
      for (int c = 0; c < storage.length; c++) {
        if (storage[c] == AS_STRING && (nulls & (1L << c)) == 0) {
          strings.release(e[cells + c]);
        }
      }
      if (outOfTimeOrder) {
        ringDead++;
      } else {
        free(id);
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
    private boolean readLive(long id) {
      read(id);
      if ((entry[FLAGS] & FREE) != 0) {
        ringDead--;
        free(id);
        return false;
      }
      return true;
    }

    private void ringAdd(long time, long id) {
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
     * {@code shift}): returns its id, its entry in {@link #entry}, or 0 when none is due.
     */
    long pollDue(long shift, long bound) {
      while (ringSize > 0 && ringTimes[ringHead] + shift < bound) {
        long id = ringIds[ringHead];
        pop();
        if (readLive(id)) {
          return id;
        }
      }
      return 0;
    }

    /** After a restore: the ring again, from the row entries, in (time, id) order; free ids; string references counted. */
    void rebuild() {
      List<long[]> all = new ArrayList<>();
      freeCount = 0;
      rows.forEach((k, v) -> {
        long id = k.get(JAVA_LONG_UNALIGNED, 0);
        if ((v.get(JAVA_LONG_UNALIGNED, FLAGS * 8L) & FREE) != 0) {
          free(id);
          return;
        }
        all.add(new long[] {v.get(JAVA_LONG_UNALIGNED, TIME * 8L), id});
        long nulls = v.get(JAVA_LONG_UNALIGNED, NULLS * 8L);
        for (int c = 0; c < storage.length; c++) {
          if (storage[c] == AS_STRING && (nulls & (1L << c)) == 0) {
            strings.retain(v.get(JAVA_LONG_UNALIGNED, (cells + c) * 8L));
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
      live = all.size();
      long[] empty = {0};
      keyIndex.forEach((k, v) -> empty[0] += v.get(JAVA_LONG_UNALIGNED, 16) == 0 ? 1 : 0);
      emptyKeys = empty[0];
      for (int i = 0; i < all.size(); i++) {
        ringTimes[i] = all.get(i)[0];
        ringIds[i] = all.get(i)[1];
      }
    }

    void close() {
      rows.close();
      keyIndex.close();
    }
  }

  @Override
  protected void onRow(boolean fromLeft, ColumnarBatch in, int row) {
    Side own = fromLeft ? leftSide : rightSide;
    Side other = fromLeft ? rightSide : leftSide;
    int key = own.load(in, row);
    boolean keep = key != 0;
    if (key == 1 && other.keyIndex.get(own.keySeg, other.listSeg)) {
      keep = fromLeft ? matchLeft(other.list[0]) : matchRight(other.list[0]);
    }
    long time = own.fresh[TIME];
    boolean expired = fromLeft ? time - lower < rightWatermark : time + upper < leftWatermark;
    if (keep && !expired) {
      own.insert();
    } else {
      expire(fromLeft, own.fresh, own.freshStrings);
    }
  }

  /**
   * Matches the fresh left row against the right rows of its key, earliest first from {@code id} (its head): rows
   * too early to match are passed, and the walk stops at the first row too late. False when the row need not be kept.
   */
  private boolean matchLeft(long id) {
    final Side rs = rightSide;
    final long[] l = leftSide.fresh;
    final Object[] ls = leftSide.freshStrings;
    final long[] r = rs.entry;
    while (id != 0) {
      rs.read(id);
      long next = r[NEXT];
      long d = l[TIME] - r[TIME]; // shrinks as the walk goes to later right rows
      if (d < lower) {
        break;
      }
      if (d <= upper && residualHolds(l, ls, r, null)) {
        l[FLAGS] |= MATCHED;
        switch (kind) {
          case SEMI -> {
            emitLeftOnly(l, ls);
            return false;
          }
          case ANTI -> {
            return false;
          }
          default -> {
            if (trackRightMatches) {
              rs.markMatched(id, r);
            }
            emitJoined(l, ls, r, null);
          }
        }
      }
      id = next;
    }
    return true;
  }

  /**
   * Matches the fresh right row against the left rows of its key, earliest first from {@code id} (its head), stopping
   * at the first left row too late to match; always kept (later left rows may match it).
   */
  private boolean matchRight(long id) {
    final Side ls = leftSide;
    final long[] r = rightSide.fresh;
    final Object[] rStrings = rightSide.freshStrings;
    final long[] l = ls.entry;
    while (id != 0) {
      ls.read(id);
      long next = l[NEXT];
      long d = l[TIME] - r[TIME]; // grows as the walk goes to later left rows
      if (d > upper) {
        break;
      }
      if (d >= lower && residualHolds(l, null, r, rStrings)) {
        r[FLAGS] |= MATCHED;
        switch (kind) {
          case SEMI -> {
            emitLeftOnly(l, null);
            ls.remove(id, l, true);
          }
          case ANTI -> ls.remove(id, l, true);
          default -> {
            if (trackLeftMatches) {
              ls.markMatched(id, l);
            }
            emitJoined(l, null, r, rStrings);
          }
        }
      }
      id = next;
    }
    return true;
  }

  private boolean residualHolds(long[] l, Object[] ls, long[] r, Object[] rs) {
    if (residual == null) {
      return true;
    }
    ColumnarBatch s = scratch;
    s.clear();
    int row = s.openRow(RowKind.INSERT, l[TIME], ColumnarBatch.NO_TIME);
    write(leftSide, l, ls, s, row, 0);
    write(rightSide, r, rs, s, row, leftSide.storage.length);
    return !residual.isNull(s, row) && residual.evalBoolean(s, row);
  }

  /** Writes a row's cells into columns {@code offset..} of an opened output row; {@code fresh} holds the strings of a row not in state. */
  private void write(Side side, long[] w, Object[] fresh, ColumnarBatch out, int outRow, int offset) {
    final byte[] storage = side.storage;
    final int cells = side.cells;
    final long nulls = w[NULLS];
    for (int c = 0; c < storage.length; c++) {
      if ((nulls & (1L << c)) != 0) {
        out.putNull(outRow, offset + c);
        continue;
      }
      switch (storage[c]) {
        case AS_LONG -> out.putLong(outRow, offset + c, w[cells + c]);
        case AS_DOUBLE -> out.putDouble(outRow, offset + c, Double.longBitsToDouble(w[cells + c]));
        default -> out.putObject(outRow, offset + c, fresh != null ? fresh[c] : strings.string(w[cells + c]));
      }
    }
  }

  private void writeNulls(Side side, ColumnarBatch out, int outRow, int offset) {
    for (int c = 0; c < side.storage.length; c++) {
      out.putNull(outRow, offset + c);
    }
  }

  private void emitJoined(long[] l, Object[] ls, long[] r, Object[] rs) {
    long time = kind == Kind.RIGHT ? r[TIME] : l != null ? l[TIME] : r[TIME];
    int row = emitter.openRow(RowKind.INSERT, time, outputWatermark());
    ColumnarBatch out = emitter.batch();
    int width = leftSide.storage.length;
    if (l != null) {
      write(leftSide, l, ls, out, row, 0);
    } else {
      writeNulls(leftSide, out, row, 0);
    }
    if (r != null) {
      write(rightSide, r, rs, out, row, width);
    } else {
      writeNulls(rightSide, out, row, width);
    }
    emitter.commitRow();
  }

  private void emitLeftOnly(long[] l, Object[] ls) {
    int row = emitter.openRow(RowKind.INSERT, l[TIME], outputWatermark());
    write(leftSide, l, ls, emitter.batch(), row, 0);
    emitter.commitRow();
  }

  /** A row leaves state (or never enters it): emit what an unmatched row yields for this join type. */
  private void expire(boolean fromLeft, long[] row, Object[] fresh) {
    if ((row[FLAGS] & MATCHED) != 0) {
      return;
    }
    if (fromLeft) {
      switch (kind) {
        case LEFT, FULL -> emitJoined(row, fresh, null, null);
        case ANTI -> emitLeftOnly(row, fresh);
        default -> { }
      }
    } else if (kind == Kind.RIGHT || kind == Kind.FULL) {
      emitJoined(null, null, row, fresh);
    }
  }

  @Override
  protected void onWatermarkAdvanced(boolean left) {
    if (left) {
      // right rows no future left row can match: right.time + upper < left watermark
      final Side s = rightSide;
      for (long id = s.pollDue(upper, leftWatermark); id != 0; id = s.pollDue(upper, leftWatermark)) {
        expire(false, s.entry, null); // before removal: its strings are still in the dictionary
        s.remove(id, s.entry, false);
      }
    } else {
      final Side s = leftSide;
      for (long id = s.pollDue(-lower, rightWatermark); id != 0; id = s.pollDue(-lower, rightWatermark)) {
        expire(true, s.entry, null);
        s.remove(id, s.entry, false);
      }
    }
  }

  @Override
  protected long earliestPendingOutput() {
    long min = Long.MAX_VALUE;
    if (kind != Kind.RIGHT) {
      min = leftSide.earliest();
    }
    if (kind == Kind.RIGHT || kind == Kind.FULL) {
      min = Math.min(min, rightSide.earliest());
    }
    return min;
  }

  /** The heap part: each input's next row id (the rows are in the stores). */
  @Override
  protected void snapshotState(DataOutput out) throws IOException {
    out.writeLong(leftSide.nextRowId);
    out.writeLong(rightSide.nextRowId);
  }

  @Override
  protected void restoreState(DataInput in) throws IOException {
    leftSide.nextRowId = in.readLong();
    rightSide.nextRowId = in.readLong();
  }

  @Override
  public Map<String, StateStore> stores() {
    Map<String, StateStore> stores = new LinkedHashMap<>();
    stores.put("left-rows", leftSide.rows);
    stores.put("left-keys", leftSide.keyIndex);
    stores.put("right-rows", rightSide.rows);
    stores.put("right-keys", rightSide.keyIndex);
    stores.put("strings", strings.store());
    return stores;
  }

  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    for (Map.Entry<String, StateStore> e : stores().entrySet()) {
      List<Path> chain = chains.get(e.getKey());
      if (chain == null) {
        throw new IOException("the checkpoint has no snapshot of the interval join's store '" + e.getKey() + "' (has " + chains.keySet()
            + ")");
      }
      e.getValue().restore(chain);
    }
    strings.rebuild();
    leftSide.rebuild();
    rightSide.rebuild();
    strings.dropUnreferenced();
  }

  @Override
  public long stateRows() {
    return leftSide.live + rightSide.live;
  }

  /** Distinct strings in state (for tests). */
  int distinctStrings() {
    return strings.size();
  }

  @Override
  public void close() {
    leftSide.close();
    rightSide.close();
    strings.close();
  }

  @Override
  public String toString() {
    return "StoredIntervalJoinOperator(" + kind + ", " + lower + ".." + upper + " ms, keys " + Arrays.toString(leftSide.keys) + " = "
        + Arrays.toString(rightSide.keys) + ")";
  }
}
