package dev.laminar.runtime.join;

import static dev.laminar.runtime.join.JoinDifferential.JOINED;
import static dev.laminar.runtime.join.JoinDifferential.KEYS;
import static dev.laminar.runtime.join.JoinDifferential.SIDE;
import static dev.laminar.runtime.join.JoinDifferential.randomSteps;
import static dev.laminar.runtime.join.JoinDifferential.run;
import static dev.laminar.runtime.join.JoinDifferential.segments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.join.IntervalJoinOperator.Kind;
import dev.laminar.runtime.join.JoinDifferential.Collector;
import dev.laminar.runtime.join.JoinDifferential.Step;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store-backed interval join against the heap one, differentially ({@link JoinDifferential}): the same random rows
 * of both inputs through the heap operator without interruption and through {@link StoredIntervalJoinOperator},
 * checkpointed at random batch boundaries and restarted from its latest checkpoint now and then. The seed is in the
 * failure message.
 */
class StoredIntervalJoinCheckpointTest {
  private static final long LOWER = -100;
  private static final long UPPER = 50;

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Kind.class)
  void restartsFromIncrementalChainsGiveTheHeapOperatorsResults(Kind kind) throws Exception {
    for (int round = 0; round < 2; round++) {
      runDifferential(kind, new Random().nextLong(), o -> stored(kind, KEYS, o));
    }
  }

  /** The heap operator itself, restarted from its journal's chains (the fallback for other column types). */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void theHeapOperatorRestartsFromItsJournal(Kind kind) throws Exception {
    runDifferential(kind, new Random().nextLong(),
        o -> new IntervalJoinOperator(kind, SIDE, KEYS, SIDE, KEYS, LOWER, UPPER, null, JOINED, output(kind), 64, o, new Counter()));
  }

  @Test
  void aJoinWithoutEqualityKeysAndTheHeapOneAgree() throws Exception {
    long seed = new Random().nextLong();
    List<Step> steps = randomSteps(new Random(seed), false);
    List<String> expected = run(out -> new IntervalJoinOperator(Kind.FULL, SIDE, new int[0], SIDE, new int[0], LOWER, UPPER, null, JOINED,
        JOINED, 64, out, new Counter()), steps);
    List<String> actual = run(out -> stored(Kind.FULL, new int[0], out), steps);
    assertThat(segments(actual)).as("seed %d", seed).isEqualTo(segments(expected));
  }

  @Test
  void storeTakesEveryInput() {
    assertThat(StoredIntervalJoinOperator.supports(SIDE, KEYS, SIDE, KEYS)).isTrue();
    Schema decimal = Schema.builder().column("k", DataType.BIGINT, false).column("p", DataType.decimal(38, 2), true).build();
    assertThat(StoredIntervalJoinOperator.supports(decimal, new int[] {0}, SIDE, new int[] {1})).as("wide DECIMAL payload").isTrue();
    assertThat(StoredIntervalJoinOperator.supports(SIDE, new int[] {2}, SIDE, new int[] {1})).as("DOUBLE key against BIGINT key").isTrue();
  }

  @Test
  void theRowPathAllocatesNothingPerRowWithFixedWidthColumns() {
    Schema side = Schema.builder().column("g", DataType.BIGINT, false).column("v", DataType.DOUBLE, true)
        .column("ts", DataType.TIMESTAMP, false).build();
    Schema joined = Schema.builder().column("g", DataType.BIGINT, true).column("v", DataType.DOUBLE, true).column("ts", DataType.TIMESTAMP, true)
        .column("rg", DataType.BIGINT, true).column("rv", DataType.DOUBLE, true).column("rts", DataType.TIMESTAMP, true).build();
    Collector sink = new Collector();
    sink.keep = false;
    StoredIntervalJoinOperator op = new StoredIntervalJoinOperator(Kind.LEFT, side, new int[] {0}, side, new int[] {0}, LOWER, UPPER, null,
        joined, joined, 256, sink, new Counter(), dir);
    ColumnarBatch left = new ColumnarBatch(side, 256);
    ColumnarBatch right = new ColumnarBatch(side, 256);
    long[] time = {0};
    Runnable round = () -> {
      for (ColumnarBatch b : new ColumnarBatch[] {left, right}) {
        b.clear();
        for (int r = 0; r < 256; r++) {
          long t = time[0] + r;
          int row = b.openRow(RowKind.INSERT, t, t - 20);
          b.putLong(row, 0, r % 50);
          b.putDouble(row, 1, r * 0.5);
          b.putLong(row, 2, t);
          b.commitRow();
        }
        (b == left ? op.left() : op.right()).process(b);
      }
      time[0] += 256;
    };
    for (int i = 0; i < 20_000; i++) { // warm up: state at its steady size, code compiled
      round.run();
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    int rounds = 5_000;
    for (int i = 0; i < rounds; i++) {
      round.run();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    long rows = rounds * 512L;
    op.close();
    assertThat(sink.count).as("joined rows").isGreaterThan(rows);
    // steady state: the stores, the ring and the free list at their peak sizes; nothing per row
    assertThat((double) allocated / rows).as("bytes allocated per row over %d rows (%d in all)", rows, allocated).isLessThan(1.0);
  }

  private StoredIntervalJoinOperator stored(Kind kind, int[] keys, Operator out) {
    return new StoredIntervalJoinOperator(kind, SIDE, keys, SIDE, keys, LOWER, UPPER, null, JOINED, output(kind), 64, out, new Counter(), dir);
  }

  private static Schema output(Kind kind) {
    return kind == Kind.SEMI || kind == Kind.ANTI ? SIDE : JOINED;
  }

  /** {@code make}'s operator, checkpointed and restarted at random, against the heap interval join, uninterrupted. */
  private void runDifferential(Kind kind, long seed, Function<Operator, TwoInputOperator> make) throws Exception {
    JoinDifferential.runDifferential(kind, seed, dir, o -> new IntervalJoinOperator(kind, SIDE, KEYS, SIDE, KEYS, LOWER, UPPER, null,
        JOINED, output(kind), 64, o, new Counter()), make, false);
  }
}
