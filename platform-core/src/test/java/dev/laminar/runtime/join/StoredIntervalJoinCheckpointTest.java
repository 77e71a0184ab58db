package dev.laminar.runtime.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreChains;
import dev.laminar.runtime.join.IntervalJoinOperator.Kind;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store-backed interval join against the heap one, differentially: the same random rows of both inputs
 * (VARCHAR and BIGINT key columns with NULLs and duplicates, DOUBLE and nullable payload, out-of-order and
 * late rows) through the heap operator without interruption and through {@link StoredIntervalJoinOperator},
 * checkpointed at random batch boundaries — each store captured in full the first time, incrementally
 * afterwards, chains compacted now and then — and restarted from its latest checkpoint (a fresh operator,
 * heap part restored, stores restored from their chains), replaying the batches after that checkpoint and
 * discarding the output produced since (as a sink aborts an undecided epoch). Between two output watermarks
 * the rows must be the same multiset (the order of rows within a batch may differ: ties in time and probe
 * order), and the watermarks the same sequence (the hold-back to the earliest row in state). The seed is in
 * the failure message.
 */
class StoredIntervalJoinCheckpointTest {
  private static final Schema SIDE = Schema.builder().column("k", DataType.VARCHAR, true).column("g", DataType.BIGINT, false)
      .column("v", DataType.DOUBLE, true).column("ts", DataType.TIMESTAMP, false).build();
  private static final Schema JOINED = Schema.builder().column("k", DataType.VARCHAR, true).column("g", DataType.BIGINT, true)
      .column("v", DataType.DOUBLE, true).column("ts", DataType.TIMESTAMP, true).column("rk", DataType.VARCHAR, true)
      .column("rg", DataType.BIGINT, true).column("rv", DataType.DOUBLE, true).column("rts", DataType.TIMESTAMP, true).build();
  private static final int[] KEYS = {0, 1};
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

  /** The ASOF join (heap rows and pending left rows through its journal), restarted at random, against an uninterrupted one. */
  @ParameterizedTest
  @EnumSource(AsofJoinOperator.Direction.class)
  void theAsofJoinRestartsFromItsJournal(AsofJoinOperator.Direction direction) throws Exception {
    java.util.function.Function<Operator, TwoInputOperator> asof = o -> new AsofJoinOperator(direction, false, 50, true, SIDE, KEYS, SIDE,
        KEYS, JOINED, 64, o, new Counter());
    runDifferential(direction, new Random().nextLong(), asof, asof);
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
    List<Step> steps = randomSteps(new Random(seed));
    List<String> expected = run(out -> new IntervalJoinOperator(Kind.FULL, SIDE, new int[0], SIDE, new int[0], LOWER, UPPER, null, JOINED,
        JOINED, 64, out, new Counter()), steps);
    List<String> actual = run(out -> stored(Kind.FULL, new int[0], out), steps);
    assertThat(segments(actual)).as("seed %d", seed).isEqualTo(segments(expected));
  }

