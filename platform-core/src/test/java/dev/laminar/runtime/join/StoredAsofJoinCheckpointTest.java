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
import dev.laminar.runtime.join.AsofJoinOperator.Direction;
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
 * The store-backed ASOF / temporal join against the heap one, differentially ({@link JoinDifferential}): the same
 * random rows of both inputs (right rows of equal key and time, which replace each other; for the temporal form a
 * changelog with deletions and {@code -U}/{@code +U} pairs) through {@link AsofJoinOperator} without interruption and
 * through {@link StoredAsofJoinOperator}, checkpointed at random batch boundaries and restarted from its latest
 * checkpoint now and then; every direction, strict or not, with and without a tolerance, INNER and LEFT. The seed
 * is in the failure message.
 */
class StoredAsofJoinCheckpointTest {
  @TempDir
  Path dir;

  /** One form of the join. */
  private record Form(Direction direction, boolean strict, long tolerance, boolean leftOuter) {
    AsofJoinOperator heap(Operator out) {
      return new AsofJoinOperator(direction, strict, tolerance, leftOuter, SIDE, KEYS, SIDE, KEYS, JOINED, 64, out, new Counter());
    }

    StoredAsofJoinOperator stored(Operator out, Path dir) {
      return new StoredAsofJoinOperator(direction, strict, tolerance, leftOuter, SIDE, KEYS, SIDE, KEYS, JOINED, 64, out, new Counter(), dir);
    }

    AsofJoinOperator wideHeap(Operator out) {
      return new AsofJoinOperator(direction, strict, tolerance, leftOuter, WIDE, KEYS, WIDE, KEYS, WIDE_JOINED, 64, out, new Counter());
    }

    StoredAsofJoinOperator wideStored(Operator out, Path dir) {
      return new StoredAsofJoinOperator(direction, strict, tolerance, leftOuter, WIDE, KEYS, WIDE, KEYS, WIDE_JOINED, 64, out, new Counter(),
          dir);
    }
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void restartsFromIncrementalChainsGiveTheHeapOperatorsResults(Direction direction) throws Exception {
    for (boolean strict : new boolean[] {false, true}) {
      for (long tolerance : new long[] {Long.MAX_VALUE, 50, 10}) {
        for (boolean leftOuter : new boolean[] {true, false}) {
          Form form = new Form(direction, strict, tolerance, leftOuter);
          JoinDifferential.runDifferential(form, new Random().nextLong(), dir, form::heap, o -> form.stored(o, dir), false);
        }
      }
    }
  }

  /** The temporal join: BACKWARD over a changelog (a {@code -D} ends a key's version, {@code -U} is skipped). */
  @Test
  void aTemporalJoinOverAChangelogGivesTheHeapOperatorsResults() throws Exception {
    for (boolean leftOuter : new boolean[] {true, false}) {
      for (int round = 0; round < 3; round++) {
        Form form = new Form(Direction.BACKWARD, false, Long.MAX_VALUE, leftOuter);
        JoinDifferential.runDifferential("temporal " + form, new Random().nextLong(), dir, form::heap, o -> form.stored(o, dir), true);
      }
    }
  }

  /** The heap operator itself, restarted from its journal's chains (the fallback for other column types). */
  @ParameterizedTest
  @EnumSource(Direction.class)
  void theHeapOperatorRestartsFromItsJournal(Direction direction) throws Exception {
    Form form = new Form(direction, false, 50, true);
    JoinDifferential.runDifferential(form, new Random().nextLong(), dir, form::heap, form::heap, false);
  }

  @Test
  void aJoinWithoutEqualityKeysAndTheHeapOneAgree() throws Exception {
    for (Direction direction : Direction.values()) {
      long seed = new Random().nextLong();
      List<Step> steps = randomSteps(new Random(seed), direction == Direction.BACKWARD);
      List<String> expected = run(out -> new AsofJoinOperator(direction, false, 30, true, SIDE, new int[0], SIDE, new int[0], JOINED, 64,
          out, new Counter()), steps);
      List<String> actual = run(out -> new StoredAsofJoinOperator(direction, false, 30, true, SIDE, new int[0], SIDE, new int[0], JOINED,
          64, out, new Counter(), dir), steps);
      assertThat(segments(actual)).as("%s seed %d", direction, seed).isEqualTo(segments(expected));
    }
  }

  /**
   * BYTES and wide DECIMAL keys and cells (decimals of several scales), 70 columns, NULLs past column 64: each direction in a
   * random form, the temporal join over a changelog, and the heap operator's own journal.
   */
  @Test
  void bytesWideDecimalsAndSeventyColumnsGiveTheHeapOperatorsResults() throws Exception {
    Random forms = new Random();
    for (Direction direction : Direction.values()) {
      Form form = new Form(direction, forms.nextBoolean(), forms.nextBoolean() ? Long.MAX_VALUE : 10 + forms.nextInt(60), forms.nextBoolean());
      JoinDifferential.runDifferential("wide " + form, forms.nextLong(), dir, form::wideHeap, o -> form.wideStored(o, dir), false, WIDE);
    }
    Form temporal = new Form(Direction.BACKWARD, false, Long.MAX_VALUE, true);
    JoinDifferential.runDifferential("wide temporal", forms.nextLong(), dir, temporal::wideHeap, o -> temporal.wideStored(o, dir), true, WIDE);
    Form nearest = new Form(Direction.NEAREST, false, 50, true);
    JoinDifferential.runDifferential("wide heap", forms.nextLong(), dir, nearest::wideHeap, nearest::wideHeap, false, WIDE);
  }

