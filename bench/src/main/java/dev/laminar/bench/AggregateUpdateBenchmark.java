package dev.laminar.bench;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.aggregate.AggregateKind;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.GroupAccumulator;
import dev.laminar.runtime.aggregate.GroupAccumulatorFactory;
import dev.laminar.runtime.aggregate.InterpretedGroupAccumulators;
import dev.laminar.runtime.aggregate.SlotAccumulator;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-row aggregate update alone, interpreted ({@code Accumulator} per call) versus compiled
 * (one generated class per query), on the same batch of {@value #BATCH} rows spread over
 * {@value #GROUPS} groups whose states already exist (no hashing, no window logic): COUNT(*),
 * COUNT(price), SUM(qty), SUM(price), MIN(price), MAX(price), AVG(qty), FIRST_VALUE(price),
 * LAST_VALUE(price), STDDEV_POP(price) and COUNT(*) FILTER (WHERE big); 1 in 32 prices is NULL.
 *
 * <p>Run: {@code java -jar bench/target/laminar-bench.jar AggregateUpdate -prof gc}
 * ({@code gc.alloc.rate.norm} is bytes per row).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AggregateUpdateBenchmark {
  static final int BATCH = 1024;
  static final int GROUPS = 100;
  private static final int PRICE = 1;
  private static final int QTY = 2;
  private static final int BIG = 3;

  /**
   * {@code interpreted}, {@code compiled} (the generated class's fields on the heap), or {@code compiled-slot}: the same
   * generated class used as the off-heap operator uses it — each group's state in a fixed-size slot of a memory
   * segment, loaded into one cursor, updated and stored back per row.
   */
  @Param({"interpreted", "compiled", "compiled-slot"})
  public String mode;

  private SlotAccumulator cursor;
  private MemorySegment slots;
  private long[] slotOfRow;

  private ColumnarBatch batch;
  private GroupAccumulator[] groupOfRow;
  private GroupAccumulator[] groups;

  /** The aggregate calls measured, over {@code (symbol VARCHAR, price DOUBLE, qty BIGINT, big BOOLEAN)}. */
  static AggregateSpec[] calls() {
    return new AggregateSpec[] {
        new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*)"),
        new AggregateSpec(AggregateKind.COUNT, PRICE, DataType.DOUBLE, DataType.BIGINT, "COUNT(price)"),
        new AggregateSpec(AggregateKind.SUM, QTY, DataType.BIGINT, DataType.BIGINT, "SUM(qty)"),
        new AggregateSpec(AggregateKind.SUM, PRICE, DataType.DOUBLE, DataType.DOUBLE, "SUM(price)"),
        new AggregateSpec(AggregateKind.MIN, PRICE, DataType.DOUBLE, DataType.DOUBLE, "MIN(price)"),
        new AggregateSpec(AggregateKind.MAX, PRICE, DataType.DOUBLE, DataType.DOUBLE, "MAX(price)"),
        new AggregateSpec(AggregateKind.AVG, QTY, DataType.BIGINT, DataType.DOUBLE, "AVG(qty)"),
        new AggregateSpec(AggregateKind.FIRST_VALUE, PRICE, DataType.DOUBLE, DataType.DOUBLE, "FIRST_VALUE(price)"),
        new AggregateSpec(AggregateKind.LAST_VALUE, PRICE, DataType.DOUBLE, DataType.DOUBLE, "LAST_VALUE(price)"),
        new AggregateSpec(AggregateKind.STDDEV_POP, PRICE, DataType.DOUBLE, DataType.DOUBLE, "STDDEV_POP(price)"),
        new AggregateSpec(AggregateKind.COUNT_STAR, -1, null, DataType.BIGINT, "COUNT(*) FILTER (WHERE big)", BIG)};
  }

  @Setup
  public void setUp() {
    Schema input = Schema.builder()
        .column("symbol", DataType.VARCHAR, false)
        .column("price", DataType.DOUBLE)
        .column("qty", DataType.BIGINT, false)
        .column("big", DataType.BOOLEAN, false)
        .build();
    GroupAccumulatorFactory factory = switch (mode) {
      case "interpreted" -> new InterpretedGroupAccumulators(calls());
      case "compiled", "compiled-slot" -> AggregateCompiler.compile(calls());
      default -> throw new IllegalArgumentException("mode must be interpreted, compiled or compiled-slot, was " + mode);
    };
    groups = new GroupAccumulator[GROUPS];
    for (int g = 0; g < GROUPS; g++) {
      groups[g] = factory.create();
    }
    batch = new ColumnarBatch(input, BATCH);
    groupOfRow = new GroupAccumulator[BATCH];
    for (int r = 0; r < BATCH; r++) {
      batch.beginRow();
      batch.setString(0, "SYM" + (r % GROUPS));
      if (r % 32 == 7) {
        batch.setNull(PRICE);
      } else {
        batch.setDouble(PRICE, 100.0 + ((r * 7919L) % 1000) / 100.0);
      }
      long qty = 1 + (r * 31L) % 500;
      batch.setLong(QTY, qty);
      batch.setBoolean(BIG, qty > 250);
      batch.setRowtime(r, r / 10);
      batch.endRow();
      groupOfRow[r] = groups[r % GROUPS];
    }
    if (mode.equals("compiled-slot")) {
      cursor = (SlotAccumulator) factory.create();
      slots = Arena.ofAuto().allocate((long) factory.slotBytes() * GROUPS, 8);
      slotOfRow = new long[BATCH];
      for (int r = 0; r < BATCH; r++) {
        slotOfRow[r] = (long) factory.slotBytes() * (r % GROUPS);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void updatePerRow(Blackhole bh) {
    final ColumnarBatch b = batch;
    if (cursor != null) {
      final SlotAccumulator acc = cursor;
      final MemorySegment m = slots;
      final long[] at = slotOfRow;
      for (int r = 0; r < BATCH; r++) {
        acc.load(m, at[r]);
        acc.add(b, r);
        acc.store(m, at[r]);
      }
      bh.consume(m);
      return;
    }
    final GroupAccumulator[] target = groupOfRow;
    for (int r = 0; r < BATCH; r++) {
      target[r].add(b, r);
    }
    bh.consume(target);
  }
}
