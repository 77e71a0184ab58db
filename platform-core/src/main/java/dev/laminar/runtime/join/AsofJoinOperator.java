package dev.laminar.runtime.join;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.GroupKey;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * ASOF and temporal joins: each left row is matched with the right row of the same key whose time is
 * closest to it in the declared direction — the latest at or before it (BACKWARD, {@code l.ts >= r.ts}),
 * the earliest at or after it (FORWARD, {@code l.ts <= r.ts}), or the nearer of the two (NEAREST, ties
 * go backward) — optionally within a tolerance. A temporal join is BACKWARD over a versioned table:
 * a version that is a deletion matches nothing.
 *
 * <p>Event-time correct: a left row waits until the right watermark shows that every right row that
 * could be its match has arrived, so the answer never depends on which input happened to arrive
 * first. Right rows with equal times: the later arrival wins. Right state per key is a sorted map
 * (O(log versions) lookup), cleaned as the left watermark passes: only the newest version at or
 * before the earliest left time still to come is kept (none for FORWARD), and nothing older than the
 * tolerance.
 */
public final class AsofJoinOperator extends TwoInputOperator implements dev.laminar.runtime.StoreBacked, AutoCloseable {
  /** Which right row matches. */
  public enum Direction { BACKWARD, FORWARD, NEAREST }

  private final Direction direction;
  /** 0, or -1 for a strict BACKWARD ({@code >}), +1 for a strict FORWARD ({@code <}). */
  private final long shift;
  private final long tolerance;
  private final boolean leftOuter;
  private final StoredRow.Layout leftLayout;
  private final StoredRow.Layout rightLayout;
  private final GroupKey leftProbe;
  private final boolean[] leftLongBacked;
  private final GroupKey rightProbe;
  private final boolean[] rightLongBacked;
  /** Per key: right rows by time (a deletion is stored with {@code matched} = true as a tombstone marker). */
  private final HashMap<GroupKey, TreeMap<Long, StoredRow>> right = new HashMap<>();
  private final PriorityQueue<Queued> byHorizon = new PriorityQueue<>((a, b) -> Long.compare(a.horizon, b.horizon));
  private final PriorityQueue<Pending> byTime = new PriorityQueue<>((a, b) -> Long.compare(a.row.rowtime, b.row.rowtime));
  private final HashMap<GroupKey, ArrayList<Pending>> pendingByKey = new HashMap<>();
  private final PriorityQueue<Cleanup> cleanups = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
  private long rightRows;
  private long pendingRows;
  /** Checkpoints: right rows and pending left rows are its entries, so a barrier encodes only what changed. */
  private final dev.laminar.runtime.HeapStateJournal journal = new dev.laminar.runtime.HeapStateJournal();

  /** A left row waiting for the right watermark. */
  private static final class Pending extends dev.laminar.runtime.HeapStateJournal.Entry {
    final StoredRow row;
    final GroupKey key;
    long horizon;
    boolean done;

    Pending(StoredRow row, GroupKey key) {
      this.row = row;
      this.key = key;
    }
  }

  /** A pending row in the horizon queue, as of when it was queued (stale once its horizon moved nearer). */
  private record Queued(long horizon, Pending pending) {}

  /** Reconsider a key's right rows once the earliest left time to come exceeds {@code at}. */
  private record Cleanup(long at, GroupKey key) {}

  public AsofJoinOperator(Direction direction, boolean strict, long tolerance, boolean leftOuter, Schema leftSchema, int[] leftKeys,
      Schema rightSchema, int[] rightKeys, Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped) {
    super(outputSchema, batchCapacity, downstream, lateRowsDropped);
    this.direction = direction;
    this.shift = !strict ? 0 : direction == Direction.BACKWARD ? -1 : direction == Direction.FORWARD ? 1 : 0;
    this.tolerance = tolerance;
    this.leftOuter = leftOuter;
    this.leftLayout = new StoredRow.Layout(leftSchema);
    this.rightLayout = new StoredRow.Layout(rightSchema);
    this.leftLongBacked = longBacked(leftSchema, leftKeys);
    this.rightLongBacked = longBacked(rightSchema, rightKeys);
    this.leftProbe = new GroupKey(leftKeys, types(leftSchema, leftKeys));
    this.rightProbe = new GroupKey(rightKeys, types(rightSchema, rightKeys));
  }

