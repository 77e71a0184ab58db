package dev.laminar.runtime.join;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.GroupKey;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.PriorityQueue;

/**
 * A time-bounded stream-stream join: rows of both inputs with equal keys match when
 * {@code lower <= left.time - right.time <= upper} (inclusive) and the residual condition holds.
 * Each input's rows are kept, by key and by time, only while a row of the other input could still
 * match them: a left row until the right watermark passes {@code left.time - lower}, a right row until
 * the left watermark passes {@code right.time + upper}. Outer joins emit a row's NULL-padded form
 * when it leaves state unmatched; a semi join emits a left row at its first match, an anti join when
 * it leaves state unmatched. A key with a NULL component matches nothing.
 *
 * <p>Output rows carry the left row's event time (the right's for RIGHT joins; for FULL the present
 * side's), and the output watermark is held back to the earliest such time still in state.
 */
public final class IntervalJoinOperator extends TwoInputOperator implements dev.laminar.runtime.StoreBacked, AutoCloseable {
  /** Join types. */
  public enum Kind { INNER, LEFT, RIGHT, FULL, SEMI, ANTI }

  private final Kind kind;
  private final long lower;
  private final long upper;
  private final Expr residual;
  private final ColumnarBatch scratch;
  private final Side leftSide;
  private final Side rightSide;
  private final boolean outputIsLeftOnly;

  /**
   * @param joinedSchema left columns then right columns (what the residual is evaluated on)
   * @param outputSchema {@code joinedSchema}, or the left schema for SEMI and ANTI
   */
  public IntervalJoinOperator(Kind kind, Schema leftSchema, int[] leftKeys, Schema rightSchema, int[] rightKeys, long lower, long upper,
      Expr residual, Schema joinedSchema, Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped) {
    super(outputSchema, batchCapacity, downstream, lateRowsDropped);
    this.kind = kind;
    this.lower = lower;
    this.upper = upper;
    this.residual = residual;
    this.scratch = residual == null ? null : new ColumnarBatch(joinedSchema, 1);
    this.leftSide = new Side(leftSchema, leftKeys, journal, true);
    this.rightSide = new Side(rightSchema, rightKeys, journal, false);
    this.outputIsLeftOnly = kind == Kind.SEMI || kind == Kind.ANTI;
  }

  /** Checkpoints: the rows in state are its entries, so a barrier encodes only the rows added or matched since the last. */
  private final dev.laminar.runtime.HeapStateJournal journal = new dev.laminar.runtime.HeapStateJournal();

  /** The rows of one input in state: by key for matching, by time for expiry. */
  private static final class Side {
    final dev.laminar.runtime.HeapStateJournal journal;
    final StoredRow.Layout layout;
    final GroupKey probe;
    final boolean[] longBacked;
    final HashMap<GroupKey, ArrayList<StoredRow>> byKey = new HashMap<>();
    final PriorityQueue<StoredRow> byTime = new PriorityQueue<>((a, b) -> Long.compare(a.rowtime, b.rowtime));
    long live;

    final boolean left;

    Side(Schema schema, int[] keys, dev.laminar.runtime.HeapStateJournal journal, boolean left) {
      this.journal = journal;
      this.left = left;
      this.layout = new StoredRow.Layout(schema);
      DataType[] types = new DataType[keys.length];
      longBacked = new boolean[keys.length];
      for (int i = 0; i < keys.length; i++) {
        types[i] = schema.column(keys[i]).type();
        longBacked[i] = types[i].isLongBacked();
      }
      this.probe = new GroupKey(keys, types);
    }

    void add(GroupKey key, StoredRow row) {
      GroupKey stored = key.copy();
      row.key = stored;
      row.left = left;
      byKey.computeIfAbsent(stored, k -> new ArrayList<>(2)).add(row);
      byTime.add(row);
      live++;
    }

