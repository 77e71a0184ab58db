package dev.laminar.runtime.join;

import static dev.laminar.runtime.join.JoinRowStore.FLAGS;
import static dev.laminar.runtime.join.JoinRowStore.NEXT;
import static dev.laminar.runtime.join.JoinRowStore.TIME;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.aggregate.StringKeyDictionary;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.join.IntervalJoinOperator.Kind;
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
 * The interval join of {@link IntervalJoinOperator} (same semantics, same output rows) with its rows in
 * off-heap state stores, checkpointed incrementally ({@link StoreBacked}). Takes every input the heap operator
 * takes ({@link #supports}): chosen by the planner unless the run keeps state on the heap.
 *
 * <p>Per input, a {@link JoinRowStore}: a row store (row id → time, list links, flags, key words, cells) and a
 * key store (key words → the key's list of rows in event-time order), and a time-order ring of the rows. A
 * probe reads the other input's key entry and walks its list from the earliest
 * row on, passing rows too early to match and stopping at the first one too late: O(matches + the key's
 * rows too early), where rows too early are bounded by the probing input's own watermark lag (older ones
 * have expired) — not O(rows of the key) as the heap operator's scan, which grows with how far the other
 * input runs ahead. Expiry pops the ring as the other input's watermark passes (O(expired)). Rows removed
 * out of time order (a semi/anti join's matched left rows) are skipped when their ring entry comes up.
 *
 * <p>A row of fixed-width columns costs no allocation on the way in, through probes, or out; a new
 * variable-size value (VARCHAR, BYTES, wide DECIMAL) costs its dictionary entry. Reactor thread only.
 */
public final class StoredIntervalJoinOperator extends TwoInputOperator implements StoreBacked, AutoCloseable {
  private static final long MATCHED = 1;

  private final Kind kind;
  private final long lower;
  private final long upper;
  private final Expr residual;
  private final ColumnarBatch scratch;
  /** The variable-size values of both inputs' cells (VARCHAR, BYTES, wide DECIMAL). */
  private final StringKeyDictionary values;
  private final JoinRowStore leftSide;
  private final JoinRowStore rightSide;
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
      throw new IllegalArgumentException("leftKeys and rightKeys differ in length: " + leftKeys.length + " and " + rightKeys.length);
    }
    this.kind = kind;
    this.lower = lower;
    this.upper = upper;
    this.residual = residual;
    this.scratch = residual == null ? null : new ColumnarBatch(joinedSchema, 1);
    this.values = new StringKeyDictionary(scratch);
    boolean disjoint = JoinRowStore.disjointKeys(leftSchema, leftKeys, rightSchema, rightKeys);
    this.leftSide = new JoinRowStore(leftSchema, leftKeys, disjoint ? 0 : JoinRowStore.NO_TAG, 0, values, scratch);
    this.rightSide = new JoinRowStore(rightSchema, rightKeys, disjoint ? 1 : JoinRowStore.NO_TAG, 0, values, scratch);
    this.trackLeftMatches = kind == Kind.LEFT || kind == Kind.FULL;
    this.trackRightMatches = kind == Kind.RIGHT || kind == Kind.FULL;
  }

  /**
   * Whether this operator takes the inputs: whenever both have as many key columns (any column types, any number
   * of columns, any key pair: see {@code JoinRowStore.supports}).
   */
  public static boolean supports(Schema leftSchema, int[] leftKeys, Schema rightSchema, int[] rightKeys) {
    return JoinRowStore.supports(leftSchema, leftKeys, rightSchema, rightKeys);
  }

  @Override
  protected void onRow(boolean fromLeft, ColumnarBatch in, int row) {
    JoinRowStore own = fromLeft ? leftSide : rightSide;
    JoinRowStore other = fromLeft ? rightSide : leftSide;
    int key = own.load(in, row);
    boolean keep = key != 0;
    if (key == 1 && other.keyIndex.get(own.keySeg, other.listSeg)) {
      keep = fromLeft ? matchLeft(other.list[0]) : matchRight(other.list[0]);
    }
    long time = own.fresh[TIME];
    boolean expired = fromLeft ? time - lower < rightWatermark : time + upper < leftWatermark;
    if (keep && !expired) {
      own.insert(false);
    } else {
      expire(fromLeft, own.fresh, own.freshObjects);
    }
  }

  /**
   * Matches the fresh left row against the right rows of its key, earliest first from {@code id} (its head): rows
   * too early to match are passed, and the walk stops at the first row too late. False when the row need not be kept.
   */
  private boolean matchLeft(long id) {
    final JoinRowStore rs = rightSide;
    final long[] l = leftSide.fresh;
    final Object[] ls = leftSide.freshObjects;
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
              rs.setFlag(id, r, MATCHED);
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
    final JoinRowStore ls = leftSide;
    final long[] r = rightSide.fresh;
    final Object[] rObjects = rightSide.freshObjects;
    final long[] l = ls.entry;
    while (id != 0) {
      ls.read(id);
      long next = l[NEXT];
      long d = l[TIME] - r[TIME]; // grows as the walk goes to later left rows
      if (d > upper) {
        break;
      }
      if (d >= lower && residualHolds(l, null, r, rObjects)) {
        r[FLAGS] |= MATCHED;
        switch (kind) {
          case SEMI -> {
            emitLeftOnly(l, null);
            ls.remove(id, l, true);
          }
          case ANTI -> ls.remove(id, l, true);
          default -> {
            if (trackLeftMatches) {
              ls.setFlag(id, l, MATCHED);
            }
            emitJoined(l, null, r, rObjects);
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
    leftSide.write(l, ls, s, row, 0);
    rightSide.write(r, rs, s, row, leftSide.width());
    return !residual.isNull(s, row) && residual.evalBoolean(s, row);
  }

  private void emitJoined(long[] l, Object[] ls, long[] r, Object[] rs) {
    long time = kind == Kind.RIGHT ? r[TIME] : l != null ? l[TIME] : r[TIME];
    int row = emitter.openRow(RowKind.INSERT, time, outputWatermark());
    ColumnarBatch out = emitter.batch();
    int width = leftSide.width();
    if (l != null) {
      leftSide.write(l, ls, out, row, 0);
    } else {
      leftSide.writeNulls(out, row, 0);
    }
    if (r != null) {
      rightSide.write(r, rs, out, row, width);
    } else {
      rightSide.writeNulls(out, row, width);
    }
    emitter.commitRow();
  }

  private void emitLeftOnly(long[] l, Object[] ls) {
    int row = emitter.openRow(RowKind.INSERT, l[TIME], outputWatermark());
    leftSide.write(l, ls, emitter.batch(), row, 0);
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
      final JoinRowStore s = rightSide;
      for (long id = s.pollDue(upper, leftWatermark); id != 0; id = s.pollDue(upper, leftWatermark)) {
        expire(false, s.entry, null); // before removal: its values are still in the dictionary
        s.remove(id, s.entry, false);
      }
    } else {
      final JoinRowStore s = leftSide;
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
    return JoinRowStore.stores(leftSide, rightSide, values);
  }

  @Override
  public void restoreStores(Map<String, List<Path>> chains) throws IOException {
    JoinRowStore.restoreChains(stores(), chains, "interval join");
    values.rebuild();
    leftSide.rebuild();
    rightSide.rebuild();
    values.dropUnreferenced();
  }

  @Override
  public long stateRows() {
    return leftSide.live + rightSide.live;
  }

  /** Distinct variable-size values in state (for tests). */
  int distinctValues() {
    return values.size();
  }

  @Override
  public void close() {
    leftSide.close();
    rightSide.close();
    values.close();
  }

  @Override
  public String toString() {
    return "StoredIntervalJoinOperator(" + kind + ", " + lower + ".." + upper + " ms, keys " + Arrays.toString(leftSide.keys) + " = "
        + Arrays.toString(rightSide.keys) + ")";
  }
}