  private static DataType[] types(Schema s, int[] cols) {
    DataType[] t = new DataType[cols.length];
    for (int i = 0; i < cols.length; i++) {
      t[i] = s.column(cols[i]).type();
    }
    return t;
  }

  private static boolean[] longBacked(Schema s, int[] cols) {
    boolean[] b = new boolean[cols.length];
    for (int i = 0; i < cols.length; i++) {
      b[i] = s.column(cols[i]).type().isLongBacked();
    }
    return b;
  }

  /**
   * A right row (for a temporal join, a version): {@code deletion} marks a version that removes the key.
   * Called by {@link #onRow} for the right input.
   */
  private void addRight(GroupKey key, StoredRow row, boolean deletion) {
    row.matched = deletion;
    GroupKey stored = key.copy();
    row.key = stored;
    TreeMap<Long, StoredRow> versions = right.computeIfAbsent(stored, k -> new TreeMap<>());
    StoredRow replaced = versions.put(row.rowtime, row);
    if (replaced == null) {
      rightRows++;
    } else {
      journal.dropped(replaced);
    }
    journal.added(row);
    cleanups.add(new Cleanup(row.rowtime, stored));
    if (tolerance != Long.MAX_VALUE) {
      cleanups.add(new Cleanup(saturatedAdd(row.rowtime, tolerance), stored));
    }
    if (direction != Direction.BACKWARD) {
      ArrayList<Pending> waiting = pendingByKey.get(stored);
      if (waiting != null) {
        for (Pending p : waiting) {
          long h = horizon(p.row.rowtime, versions);
          if (h < p.horizon) {
            p.horizon = h;
            byHorizon.add(new Queued(h, p)); // the earlier entry is skipped when it surfaces
          }
        }
      }
    }
  }

  @Override
  protected void onRow(boolean fromLeft, ColumnarBatch in, int row) {
    if (!fromLeft) {
      GroupKey key = rightProbe.load(in, row, rightLongBacked);
      RowKind kind = in.rowKind(row);
      if (!key.anyNull() && kind != RowKind.UPDATE_BEFORE) { // -U is followed by the +U that replaces it
        addRight(key, rightLayout.copy(in, row), kind == RowKind.DELETE);
      }
      return;
    }
    GroupKey key = leftProbe.load(in, row, leftLongBacked);
    StoredRow l = leftLayout.copy(in, row);
    if (key.anyNull()) {
      finish(l, null);
      return;
    }
    TreeMap<Long, StoredRow> versions = right.get(key);
    long h = horizon(l.rowtime, versions);
    if (rightWatermark == Long.MAX_VALUE || h < rightWatermark) {
      finish(l, versions);
      return;
    }
    Pending p = new Pending(l, key.copy());
    p.horizon = h;
    if (direction != Direction.BACKWARD) {
      byHorizon.add(new Queued(h, p)); // BACKWARD: the horizon is the row's time, so the time queue serves
    }
    byTime.add(p);
    pendingRows++;
    journal.added(p);
    if (direction != Direction.BACKWARD) {
      pendingByKey.computeIfAbsent(p.key, k -> new ArrayList<>(2)).add(p);
    }
  }

  /** The largest right time that can still change the match of a left row at {@code t}: final once the right watermark passes it. */
  private long horizon(long t, TreeMap<Long, StoredRow> versions) {
    long probe = saturatedAdd(t, shift);
    if (direction == Direction.BACKWARD) {
      return probe;
    }
    long h = saturatedAdd(t, tolerance);
    Long f = versions == null ? null : versions.ceilingKey(probe);
    if (f != null) {
      h = Math.min(h, f);
    }
    if (direction == Direction.NEAREST && versions != null) {
      Long b = versions.floorKey(t);
      if (b != null) {
        h = Math.min(h, saturatedAdd(t, t - b));
      }
    }
    return h;
  }