    void remove(StoredRow row) {
      if (row.dead) {
        return;
      }
      row.dead = true;
      journal.dropped(row);
      live--;
      ArrayList<StoredRow> list = byKey.get(row.key);
      int i = list.indexOf(row);
      int last = list.size() - 1;
      list.set(i, list.get(last));
      list.remove(last);
      if (list.isEmpty()) {
        byKey.remove(row.key);
      }
    }

    /** The earliest live row, or null (dead rows are dropped from the head of the time index). */
    StoredRow earliest() {
      StoredRow head = byTime.peek();
      while (head != null && head.dead) {
        byTime.poll();
        head = byTime.peek();
      }
      return head;
    }
  }

  @Override
  protected void onRow(boolean fromLeft, ColumnarBatch in, int row) {
    Side own = fromLeft ? leftSide : rightSide;
    Side other = fromLeft ? rightSide : leftSide;
    GroupKey key = own.probe.load(in, row, own.longBacked);
    StoredRow stored = own.layout.copy(in, row);
    boolean keep = !key.anyNull();
    if (keep) {
      ArrayList<StoredRow> candidates = other.byKey.get(key);
      if (candidates != null) {
        keep = fromLeft ? matchLeft(stored, candidates) : matchRight(stored, candidates);
      }
    }
    boolean expired = fromLeft ? stored.rowtime - lower < rightWatermark : stored.rowtime + upper < leftWatermark;
    if (keep && !expired) {
      own.add(key, stored);
      journal.added(stored);
    } else {
      expire(fromLeft, stored);
    }
  }

  /** Matches a new left row against the right rows of its key; false when it need not be kept. */
  private boolean matchLeft(StoredRow l, ArrayList<StoredRow> rights) {
    for (int i = 0; i < rights.size(); i++) {
      StoredRow r = rights.get(i);
      if (!inBounds(l, r) || !residualHolds(l, r)) {
        continue;
      }
      l.matched = true;
      r.matched = true;
      journal.changed(r);
      switch (kind) {
        case SEMI -> {
          emitLeftOnly(l);
          return false;
        }
        case ANTI -> {
          return false;
        }
        default -> emitJoined(l, r);
      }
    }
    return true;
  }

  /** Matches a new right row against the left rows of its key; always kept (later left rows may match it). */
  private boolean matchRight(StoredRow r, ArrayList<StoredRow> lefts) {
    for (int i = 0; i < lefts.size(); i++) {
      StoredRow l = lefts.get(i);
      if (!inBounds(l, r) || !residualHolds(l, r)) {
        continue;
      }
      r.matched = true;
      journal.changed(r);
      switch (kind) {
        case SEMI -> {
          l.matched = true;
          journal.changed(l);
          emitLeftOnly(l);
          leftSide.remove(l);
          i--;
        }
        case ANTI -> {
          l.matched = true;
          journal.changed(l);
          leftSide.remove(l);
          i--;
        }
        default -> {
          l.matched = true;
          journal.changed(l);
          emitJoined(l, r);
        }
      }
    }
    return true;
  }

  private boolean inBounds(StoredRow l, StoredRow r) {
    long d = l.rowtime - r.rowtime;
    return d >= lower && d <= upper;
  }

  private boolean residualHolds(StoredRow l, StoredRow r) {
    if (residual == null) {
      return true;
    }
    ColumnarBatch s = scratch;
    s.clear();
    int row = s.openRow(RowKind.INSERT, l.rowtime, ColumnarBatch.NO_TIME);
    leftSide.layout.write(l, s, row, 0);
    rightSide.layout.write(r, s, row, leftSide.layout.width());
    return !residual.isNull(s, row) && residual.evalBoolean(s, row);
  }

  private void emitJoined(StoredRow l, StoredRow r) {
    long time = kind == Kind.RIGHT ? r.rowtime : l != null ? l.rowtime : r.rowtime;
    int row = emitter.openRow(RowKind.INSERT, time, outputWatermark());
    ColumnarBatch out = emitter.batch();
    if (l != null) {
      leftSide.layout.write(l, out, row, 0);
    } else {
      leftSide.layout.writeNulls(out, row, 0);
    }
    if (r != null) {
      rightSide.layout.write(r, out, row, leftSide.layout.width());
    } else {
      rightSide.layout.writeNulls(out, row, leftSide.layout.width());
    }
    emitter.commitRow();
  }

