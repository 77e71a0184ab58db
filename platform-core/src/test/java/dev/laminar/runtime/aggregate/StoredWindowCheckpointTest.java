package dev.laminar.runtime.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.runtime.StoreChains;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.codegen.AggregateCompiler;
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
 * The off-heap TUMBLE, HOP and CUMULATE operators against the heap ones, differentially: the same random rows (VARCHAR keys with
 * NULLs, BIGINT keys, out-of-order event times, late rows) through the heap operator without interruption and
 * through the store-backed one that is checkpointed at random batch boundaries — each store captured in full
 * the first time, incrementally afterwards, chains compacted now and then — and restarted from its latest
 * checkpoint (a fresh operator, heap part restored, stores restored from their chains), replaying the batches
 * after that checkpoint and discarding the output produced since (as a sink aborts an undecided epoch). The
 * results must be equal row by row, in order. The seed is in the failure message.
 */
class StoredWindowCheckpointTest {
  private static final Schema INPUT = Schema.builder().column("k", DataType.VARCHAR, true).column("g", DataType.BIGINT, false)
      .column("x", DataType.INT, true).column("window_start", DataType.TIMESTAMP, false).build();
  private static final long SIZE = 100;
  private static final KeySource[] KEYS = {KeySource.COLUMN, KeySource.COLUMN, KeySource.WINDOW_START, KeySource.WINDOW_END};
  private static final int[] KEY_COLUMNS = {0, 1, -1, -1};
  private static final AggregateSpec[] AGGREGATES = {
      new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*)"),
      new AggregateSpec(AggregateKind.SUM, 2, DataType.INT, DataType.BIGINT, "SUM(x)"),
      new AggregateSpec(AggregateKind.MIN, 2, DataType.INT, DataType.INT, "MIN(x)"),
      new AggregateSpec(AggregateKind.MAX, 2, DataType.INT, DataType.INT, "MAX(x)"),
      new AggregateSpec(AggregateKind.AVG, 2, DataType.INT, DataType.DOUBLE, "AVG(x)"),
      new AggregateSpec(AggregateKind.FIRST_VALUE, 1, DataType.BIGINT, DataType.BIGINT, "FIRST_VALUE(g)"),
      new AggregateSpec(AggregateKind.LAST_VALUE, 1, DataType.BIGINT, DataType.BIGINT, "LAST_VALUE(g)"),
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
      .column("hi", DataType.INT, true).column("avg", DataType.DOUBLE, true).column("first", DataType.BIGINT, true)
      .column("last", DataType.BIGINT, true).column("nk", DataType.BIGINT, false)
      .column("lo_k", DataType.VARCHAR, true).column("hi_k", DataType.VARCHAR, true).column("last_k", DataType.VARCHAR, true)
      .column("dx", DataType.BIGINT, false).column("dk", DataType.BIGINT, false).column("ax", DataType.BIGINT, false)
      .column("ak", DataType.BIGINT, false).column("counting", DataType.VARCHAR, true).build();

  @TempDir
  Path dir;

