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
}
