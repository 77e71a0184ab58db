package dev.laminar.runtime.join;

import static dev.laminar.runtime.join.JoinRowStore.FLAGS;
import static dev.laminar.runtime.join.JoinRowStore.FREE;
import static dev.laminar.runtime.join.JoinRowStore.KEY;
import static dev.laminar.runtime.join.JoinRowStore.NEXT;
import static dev.laminar.runtime.join.JoinRowStore.PREV;
import static dev.laminar.runtime.join.JoinRowStore.TIME;
import static dev.laminar.runtime.join.JoinRowStore.UNFILED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.aggregate.StringKeyDictionary;
import dev.laminar.runtime.join.AsofJoinOperator.Direction;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Schema;
import dev.laminar.state.StateStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The ASOF and temporal join of {@link AsofJoinOperator} (same semantics, same output rows) with its right rows
 * and its pending left rows in off-heap state stores, checkpointed incrementally ({@link StoreBacked}). Takes every
 * input the heap operator takes ({@link #supports}): chosen by the planner unless the run keeps state on the heap.
 *
 * <p>Each input's rows are a {@link JoinRowStore}: a row store and a key store, each key's rows a list in event-time
 * order. Right rows: a row of the same key and time replaces the one there in place (the later arrival wins);
 * a deletion (temporal join) is a row flagged {@link #DELETION} that matches nothing. A lookup of the latest right
 * row at or before a time and the earliest at or after it walks the key's list from the end nearer in time (the
 * head: the newest row at or before the earliest left time still to come; the tail: the latest right row):
 * O(rows between that end and the time), where the heap operator's sorted map costs O(log rows). Cleanup follows
 * the right rows' time order (their ring): once the earliest left time still to come passes a right row's time,
 * its key's list loses the rows no left row can match any more — a prefix, so each leaves in O(1) — and, with a
 * tolerance, the row is filed again under its time plus the tolerance, when it is too old for any left row.
 *
 * <p>Left rows waiting for the right watermark (pending) are rows of the left store with one word of their own,
 * their horizon: the latest right time that can still change their match. BACKWARD: the horizon is the row's time
 * (shifted by one when strict), so they are finished in the ring's time order. FORWARD and NEAREST: a right row of
 * the key can bring a pending row's horizon nearer (the pending rows of its key are its left list), so they are
 * finished through a binary heap of (horizon, row id) in two {@code long} arrays, an entry skipped when its row
 * has gone or its horizon moved; the heap is derived state, rebuilt from the left store on restore, as are the
 * rings. The heap part of a checkpoint is each input's next row id.
 *
 * <p>A row of fixed-width columns costs no allocation on the way in, through lookups, or out; a new variable-size
 * value (VARCHAR, BYTES, wide DECIMAL) costs its dictionary entry. Reactor thread only.
 */
public final class StoredAsofJoinOperator extends TwoInputOperator implements StoreBacked, AutoCloseable {
  /** A right row's flag: a version that deletes its key (temporal join). */
  private static final long DELETION = 1;

  private final Direction direction;
  /** 0, or -1 for a strict BACKWARD ({@code >}), +1 for a strict FORWARD ({@code <}). */
  private final long shift;
  private final long tolerance;
  private final boolean leftOuter;
  /** The variable-size values of both inputs' cells (VARCHAR, BYTES, wide DECIMAL). */
  private final StringKeyDictionary values;
  private final JoinRowStore left;
  private final JoinRowStore right;
  /** The left rows' own word: the horizon. */
  private final int horizonWord;
  /** FORWARD and NEAREST: pending left rows by horizon, a binary min-heap of (horizon, row id). */
  private long[] heapHorizons = new long[1024];
  private long[] heapIds = new long[1024];
  private int heapSize;
  /** What {@link #locate} found: the latest right row at or before the probe and the earliest at or after it (0: none). */
  private long floorId;
  private long floorTime;
  private long ceilingId;
  private long ceilingTime;

  /** @param scratch where the stores keep their memory-mapped files */
  public StoredAsofJoinOperator(Direction direction, boolean strict, long tolerance, boolean leftOuter, Schema leftSchema, int[] leftKeys,
      Schema rightSchema, int[] rightKeys, Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped, Path scratch) {
    super(outputSchema, batchCapacity, downstream, lateRowsDropped);
    if (!supports(leftSchema, leftKeys, rightSchema, rightKeys)) {
      throw new IllegalArgumentException("leftKeys and rightKeys differ in length: " + leftKeys.length + " and " + rightKeys.length);
    }
    this.direction = direction;
    this.shift = !strict ? 0 : direction == Direction.BACKWARD ? -1 : direction == Direction.FORWARD ? 1 : 0;
    this.tolerance = tolerance;
    this.leftOuter = leftOuter;
    this.values = new StringKeyDictionary(scratch);
    boolean disjoint = JoinRowStore.disjointKeys(leftSchema, leftKeys, rightSchema, rightKeys);
    this.left = new JoinRowStore(leftSchema, leftKeys, disjoint ? 0 : JoinRowStore.NO_TAG, 1, values, scratch);
    this.right = new JoinRowStore(rightSchema, rightKeys, disjoint ? 1 : JoinRowStore.NO_TAG, 0, values, scratch);
    this.horizonWord = left.extra;
  }

  /** Whether this operator takes the inputs: the condition of {@link StoredIntervalJoinOperator#supports}. */
  public static boolean supports(Schema leftSchema, int[] leftKeys, Schema rightSchema, int[] rightKeys) {
    return JoinRowStore.supports(leftSchema, leftKeys, rightSchema, rightKeys);
  }

  @Override
  protected void onRow(boolean fromLeft, ColumnarBatch in, int row) {
    if (fromLeft) {
      onLeft(in, row);
      return;
    }
    RowKind kind = in.rowKind(row);
    if (kind == RowKind.UPDATE_BEFORE || right.load(in, row) == 0) {
      return; // -U is followed by the +U that replaces it; a NULL key matches nothing
    }
    right.fresh[FLAGS] = kind == RowKind.DELETE ? DELETION : 0;
    long time = right.fresh[TIME];
    right.insert(true);
    if (right.replaced || direction == Direction.BACKWARD) {
      return; // a replaced row had the same time: no pending row's horizon moves
    }
    // the pending left rows of the key: this row may be nearer than what their horizons assumed
    if (!left.keyIndex.get(right.keySeg, left.listSeg)) {
      return;
    }
    final long[] l = left.entry;
    for (long p = left.list[0]; p != 0; p = l[NEXT]) {
      left.read(p);
      long t = l[TIME];
      long h = l[horizonWord];
      if (time >= saturatedAdd(t, shift)) {
        h = Math.min(h, time);
      }
      if (direction == Direction.NEAREST && time <= t) {
        h = Math.min(h, saturatedAdd(t, t - time));
      }
      if (h < l[horizonWord]) {
        left.setWord(p, horizonWord, h);
        heapPush(h, p);
      }
    }
  }

  private void onLeft(ColumnarBatch in, int row) {
    int status = left.load(in, row);
    final long[] l = left.fresh;
    if (status == 0) {
      emit(l, left.freshObjects, false); // a NULL key matches nothing
      return;
    }
    long t = l[TIME];
    // BACKWARD: the horizon is the row's time, and the right rows are read only when the answer is final
    boolean backward = direction == Direction.BACKWARD;
    boolean known = !backward && status == 1 && rightRows();
    long h = horizon(t, known);
    if (rightWatermark == Long.MAX_VALUE || h < rightWatermark) {
      if (backward) {
        known = status == 1 && rightRows();
      }
      emit(l, left.freshObjects, known && match(t, !backward)); // FORWARD, NEAREST: located by horizon()
      return;
    }
    l[horizonWord] = h;
    long id = left.insert(false);
    if (direction != Direction.BACKWARD) {
      heapPush(h, id); // BACKWARD: the horizon is the row's time, so the time ring serves
    }
  }

  /** Whether the key in the left store's {@link JoinRowStore#keyBuf} has right rows: their list in the right store's {@link JoinRowStore#list}. */
  private boolean rightRows() {
    return right.keyIndex.get(left.keySeg, right.listSeg) && right.list[2] != 0;
  }

  /**
   * The largest right time that can still change the match of a left row at {@code t}: final once the right
   * watermark passes it. {@code known}: the key's right list is in {@link JoinRowStore#list}.
   */
  private long horizon(long t, boolean known) {
    long probe = saturatedAdd(t, shift);
    if (direction == Direction.BACKWARD) {
      return probe;
    }
    long h = saturatedAdd(t, tolerance);
    if (!known) {
      return h;
    }
    locate(probe);
    if (ceilingId != 0) {
      h = Math.min(h, ceilingTime);
    }
    if (direction == Direction.NEAREST && floorId != 0) { // NEAREST has no shift: probe = t
      h = Math.min(h, saturatedAdd(t, t - floorTime));
    }
    return h;
  }

  /**
   * Finds the latest right row at or before {@code probe} and the earliest at or after it in the key's list
   * ({@link JoinRowStore#list} of {@link #right}), walking from the end nearer in time.
   */
  private void locate(long probe) {
    final JoinRowStore r = right;
    final long[] e = r.entry;
    floorId = 0;
    ceilingId = 0;
    long head = r.list[0];
    long tail = r.list[1];
    long tailTime = r.list[3];
    r.read(head);
    long headTime = e[TIME];
    if (probe <= headTime || (probe < tailTime && Long.compareUnsigned(probe - headTime, tailTime - probe) <= 0)) {
      for (long id = head; ; ) { // the entry holds row 'id'
        if (e[TIME] >= probe) {
          ceilingId = id;
          ceilingTime = e[TIME];
          if (e[TIME] == probe) {
            floorId = id;
            floorTime = probe;
          }
          return;
        }
        floorId = id;
        floorTime = e[TIME];
        id = e[NEXT];
        if (id == 0) {
          return;
        }
        r.read(id);
      }
    }
    for (long id = tail; id != 0; id = e[PREV]) {
      r.read(id);
      if (e[TIME] <= probe) {
        floorId = id;
        floorTime = e[TIME];
        if (e[TIME] == probe) {
          ceilingId = id;
          ceilingTime = probe;
        }
        return;
      }
      ceilingId = id;
      ceilingTime = e[TIME];
    }
  }

  /**
   * Whether the left row at {@code t} has a match among the right rows of its key (their list in
   * {@link JoinRowStore#list} of {@link #right}): then the match is in {@link JoinRowStore#entry} of {@link #right}.
   * {@code located}: {@link #locate} has just run for this row's probe.
   */
  private boolean match(long t, boolean located) {
    if (!located) {
      locate(saturatedAdd(t, shift));
    }
    long b = direction != Direction.FORWARD ? floorId : 0;
    long f = direction != Direction.BACKWARD ? ceilingId : 0;
    long best;
    long bestTime;
    if (b != 0 && (f == 0 || t - floorTime <= ceilingTime - t)) {
      best = b;
      bestTime = floorTime;
    } else {
      best = f;
      bestTime = ceilingTime;
    }
    if (best == 0 || Math.abs(t - bestTime) > tolerance) {
      return false;
    }
    right.read(best);
    return (right.entry[FLAGS] & DELETION) == 0; // a deleted version matches nothing
  }

  /** Emits the left row {@code l} with its match (in the right store's entry), or padded, or nothing. */
  private void emit(long[] l, Object[] freshObjects, boolean matched) {
    if (!matched && !leftOuter) {
      return;
    }
    int row = emitter.openRow(RowKind.INSERT, l[TIME], outputWatermark());
    ColumnarBatch out = emitter.batch();
    left.write(l, freshObjects, out, row, 0);
    if (matched) {
      right.write(right.entry, null, out, row, left.width());
    } else {
      right.writeNulls(out, row, left.width());
    }
    emitter.commitRow();
  }

  /** Emits the pending left row {@code id} (in the left store's entry), whose answer is now final, and drops it. */
  private void finish(long id, boolean outOfTimeOrder) {
    final long[] l = left.entry;
    System.arraycopy(l, KEY, left.keyBuf, 0, left.keyWords);
    boolean matched = rightRows() && match(l[TIME], false);
    emit(l, null, matched);
    left.remove(id, l, outOfTimeOrder);
  }

  @Override
  protected void onWatermarkAdvanced(boolean fromLeft) {
    if (!fromLeft && direction == Direction.BACKWARD) {
      for (long id = left.pollDue(shift, rightWatermark); id != 0; id = left.pollDue(shift, rightWatermark)) {
        finish(id, false);
      }
    } else if (!fromLeft) {
      boolean all = rightWatermark == Long.MAX_VALUE; // the right input is over: every answer is final
      while (heapSize > 0 && (all || heapHorizons[0] < rightWatermark)) {
        long h = heapHorizons[0];
        long id = heapIds[0];
        heapPop();
        left.read(id);
        if ((left.entry[FLAGS] & FREE) != 0 || left.entry[horizonWord] != h) {
          continue; // resolved already, or queued again with a nearer horizon
        }
        finish(id, true);
      }
    }
    cleanRight();
  }

  /** Drops the right rows no left row still to come (or pending) can match. */
  private void cleanRight() {
    long earliest = Math.min(leftWatermark, left.earliest());
    if (earliest == ColumnarBatch.NO_TIME) {
      return;
    }
    long probe = saturatedAdd(earliest, shift);
    for (long id = right.pollDue(0, probe); id != 0; id = right.pollDue(0, probe)) {
      long filedAt = right.polledTime;
      long time = right.entry[TIME];
      long flags = right.entry[FLAGS];
      if (cleanKey(id, earliest, probe)) {
        continue;
      }
      long due = saturatedAdd(time, tolerance);
      if (tolerance != Long.MAX_VALUE && filedAt == time && due >= probe) {
        right.ringAdd(due, id); // filed again: too old for any left row once the earliest passes this
      } else {
        right.setWord(id, FLAGS, flags | UNFILED); // a later right row of its key takes it out
      }
    }
  }

  /**
   * Drops the rows of the key of right row {@code id} (in the right store's entry) that no left row at or after
   * {@code earliest} can match: older than the newest at or before the probe (BACKWARD), than the newest at or
   * before {@code earliest} (NEAREST), than the probe (FORWARD), or than the tolerance allows. Returns whether row
   * {@code id} itself went.
   */
  private boolean cleanKey(long id, long earliest, long probe) {
    final JoinRowStore r = right;
    final long[] e = r.entry;
    System.arraycopy(e, KEY, r.keyBuf, 0, r.keyWords);
    r.keyIndex.get(r.keySeg, r.listSeg);
    long bound = Long.MIN_VALUE;
    if (direction == Direction.FORWARD) {
      bound = probe;
    } else {
      long keep = direction == Direction.NEAREST ? earliest : probe;
      for (long at = r.list[0]; at != 0; at = e[NEXT]) { // the newest at or before 'keep': rows before it go
        r.read(at);
        if (e[TIME] > keep) {
          break;
        }
        bound = e[TIME];
      }
    }
    if (tolerance != Long.MAX_VALUE) {
      bound = Math.max(bound, earliest - tolerance);
    }
    boolean gone = false;
    for (long at = r.list[0]; at != 0; ) {
      r.read(at);
      if (e[TIME] >= bound) {
        break;
      }
      long next = e[NEXT];
      r.remove(at, e, at != id);
      gone |= at == id;
      at = next;
    }
    return gone;
  }

  @Override
  protected long earliestPendingOutput() {
    return left.earliest();
  }

  private void heapPush(long horizon, long id) {
    if (heapSize == heapHorizons.length) {
      heapHorizons = Arrays.copyOf(heapHorizons, heapSize * 2);
      heapIds = Arrays.copyOf(heapIds, heapSize * 2);
    }
    int i = heapSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heapHorizons[parent] <= horizon) {
        break;
      }
      heapHorizons[i] = heapHorizons[parent];
      heapIds[i] = heapIds[parent];
      i = parent;
    }
    heapHorizons[i] = horizon;
    heapIds[i] = id;
  }

  private void heapPop() {
    int n = --heapSize;
    long horizon = heapHorizons[n];
    long id = heapIds[n];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && heapHorizons[child + 1] < heapHorizons[child]) {
        child++;
      }
      if (heapHorizons[child] >= horizon) {
        break;
      }
      heapHorizons[i] = heapHorizons[child];
      heapIds[i] = heapIds[child];
      i = child;
    }
    if (n > 0) {
      heapHorizons[i] = horizon;
      heapIds[i] = id;
    }
  }

  /** The heap part: each input's next row id (the rows are in the stores). */
  @Override
  protected void snapshotState(DataOutput out) throws IOException {
    out.writeLong(left.nextRowId);
    out.writeLong(right.nextRowId);
  }

  @Override
  protected void restoreState(DataInput in) throws IOException {
    left.nextRowId = in.readLong();
    right.nextRowId = in.readLong();
  }

  @Override
  public Map<String, StateStore> stores() {
    return JoinRowStore.stores(left, right, values);
  }

  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    JoinRowStore.restoreChains(stores(), chains, "ASOF join");
    values.rebuild();
    left.rebuild();
    right.rebuild();
    values.dropUnreferenced();
    heapSize = 0;
    if (direction != Direction.BACKWARD) { // the horizons are in the rows
      long offset = horizonWord * 8L;
      left.rows.forEach((k, v) -> {
        if ((v.get(JAVA_LONG_UNALIGNED, FLAGS * 8L) & FREE) == 0) {
          heapPush(v.get(JAVA_LONG_UNALIGNED, offset), k.get(JAVA_LONG_UNALIGNED, 0));
        }
      });
    }
  }

  @Override
  public long stateRows() {
    return left.live + right.live;
  }

  /** Distinct variable-size values in state (for tests). */
  int distinctValues() {
    return values.size();
  }

  @Override
  public void close() {
    left.close();
    right.close();
    values.close();
  }

  @Override
  public String toString() {
    return "StoredAsofJoinOperator(" + direction + (shift != 0 ? " strict" : "") + (tolerance != Long.MAX_VALUE ? ", tolerance " + tolerance
        + " ms" : "") + (leftOuter ? ", LEFT" : "") + ", keys " + Arrays.toString(left.keys) + " = " + Arrays.toString(right.keys) + ")";
  }

  private static long saturatedAdd(long a, long b) {
    long s = a + b;
    return ((a ^ s) & (b ^ s)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : s;
  }
}
