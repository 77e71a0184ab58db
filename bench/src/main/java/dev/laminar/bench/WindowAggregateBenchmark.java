package dev.laminar.bench;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.aggregate.AggregateKind;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.StoredTumblingWindowAggregateOperator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.state.ScratchSpace;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The tumbling-window OHLC aggregation operator alone, per event: GROUP BY symbol, window_start,
 * window_end with FIRST_VALUE/MAX/MIN/LAST_VALUE(price), SUM(qty), COUNT(*), fed batches of
 * {@value #BATCH} rows of the {@link OhlcWorkload} (100 symbols, 10 events per ms, so a window
 * closes and emits 100 bars every 10,000 events). Each invocation re-stamps one batch's event
 * times (four long stores per row) so that time keeps advancing, then processes it.
 *
 * <p>Run: {@code java -jar bench/target/laminar-bench.jar WindowAggregate -prof gc} ({@code gc.alloc.rate.norm}
 * is bytes per event; the part that remains comes from opening a window's 100 groups). {@code calls=distinct} runs
 * COUNT(DISTINCT) and APPROX_COUNT_DISTINCT instead of the OHLC calls: the batch repeats, so a symbol sees the
 * same ten or so quantities and prices in every batch; its set and registers fill in a window's first batch, and
 * later rows find their members (the steady state of a set whose values recur).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class WindowAggregateBenchmark {
  static final int BATCH = 1024;
  private static final int SYMBOL = 0;
  private static final int PRICE = 1;
  private static final int QTY = 2;
  private static final int TS = 3;
  private static final int WINDOW_START = 4;

  private ColumnarBatch batch;
  /** Where group states live: {@code heap} (TumblingWindowAggregateOperator) or {@code off-heap} (the state store). */
  @Param({"heap", "off-heap"})
  public String state;

  /**
   * The aggregate calls: {@code ohlc} (FIRST/MAX/MIN/LAST of the price, SUM of the quantity, COUNT), or {@code distinct}
   * (COUNT(DISTINCT qty), APPROX_COUNT_DISTINCT(price), COUNT: sets and HyperLogLog registers per group).
   */
  @Param({"ohlc", "distinct"})
  public String calls;

  private dev.laminar.runtime.Operator operator;
  private long nextEvent;

  @Setup
  public void setUp(Blackhole bh) {
    Schema input = Schema.builder()
        .column("symbol", DataType.VARCHAR, false)
        .column("price", DataType.DOUBLE, false)
        .column("qty", DataType.BIGINT, false)
        .column("ts", DataType.TIMESTAMP, false)
        .column("window_start", DataType.TIMESTAMP, false)
        .column("window_end", DataType.TIMESTAMP, false)
        .build();
    Schema output = calls.equals("distinct") ? Schema.builder()
        .column("symbol", DataType.VARCHAR, false)
        .column("window_start", DataType.TIMESTAMP, false)
        .column("window_end", DataType.TIMESTAMP, false)
        .column("quantities", DataType.BIGINT, false)
        .column("prices", DataType.BIGINT, false)
        .column("trades", DataType.BIGINT, false)
        .build() : Schema.builder()
        .column("symbol", DataType.VARCHAR, false)
        .column("window_start", DataType.TIMESTAMP, false)
        .column("window_end", DataType.TIMESTAMP, false)
        .column("open", DataType.DOUBLE)
        .column("high", DataType.DOUBLE)
        .column("low", DataType.DOUBLE)
        .column("close", DataType.DOUBLE)
        .column("volume", DataType.BIGINT)
        .column("trades", DataType.BIGINT, false)
        .build();
    AggregateSpec[] aggregates = {
        new AggregateSpec(AggregateKind.FIRST_VALUE, PRICE, DataType.DOUBLE, DataType.DOUBLE, "open"),
        new AggregateSpec(AggregateKind.MAX, PRICE, DataType.DOUBLE, DataType.DOUBLE, "high"),
        new AggregateSpec(AggregateKind.MIN, PRICE, DataType.DOUBLE, DataType.DOUBLE, "low"),
        new AggregateSpec(AggregateKind.LAST_VALUE, PRICE, DataType.DOUBLE, DataType.DOUBLE, "close"),
        new AggregateSpec(AggregateKind.SUM, QTY, DataType.BIGINT, DataType.BIGINT, "volume"),
        new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "trades")};
    if (calls.equals("distinct")) {
      aggregates = new AggregateSpec[] {
          new AggregateSpec(AggregateKind.COUNT_DISTINCT, QTY, DataType.BIGINT, DataType.BIGINT, "quantities"),
          new AggregateSpec(AggregateKind.APPROX_COUNT_DISTINCT, PRICE, DataType.DOUBLE, DataType.BIGINT, "prices"),
          new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "trades")};
    }
    KeySource[] keys = {KeySource.COLUMN, KeySource.WINDOW_START, KeySource.WINDOW_END};
    int[] keyColumns = {SYMBOL, -1, -1};
    if (state.equals("off-heap")) {
      operator = new StoredTumblingWindowAggregateOperator(OhlcWorkload.WINDOW_MILLIS, WINDOW_START, keys, keyColumns, input,
          AggregateCompiler.create(aggregates, true), output, BATCH, new BlackholeOperator(bh), new Counter(), ScratchSpace.folder());
    } else {
      operator = new TumblingWindowAggregateOperator(OhlcWorkload.WINDOW_MILLIS, WINDOW_START, keys, keyColumns,
          input, AggregateCompiler.create(aggregates), output, BATCH, new BlackholeOperator(bh), new Counter());
    }
    batch = new ColumnarBatch(input, BATCH);
    for (int r = 0; r < BATCH; r++) {
      batch.beginRow();
      batch.setString(SYMBOL, "SYM" + (r % OhlcWorkload.SYMBOLS));
      batch.setDouble(PRICE, 100.0 + ((r * 7919L) % 1000) / 100.0);
      batch.setLong(QTY, 1 + r % 500);
      batch.setTimestampMillis(TS, 0);
      batch.setTimestampMillis(WINDOW_START, 0);
      batch.setTimestampMillis(WINDOW_START + 1, 0);
      batch.endRow();
    }
    nextEvent = 0;
  }

  @TearDown
  public void tearDown() {
    if (operator instanceof StoredTumblingWindowAggregateOperator stored) {
      stored.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void ohlcPerEvent() {
    final ColumnarBatch b = batch;
    final long first = nextEvent;
    for (int r = 0; r < BATCH; r++) {
      long ts = OhlcWorkload.eventTime(first + r);
      long start = ts - Math.floorMod(ts, OhlcWorkload.WINDOW_MILLIS);
      b.putLong(r, TS, ts);
      b.putLong(r, WINDOW_START, start);
      b.setRowtime(r, ts);
      b.setWatermark(r, ts - OhlcWorkload.WATERMARK_DELAY_MILLIS);
    }
    nextEvent = first + BATCH;
    operator.process(b);
  }
}
