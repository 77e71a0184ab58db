package dev.laminar.bench;

import dev.laminar.runtime.BatchPool;
import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's batch hand-off between two threads, as a source runner and the reactor (or the reactor
 * and an {@code OutputEdge}'s consumer) use it: the producer takes a free batch from a
 * {@link BatchPool} ({@code tryAcquire}, which clears it), offers it to a bounded JCTools
 * {@link SpscArrayQueue}; the consumer {@code relaxedPoll}s it and {@link BatchPool#release}s it back
 * to its pool. Eight batches circulate through a queue of eight (the engine's default
 * {@code queueBatches}).
 *
 * <ul>
 *   <li>{@code handoff} (group: one producer thread, one consumer thread): {@code batches} counts the
 *       batches that made the round trip per second; an operation that found the pool empty (producer)
 *       or the queue empty (consumer) returns at once, so ops/s is not the figure to read.
 *   <li>{@code sameThread}: acquire, offer, poll, release on one thread — the queue and pool cost
 *       without cache-line transfers between cores.
 * </ul>
 * Run: {@code java -jar bench/target/laminar-bench.jar SpscHandoff -prof gc} (on a 2-core machine the
 * two threads of the group take both cores: the figure is noisy while anything else runs).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SpscHandoffBenchmark {
  static final int BATCHES = 8;

  /** The pool and queue shared by the two threads of a group. */
  @State(Scope.Group)
  public static class Channel {
    BatchPool pool;
    SpscArrayQueue<ColumnarBatch> queue;

    @Setup
    public void setUp() {
      Schema schema = Schema.builder().column("auction", DataType.BIGINT, false).column("price", DataType.BIGINT, false).build();
      pool = new BatchPool(schema, BATCHES, 1024);
      queue = new SpscArrayQueue<>(BATCHES);
    }
  }

  /** Batches received by the consumer (JMH reports them per second). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Received {
    public long batches;

    @Setup(Level.Iteration)
    public void reset() {
      batches = 0;
    }
  }

  @Benchmark
  @Group("handoff")
  @GroupThreads(1)
  public boolean produce(Channel c) {
    ColumnarBatch b = c.pool.tryAcquire();
    if (b == null) {
      return false; // every batch in flight: backpressure
    }
    b.setBatchWatermark(42);
    return c.queue.offer(b);
  }

  @Benchmark
  @Group("handoff")
  @GroupThreads(1)
  public long consume(Channel c, Received received) {
    ColumnarBatch b = c.queue.relaxedPoll();
    if (b == null) {
      return 0;
    }
    long wm = b.batchWatermark();
    BatchPool.release(b);
    received.batches++;
    return wm;
  }

  /** One thread: the queue and pool operations alone. */
  @State(Scope.Thread)
  public static class Local extends Channel {}

  @Benchmark
  public long sameThread(Local c) {
    ColumnarBatch b = c.pool.tryAcquire();
    b.setBatchWatermark(7);
    c.queue.offer(b);
    ColumnarBatch got = c.queue.relaxedPoll();
    long wm = got.batchWatermark();
    BatchPool.release(got);
    return wm;
  }
}
