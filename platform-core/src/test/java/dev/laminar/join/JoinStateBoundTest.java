package dev.laminar.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.join.AsofJoinOperator;
import dev.laminar.runtime.join.IntervalJoinOperator;
import dev.laminar.runtime.join.StoredAsofJoinOperator;
import dev.laminar.runtime.join.StoredIntervalJoinOperator;
import dev.laminar.runtime.join.TwoInputOperator;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join state stays bounded under an endless stream whose watermarks advance: the rows held after
 * 10 M events (3 M for the rarer ASOF directions) are about the rows held after 1 M (both inputs interleaved, 1,000 keys, 1 ms apart,
 * out of order within the 50 ms bound; 3 M for the store-backed interval and ASOF joins). Drives the operators directly, as the reactor would.
 */
class JoinStateBoundTest {
  private static final Schema SIDE = Schema.of(new Column("k", DataType.BIGINT, false), new Column("v", DataType.BIGINT, false),
      new Column("ts", DataType.TIMESTAMP, false));
  private static final Schema JOINED = Schema.of(new Column("k", DataType.BIGINT, false), new Column("v", DataType.BIGINT, false),
      new Column("ts", DataType.TIMESTAMP, false), new Column("k0", DataType.BIGINT, true), new Column("v0", DataType.BIGINT, true),
      new Column("ts0", DataType.TIMESTAMP, true));
  private static final long BOUND = 50;

  /** Counts output rows and drops them. */
  private static final class Sink implements Operator {
    long rows;

    @Override
    public void process(ColumnarBatch batch) {
      rows += batch.size();
    }

    @Override
    public void onWatermark(long watermark) {}

    @Override
    public void onEndOfInput() {}
  }

  /** Pushes {@code events} rows alternately to both sides; returns the state held at 1 M and at the end. */
  private static long[] drive(Function<Operator, TwoInputOperator> make, long events, boolean expectOutput) {
    Sink sink = new Sink();
    TwoInputOperator join = make.apply(sink);
    ColumnarBatch left = new ColumnarBatch(SIDE, 256);
    ColumnarBatch right = new ColumnarBatch(SIDE, 256);
    long[] maxTs = {Long.MIN_VALUE, Long.MIN_VALUE};
    long atOneMillion = -1;
    for (long i = 0; i < events; i++) {
      boolean isLeft = (i & 1) == 0;
      ColumnarBatch b = isLeft ? left : right;
      long ts = i - (i * 7919 % BOUND); // out of order within the bound
      int side = isLeft ? 0 : 1;
      maxTs[side] = Math.max(maxTs[side], ts);
      int r = b.openRow(dev.laminar.sdk.row.RowKind.INSERT, ts, maxTs[side] - BOUND);
      b.putLong(r, 0, (i / 2) % 1_000);
      b.putLong(r, 1, i);
      b.putLong(r, 2, ts);
      b.commitRow();
      if (b.size() == b.capacity()) {
        (isLeft ? join.left() : join.right()).process(b);
        b.clear();
      }
      if (i == 1_000_000) {
        atOneMillion = join.stateRows();
      }
    }
    if (expectOutput) {
      assertThat(sink.rows).as("the join produced output").isPositive();
    }
    return new long[] {atOneMillion, join.stateRows()};
  }

  private static void assertBounded(long[] state) {
    assertThat(state[0]).as("state after 1 M events").isPositive();
    assertThat(state[1]).as("state after 10 M events (after 1 M: %d)", state[0]).isLessThanOrEqualTo(state[0] * 11 / 10 + 100);
  }

  @Test
  void intervalJoinStateIsBounded() {
    for (IntervalJoinOperator.Kind kind : java.util.List.of(IntervalJoinOperator.Kind.INNER, IntervalJoinOperator.Kind.FULL,
        IntervalJoinOperator.Kind.ANTI)) {
      Schema out = kind == IntervalJoinOperator.Kind.SEMI || kind == IntervalJoinOperator.Kind.ANTI ? SIDE : JOINED;
      assertBounded(drive(sink -> new IntervalJoinOperator(kind, SIDE, new int[] {0}, SIDE, new int[] {0}, -1_000, 500, null, JOINED, out,
          256, sink, new Counter()), 10_000_000, kind != IntervalJoinOperator.Kind.ANTI)); // every left row has a match: ANTI emits none
    }
  }

  @Test
  void storedIntervalJoinStateIsBounded(@TempDir Path dir) {
    for (IntervalJoinOperator.Kind kind : java.util.List.of(IntervalJoinOperator.Kind.INNER, IntervalJoinOperator.Kind.FULL,
        IntervalJoinOperator.Kind.ANTI)) {
      Schema out = kind == IntervalJoinOperator.Kind.ANTI ? SIDE : JOINED;
      StoredIntervalJoinOperator[] made = new StoredIntervalJoinOperator[1];
      assertBounded(drive(sink -> made[0] = new StoredIntervalJoinOperator(kind, SIDE, new int[] {0}, SIDE, new int[] {0}, -1_000, 500, null,
          JOINED, out, 256, sink, new Counter(), dir), 3_000_000, kind != IntervalJoinOperator.Kind.ANTI));
      made[0].close();
    }
  }

  @Test
  void asofJoinStateIsBounded() {
    for (AsofJoinOperator.Direction direction : AsofJoinOperator.Direction.values()) {
      long tolerance = direction == AsofJoinOperator.Direction.NEAREST ? 100 : Long.MAX_VALUE;
      // 10 M events for the common backward join; 3 M for the others keeps the test under a minute
      long events = direction == AsofJoinOperator.Direction.BACKWARD ? 10_000_000 : 3_000_000;
      assertBounded(drive(sink -> new AsofJoinOperator(direction, false, tolerance, true, SIDE, new int[] {0}, SIDE, new int[] {0}, JOINED,
          256, sink, new Counter()), events, true));
    }
  }

  @Test
  void storedAsofJoinStateIsBounded(@TempDir Path dir) {
    for (AsofJoinOperator.Direction direction : AsofJoinOperator.Direction.values()) {
      for (long tolerance : new long[] {Long.MAX_VALUE, 100}) {
        StoredAsofJoinOperator[] made = new StoredAsofJoinOperator[1];
        long[] state = drive(sink -> made[0] = new StoredAsofJoinOperator(direction, false, tolerance, true, SIDE, new int[] {0}, SIDE,
            new int[] {0}, JOINED, 256, sink, new Counter(), dir), 3_000_000, true);
        assertBounded(state);
        // ids of rows gone are reused: the row stores hold about the most rows ever in state at once, not every row seen
        long entries = made[0].stores().get("left-rows").size() + made[0].stores().get("right-rows").size();
        assertThat(entries).as("%s tolerance %d: row entries (state after 1 M: %d)", direction, tolerance, state[0])
            .isLessThanOrEqualTo(state[0] * 2 + 2_048);
        made[0].close();
      }
    }
  }
}