  /** Emits the match (or the padded row, or nothing) of a left row whose answer is final. */
  private void finish(StoredRow l, TreeMap<Long, StoredRow> versions) {
    StoredRow match = versions == null ? null : match(l.rowtime, versions);
    if (match == null && !leftOuter) {
      return;
    }
    int row = emitter.openRow(RowKind.INSERT, l.rowtime, outputWatermark());
    ColumnarBatch out = emitter.batch();
    leftLayout.write(l, out, row, 0);
    if (match != null) {
      rightLayout.write(match, out, row, leftLayout.width());
    } else {
      rightLayout.writeNulls(out, row, leftLayout.width());
    }
    emitter.commitRow();
  }

  private StoredRow match(long t, TreeMap<Long, StoredRow> versions) {
    long probe = saturatedAdd(t, shift);
    Map.Entry<Long, StoredRow> b = direction != Direction.FORWARD ? versions.floorEntry(probe) : null;
    Map.Entry<Long, StoredRow> f = direction != Direction.BACKWARD ? versions.ceilingEntry(probe) : null;
    Map.Entry<Long, StoredRow> best;
    if (b != null && f != null) {
      best = t - b.getKey() <= f.getKey() - t ? b : f;
    } else {
      best = b != null ? b : f;
    }
    if (best == null || Math.abs(t - best.getKey()) > tolerance || best.getValue().matched) {
      return null; // none, too far, or a deleted version
    }
    return best.getValue();
  }

  @Override
  protected void onWatermarkAdvanced(boolean left) {
    if (!left && direction == Direction.BACKWARD) {
      boolean all = rightWatermark == Long.MAX_VALUE;
      for (Pending p = byTime.peek(); p != null && (all || p.horizon < rightWatermark); p = byTime.peek()) {
        byTime.poll();
        p.done = true;
        journal.dropped(p);
        pendingRows--;
        finish(p.row, right.get(p.key));
      }
    } else if (!left) {
      boolean all = rightWatermark == Long.MAX_VALUE; // the right input is over: every answer is final
      for (Queued q = byHorizon.peek(); q != null && (all || q.horizon() < rightWatermark); q = byHorizon.peek()) {
        byHorizon.poll();
        Pending p = q.pending();
        if (p.done || q.horizon() != p.horizon) {
          continue; // resolved already, or re-queued with a nearer horizon
        }
        p.done = true;
        journal.dropped(p);
        pendingRows--;
        if (direction != Direction.BACKWARD) {
          ArrayList<Pending> list = pendingByKey.get(p.key);
          list.remove(p);
          if (list.isEmpty()) {
            pendingByKey.remove(p.key);
          }
        }
        finish(p.row, right.get(p.key));
      }
    }
    cleanRight();
  }

  /** Drops right rows no left row still to come (or pending) can match. */
  private void cleanRight() {
    long earliest = Math.min(leftWatermark, earliestPending());
    if (earliest == ColumnarBatch.NO_TIME) {
      return;
    }
    long probe = saturatedAdd(earliest, shift);
    for (Cleanup c = cleanups.peek(); c != null && c.at < probe; c = cleanups.peek()) {
      cleanups.poll();
      TreeMap<Long, StoredRow> versions = right.get(c.key);
      if (versions == null) {
        continue;
      }
      Long keepFrom = direction == Direction.FORWARD ? Long.valueOf(probe) : versions.floorKey(direction == Direction.NEAREST ? earliest : probe);
      if (keepFrom != null) {
        dropBelow(versions, keepFrom);
      }
      if (tolerance != Long.MAX_VALUE) {
        dropBelow(versions, earliest - tolerance);
      }
      if (versions.isEmpty()) {
        right.remove(c.key);
      }
    }
  }