  @Test
  void aggregateStateIsFixedSizeAndTheStoreOperatorIsChosenForIt() {
    GroupAccumulatorFactory factory = AggregateCompiler.compile(AGGREGATES, true);
    assertThat(factory.slotBytes()).as("COUNT, SUM, MIN, MAX, AVG, FIRST/LAST, distinct counts: fixed-size state").isPositive();
    assertThat(AggregateCompiler.compile(AGGREGATES).slotBytes()).as("the heap form embeds the distinct counts' accumulators").isEqualTo(-1);
    assertThat(factory.create()).isInstanceOf(SlotAccumulator.class);
    assertThat(StoredTumblingWindowAggregateOperator.supports(KEYS, KEY_COLUMNS, INPUT, factory.slotBytes())).isTrue();
    AggregateSpec[] decimalSum = {new AggregateSpec(AggregateKind.SUM, 2, DataType.decimal(10, 2), DataType.decimal(38, 2), "SUM(p)")};
    assertThat(AggregateCompiler.compile(decimalSum).slotBytes()).as("a compact DECIMAL sum is 128 bits in two longs").isPositive();
    AggregateSpec[] wideSum = {new AggregateSpec(AggregateKind.SUM, 2, DataType.decimal(30, 2), DataType.decimal(38, 2), "SUM(w)")};
    assertThat(AggregateCompiler.compile(wideSum).slotBytes()).as("a wide DECIMAL sum: its BigDecimal as a dictionary id").isPositive();
    assertThat(AggregateCompiler.compile(wideSum).slotObjectWords()).hasSize(1);
    assertThat(factory.slotObjectWords()).as("MIN, MAX and LAST_VALUE of k").hasSize(3);
    assertThat(factory.slotSetWords()).as("with the serializable plugin call's accumulator handle").hasSize(15);
    AggregateSpec[] opaque = {AGGREGATES[0], AGGREGATES[11], CountingPluginFunction.call(2, false)};
    assertThat(AggregateCompiler.compile(opaque, true).slotBytes()).as("a plugin accumulator without a serializer: heap").isEqualTo(-1);
  }

