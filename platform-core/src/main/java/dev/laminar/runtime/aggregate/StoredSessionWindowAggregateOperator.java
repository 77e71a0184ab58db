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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SESSION windows with every session in an off-heap {@link OffHeapStateStore}: what
 * {@link SessionWindowAggregateOperator} does on the heap, in every emit mode and with allowed lateness, for
 * queries whose grouping columns are long-backed, DOUBLE or VARCHAR and whose aggregate state is fixed-size
 * ({@link #supports}). Same rows, same order: sessions fire by end, then by creation (a session merged
 * into an earlier-starting one takes that one's place), and rows that would only touch sessions past their
 * allowed lateness are late.
 *
 * <p>Two stores. {@code sessions}: key = the session's id (a counter, in creation order), value =
 * {@code start, end, next} (the next session of the same group, or -1), the group key words (as
 * {@link FixedGroupKeys} lays them out), then the {@link SlotAccumulator} slot. {@code groups}: key = the
 * group key words, value = the id of the first of the group's sessions (a list through {@code next};
 * a group has one session unless rows arrive out of order by more than the gap). A row costs a lookup of
 * its group and one in-place probe per session of the group (usually one) — the session is extended and
 * its slot loaded, updated and stored in place; merging sessions merges their slots (two cursors) into
 * the earliest and removes the others. Nothing is allocated per row.
 *
 * <p>Changes (EMIT ON UPDATE, CHANGES, EVERY, or ALLOW LATENESS): the session value also holds whether the
 * session fired and the row it last emitted ({@link SlotChanges}: its bounds and state), so that a change goes
 * out as -U old / +U new and a session merged away is retracted with -D, as on the heap. A fired session is
 * kept until the watermark passes its end plus the lateness.
 *
 * <p>Firing: a {@link StoredSessionExpiry} heap of {@code (due, id)} — due is the end, or for a fired session
 * the end plus the lateness — lazily maintained (a row that extends a session does not touch it; a popped
 * entry whose session's due has moved is pushed again with the new one, one whose session was merged away is
 * dropped), so firing costs O(log n) per session fired and nothing per row. The heap is rebuilt from the
 * session store on restore.
 *
 * <p>Checkpoints ({@link StoreBacked}): the heap part is the watermark and the next session id; both
 * stores (and the string dictionary) are captured incrementally — the sessions changed since the last
 * checkpoint, not the whole state.
 */
public final class StoredSessionWindowAggregateOperator implements Operator, StoreBacked, dev.laminar.runtime.Timer, AutoCloseable {
  private static final long NONE = -1;
  private static final long START = 0;
  private static final long END = 8;
  private static final long NEXT = 16;
  private static final long KEY = 24;
  private static final String GROUPS = "groups";
  private static final String SESSIONS = "sessions";
  private static final String DICTIONARY = "dict";

  private final long gap;
  private final FixedGroupKeys keys;
  private final int keyBytes;
  private final long slotAt;
  private final SlotAccumulator cursor;
  private final SlotAccumulator partial;
  /** The references the slots hold on the dictionary's object values (none when the state is all primitives). */
  private final SlotRefs refs;
  /** The sets of the COUNT(DISTINCT) and APPROX_COUNT_DISTINCT calls (null when there are none). */
  private final SlotSets sets;
  private final BatchEmitter emitter;
  private final LateRows late;
  private final OffHeapStateStore groups;
  private final OffHeapStateStore sessions;
  private final StoredSessionExpiry expiry;
  private final Emit emit;
  private final long lateness;
  /** The row each session last emitted, when results go out as changes (else null). */
  private final SlotChanges changes;
  /** With changes: where in a session's value its fired flag and its {@link SlotChanges} area are. */
  private final long firedAt;
  private final long changesAt;
  /** EMIT EVERY: the open sessions of a tick, ordered by end and id (reused). */
  private final StoredSessionExpiry tick;
  private final EmitEvery every = new EmitEvery();
  /** Reused keys and buffers: a session id, a list walk's id, a group's head, a fired session's group key and value. */
  private final long[] idWord = new long[1];
  private final MemorySegment idKey = MemorySegment.ofArray(idWord);
  private final long[] walkWord = new long[1];
  private final MemorySegment walkKey = MemorySegment.ofArray(walkWord);
  private final long[] headWord = new long[1];
  private final MemorySegment head = MemorySegment.ofArray(headWord);
  private final MemorySegment groupKey;
  private final MemorySegment fired;
  /** Reused per row: the sessions a row touches, and their starts (merged in start order). */
  private long[] touchIds = new long[8];
  private long[] touchStarts = new long[8];
  private long watermark = ColumnarBatch.NO_TIME;
  private long nextId;

  /** Whether this operator can run a query of these grouping columns and aggregate slot size (else use the heap operator). */
  public static boolean supports(KeySource[] keySources, int[] keyColumns, Schema input, int slotBytes) {
    return StoredTumblingWindowAggregateOperator.supports(keySources, keyColumns, input, slotBytes);
  }

  /** EMIT ON WINDOW CLOSE, no allowed lateness. */
  public StoredSessionWindowAggregateOperator(long gap, KeySource[] keySources, int[] keyColumns, Schema inputSchema,
      GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped,
      Path scratch) {
    this(gap, keySources, keyColumns, inputSchema, aggregates, outputSchema, batchCapacity, downstream, lateRowsDropped, scratch,
        Emit.ON_WINDOW_CLOSE, 0);
  }

  /**
   * @param keySources for each grouping output column, where its value comes from
   * @param keyColumns for each grouping output column of source COLUMN, the input column (others ignored)
   * @param scratch directory for the stores' memory-mapped files (scratch space, not the durable copy)
   * @param emit when results leave ({@link Emit}; EVERY also needs {@link #emitEvery})
   * @param lateness ALLOW LATENESS in milliseconds: sessions are kept that long after their end; a row in that time
   *     extends or merges them, and fired results are corrected as changes
   */
  public StoredSessionWindowAggregateOperator(long gap, KeySource[] keySources, int[] keyColumns, Schema inputSchema,
      GroupAccumulatorFactory aggregates, Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped,
      Path scratch, Emit emit, long lateness) {
    if (gap <= 0) {
      throw new IllegalArgumentException("SESSION gap must be positive, was " + gap + " ms");
    }
    if (!supports(keySources, keyColumns, inputSchema, aggregates.slotBytes())) {
      throw new IllegalArgumentException("the grouping columns or aggregate states are not fixed-size: use SessionWindowAggregateOperator");
    }
    this.gap = gap;
    this.keys = new FixedGroupKeys(keySources, keyColumns, inputSchema, scratch,
        aggregates.slotObjectWords().length > 0 || SlotSets.needsDictionary(aggregates));
    this.sets = SlotSets.of(aggregates, scratch, keys.dictionary());
    this.keyBytes = keys.keyBytes();
    this.slotAt = KEY + keyBytes;
    this.emit = emit;
    this.lateness = lateness;
    this.refs = new SlotRefs(aggregates, keys.dictionary(), sets);
    this.changes = emit != Emit.ON_WINDOW_CLOSE || lateness > 0 ? new SlotChanges(aggregates, outputSchema, keys, refs) : null;
    this.firedAt = slotAt + Math.max(8, aggregates.slotBytes());
    this.changesAt = firedAt + 8;
    int valueBytes = (int) (changes == null ? firedAt : changesAt + changes.bytes());
    this.tick = emit == Emit.EVERY ? new StoredSessionExpiry(64) : null;
    this.groups = new OffHeapStateStore(scratch, keyBytes, 8, false, 1024);
    this.sessions = new OffHeapStateStore(scratch, 8, valueBytes, false, 1024);
    this.expiry = new StoredSessionExpiry(1024);
    this.cursor = (SlotAccumulator) aggregates.create();
    this.partial = (SlotAccumulator) aggregates.create();
    cursor.bind(keys.dictionary());
    partial.bind(keys.dictionary());
    cursor.bindSets(sets);
    partial.bindSets(sets);
    this.groupKey = MemorySegment.ofArray(new long[keyBytes / 8]);
    this.fired = MemorySegment.ofArray(new long[(valueBytes + 7) / 8]);
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

  /** EMIT EVERY: the changed results of every session that has not fired yet, by end and creation (reactor thread). */
  @Override
  public void onTimer(long nowMillis) {
    if (emit != Emit.EVERY || !every.due(nowMillis)) {
      return;
    }
    tick.clear();
    MemorySegment table = sessions.table();
    for (long s = 0, cap = sessions.capacity(); s < cap; s++) {
      if (sessions.occupied(s) && table.get(JAVA_LONG_UNALIGNED, sessions.valueOffset(s) + firedAt) == 0) {
        tick.append(table.get(JAVA_LONG_UNALIGNED, sessions.valueOffset(s) + END), table.get(JAVA_LONG_UNALIGNED, sessions.keyOffset(s)));
      }
    }
    tick.heapify();
    while (!tick.isEmpty()) {
      idWord[0] = tick.firstId();
      tick.pop();
      emitChange(sessions.slotOf(idKey), watermark);
    }
    emitter.flush();
  }

  private boolean eager() {
    return emit == Emit.ON_UPDATE || emit == Emit.CHANGES;
  }

  /** Whether the session at {@code at} of the session table has fired (always false without changes: fired sessions go). */
  private boolean fired(MemorySegment table, long at) {
    return changes != null && table.get(JAVA_LONG_UNALIGNED, at + firedAt) != 0;
  }

  /** When the session at {@code at} is next due: its end (to fire), or once fired its end plus the lateness (to go). */
  private long due(MemorySegment table, long at) {
    long end = table.get(JAVA_LONG_UNALIGNED, at + END);
    return fired(table, at) ? end + lateness : end;
  }

  /** Emits the session in {@code slot} as a change against the row it last emitted, unless that row is unchanged. */
  private void emitChange(long slot, long wm) {
    MemorySegment table = sessions.table();
    long at = sessions.valueOffset(slot);
    long start = table.get(JAVA_LONG_UNALIGNED, at + START);
    long end = table.get(JAVA_LONG_UNALIGNED, at + END);
    cursor.load(table, at + slotAt);
    int o = emitter.openRow(RowKind.INSERT, end - 1, wm);
    ColumnarBatch out = emitter.batch();
    keys.write(out, o, start, end, table, at + KEY);
    cursor.writeResults(out, o, keys.width());
    if (changes.emit(emitter, o, cursor, start, end, table, at + KEY, at + changesAt, emit == Emit.ON_UPDATE, end - 1, wm)) {
      sessions.touch(slot);
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
      processRow(in, r);
    }
    emitter.flush();
    late.flush();
  }

  private void processRow(ColumnarBatch in, int r) {
    final long t = in.rowtime(r);
    final MemorySegment key = keys.load(in, r);
    final boolean known = groups.get(key, head);
    final OffHeapStateStore store = sessions;
    long start = t;
    long end = t + gap;
    int touching = 0;
    boolean touchesFired = false;
    if (known) {
      for (long id = headWord[0]; id != NONE;) {
        idWord[0] = id;
        long s = store.upsertSlot(idKey); // present: finds it in place
        MemorySegment table = store.table();
        long at = store.valueOffset(s);
        long st = table.get(JAVA_LONG_UNALIGNED, at + START);
        long en = table.get(JAVA_LONG_UNALIGNED, at + END);
        if (t <= en && t + gap >= st) {
          touching = touch(touching, id, st);
          start = Math.min(start, st);
          end = Math.max(end, en);
          touchesFired |= fired(table, at);
        }
        id = table.get(JAVA_LONG_UNALIGNED, at + NEXT);
      }
    }
    if (end + lateness <= watermark) {
      if (!known) { // its strings got ids but no group holds them
        keys.retainProbe();
        keys.release(key, 0);
      }
      late.reject(in, r);
      return;
    }
    if (end <= watermark || touchesFired) {
      late.accept(); // it changes a result that has gone out (or would have)
    }
    final SlotAccumulator acc = cursor;
    if (touching == 0) {
      long id = nextId++;
      long gs = groups.upsertSlot(key);
      if (groups.inserted()) {
        keys.retainProbe();
      }
      groups.table().set(JAVA_LONG_UNALIGNED, groups.valueOffset(gs), id);
      idWord[0] = id;
      long s = store.upsertSlot(idKey);
      MemorySegment table = store.table();
      long at = store.valueOffset(s);
      table.set(JAVA_LONG_UNALIGNED, at + START, start);
      table.set(JAVA_LONG_UNALIGNED, at + END, end);
      table.set(JAVA_LONG_UNALIGNED, at + NEXT, known ? headWord[0] : NONE);
      MemorySegment.copy(key, 0, table, at + KEY, keyBytes);
      acc.load(table, at + slotAt); // all zero: no rows yet
      acc.add(in, r);
      refs.overwrite(acc, table, at + slotAt);
      boolean firedNow = end <= watermark; // first seen after its end (within the lateness): it goes out as a change now
      if (firedNow) {
        table.set(JAVA_LONG_UNALIGNED, at + firedAt, 1L);
      }
      expiry.push(firedNow ? end + lateness : end, id);
      if (eager() || firedNow) {
        emitChange(s, in.watermark(r));
      }
      return;
    }
    if (touching > 1) {
      sortTouching(touching);
    }
    long target = touchIds[0];
    idWord[0] = target;
    long s = store.upsertSlot(idKey);
    acc.load(store.table(), store.valueOffset(s) + slotAt);
    boolean fired = fired(store.table(), store.valueOffset(s));
    for (int i = 1; i < touching; i++) { // merge the later sessions into the earliest, in time order
      long other = touchIds[i];
      idWord[0] = other;
      long o = store.upsertSlot(idKey);
      MemorySegment table = store.table();
      long at = store.valueOffset(o);
      if (changes != null) {
        fired |= fired(table, at);
        changes.retract(emitter, table, at + KEY, at + changesAt, table.get(JAVA_LONG_UNALIGNED, at + END) - 1, in.watermark(r));
      }
      partial.load(table, at + slotAt);
      acc.merge(partial);
      refs.release(table, at + slotAt); // the session goes; what it holds lives on in the target through acc
      unlink(key, other, table.get(JAVA_LONG_UNALIGNED, at + NEXT));
      idWord[0] = other;
      store.remove(idKey); // its expiry entry is dropped when it comes up
    }
    idWord[0] = target;
    s = store.upsertSlot(idKey);
    MemorySegment table = store.table();
    long at = store.valueOffset(s);
    table.set(JAVA_LONG_UNALIGNED, at + START, start);
    table.set(JAVA_LONG_UNALIGNED, at + END, end); // its expiry entry still has the old due: re-pushed when it comes up
    acc.add(in, r);
    refs.overwrite(acc, table, at + slotAt);
    if (changes != null) {
      fired |= end <= watermark;
      table.set(JAVA_LONG_UNALIGNED, at + firedAt, fired ? 1L : 0L);
      if (eager() || fired) {
        emitChange(s, in.watermark(r));
      }
    }
  }

  /** Records a touched session; returns the new count. */
  private int touch(int count, long id, long start) {
    if (count == touchIds.length) {
      touchIds = Arrays.copyOf(touchIds, count * 2);
      touchStarts = Arrays.copyOf(touchStarts, count * 2);
    }
    touchIds[count] = id;
    touchStarts[count] = start;
    return count + 1;
  }

  /** Insertion sort of the touched sessions by start (a group's sessions do not overlap: starts differ). */
  private void sortTouching(int count) {
    for (int i = 1; i < count; i++) {
      long id = touchIds[i];
      long st = touchStarts[i];
      int j = i - 1;
      while (j >= 0 && touchStarts[j] > st) {
        touchIds[j + 1] = touchIds[j];
        touchStarts[j + 1] = touchStarts[j];
        j--;
      }
      touchIds[j + 1] = id;
      touchStarts[j + 1] = st;
    }
  }

  /**
   * Takes session {@code id} (whose successor is {@code next}) out of its group's list; drops the group,
   * releasing its strings, when it was the last.
   */
  private void unlink(MemorySegment key, long id, long next) {
    long gs = groups.upsertSlot(key); // present
    MemorySegment gt = groups.table();
    long gat = groups.valueOffset(gs);
    long first = gt.get(JAVA_LONG_UNALIGNED, gat);
    if (first == id) {
      if (next == NONE) {
        keys.release(key, 0);
        groups.remove(key);
      } else {
        gt.set(JAVA_LONG_UNALIGNED, gat, next);
      }
      return;
    }
    final OffHeapStateStore store = sessions;
    for (long p = first; p != NONE;) {
      walkWord[0] = p;
      long ps = store.upsertSlot(walkKey);
      MemorySegment table = store.table();
      long at = store.valueOffset(ps);
      p = table.get(JAVA_LONG_UNALIGNED, at + NEXT);
      if (p == id) {
        table.set(JAVA_LONG_UNALIGNED, at + NEXT, next);
        return;
      }
    }
    throw new IllegalStateException("session " + id + " is not in its group's list");
  }

  /**
   * Moves the watermark; fires every session whose end it reached, by end and then id (ON WINDOW CLOSE: its row;
   * EVERY: its last change; ON UPDATE / CHANGES: nothing more), and drops those past their allowed lateness.
   */
  private void advance(long wm) {
    watermark = wm;
    if (changes != null) {
      advanceWithChanges(wm);
      return;
    }
    final StoredSessionExpiry q = expiry;
    final MemorySegment value = fired;
    while (!q.isEmpty() && q.firstEnd() <= wm) {
      long due = q.firstEnd();
      long id = q.firstId();
      q.pop();
      idWord[0] = id;
      if (!sessions.get(idKey, value)) {
        continue; // merged into another session
      }
      long end = value.get(JAVA_LONG_UNALIGNED, END);
      if (end != due) {
        q.push(end, id); // extended since it was queued
        continue;
      }
      long start = value.get(JAVA_LONG_UNALIGNED, START);
      int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
      ColumnarBatch out = emitter.batch();
      keys.write(out, o, start, end, value, KEY);
      cursor.load(value, slotAt);
      cursor.writeResults(out, o, keys.width());
      emitter.commitRow();
      refs.release(value, slotAt);
      MemorySegment.copy(value, KEY, groupKey, 0, keyBytes);
      unlink(groupKey, id, value.get(JAVA_LONG_UNALIGNED, NEXT));
      idWord[0] = id;
      sessions.remove(idKey);
    }
  }

  private void advanceWithChanges(long wm) {
    final StoredSessionExpiry q = expiry;
    final MemorySegment value = fired;
    while (!q.isEmpty() && q.firstEnd() <= wm) {
      long due = q.firstEnd();
      long id = q.firstId();
      q.pop();
      idWord[0] = id;
      long s = sessions.slotOf(idKey);
      if (s < 0) {
        continue; // merged into another session
      }
      MemorySegment table = sessions.table();
      long at = sessions.valueOffset(s);
      long now = due(table, at);
      if (now != due) {
        q.push(now, id); // extended (or fired) since it was queued
        continue;
      }
      if (!fired(table, at)) {
        table.set(JAVA_LONG_UNALIGNED, at + firedAt, 1L);
        sessions.touch(s);
        if (emit == Emit.EVERY) {
          emitChange(s, wm); // the changes since the last early result
        } else if (!eager()) {
          fire(s);
        }
        if (lateness > 0) {
          q.push(due + lateness, id);
          continue;
        }
      }
      MemorySegment.copy(sessions.table(), sessions.valueOffset(s), value, 0, value.byteSize());
      refs.release(value, slotAt);
      changes.release(value, changesAt);
      MemorySegment.copy(value, KEY, groupKey, 0, keyBytes);
      unlink(groupKey, id, value.get(JAVA_LONG_UNALIGNED, NEXT));
      sessions.remove(idKey);
    }
  }

  /** ON WINDOW CLOSE with allowed lateness: the session's row, remembered for later changes to retract. */
  private void fire(long slot) {
    MemorySegment table = sessions.table();
    long at = sessions.valueOffset(slot);
    long start = table.get(JAVA_LONG_UNALIGNED, at + START);
    long end = table.get(JAVA_LONG_UNALIGNED, at + END);
    int o = emitter.openRow(RowKind.INSERT, end - 1, end - 1);
    ColumnarBatch out = emitter.batch();
    keys.write(out, o, start, end, table, at + KEY);
    cursor.load(table, at + slotAt);
    cursor.writeResults(out, o, keys.width());
    emitter.commitRow();
    if (lateness > 0) {
      changes.remember(cursor, start, end, table, at + changesAt);
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
    onRowWatermark(wm);
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

  /** Sessions in state (for metrics and tests). */
  public long openSessions() {
    return sessions.size();
  }

  /** The heap part: the watermark and the next session id (the sessions are in the stores). */
  @Override
  public void snapshot(DataOutput out) throws IOException {
    if (sets != null) {
      sets.flush(); // the plugin accumulators changed since the last barrier into their store, before it is captured
    }
    out.writeLong(watermark);
    out.writeLong(nextId);
    if (emit == Emit.EVERY) {
      out.writeLong(every.last());
    }
  }

  @Override
  public void restore(DataInput in) throws IOException {
    watermark = in.readLong();
    nextId = in.readLong();
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
    stores.put(GROUPS, groups);
    stores.put(SESSIONS, sessions);
    if (keys.dictionaryStore() != null) {
      stores.put(DICTIONARY, keys.dictionaryStore());
    }
    if (sets != null) {
      sets.addStores(stores);
    }
    return stores;
  }

  /** The stores from their chains, then the string references counted again and the expiry heap rebuilt. */
  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    StoreBacked.requireOwnStores(chains, name -> name.equals(GROUPS) || name.equals(SESSIONS) || name.equals(DICTIONARY) || SlotSets.isStoreName(name),
        "the store-backed SESSION aggregate");
    if (chains.containsKey(SESSIONS) && !chains.containsKey(GROUPS)) {
      throw new IOException("the checkpoint has the SESSION aggregate's state in its heap form (store '" + SESSIONS + "' alone): it was "
          + "written by an earlier build or with -Dlaminar.state.store=false; restore with the setting the checkpoint was taken with");
    }
    List<Path> groupChain = chains.get(GROUPS);
    List<Path> sessionChain = chains.get(SESSIONS);
    if (groupChain == null || sessionChain == null) {
      throw new IOException("the checkpoint has no session state (stores " + GROUPS + " and " + SESSIONS + ")");
    }
    groups.restore(groupChain);
    sessions.restore(sessionChain);
    if (sets != null) {
      sets.restore(chains);
    }
    keys.restoreDictionary(chains.get(DICTIONARY), List.of(groups), () -> {
      if (sets != null) {
        sets.retainObjects();
      }
      for (long s = 0, cap = sessions.capacity(); s < cap; s++) {
        if (sessions.occupied(s)) {
          refs.retain(sessions.table(), sessions.valueOffset(s) + slotAt);
          if (changes != null) {
            changes.retain(sessions.table(), sessions.valueOffset(s) + changesAt);
          }
        }
      }
    });
    expiry.clear();
    MemorySegment table = sessions.table();
    for (long s = 0, cap = sessions.capacity(); s < cap; s++) {
      if (sessions.occupied(s)) {
        expiry.append(due(table, sessions.valueOffset(s)), table.get(JAVA_LONG_UNALIGNED, sessions.keyOffset(s)));
      }
    }
    expiry.heapify();
  }

  /** Frees the stores (their memory-mapped files) and the expiry heap. Idempotent; the operator must not run after it. */
  @Override
  public void close() {
    groups.close();
    sessions.close();
    expiry.close();
    if (tick != null) {
      tick.close();
    }
    keys.close();
    if (sets != null) {
      sets.close();
    }
  }
}