  private void emitLeftOnly(StoredRow l) {
    int row = emitter.openRow(RowKind.INSERT, l.rowtime, outputWatermark());
    leftSide.layout.write(l, emitter.batch(), row, 0);
    emitter.commitRow();
  }

  /** A row leaves state (or never enters it): emit what an unmatched row yields for this join type. */
  private void expire(boolean fromLeft, StoredRow row) {
    if (row.matched) {
      return;
    }
    if (fromLeft) {
      switch (kind) {
        case LEFT, FULL -> emitJoined(row, null);
        case ANTI -> emitLeftOnly(row);
        default -> { }
      }
    } else if (kind == Kind.RIGHT || kind == Kind.FULL) {
      emitJoined(null, row);
    }
  }

  @Override
  protected void onWatermarkAdvanced(boolean left) {
    if (left) {
      // right rows no future left row can match: right.time + upper < left watermark
      for (StoredRow r = rightSide.earliest(); r != null && r.rowtime + upper < leftWatermark; r = rightSide.earliest()) {
        rightSide.remove(r);
        expire(false, r);
      }
    } else {
      for (StoredRow l = leftSide.earliest(); l != null && l.rowtime - lower < rightWatermark; l = leftSide.earliest()) {
        leftSide.remove(l);
        expire(true, l);
      }
    }
  }

  @Override
  protected long earliestPendingOutput() {
    long min = Long.MAX_VALUE;
    if (kind != Kind.RIGHT) {
      StoredRow l = leftSide.earliest();
      if (l != null) {
        min = l.rowtime;
      }
    }
    if (kind == Kind.RIGHT || kind == Kind.FULL) {
      StoredRow r = rightSide.earliest();
      if (r != null) {
        min = Math.min(min, r.rowtime);
      }
    }
    return min;
  }

  /** The rows added or matched since the last barrier go to the journal's store. */
  @Override
  protected void snapshotState(java.io.DataOutput out) throws java.io.IOException {
    journal.<StoredRow>flush(visit -> {
      leftSide.byKey.values().forEach(rows -> rows.forEach(visit));
      rightSide.byKey.values().forEach(rows -> rows.forEach(visit));
    }, (r, o) -> {
      o.writeBoolean(r.left);
      dev.laminar.runtime.StateCodec.writeState((GroupKey) r.key, o);
      (r.left ? leftSide : rightSide).layout.writeRow(r, o);
    });
  }

  @Override
  protected void restoreState(java.io.DataInput in) {
    for (Side side : new Side[] {leftSide, rightSide}) {
      side.byKey.clear();
      side.byTime.clear();
      side.live = 0;
    }
  }

  @Override
  public java.util.Map<String, dev.laminar.state.StateStore> stores() {
    return journal.stores("rows");
  }

  @Override
  public void restoreStores(java.util.Map<String, java.util.List<java.nio.file.Path>> chains) throws java.io.IOException {
    dev.laminar.runtime.StoreBacked.requireOwnStores(chains, "rows"::equals, "the heap interval join");
    journal.restore(chains, "rows", in -> {
      Side side = in.readBoolean() ? leftSide : rightSide;
      GroupKey key = side.probe.copy();
      dev.laminar.runtime.StateCodec.readState(key, in);
      StoredRow r = side.layout.readRow(in);
      side.add(key, r);
      return r;
    });
  }

  @Override
  public void close() {
    journal.close();
  }

  @Override
  public long stateRows() {
    return leftSide.live + rightSide.live;
  }

  /** Whether the output is the left input's columns only (SEMI, ANTI). */
  public boolean outputIsLeftOnly() {
    return outputIsLeftOnly;
  }
}
