package dev.laminar.runtime.join;

import static dev.laminar.runtime.join.JoinDifferential.JOINED;
import static dev.laminar.runtime.join.JoinDifferential.KEYS;
import static dev.laminar.runtime.join.JoinDifferential.SIDE;
import static dev.laminar.runtime.join.JoinDifferential.WIDE;
import static dev.laminar.runtime.join.JoinDifferential.WIDE_JOINED;
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

  /** BYTES and wide DECIMAL keys and cells (decimals of several scales), 70 columns, NULLs past column 64: every join type. */
  @Test
  void bytesWideDecimalsAndSeventyColumnsGiveTheHeapOperatorsResults() throws Exception {
    for (Kind kind : Kind.values()) {
      JoinDifferential.runDifferential("wide " + kind, new Random().nextLong(), dir, o -> wideHeap(kind, o), o -> new StoredIntervalJoinOperator(
          kind, WIDE, KEYS, WIDE, KEYS, LOWER, UPPER, null, WIDE_JOINED, wideOutput(kind), 64, o, new Counter(), dir), false, WIDE);
    }
    // the heap operator's journal: rows of 70 columns with NULL bits past the first word
    JoinDifferential.runDifferential("wide heap", new Random().nextLong(), dir, o -> wideHeap(Kind.FULL, o), o -> wideHeap(Kind.FULL, o), false,
        WIDE);
  }

  /**
   * A key pair of a VARCHAR and a BIGINT (the planner casts one side, but the operator may be built so) matches nothing, as in the
   * heap join, though the string's dictionary id is the number.
   */
  @Test
  void aStringKeyAgainstANumberKeyMatchesNothingAsInTheHeapJoin() throws Exception {
    Schema strings = Schema.builder().column("s", DataType.VARCHAR, true).column("ts", DataType.TIMESTAMP, false).build();
    Schema numbers = Schema.builder().column("n", DataType.BIGINT, true).column("ts", DataType.TIMESTAMP, false).build();
    Schema joined = Schema.builder().column("s", DataType.VARCHAR, true).column("ts", DataType.TIMESTAMP, true)
        .column("n", DataType.BIGINT, true).column("rts", DataType.TIMESTAMP, true).build();
    List<Step> steps = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ColumnarBatch l = new ColumnarBatch(strings, 2);
      int row = l.openRow(RowKind.INSERT, 10L * i, 10L * i);
      l.putObject(row, 0, "k" + (i % 2)); // dictionary ids 0 and 1
      l.putLong(row, 1, 10L * i);
      l.commitRow();
      ColumnarBatch r = new ColumnarBatch(numbers, 2);
      row = r.openRow(RowKind.INSERT, 10L * i, 10L * i);
      r.putLong(row, 0, i % 2);
      r.putLong(row, 1, 10L * i);
      r.commitRow();
      steps.add(new Step(true, l));
      steps.add(new Step(false, r));
    }
    int[] key = {0};
    List<String> expected = run(out -> new IntervalJoinOperator(Kind.FULL, strings, key, numbers, key, LOWER, UPPER, null, joined, joined, 64,
        out, new Counter()), steps);
    List<String> actual = run(out -> new StoredIntervalJoinOperator(Kind.FULL, strings, key, numbers, key, LOWER, UPPER, null, joined, joined,
        64, out, new Counter(), dir), steps);
    assertThat(expected).as("the heap join: every row unmatched").filteredOn(s -> s.startsWith("[k")).hasSize(4)
        .allMatch(s -> s.contains("null, null]"));
    assertThat(segments(actual)).isEqualTo(segments(expected));
  }

  @Test
  void storeTakesEveryInput() {
    assertThat(StoredIntervalJoinOperator.supports(SIDE, KEYS, SIDE, KEYS)).isTrue();
    Schema decimal = Schema.builder().column("k", DataType.BIGINT, false).column("p", DataType.decimal(38, 2), true).build();
    assertThat(StoredIntervalJoinOperator.supports(decimal, new int[] {0}, SIDE, new int[] {1})).as("wide DECIMAL payload").isTrue();
    assertThat(StoredIntervalJoinOperator.supports(SIDE, new int[] {2}, SIDE, new int[] {1})).as("DOUBLE key against BIGINT key").isTrue();
    assertThat(StoredIntervalJoinOperator.supports(WIDE, KEYS, WIDE, KEYS)).as("BYTES and DECIMAL(30, 4) keys, 70 columns").isTrue();
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

  private static IntervalJoinOperator wideHeap(Kind kind, Operator out) {
    return new IntervalJoinOperator(kind, WIDE, KEYS, WIDE, KEYS, LOWER, UPPER, null, WIDE_JOINED, wideOutput(kind), 64, out, new Counter());
  }

  private static Schema wideOutput(Kind kind) {
    return kind == Kind.SEMI || kind == Kind.ANTI ? WIDE : WIDE_JOINED;
  }

  /** {@code make}'s operator, checkpointed and restarted at random, against the heap interval join, uninterrupted. */
  private void runDifferential(Kind kind, long seed, Function<Operator, TwoInputOperator> make) throws Exception {
    JoinDifferential.runDifferential(kind, seed, dir, o -> new IntervalJoinOperator(kind, SIDE, KEYS, SIDE, KEYS, LOWER, UPPER, null,
        JOINED, output(kind), 64, o, new Counter()), make, false);
  }
}
