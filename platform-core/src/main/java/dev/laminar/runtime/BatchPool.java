package dev.laminar.runtime;

import dev.laminar.sdk.type.Schema;
import org.jctools.queues.SpscArrayQueue;

/**
 * A fixed set of batches circulating between one producer and one consumer thread: the producer
 * {@link #acquire()}s a free batch, fills it and passes it on through a queue; the consumer
 * {@link #release}s it when done. The bounded number of batches is the backpressure: a producer
 * whose consumer is slow finds no free batch and waits. Single producer, single consumer.
 */
public final class BatchPool {
  private final SpscArrayQueue<ColumnarBatch> free;
  private final int size;

  public BatchPool(Schema schema, int batches, int batchCapacity) {
    this.size = batches;
    this.free = new SpscArrayQueue<>(batches);
    for (int i = 0; i < batches; i++) {
      ColumnarBatch b = new ColumnarBatch(schema, batchCapacity);
      b.owner(this);
      free.offer(b);
    }
  }

  /** A cleared free batch, or {@code null} when all are in flight (the caller waits: backpressure). */
  public ColumnarBatch tryAcquire() {
    ColumnarBatch b = free.relaxedPoll();
    if (b != null) {
      b.clear();
    }
    return b;
  }

  /** Waits for a free batch using {@code idle}; returns null if {@code running} turns false. */
  public ColumnarBatch acquire(IdleStrategy idle, java.util.function.BooleanSupplier running) {
    ColumnarBatch b;
    int idles = 0;
    while ((b = tryAcquire()) == null) {
      if (!running.getAsBoolean()) {
        return null;
      }
      idle.idle(idles++);
    }
    return b;
  }

  /** Returns a batch to the pool it came from. */
  public static void release(ColumnarBatch batch) {
    BatchPool owner = batch.owner();
    if (owner != null) {
      owner.free.offer(batch);
    }
  }

  public int batches() {
    return size;
  }

  /** Batches currently free (approximate, for metrics). */
  public int freeCount() {
    return free.size();
  }
}
