package dev.laminar.bench;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.TumbleAssignOperator;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Window assignment per row: {@link TumbleAssignOperator} (TUMBLE 10 s: copies the row and appends
 * {@code window_start}, {@code window_end}, {@code window_time}) over a batch of {@value #BATCH} bids,
 * into a downstream that only consumes the batch; and the bare arithmetic the pane operator uses for
 * HOP 10 s / 2 s (pane start of a row, and the first and last window end containing it).
 *
 * <p>Run: {@code java -jar bench/target/laminar-bench.jar WindowAssign -prof gc} (time and bytes are
 * per row).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class WindowAssignBenchmark {
  static final int BATCH = 1024;
  static final long SIZE = 10_000;
  static final long SLIDE = 2_000;

  private ColumnarBatch batch;
  private TumbleAssignOperator tumble;
  private long[] times;

  @Setup
  public void setUp(Blackhole bh) {
    Schema input = Schema.builder()
        .column("auction", DataType.BIGINT, false)
        .column("bidder", DataType.BIGINT, false)
        .column("price", DataType.BIGINT, false)
        .column("ts", DataType.TIMESTAMP, false)
        .build();
    Schema output = Schema.builder()
        .column("auction", DataType.BIGINT, false)
        .column("bidder", DataType.BIGINT, false)
        .column("price", DataType.BIGINT, false)
        .column("ts", DataType.TIMESTAMP, false)
        .column("window_start", DataType.TIMESTAMP, false)
        .column("window_end", DataType.TIMESTAMP, false)
        .column("window_time", DataType.TIMESTAMP, false)
        .build();
    NexmarkWorkload bids = new NexmarkWorkload(BATCH);
    batch = new ColumnarBatch(input, BATCH);
    times = new long[BATCH];
    for (int r = 0; r < BATCH; r++) {
      long t = NexmarkWorkload.eventTime(r * 97L);
      batch.beginRow();
      batch.setLong(0, bids.auction[r]);
      batch.setLong(1, bids.bidder[r]);
      batch.setLong(2, bids.price[r]);
      batch.setTimestampMillis(3, t);
      batch.setRowtime(r, t);
      batch.endRow();
      times[r] = t;
    }
    Operator sink = new BlackholeOperator(bh);
    tumble = new TumbleAssignOperator(SIZE, 0, 4, output, BATCH, sink);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void tumbleAssignOperator() {
    tumble.process(batch);
  }

  /** HOP 10 s / 2 s: the pane of each row and the range of window ends containing it. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long hopPaneArithmetic() {
    final long[] ts = times;
    long acc = 0;
    for (int r = 0; r < ts.length; r++) {
      long pane = TumbleAssignOperator.windowStart(ts[r], SLIDE, 0);
      long firstEnd = pane + SLIDE;
      long lastEnd = pane + SIZE;
      acc += pane ^ firstEnd ^ lastEnd;
    }
    return acc;
  }
}
