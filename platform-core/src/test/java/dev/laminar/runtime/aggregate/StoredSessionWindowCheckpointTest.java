package dev.laminar.runtime.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreChains;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.codegen.AggregateCompiler;
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
 * The off-heap SESSION operator against the heap one, differentially: the same random rows (VARCHAR keys with
 * NULLs, BIGINT keys, out-of-order event times that extend sessions backwards and bridge two sessions of a key
 * into one, late rows) through {@link SessionWindowAggregateOperator} without interruption and through
 * {@link StoredSessionWindowAggregateOperator} checkpointed at random batch boundaries — each store captured in
 * full the first time, incrementally afterwards, chains compacted now and then — and restarted from its latest
 * checkpoint (a fresh operator, heap part restored, stores restored from their chains), replaying the batches
 * after it and discarding the output produced since. The results must be equal row by row, in order, and the
 * late rows counted alike. The seed is in the failure message.
 */
class StoredSessionWindowCheckpointTest {
  private static final Schema INPUT = Schema.builder().column("k", DataType.VARCHAR, true).column("g", DataType.BIGINT, false)
      .column("x", DataType.INT, true).build();
  private static final long GAP = 20;
  private static final KeySource[] KEYS = {KeySource.COLUMN, KeySource.COLUMN, KeySource.WINDOW_START, KeySource.WINDOW_END};
  private static final int[] KEY_COLUMNS = {0, 1, -1, -1};
  private static final AggregateSpec[] AGGREGATES = {
      new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*)"),
      new AggregateSpec(AggregateKind.SUM, 2, DataType.INT, DataType.BIGINT, "SUM(x)"),
      new AggregateSpec(AggregateKind.MIN, 2, DataType.INT, DataType.INT, "MIN(x)"),
      new AggregateSpec(AggregateKind.MAX, 2, DataType.INT, DataType.INT, "MAX(x)"),
      new AggregateSpec(AggregateKind.AVG, 2, DataType.INT, DataType.DOUBLE, "AVG(x)"),
      new AggregateSpec(AggregateKind.FIRST_VALUE, 2, DataType.INT, DataType.INT, "FIRST_VALUE(x)"),
      new AggregateSpec(AggregateKind.LAST_VALUE, 2, DataType.INT, DataType.INT, "LAST_VALUE(x)"),
      new AggregateSpec(AggregateKind.COUNT, 0, DataType.VARCHAR, DataType.BIGINT, "COUNT(k)"),
      new AggregateSpec(AggregateKind.MIN, 0, DataType.VARCHAR, DataType.VARCHAR, "MIN(k)"),
      new AggregateSpec(AggregateKind.MAX, 0, DataType.VARCHAR, DataType.VARCHAR, "MAX(k)"),
      new AggregateSpec(AggregateKind.LAST_VALUE, 0, DataType.VARCHAR, DataType.VARCHAR, "LAST_VALUE(k)"),
      new AggregateSpec(AggregateKind.COUNT_DISTINCT, 2, DataType.INT, DataType.BIGINT, "COUNT(DISTINCT x)"),
      new AggregateSpec(AggregateKind.COUNT_DISTINCT, 0, DataType.VARCHAR, DataType.BIGINT, "COUNT(DISTINCT k)"),
      new AggregateSpec(AggregateKind.APPROX_COUNT_DISTINCT, 2, DataType.INT, DataType.BIGINT, "APPROX_COUNT_DISTINCT(x)"),
      new AggregateSpec(AggregateKind.APPROX_COUNT_DISTINCT, 0, DataType.VARCHAR, DataType.BIGINT, "APPROX_COUNT_DISTINCT(k)"),
      CountingPluginFunction.call(2, true)};
  private static final Schema OUTPUT = Schema.builder().column("k", DataType.VARCHAR, true).column("g", DataType.BIGINT, false)
      .column("window_start", DataType.TIMESTAMP, false).column("window_end", DataType.TIMESTAMP, false)
      .column("n", DataType.BIGINT, false).column("s", DataType.BIGINT, true).column("lo", DataType.INT, true)
      .column("hi", DataType.INT, true).column("avg", DataType.DOUBLE, true).column("first", DataType.INT, true)
      .column("last", DataType.INT, true).column("nk", DataType.BIGINT, false)
      .column("lo_k", DataType.VARCHAR, true).column("hi_k", DataType.VARCHAR, true).column("last_k", DataType.VARCHAR, true)
      .column("dx", DataType.BIGINT, false).column("dk", DataType.BIGINT, false).column("ax", DataType.BIGINT, false)
      .column("ak", DataType.BIGINT, false).column("counting", DataType.VARCHAR, true).build();

  @TempDir
  Path dir;

  @Test
  void fixedSizeStateAndSupportedKeysChooseTheStoreOperator() {
    GroupAccumulatorFactory factory = AggregateCompiler.compile(AGGREGATES, true);
    assertThat(StoredSessionWindowAggregateOperator.supports(KEYS, KEY_COLUMNS, INPUT, factory.slotBytes())).isTrue();
    assertThat(StoredSessionWindowAggregateOperator.supports(KEYS, KEY_COLUMNS, INPUT, -1)).as("state with objects").isFalse();
    Schema bytesKey = Schema.builder().column("k", DataType.BYTES, true).column("g", DataType.BIGINT, false)
        .column("x", DataType.INT, true).build();
    assertThat(StoredSessionWindowAggregateOperator.supports(KEYS, KEY_COLUMNS, bytesKey, factory.slotBytes()))
        .as("a BYTES key, by its dictionary id").isTrue();
  }

  /** Emit modes and allowed lateness, each run by both operators. */
  enum Mode {
    CLOSE(Emit.ON_WINDOW_CLOSE, 0),
    CLOSE_LATENESS(Emit.ON_WINDOW_CLOSE, 15),
    CHANGES(Emit.CHANGES, 0),
    CHANGES_LATENESS(Emit.CHANGES, 15),
    ON_UPDATE_LATENESS(Emit.ON_UPDATE, 15),
    EVERY_LATENESS(Emit.EVERY, 15);

    final Emit emit;
    final long lateness;

    Mode(Emit emit, long lateness) {
      this.emit = emit;
      this.lateness = lateness;
    }
  }

  /** EMIT EVERY's interval; the tests tick the timer after some batches, with made-up clock values, some too soon. */
  private static final long EVERY = 10;

  private static long tick(int b) {
    return b % 3 == 2 ? -1 : b * 7L;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void restartsFromIncrementalChainsGiveTheUninterruptedResults(Mode mode) throws Exception {
    boolean retracted = false;
    for (int round = 0; round < 4; round++) {
      retracted |= runDifferential(mode, new Random().nextLong());
    }
    if (mode.emit == Emit.CHANGES) {
      assertThat(retracted).as("%s: some session merged away was retracted (-D)", mode).isTrue();
    }
  }

  @Test
  void sessionsMergeWhenARowBridgesThemAndFireByEndThenCreation() {
    Collector out = new Collector();
    StoredSessionWindowAggregateOperator op = storedOperator(out, new Counter());
    // key a: sessions [0, 20) and [30, 50); key b: [5, 25); then a row of a at 15 bridges a's two sessions into [0, 50)
    op.process(batch(new Object[][] {{"a", 1L, 1, 0L}, {"a", 1L, 2, 30L}, {"b", 1L, 3, 5L}, {"a", 1L, 4, 15L}}, 0));
    assertThat(op.openSessions()).isEqualTo(2);
    op.onWatermark(25);
    String b = "[b, 1, " + ts(5) + ", " + ts(25) + ", 1, 3, 3, 3, 3.0, 3, 3, 1, b, b, b, 1, 1, 1, 1, 1:3] @24";
    assertThat(out.rows).containsExactly(b);
    op.onWatermark(60);
    // LAST_VALUE is the value of the latest event time (x=2 at 30), not of the last row processed
    assertThat(out.rows).containsExactly(b, "[a, 1, " + ts(0) + ", " + ts(50) + ", 3, 7, 1, 4, 2.3333333333333335, 1, 2, 3, a, a, a, 3, 1, 3, 1, 3:7] @49");
    op.process(batch(new Object[][] {{"a", 1L, 9, 10L}}, 60)); // would extend [10, 30): ends before the watermark, late
    assertThat(out.rows).hasSize(2);
    assertThat(op.openSessions()).isZero();
    op.close();
  }

  private static String ts(long millis) {
    return java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(millis), java.time.ZoneOffset.UTC).toString();
  }

  @Test
  void theRowPathAllocatesNothingOnceTheSessionsExist() {
    StoredSessionWindowAggregateOperator op = storedOperator(new Collector(), new Counter());
    ColumnarBatch in = new ColumnarBatch(INPUT, 64);
    long[] time = {0};
    fill(in, time);
    for (int i = 0; i < 4_000; i++) { // warm up: sessions created, code compiled
      op.process(fill(in, time));
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    // the least of a few passes: a JIT recompilation during one pass may allocate once; an allocation per row shows in every pass
    long allocated = Long.MAX_VALUE;
    for (int pass = 0; pass < 4 && allocated > 0; pass++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 1_000; i++) {
        op.process(fill(in, time));
      }
      allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
    }
    assertThat(op.openSessions()).as("one session per key, extended by every batch").isEqualTo(distinctKeys(in));
    op.close();
    assertThat(allocated).as("bytes allocated by %d rows extending existing sessions", 1_000 * in.size()).isZero();
  }

  private static final String[] STRINGS = {"k0", "k1", "k2", "k3", "k4", "k5", "k6"};

  private static long distinctKeys(ColumnarBatch in) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (int r = 0; r < in.size(); r++) {
      keys.add((in.isNull(r, 0) ? null : in.getObject(r, 0)) + "/" + in.getLong(r, 1));
    }
    return keys.size();
  }

  /** 64 rows: string and numeric keys, NULLs, a millisecond later than the last batch's (sessions extend, never close). */
  private static ColumnarBatch fill(ColumnarBatch in, long[] time) {
    in.clear();
    long t = time[0]++;
    for (int r = 0; r < 64; r++) {
      in.beginRow();
      in.setRowtime(r, t);
      in.setWatermark(r, 0);
      if (r % 9 == 0) {
        in.setNull(0);
      } else {
        in.setString(0, STRINGS[r % 7]);
      }
      in.setLong(1, r % 5);
      in.setInt(2, r);
      in.endRow();
    }
    return in;
  }

  /** One differential run; returns whether the reference retracted a session (-D). */
  private boolean runDifferential(Mode mode, long seed) throws Exception {
    Random rnd = new Random(seed);
    List<ColumnarBatch> batches = randomBatches(rnd);
    Counter heapLate = new Counter();
    List<String> expected = runOnHeap(mode, batches, heapLate);
    assertThat(expected).as("%s seed %d: sessions emitted", mode, seed).hasSizeGreaterThan(100);
    if (mode != Mode.CLOSE) {
      String change = mode.emit == Emit.ON_UPDATE ? "+U[" : "-U[";
      assertThat(expected).as("%s seed %d: results changed after they went out", mode, seed).anyMatch(r -> r.startsWith(change));
    }

    Collector out = new Collector();
    StoreChains chains = new StoreChains(dir);
    int checkpointBatch = 0;
    int committedRows = 0;
    int checkpoints = 0;
    int restarts = 0;
    int incrementals = 0;
    long lateBeforeRestart = 0;
    Counter late = new Counter();
    long lateAtCheckpoint = 0;
    StoredSessionWindowAggregateOperator op = storedOperator(mode, out, late);
    for (int b = 0; b < batches.size(); b++) {
      op.process(batches.get(b));
      if (tick(b) >= 0) {
        op.onTimer(tick(b));
      }
      if (rnd.nextInt(mode == Mode.CLOSE ? 4 : 2) == 0) { // a checkpoint after this batch
        incrementals += chains.checkpoint(op);
        checkpoints++;
        checkpointBatch = b + 1;
        committedRows = out.rows.size();
        lateAtCheckpoint = late.get();
        if (rnd.nextInt(3) == 0) {
          chains.compact();
        }
      } else if (chains.any() && (rnd.nextInt(8) == 0 || restarts == 0 && b >= batches.size() / 2)) {
        // a crash: back to the last checkpoint (at random, and at least once: a seed without one checked nothing)
        op.close();
        out.rows.subList(committedRows, out.rows.size()).clear();
        lateBeforeRestart += lateAtCheckpoint;
        late = new Counter();
        lateAtCheckpoint = 0;
        op = storedOperator(mode, out, late);
        chains.restore(op);
        b = checkpointBatch - 1;
        restarts++;
      }
    }
    op.onEndOfInput();
    assertThat(op.openSessions()).as("%s seed %d: every session fired", mode, seed).isZero();
    assertThat(op.dictionarySize()).as("%s seed %d: no string left referenced", mode, seed).isZero();
    assertThat(op.setCount()).as("%s seed %d: no distinct-count set left", mode, seed).isZero();
    op.close();
    assertThat(restarts).as("%s seed %d: the run restarted", mode, seed).isPositive();
    assertThat(incrementals).as("%s seed %d: some chains had deltas", mode, seed).isPositive();
    assertThat(heapLate.get()).as("%s seed %d: some rows were late", mode, seed).isPositive();
    assertThat(lateBeforeRestart + late.get()).as("%s seed %d: late rows", mode, seed).isEqualTo(heapLate.get());
    assertThat(out.rows).as("%s seed %d: results after %d restarts from %d checkpoints", mode, seed, restarts, checkpoints)
        .isEqualTo(expected);
    return expected.stream().anyMatch(r -> r.startsWith("-D["));
  }

  private StoredSessionWindowAggregateOperator storedOperator(Operator out, Counter late) {
    return storedOperator(Mode.CLOSE, out, late);
  }

  private StoredSessionWindowAggregateOperator storedOperator(Mode mode, Operator out, Counter late) {
    StoredSessionWindowAggregateOperator op = new StoredSessionWindowAggregateOperator(GAP, KEYS, KEY_COLUMNS, INPUT,
        AggregateCompiler.compile(AGGREGATES, true), OUTPUT, 64, out, late, dir, mode.emit, mode.lateness);
    if (mode.emit == Emit.EVERY) {
      op.emitEvery(EVERY);
    }
    return op;
  }

  /** The reference: the heap operator, never interrupted. */
  private static List<String> runOnHeap(Mode mode, List<ColumnarBatch> batches, Counter late) {
    Collector out = new Collector();
    SessionWindowAggregateOperator op = new SessionWindowAggregateOperator(GAP, KEYS, KEY_COLUMNS, INPUT,
        AggregateCompiler.compile(AGGREGATES), OUTPUT, 64, out, late);
    op.emit(mode.emit);
    if (mode.lateness > 0) {
      op.allowLateness(mode.lateness, null, INPUT, 64, new Counter(), new Counter());
    }
    if (mode.emit == Emit.EVERY) {
      op.emitEvery(EVERY);
    }
    for (int b = 0; b < batches.size(); b++) {
      op.process(batches.get(b));
      if (tick(b) >= 0) {
        op.onTimer(tick(b));
      }
    }
    op.onEndOfInput();
    return out.rows;
  }

  private static List<ColumnarBatch> randomBatches(Random rnd) {
    String[] words = {"a", "b", "abc", "zz", "é"};
    List<ColumnarBatch> batches = new ArrayList<>();
    long time = 0;
    long maxTime = 0;
    int keyRange = 1 + rnd.nextInt(40); // few keys: long sessions and many merges; many: short ones
    for (int b = 0; b < 150; b++) {
      ColumnarBatch in = new ColumnarBatch(INPUT, 64);
      int rows = 1 + rnd.nextInt(64);
      for (int r = 0; r < rows; r++) {
        in.beginRow();
        time += rnd.nextInt(rnd.nextInt(20) == 0 ? 60 : 4); // now and then a pause longer than the gap
        long t = Math.max(0, time - rnd.nextInt(70)); // out of order, sometimes late
        maxTime = Math.max(maxTime, t);
        in.setRowtime(r, t);
        in.setWatermark(r, maxTime - 30);
        if (rnd.nextInt(10) == 0) {
          in.setNull(0);
        } else {
          in.setString(0, words[rnd.nextInt(words.length)]);
        }
        in.setLong(1, rnd.nextInt(keyRange));
        if (rnd.nextInt(8) == 0) {
          in.setNull(2);
        } else {
          in.setInt(2, rnd.nextInt(2001) - 1000);
        }
        in.endRow();
      }
      batches.add(in);
    }
    return batches;
  }

  /** Rows of (k, g, x, rowtime) with one watermark. */
  private static ColumnarBatch batch(Object[][] rows, long watermark) {
    ColumnarBatch in = new ColumnarBatch(INPUT, rows.length);
    for (int r = 0; r < rows.length; r++) {
      in.beginRow();
      in.setRowtime(r, (Long) rows[r][3]);
      in.setWatermark(r, watermark);
      in.setString(0, (String) rows[r][0]);
      in.setLong(1, (Long) rows[r][1]);
      in.setInt(2, (Integer) rows[r][2]);
      in.endRow();
    }
    return in;
  }

  /** Keeps every row it is given, as text. */
  private static final class Collector implements Operator {
    final List<String> rows = new ArrayList<>();

    @Override
    public void process(ColumnarBatch batch) {
      for (int r = 0; r < batch.size(); r++) {
        Object[] cells = new Object[batch.schema().size()];
        for (int c = 0; c < cells.length; c++) {
          cells[c] = batch.isNull(r, c) ? null : batch.getObject(r, c);
        }
        RowKind kind = batch.rowKind(r);
        rows.add((kind == RowKind.INSERT ? "" : kind.shortName()) + Arrays.toString(cells) + " @" + batch.rowtime(r));
      }
    }

    @Override
    public void onWatermark(long watermark) {}

    @Override
    public void onEndOfInput() {}
  }
}