  private void dropBelow(TreeMap<Long, StoredRow> versions, long bound) {
    var head = versions.headMap(bound, false);
    rightRows -= head.size();
    head.values().forEach(journal::dropped);
    head.clear();
  }

  private long earliestPending() {
    Pending p = byTime.peek();
    while (p != null && p.done) {
      byTime.poll();
      p = byTime.peek();
    }
    return p == null ? Long.MAX_VALUE : p.row.rowtime;
  }

  @Override
  protected long earliestPendingOutput() {
    return earliestPending();
  }

  /** The right rows and pending left rows changed since the last barrier go to the journal's store. */
  @Override
  protected void snapshotState(java.io.DataOutput out) throws java.io.IOException {
    journal.<dev.laminar.runtime.HeapStateJournal.Entry>flush(visit -> {
      right.values().forEach(versions -> versions.values().forEach(visit));
      byTime.stream().filter(p -> !p.done).forEach(visit);
    }, (e, o) -> {
      if (e instanceof StoredRow r) {
        o.writeBoolean(true);
        dev.laminar.runtime.StateCodec.writeState((GroupKey) r.key, o);
        rightLayout.writeRow(r, o);
      } else {
        Pending p = (Pending) e;
        o.writeBoolean(false);
        dev.laminar.runtime.StateCodec.writeState(p.key, o);
        leftLayout.writeRow(p.row, o);
      }
    });
  }

  @Override
  protected void restoreState(java.io.DataInput in) {
    right.clear();
    cleanups.clear();
    byHorizon.clear();
    byTime.clear();
    pendingByKey.clear();
    rightRows = 0;
    pendingRows = 0;
  }

  @Override
  public Map<String, dev.laminar.state.StateStore> stores() {
    return journal.stores("rows");
  }

  @Override
  public void restoreStores(Map<String, List<java.nio.file.Path>> chains) throws java.io.IOException {
    dev.laminar.runtime.StoreBacked.requireOwnStores(chains, "rows"::equals, "the heap ASOF join");
    List<Pending> pendings = new ArrayList<>();
    journal.restore(chains, "rows", in -> {
      boolean isRight = in.readBoolean();
      GroupKey key = (isRight ? rightProbe : leftProbe).copy();
      dev.laminar.runtime.StateCodec.readState(key, in);
      if (!isRight) {
        Pending p = new Pending(leftLayout.readRow(in), key);
        pendings.add(p);
        return p;
      }
      StoredRow r = rightLayout.readRow(in);
      TreeMap<Long, StoredRow> versions = right.get(key);
      if (versions == null) {
        versions = new TreeMap<>();
        right.put(key, versions);
      }
      GroupKey stored = versions.isEmpty() ? key : (GroupKey) versions.firstEntry().getValue().key; // one key object per key
      r.key = stored;
      versions.put(r.rowtime, r);
      rightRows++;
      cleanups.add(new Cleanup(r.rowtime, stored));
      if (tolerance != Long.MAX_VALUE) {
        cleanups.add(new Cleanup(saturatedAdd(r.rowtime, tolerance), stored));
      }
      return r;
    });
    for (Pending p : pendings) { // horizons once every right row is back
      p.horizon = horizon(p.row.rowtime, right.get(p.key));
      if (direction != Direction.BACKWARD) {
        byHorizon.add(new Queued(p.horizon, p));
        pendingByKey.computeIfAbsent(p.key, x -> new ArrayList<>(2)).add(p);
      }
      byTime.add(p);
      pendingRows++;
    }
  }

  @Override
  public void close() {
    journal.close();
  }

  @Override
  public long stateRows() {
    return rightRows + pendingRows;
  }

  private static long saturatedAdd(long a, long b) {
    long s = a + b;
    return ((a ^ s) & (b ^ s)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : s;
  }
}