  @Test
  void storeIsChosenOnlyForFixedSizeOrStringColumns() {
    assertThat(StoredIntervalJoinOperator.supports(SIDE, KEYS, SIDE, KEYS)).isTrue();
    Schema decimal = Schema.builder().column("k", DataType.BIGINT, false).column("p", DataType.decimal(38, 2), true).build();
    assertThat(StoredIntervalJoinOperator.supports(decimal, new int[] {0}, SIDE, new int[] {1})).as("wide DECIMAL payload").isFalse();
    assertThat(StoredIntervalJoinOperator.supports(SIDE, new int[] {2}, SIDE, new int[] {1})).as("DOUBLE key against BIGINT key").isFalse();
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

  /** A batch for one input. */
  private record Step(boolean left, ColumnarBatch batch) {}

  private void runDifferential(Kind kind, long seed, java.util.function.Function<Operator, TwoInputOperator> make) throws Exception {
    runDifferential(kind, seed, o -> new IntervalJoinOperator(kind, SIDE, KEYS, SIDE, KEYS, LOWER, UPPER, null, JOINED, output(kind), 64,
        o, new Counter()), make);
  }

  /** {@code make}'s operator, checkpointed and restarted at random, against {@code reference}'s, uninterrupted. */
  private void runDifferential(Object kind, long seed, java.util.function.Function<Operator, TwoInputOperator> reference,
      java.util.function.Function<Operator, TwoInputOperator> make) throws Exception {
    Random rnd = new Random(seed);
    List<Step> steps = randomSteps(rnd);
    List<String> expected = run(reference, steps);
    assertThat(expected.stream().filter(s -> !s.startsWith("wm")).count()).as("%s seed %d: rows joined", kind, seed).isGreaterThan(30); // ANTI yields the fewest: 94 seen

    Collector out = new Collector();
    TwoInputOperator op = make.apply(out);
    StoreChains chains = new StoreChains(dir);
    int checkpointStep = 0;
    int committed = 0;
    int checkpoints = 0;
    int restarts = 0;
    int incrementals = 0;
    for (int s = 0; s < steps.size(); s++) {
      Step step = steps.get(s);
      (step.left() ? op.left() : op.right()).process(step.batch());
      if (rnd.nextInt(4) == 0) { // a checkpoint after this batch
        incrementals += chains.checkpoint((dev.laminar.runtime.StoreBacked) op);
        checkpoints++;
        checkpointStep = s + 1;
        committed = out.rows.size();
        if (rnd.nextInt(3) == 0) {
          chains.compact();
        }
      } else if (chains.any() && rnd.nextInt(8) == 0) { // a crash: back to the last checkpoint
        ((AutoCloseable) op).close();
        out.rows.subList(committed, out.rows.size()).clear();
        op = make.apply(out);
        chains.restore((dev.laminar.runtime.StoreBacked) op);
        s = checkpointStep - 1;
        restarts++;
      }
    }
    op.left().onEndOfInput();
    op.right().onEndOfInput();
    assertThat(op.stateRows()).as("%s seed %d: both inputs ended: nothing kept", kind, seed).isZero();
    if (op instanceof StoredIntervalJoinOperator storedOp) {
      assertThat(storedOp.distinctStrings()).as("%s seed %d: no string left in the dictionary", kind, seed).isZero();
    }
    ((AutoCloseable) op).close();
    assertThat(restarts).as("%s seed %d: the run restarted", kind, seed).isPositive();
    assertThat(incrementals).as("%s seed %d: some chains had deltas", kind, seed).isPositive();
    assertThat(segments(out.rows)).as("%s seed %d: results after %d restarts from %d checkpoints", kind, seed, restarts, checkpoints)
        .isEqualTo(segments(expected));
  }

  /** Runs the steps through the operator {@code make} builds on a fresh collector, then ends both inputs: what it emitted. */
  private static List<String> run(java.util.function.Function<Operator, TwoInputOperator> make, List<Step> steps) throws Exception {
    Collector out = new Collector();
    TwoInputOperator join = make.apply(out);
    for (Step s : steps) {
      (s.left() ? join.left() : join.right()).process(s.batch());
    }
    join.left().onEndOfInput();
    join.right().onEndOfInput();
    if (join instanceof AutoCloseable c) {
      c.close();
    }
    return out.rows;
  }

  /** Output rows grouped by the watermarks between them: each group sorted. */
  private static List<List<String>> segments(List<String> events) {
    List<List<String>> segments = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String e : events) {
      if (e.startsWith("wm")) {
        current.sort(null);
        segments.add(current);
        segments.add(List.of(e));
        current = new ArrayList<>();
      } else {
        current.add(e);
      }
    }
    current.sort(null);
    segments.add(current);
    return segments;
  }

  /** Batches of both inputs, interleaved at random; each input's watermark 40 ms behind its latest row, so some rows are late. */
  private static List<Step> randomSteps(Random rnd) {
    String[] words = {"a", "b", "abc", "zz", "é"};
    List<Step> steps = new ArrayList<>();
    long[] clock = {0, 0};
    long[] max = {0, 0};
    for (int b = 0; b < 160; b++) {
      boolean left = rnd.nextBoolean();
      int side = left ? 0 : 1;
      ColumnarBatch in = new ColumnarBatch(SIDE, 64);
      int rows = 1 + rnd.nextInt(48);
      for (int r = 0; r < rows; r++) {
        clock[side] += rnd.nextInt(4);
        long t = Math.max(0, clock[side] - rnd.nextInt(60));
        max[side] = Math.max(max[side], t);
        int row = in.openRow(RowKind.INSERT, t, max[side] - 40);
        if (rnd.nextInt(12) == 0) {
          in.putNull(row, 0);
        } else {
          in.putObject(row, 0, words[rnd.nextInt(words.length)]);
        }
        in.putLong(row, 1, rnd.nextInt(3));
        if (rnd.nextInt(8) == 0) {
          in.putNull(row, 2);
        } else {
          in.putDouble(row, 2, rnd.nextInt(5) == 0 ? -0.0 : rnd.nextInt(1000) / 8.0);
        }
        in.putLong(row, 3, t);
        in.commitRow();
      }
      steps.add(new Step(left, in));
    }
    return steps;
  }

  /** Keeps every row (and every watermark) it is given, as text. */
  private static final class Collector implements Operator {
    final List<String> rows = new ArrayList<>();
    boolean keep = true;
    long count;

    @Override
    public void process(ColumnarBatch batch) {
      count += batch.size();
      if (!keep) {
        return;
      }
      for (int r = 0; r < batch.size(); r++) {
        Object[] cells = new Object[batch.schema().size()];
        for (int c = 0; c < cells.length; c++) {
          cells[c] = batch.isNull(r, c) ? null : batch.getObject(r, c);
        }
        rows.add(Arrays.toString(cells) + " @" + batch.rowtime(r));
      }
    }

    @Override
    public void onWatermark(long watermark) {
      if (keep) {
        rows.add("wm " + watermark);
      }
    }

    @Override
    public void onEndOfInput() {
      if (keep) {
        rows.add("end");
      }
    }
  }
}
