package dev.laminar.runtime.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two-phase aggregation equals one operator folding the rows one by one: the same result rows in the
 * same order and the same late rows, whichever copy folds which event, also when rows carry watermarks
 * behind the stream's (a derived stream's rows may), so that some rows are late only by an earlier event's
 * watermark and the combiner, not the copy, must drop them.
 */
class PartialAggregatesTest {
  private static final Schema INPUT = Schema.builder().column("g", DataType.BIGINT, false).column("x", DataType.INT, true)
      .column("window_start", DataType.TIMESTAMP, false).build();
  private static final long SIZE = 100;
  private static final KeySource[] KEYS = {KeySource.WINDOW_START, KeySource.WINDOW_END};
  private static final int[] KEY_COLUMNS = {-1, -1};
  private static final AggregateSpec[] AGGREGATES = {
      new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*)"),
      new AggregateSpec(AggregateKind.SUM, 1, DataType.INT, DataType.BIGINT, "SUM(x)"),
      new AggregateSpec(AggregateKind.MAX, 1, DataType.INT, DataType.INT, "MAX(x)"),
      new AggregateSpec(AggregateKind.FIRST_VALUE, 0, DataType.BIGINT, DataType.BIGINT, "FIRST_VALUE(g)"),
      new AggregateSpec(AggregateKind.LAST_VALUE, 0, DataType.BIGINT, DataType.BIGINT, "LAST_VALUE(g)")};
  private static final Schema OUTPUT = Schema.builder().column("window_start", DataType.TIMESTAMP, false)
      .column("window_end", DataType.TIMESTAMP, false).column("n", DataType.BIGINT, false).column("s", DataType.BIGINT, true)
      .column("hi", DataType.INT, true).column("first", DataType.BIGINT, true).column("last", DataType.BIGINT, true).build();

  /** Records result rows as text, in order. */
  private static final class Collector implements Operator {
    final List<String> rows = new ArrayList<>();

    @Override
    public void process(ColumnarBatch batch) {
      for (int r = 0; r < batch.size(); r++) {
        rows.add(batch.toRow(r).toString());
      }
    }

    @Override
    public void onWatermark(long watermark) { }

    @Override
    public void onEndOfInput() { }
  }

  /** One event of the input: a batch of rows, or a watermark, or the end. */
  private record Event(ColumnarBatch rows, long watermark, boolean end) {}

  private static List<Event> randomInput(Random random) {
    List<Event> events = new ArrayList<>();
    long streamWatermark = 0;
    long g = 0;
    for (int e = 0; e < 300; e++) {
      if (random.nextInt(4) == 0) {
        streamWatermark += random.nextInt(40);
        events.add(new Event(null, streamWatermark, false));
        continue;
      }
      ColumnarBatch b = new ColumnarBatch(INPUT, 32);
      long rowWatermark = Math.max(0, streamWatermark - random.nextInt(60)); // behind the stream's: the combiner's case
      for (int i = 0; i < 1 + random.nextInt(20); i++) {
        long time = Math.max(0, streamWatermark + random.nextInt(200) - 80);
        rowWatermark += random.nextInt(3);
        b.beginRow();
        b.setLong(0, g++);
        if (random.nextInt(8) == 0) {
          b.setNull(1);
        } else {
          b.setInt(1, random.nextInt(1000));
        }
        b.setTimestampMillis(2, time - Math.floorMod(time, SIZE));
        b.setRowtime(b.size(), time);
        b.setWatermark(b.size(), rowWatermark);
        b.endRow();
      }
      events.add(new Event(b, 0, false));
    }
    events.add(new Event(null, 0, true));
    return events;
  }

  @Test
  void twoPhaseAggregationEqualsOneOperator() {
    assertTwoPhaseEqualsOneOperator("TUMBLE", PartialAggregates.Windows.tumble(SIZE, 2),
        (factory, out, late) -> new TumblingWindowAggregateOperator(SIZE, 2, KEYS, KEY_COLUMNS, INPUT, factory, OUTPUT, 64, out, late));
  }

  @Test
  void twoPhaseHopAndCumulateEqualOneOperator() {
    for (PaneWindowAggregateOperator.Shape shape : new PaneWindowAggregateOperator.Shape[] {
        PaneWindowAggregateOperator.Shape.HOP, PaneWindowAggregateOperator.Shape.CUMULATE}) {
      assertTwoPhaseEqualsOneOperator(shape.name(), PartialAggregates.Windows.panes(shape, SIZE / 4, SIZE),
          (factory, out, late) -> new PaneWindowAggregateOperator(shape, SIZE / 4, SIZE, KEYS, KEY_COLUMNS, INPUT, factory, OUTPUT, 64, out,
              late));
    }
  }

  /** Builds the aggregate under test (the one operator and the combiner's) with its factory, downstream and late-row counter. */
  private interface Aggregate {
    PartialAggregates.Target create(GroupAccumulatorFactory factory, Operator downstream, Counter late);
  }

  private static void assertTwoPhaseEqualsOneOperator(String what, PartialAggregates.Windows windows, Aggregate aggregate) {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      List<Event> input = randomInput(random);
      GroupAccumulatorFactory factory = AggregateCompiler.compile(AGGREGATES);

      Collector expected = new Collector();
      Counter expectedLate = new Counter();
      PartialAggregates.Target single = aggregate.create(factory, expected, expectedLate);
      for (Event e : input) {
        if (e.rows() != null) {
          single.process(e.rows());
        } else if (e.end()) {
          single.onEndOfInput();
        } else {
          single.onWatermark(e.watermark());
        }
      }

      Collector actual = new Collector();
      Counter actualLate = new Counter();
      PartialAggregates.Target combined = aggregate.create(factory, actual, actualLate);
      PartialAggregates.Producer[] copies = new PartialAggregates.Producer[3];
      for (int c = 0; c < copies.length; c++) {
        copies[c] = new PartialAggregates.Producer(windows, factory, 4, () -> true, () -> 0, () -> { });
      }
      List<Long> barriers = new ArrayList<>();
      PartialAggregates.Combiner combiner = new PartialAggregates.Combiner(copies, combined, barriers::add, e -> {
        throw new AssertionError(e);
      });
      long sequence = 0;
      for (Event e : input) {
        PartialAggregates.Producer copy = copies[random.nextInt(copies.length)];
        copy.beginEvent(sequence++);
        if (e.rows() != null) {
          copy.process(e.rows());
        } else if (e.end()) {
          copy.onEndOfInput();
        } else {
          copy.onWatermark(e.watermark());
        }
        copy.endEvent();
        if (random.nextInt(3) == 0) {
          combiner.drain(); // the combiner lags behind the copies at random (each holds at most 4 events)
        }
        if (random.nextInt(50) == 0) {
          PartialAggregates.Producer other = copies[random.nextInt(copies.length)];
          other.beginEvent(sequence++);
          other.onBarrier(sequence);
          other.endEvent();
        }
        while (copies[0].depth() + copies[1].depth() + copies[2].depth() >= 3) {
          combiner.drain();
        }
      }
      while (combiner.drain() > 0) {
        // the rest
      }
      assertThat(combiner.eventsTaken()).isEqualTo(sequence);
      assertThat(actual.rows).as("%s, seed %d", what, seed).isNotEmpty().isEqualTo(expected.rows);
      assertThat(actualLate.get()).as("%s, late rows, seed %d", what, seed).isPositive().isEqualTo(expectedLate.get());
      assertThat(barriers).as("seed %d", seed).allMatch(id -> id > 0);
    }
  }
  /**
   * Over the shards of a keyed stage ({@link PartialAggregates.Combiner#overShards}): every shard takes every event, with
   * the rows of its keys in their order, and the combiner applies event e from every shard before e + 1. With the rows'
   * watermarks rising within each event (a keyed window operator emits window by window, each row with {@code
   * window_end - 1}), the result and the late rows equal one operator fed the whole event, for aggregates that do not
   * depend on the order across keys.
   */
  @Test
  void overShardsEachEventFromEveryShardEqualsOneOperator() {
    AggregateSpec[] unordered = java.util.Arrays.copyOf(AGGREGATES, 3);
    Schema output = Schema.builder().column("window_start", DataType.TIMESTAMP, false).column("window_end", DataType.TIMESTAMP, false)
        .column("n", DataType.BIGINT, false).column("s", DataType.BIGINT, true).column("hi", DataType.INT, true).build();
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      int shards = 2 + random.nextInt(2);
      GroupAccumulatorFactory factory = AggregateCompiler.compile(unordered);
      Collector expected = new Collector();
      Counter expectedLate = new Counter();
      TumblingWindowAggregateOperator single = new TumblingWindowAggregateOperator(SIZE, 2, KEYS, KEY_COLUMNS, INPUT, factory, output, 64,
          expected, expectedLate);
      Collector actual = new Collector();
      Counter actualLate = new Counter();
      TumblingWindowAggregateOperator combined = new TumblingWindowAggregateOperator(SIZE, 2, KEYS, KEY_COLUMNS, INPUT, factory, output, 64,
          actual, actualLate);
      PartialAggregates.Producer[] stages = new PartialAggregates.Producer[shards];
      for (int k = 0; k < shards; k++) {
        stages[k] = new PartialAggregates.Producer(PartialAggregates.Windows.tumble(SIZE, 2), factory, 4, () -> true, () -> 0, () -> { });
      }
      List<Long> barriers = new ArrayList<>();
      PartialAggregates.Combiner combiner = PartialAggregates.Combiner.overShards(stages, combined, barriers::add, e -> {
        throw new AssertionError(e);
      });
      long watermark = 0;
      long sequence = 0;
      for (int e = 0; e < 300; e++) {
        ColumnarBatch whole = null;
        ColumnarBatch[] parts = new ColumnarBatch[shards];
        boolean barrier = e < 299 && random.nextInt(40) == 0; // a barrier event has nothing else
        if (!barrier && random.nextInt(4) == 0) {
          watermark += random.nextInt(60);
        } else if (!barrier) {
          whole = new ColumnarBatch(INPUT, 64);
          for (int k = 0; k < shards; k++) {
            parts[k] = new ColumnarBatch(INPUT, 64);
          }
          long rowWatermark = watermark;
          for (int i = 0; i < 1 + random.nextInt(40); i++) {
            rowWatermark += random.nextInt(4) == 0 ? random.nextInt(70) : 0; // rising row by row, crossing window ends at times
            long time = Math.max(0, rowWatermark + random.nextInt(150) - 60); // some rows late
            long g = random.nextInt(12);
            int x = random.nextInt(1000);
            for (ColumnarBatch b : new ColumnarBatch[] {whole, parts[(int) (g % shards)]}) {
              b.beginRow();
              b.setLong(0, g);
              b.setInt(1, x);
              b.setTimestampMillis(2, time - Math.floorMod(time, SIZE));
              b.setRowtime(b.size(), time);
              b.setWatermark(b.size(), rowWatermark);
              b.endRow();
            }
          }
          watermark = Math.max(watermark, rowWatermark - random.nextInt(20));
        }
        boolean end = e == 299;
        if (whole != null) {
          single.process(whole);
        }
        if (end) {
          single.onEndOfInput();
        } else if (whole == null && !barrier) {
          single.onWatermark(watermark);
        }
        for (int k = 0; k < shards; k++) { // the shards fold the event in any order
          PartialAggregates.Producer stage = stages[(k + e) % shards];
          stage.beginEvent(sequence);
          if (barrier) {
            stage.onBarrier(sequence);
          } else if (whole != null) {
            stage.process(parts[(k + e) % shards]);
          }
          if (end) {
            stage.onEndOfInput();
          } else if (whole == null && !barrier) {
            stage.onWatermark(watermark);
          }
          stage.endEvent();
          if (random.nextInt(3) == 0) {
            combiner.drain(); // behind at random: it waits for the event from every shard
          }
        }
        sequence++;
        while (java.util.Arrays.stream(stages).anyMatch(st -> st.depth() >= 3)) {
          combiner.drain(); // each holds at most 4 events
        }
      }
      while (combiner.drain() > 0) {
        // the rest
      }
      assertThat(combiner.eventsTaken()).isEqualTo(sequence);
      assertThat(actual.rows).as("seed %d", seed).isNotEmpty().isEqualTo(expected.rows);
      assertThat(actualLate.get()).as("late rows, seed %d", seed).isPositive().isEqualTo(expectedLate.get());
      assertThat(barriers).as("each barrier once, after every shard took it").doesNotHaveDuplicates();
    }
  }
}