  @Test
  void theRowPathAllocatesNothingOnceTheWindowAndItsGroupsExist() {
    StoredTumblingWindowAggregateOperator op = storedOperator(new Collector());
    ColumnarBatch in = new ColumnarBatch(INPUT, 64);
    for (int r = 0; r < 64; r++) { // string and numeric keys, NULLs, all in window [0, 100)
      in.beginRow();
      in.setRowtime(r, 10);
      in.setWatermark(r, 0);
      if (r % 9 == 0) {
        in.setNull(0);
      } else {
        in.setString(0, "k" + (r % 7));
      }
      in.setLong(1, r % 5);
      in.setInt(2, r);
      in.setTimestampMillis(3, 0);
      in.endRow();
    }
    for (int i = 0; i < 2_000; i++) { // warm up: groups created, code compiled
      op.process(in);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1_000; i++) {
      op.process(in);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    op.close();
    assertThat(allocated).as("bytes allocated by %d rows into existing groups", 1_000 * in.size()).isZero();
  }

  /** The window shapes with an off-heap operator, each as its heap reference and its store-backed form. */
  enum Shape {
    TUMBLE, HOP, CUMULATE,
    /** The heap TUMBLE operator itself (allowed lateness, a changelog): its groups are checkpointed through its HeapStateJournal. */
    HEAP_TUMBLE_CHANGES,
    /** The heap HOP operator itself, the same way. */
    HEAP_HOP_CHANGES,
    /** The heap SESSION operator itself, the same way (its sessions are the journal's entries). */
    HEAP_SESSION_CHANGES,
    /** TUMBLE EMIT CHANGES with allowed lateness: the off-heap form against the heap one. */
    TUMBLE_CHANGES,
    /** TUMBLE EMIT ON UPDATE (an upsert stream) with allowed lateness. */
    TUMBLE_ON_UPDATE,
    /** TUMBLE EMIT ON WINDOW CLOSE with allowed lateness: late rows re-emit corrected windows. */
    TUMBLE_CLOSE_LATENESS,
    /** TUMBLE EMIT EVERY (timer ticks between some batches) with allowed lateness. */
    TUMBLE_EVERY,
    /** HOP EMIT CHANGES with allowed lateness. */
    HOP_CHANGES,
    /** CUMULATE EMIT ON UPDATE with allowed lateness. */
    CUMULATE_ON_UPDATE,
    /** HOP EMIT ON WINDOW CLOSE with allowed lateness. */
    HOP_CLOSE_LATENESS,
    /** CUMULATE EMIT EVERY with allowed lateness. */
    CUMULATE_EVERY;

    Operator heap(Operator out) {
      return switch (this) {
        case HEAP_TUMBLE_CHANGES -> heapTumbleChanges(out);
        case HEAP_HOP_CHANGES -> heapHopChanges(out);
        case HEAP_SESSION_CHANGES -> heapSessionChanges(out);
        case TUMBLE -> new TumblingWindowAggregateOperator(SIZE, 3, KEYS, KEY_COLUMNS, INPUT, AggregateCompiler.compile(AGGREGATES), OUTPUT,
            64, out, new Counter());
        case HOP, CUMULATE -> new PaneWindowAggregateOperator(paneShape(), PANE, SIZE, KEYS, KEY_COLUMNS, INPUT,
            AggregateCompiler.compile(AGGREGATES), OUTPUT, 64, out, new Counter());
        case TUMBLE_CHANGES, TUMBLE_ON_UPDATE, TUMBLE_CLOSE_LATENESS, TUMBLE_EVERY -> {
          TumblingWindowAggregateOperator op = new TumblingWindowAggregateOperator(SIZE, 3, KEYS, KEY_COLUMNS, INPUT,
              AggregateCompiler.compile(AGGREGATES), OUTPUT, 64, out, new Counter(), emitMode());
          op.allowLateness(30, null, INPUT, 64, new Counter(), new Counter());
          if (this == TUMBLE_EVERY) {
            op.emitEvery(EVERY);
          }
          yield op;
        }
        case HOP_CHANGES, CUMULATE_ON_UPDATE, HOP_CLOSE_LATENESS, CUMULATE_EVERY -> {
          PaneWindowAggregateOperator op = new PaneWindowAggregateOperator(paneShape(), PANE, SIZE, KEYS, KEY_COLUMNS, INPUT,
              AggregateCompiler.compile(AGGREGATES), OUTPUT, 64, out, new Counter());
          op.emit(emitMode());
          op.allowLateness(30, null, INPUT, 64, new Counter(), new Counter());
          if (this == CUMULATE_EVERY) {
            op.emitEvery(EVERY);
          }
          yield op;
        }
      };
    }

    /**
     * An off-heap form that keeps the results it emitted: checkpoints come more often, so that some fall between a
     * window's close and its later changes (a result remembered but not captured would be found missing on restore).
     */
    boolean changesOffHeap() {
      return this.ordinal() >= TUMBLE_CHANGES.ordinal();
    }

    TumblingWindowAggregateOperator.Emit emitMode() {
      return switch (this) {
        case TUMBLE_CHANGES, HOP_CHANGES -> TumblingWindowAggregateOperator.Emit.CHANGES;
        case TUMBLE_ON_UPDATE, CUMULATE_ON_UPDATE -> TumblingWindowAggregateOperator.Emit.ON_UPDATE;
        case TUMBLE_EVERY, CUMULATE_EVERY -> TumblingWindowAggregateOperator.Emit.EVERY;
        default -> TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;
      };
    }

    private static TumblingWindowAggregateOperator heapTumbleChanges(Operator out) {
      TumblingWindowAggregateOperator op = new TumblingWindowAggregateOperator(SIZE, 3, KEYS, KEY_COLUMNS, INPUT,
          AggregateCompiler.compile(AGGREGATES), OUTPUT, 64, out, new Counter(), TumblingWindowAggregateOperator.Emit.CHANGES);
      op.allowLateness(30, null, INPUT, 64, new Counter(), new Counter());
      return op;
    }

    private static PaneWindowAggregateOperator heapHopChanges(Operator out) {
      PaneWindowAggregateOperator op = new PaneWindowAggregateOperator(PaneWindowAggregateOperator.Shape.HOP, PANE, SIZE, KEYS, KEY_COLUMNS,
          INPUT, AggregateCompiler.compile(AGGREGATES), OUTPUT, 64, out, new Counter());
      op.emit(TumblingWindowAggregateOperator.Emit.CHANGES);
      op.allowLateness(30, null, INPUT, 64, new Counter(), new Counter());
      return op;
    }

    private static SessionWindowAggregateOperator heapSessionChanges(Operator out) {
      SessionWindowAggregateOperator op = new SessionWindowAggregateOperator(7, KEYS, KEY_COLUMNS, INPUT, AggregateCompiler.compile(AGGREGATES),
          OUTPUT, 64, out, new Counter());
      op.emit(TumblingWindowAggregateOperator.Emit.CHANGES);
      op.allowLateness(30, null, INPUT, 64, new Counter(), new Counter());
      return op;
    }

    StoreBacked stored(Operator out, Path dir) {
      return switch (this) {
        case HEAP_TUMBLE_CHANGES -> heapTumbleChanges(out);
        case HEAP_HOP_CHANGES -> heapHopChanges(out);
        case HEAP_SESSION_CHANGES -> heapSessionChanges(out);
        case TUMBLE -> new StoredTumblingWindowAggregateOperator(SIZE, 3, KEYS, KEY_COLUMNS, INPUT, AggregateCompiler.compile(AGGREGATES, true),
            OUTPUT, 64, out, new Counter(), dir);
        case HOP, CUMULATE -> new StoredPaneWindowAggregateOperator(paneShape(), PANE, SIZE, KEYS, KEY_COLUMNS, INPUT,
            AggregateCompiler.compile(AGGREGATES, true), OUTPUT, 64, out, new Counter(), dir);
        case TUMBLE_CHANGES, TUMBLE_ON_UPDATE, TUMBLE_CLOSE_LATENESS, TUMBLE_EVERY -> storedTumble(out, dir);
        case HOP_CHANGES, CUMULATE_ON_UPDATE, HOP_CLOSE_LATENESS, CUMULATE_EVERY -> {
          StoredPaneWindowAggregateOperator op = new StoredPaneWindowAggregateOperator(paneShape(), PANE, SIZE, KEYS, KEY_COLUMNS, INPUT,
              AggregateCompiler.compile(AGGREGATES, true), OUTPUT, 64, out, new Counter(), dir, emitMode(), 30);
          if (this == CUMULATE_EVERY) {
            op.emitEvery(EVERY);
          }
          yield op;
        }
      };
    }

    StoredTumblingWindowAggregateOperator storedTumble(Operator out, Path dir) {
      StoredTumblingWindowAggregateOperator op = new StoredTumblingWindowAggregateOperator(SIZE, 3, KEYS, KEY_COLUMNS, INPUT,
          AggregateCompiler.compile(AGGREGATES, true), OUTPUT, 64, out, new Counter(), dir, emitMode(), 30);
      if (this == TUMBLE_EVERY) {
        op.emitEvery(EVERY);
      }
      return op;
    }

    private PaneWindowAggregateOperator.Shape paneShape() {
      return this == HOP || this == HOP_CHANGES || this == HOP_CLOSE_LATENESS ? PaneWindowAggregateOperator.Shape.HOP
          : PaneWindowAggregateOperator.Shape.CUMULATE;
    }
  }

  private static final long PANE = 25;
  /** EMIT EVERY's interval; the tests tick the timer with made-up clock values, some of them less than this apart. */
  private static final long EVERY = 10;

  /** The made-up clock of the timer tick after batch {@code b} (some batches have none, some ticks come too soon). */
  private static long tick(int b) {
    return b % 3 == 2 ? -1 : b * 7L;
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void restartsFromIncrementalChainsGiveTheUninterruptedResults(Shape shape) throws Exception {
    for (int round = 0, rounds = shape.changesOffHeap() ? 3 : 2; round < rounds; round++) { // random seeds: each run covers others
      long seed = new Random().nextLong();
      runDifferential(shape, seed);
    }
  }

  private void runDifferential(Shape shape, long seed) throws Exception {
    Random rnd = new Random(seed);
    List<ColumnarBatch> batches = randomBatches(rnd);
    List<String> expected = runOnHeap(shape, batches);
    assertThat(expected).as("%s seed %d: windows emitted", shape, seed).hasSizeGreaterThan(100);
    if (shape.changesOffHeap()) {
      String update = shape.emitMode() == TumblingWindowAggregateOperator.Emit.ON_UPDATE ? "+U[" : "-U[";
      assertThat(expected).as("%s seed %d: results changed after they went out", shape, seed).anyMatch(r -> r.startsWith(update));
    }

    Collector out = new Collector();
    StoreBacked op = shape.stored(out, dir);
    StoreChains chains = new StoreChains(dir);
    int checkpointBatch = 0;
    int committedRows = 0;
    int checkpoints = 0;
    int restarts = 0;
    int incrementals = 0;
    for (int b = 0; b < batches.size(); b++) {
      ((Operator) op).process(batches.get(b));
      if (tick(b) >= 0 && op instanceof dev.laminar.runtime.Timer timer) {
        timer.onTimer(tick(b));
      }
      if (rnd.nextInt(shape.changesOffHeap() ? 2 : 4) == 0) { // a checkpoint after this batch
        incrementals += chains.checkpoint(op);
        checkpoints++;
        checkpointBatch = b + 1;
        committedRows = out.rows.size();
        if (rnd.nextInt(3) == 0) {
          chains.compact();
        }
      } else if (chains.any() && (rnd.nextInt(8) == 0 || restarts == 0 && b >= batches.size() / 2)) {
        // a crash: back to the last checkpoint (at random, and at least once: a seed without one checked nothing)
        ((AutoCloseable) op).close();
        out.rows.subList(committedRows, out.rows.size()).clear();
        op = shape.stored(out, dir);
        chains.restore(op);
        b = checkpointBatch - 1;
        restarts++;
      }
    }
    ((Operator) op).onEndOfInput();
    int dictionary = switch (op) {
      case StoredTumblingWindowAggregateOperator t -> t.dictionarySize();
      case StoredPaneWindowAggregateOperator p -> p.dictionarySize();
      default -> 0;
    };
    assertThat(dictionary).as("%s seed %d: no string left referenced once every window is gone", shape, seed).isZero();
    long sets = switch (op) {
      case StoredTumblingWindowAggregateOperator t -> t.setCount();
      case StoredPaneWindowAggregateOperator p -> p.setCount();
      default -> 0;
    };
    assertThat(sets).as("%s seed %d: no distinct-count set left once every window is gone", shape, seed).isZero();
    ((AutoCloseable) op).close();
    assertThat(restarts).as("%s seed %d: the run restarted", shape, seed).isPositive();
    assertThat(incrementals).as("%s seed %d: some chains had deltas", shape, seed).isPositive();
    assertThat(out.rows).as("%s seed %d: results after %d restarts from %d checkpoints", shape, seed, restarts, checkpoints)
        .isEqualTo(expected);
  }

  /**
   * A window fired after its store's first (full) capture; the next checkpoint is incremental and must carry the
   * results remembered at the close, so that a late row after a restart from it retracts the old result.
   */
  @Test
  void aResultRememberedAtCloseSurvivesAnIncrementalCheckpoint() throws Exception {
    Collector out = new Collector();
    StoreChains chains = new StoreChains(dir);
    StoredTumblingWindowAggregateOperator op = Shape.TUMBLE_CLOSE_LATENESS.storedTumble(out, dir);
    op.process(rows(new long[] {10, 20}, 0));
    assertThat(chains.checkpoint(op)).as("first capture of the window's store").isZero();
    op.onWatermark(100); // the window [0, 100) fires: +I, remembered for later changes
    assertThat(out.rows).hasSize(1).allMatch(r -> r.startsWith("+I[a, 1, 1970-01-01T00:00, 1970-01-01T00:00:00.100, 2, 30, 10, 20, 15.0, 1, 1, 2, a, a, a, 2, 1, 2, 1, 2:30]"));
    assertThat(chains.checkpoint(op)).as("an incremental capture after the close").isPositive();
    op.close();

    op = Shape.TUMBLE_CLOSE_LATENESS.storedTumble(out, dir);
    chains.restore(op);
    op.process(rows(new long[] {5}, 100)); // late, within the allowed lateness of 30 ms
    op.close();
    assertThat(out.rows).hasSize(3);
    assertThat(out.rows.get(1)).startsWith("-U[a, 1, 1970-01-01T00:00, 1970-01-01T00:00:00.100, 2, 30, 10, 20, 15.0, 1, 1, 2, a, a, a, 2, 1, 2, 1, 2:30]");
    assertThat(out.rows.get(2)).startsWith("+U[a, 1, 1970-01-01T00:00, 1970-01-01T00:00:00.100, 3, 35, 5, 20, 11.666666666666666, 1, 1, 3, a, a, a, 3, 1, 3, 1, 3:35]");
  }

  /**
   * A checkpoint taken by the heap form of an aggregate (an earlier build, or {@code laminar.state.store=false}) does not
   * restore silently into the store-backed form, which would find none of its stores and start empty.
   */
  @Test
  void aCheckpointOfTheHeapFormIsRefusedByTheStoreBackedForm() throws Exception {
    StoreChains chains = new StoreChains(dir);
    Operator heap = Shape.HEAP_TUMBLE_CHANGES.heap(new Collector());
    heap.process(rows(new long[] {10, 20}, 0));
    chains.checkpoint((StoreBacked) heap);
    StoredTumblingWindowAggregateOperator stored = Shape.TUMBLE_CHANGES.storedTumble(new Collector(), dir);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> chains.restore(stored)).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("store 'groups'").hasMessageContaining("other form");
    stored.close();
  }

  /** Rows of group ('a', 1) with x = event time, at times {@code times}, all at watermark {@code wm}. */
  private static ColumnarBatch rows(long[] times, long wm) {
    ColumnarBatch in = new ColumnarBatch(INPUT, times.length);
    for (int r = 0; r < times.length; r++) {
      in.beginRow();
      in.setRowtime(r, times[r]);
      in.setWatermark(r, wm);
      in.setString(0, "a");
      in.setLong(1, 1);
      in.setInt(2, (int) times[r]);
      in.setTimestampMillis(3, Math.floorDiv(times[r], SIZE) * SIZE);
      in.endRow();
    }
    return in;
  }

  private StoredTumblingWindowAggregateOperator storedOperator(Operator out) {
    return new StoredTumblingWindowAggregateOperator(SIZE, 3, KEYS, KEY_COLUMNS, INPUT, AggregateCompiler.compile(AGGREGATES, true), OUTPUT, 64,
        out, new Counter(), dir);
  }

  /** The reference: the heap operator, never interrupted. */
  private static List<String> runOnHeap(Shape shape, List<ColumnarBatch> batches) {
    Collector out = new Collector();
    Operator op = shape.heap(out);
    for (int b = 0; b < batches.size(); b++) {
      op.process(batches.get(b));
      if (tick(b) >= 0 && op instanceof dev.laminar.runtime.Timer timer) {
        timer.onTimer(tick(b));
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
    for (int b = 0; b < 120; b++) {
      ColumnarBatch in = new ColumnarBatch(INPUT, 64);
      int rows = 1 + rnd.nextInt(64);
      for (int r = 0; r < rows; r++) {
        in.beginRow();
        time += rnd.nextInt(5);
        long t = Math.max(0, time - rnd.nextInt(60)); // out of order, sometimes late
        maxTime = Math.max(maxTime, t);
        in.setRowtime(r, t);
        in.setWatermark(r, maxTime - 40);
        if (rnd.nextInt(10) == 0) {
          in.setNull(0);
        } else {
          in.setString(0, words[rnd.nextInt(words.length)]);
        }
        in.setLong(1, rnd.nextInt(rnd.nextBoolean() ? 3 : 200));
        if (rnd.nextInt(8) == 0) {
          in.setNull(2);
        } else {
          in.setInt(2, rnd.nextInt(2001) - 1000);
        }
        in.setTimestampMillis(3, Math.floorDiv(t, SIZE) * SIZE);
        in.endRow();
      }
      batches.add(in);
    }
    return batches;
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
        rows.add(batch.rowKind(r).shortName() + Arrays.toString(cells) + " @" + batch.rowtime(r) + " wm " + batch.watermark(r));
      }
    }

    @Override
    public void onWatermark(long watermark) {}

    @Override
    public void onEndOfInput() {}
  }
}