  /**
   * A key pair of a VARCHAR and a BIGINT (the planner casts one side, but the operator may be built so) matches nothing, as in the
   * heap join, though the string's dictionary id is the number: pending left rows too.
   */
  @ParameterizedTest
  @EnumSource(Direction.class)
  void aStringKeyAgainstANumberKeyMatchesNothingAsInTheHeapJoin(Direction direction) throws Exception {
    Schema strings = Schema.builder().column("s", DataType.VARCHAR, true).column("ts", DataType.TIMESTAMP, false).build();
    Schema numbers = Schema.builder().column("n", DataType.BIGINT, true).column("ts", DataType.TIMESTAMP, false).build();
    Schema joined = Schema.builder().column("s", DataType.VARCHAR, true).column("ts", DataType.TIMESTAMP, true)
        .column("n", DataType.BIGINT, true).column("rts", DataType.TIMESTAMP, true).build();
    List<Step> steps = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ColumnarBatch r = new ColumnarBatch(numbers, 2);
      int row = r.openRow(RowKind.INSERT, 10L * i, 10L * i - 20);
      r.putLong(row, 0, i % 2); // the numbers the strings' dictionary ids are
      r.putLong(row, 1, 10L * i);
      r.commitRow();
      ColumnarBatch l = new ColumnarBatch(strings, 2);
      row = l.openRow(RowKind.INSERT, 10L * i, 10L * i - 20);
      l.putObject(row, 0, "k" + (i % 2));
      l.putLong(row, 1, 10L * i);
      l.commitRow();
      steps.add(new Step(false, r));
      steps.add(new Step(true, l));
    }
    int[] key = {0};
    List<String> expected = run(out -> new AsofJoinOperator(direction, false, Long.MAX_VALUE, true, strings, key, numbers, key, joined, 64, out,
        new Counter()), steps);
    List<String> actual = run(out -> new StoredAsofJoinOperator(direction, false, Long.MAX_VALUE, true, strings, key, numbers, key, joined, 64,
        out, new Counter(), dir), steps);
    assertThat(expected).as("the heap join: every left row unmatched").filteredOn(s -> s.startsWith("[k")).hasSize(4)
        .allMatch(s -> s.contains("null, null]"));
    assertThat(segments(actual)).isEqualTo(segments(expected));
  }

  @Test
  void storeTakesEveryInput() {
    assertThat(StoredAsofJoinOperator.supports(SIDE, KEYS, SIDE, KEYS)).isTrue();
    Schema decimal = Schema.builder().column("k", DataType.BIGINT, false).column("p", DataType.decimal(38, 2), true).build();
    assertThat(StoredAsofJoinOperator.supports(decimal, new int[] {0}, SIDE, new int[] {1})).as("wide DECIMAL payload").isTrue();
    assertThat(StoredAsofJoinOperator.supports(WIDE, KEYS, WIDE, KEYS)).as("BYTES and DECIMAL(30, 4) keys, 70 columns").isTrue();
  }

  /** A BACKWARD LEFT join whose left rows wait for the right watermark: in, pending, matched, out without allocating. */
  @ParameterizedTest
  @EnumSource(Direction.class)
  void theRowPathAllocatesNothingPerRowWithFixedWidthColumns(Direction direction) {
    Schema side = Schema.builder().column("g", DataType.BIGINT, false).column("v", DataType.DOUBLE, true)
        .column("ts", DataType.TIMESTAMP, false).build();
    Schema joined = Schema.builder().column("g", DataType.BIGINT, true).column("v", DataType.DOUBLE, true).column("ts", DataType.TIMESTAMP, true)
        .column("rg", DataType.BIGINT, true).column("rv", DataType.DOUBLE, true).column("rts", DataType.TIMESTAMP, true).build();
    Collector sink = new Collector();
    sink.keep = false;
    StoredAsofJoinOperator op = new StoredAsofJoinOperator(direction, false, 100, true, side, new int[] {0}, side, new int[] {0}, joined, 256,
        sink, new Counter(), dir);
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
    long state = op.stateRows();
    op.close();
    assertThat(sink.count).as("joined rows").isGreaterThan(rounds * 250L);
    assertThat(state).as("rows in state (right versions and pending left rows)").isLessThan(200);
    // steady state: the stores, the rings, the horizon heap and the free lists at their peak sizes; nothing per row
    assertThat((double) allocated / rows).as("bytes allocated per row over %d rows (%d in all)", rows, allocated).isLessThan(1.0);
  }

  /** The stored operator against the heap one without restarts, many seeds: every form, quickly. */
  @Test
  void manySeedsWithoutRestarts() throws Exception {
    Random forms = new Random();
    for (int i = 0; i < 60; i++) {
      Direction direction = Direction.values()[forms.nextInt(3)];
      Form form = new Form(direction, forms.nextBoolean(), forms.nextBoolean() ? Long.MAX_VALUE : forms.nextInt(80), forms.nextBoolean());
      boolean changelog = direction == Direction.BACKWARD && forms.nextBoolean();
      long seed = forms.nextLong();
      List<Step> steps = randomSteps(new Random(seed), changelog);
      JoinDifferential.Run expected = JoinDifferential.runKeepingState(form::heap, steps);
      JoinDifferential.Run actual = JoinDifferential.runKeepingState(o -> form.stored(o, dir), steps);
      assertThat(segments(actual.rows())).as("%s changelog %s seed %d", form, changelog, seed).isEqualTo(segments(expected.rows()));
      assertThat(actual.stateRows()).as("%s changelog %s seed %d: rows kept at the end", form, changelog, seed)
          .isEqualTo(expected.stateRows());
    }
  }
}
