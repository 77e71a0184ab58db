package dev.laminar.runtime;

import dev.laminar.sdk.type.Schema;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.jctools.queues.SpscArrayQueue;

/**
 * One producer→consumer pair between two reactors (or a reactor and itself) in a sharded plan's
 * exchange: a pool of batches the consumer releases into and an SPSC queue it polls. Both are bounded,
 * so a consumer that is behind makes its producer wait (backpressure, nothing dropped); the time spent
 * waiting is counted ({@link #blockedNanos()}).
 *
 * <p>While it waits, the producer runs {@code help} (its reactor's {@link Reactor#helpWhileBlocked}):
 * it drains the shard inboxes of its own reactor, so two reactors that feed each other's shards cannot
 * wait on each other for good. Producer thread: {@link #acquire}, {@link #send}; consumer thread:
 * {@link BatchPool#release}. Allocates nothing per batch.
 */
public final class ExchangeQueue {
  private final BatchPool pool;
  private final SpscArrayQueue<ColumnarBatch> queue;
  private final BooleanSupplier open;
  private final IntSupplier help;
  private final IdleStrategy idle = IdleStrategy.standard();
  private final Counter blockedNanos = new Counter();

  /**
   * @param batches batches in flight (the queue holds one more, so {@link #send} does not wait)
   * @param open false once the consumer stopped for good: the producer then stops waiting (and the
   *     batch it holds goes nowhere, which is right as nobody expects it any more)
   * @param help what to run while waiting; returns the batches it processed
   */
  public ExchangeQueue(Schema schema, int batches, int batchCapacity, BooleanSupplier open, IntSupplier help) {
    this(schema, batches, batchCapacity, open, help, () -> { });
  }

  /** @param wakeConsumer run after each batch sent: wakes the consumer's reactor if it is parked */
  public ExchangeQueue(Schema schema, int batches, int batchCapacity, BooleanSupplier open, IntSupplier help, Runnable wakeConsumer) {
    this.pool = new BatchPool(schema, batches, batchCapacity);
    this.queue = new SpscArrayQueue<>(batches + 1);
    this.open = open;
    this.help = help;
    this.wakeConsumer = wakeConsumer;
  }

  private final Runnable wakeConsumer;

  /** The queue the consumer polls. */
  public SpscArrayQueue<ColumnarBatch> queue() {
    return queue;
  }

  /** A cleared free batch, waiting (and helping) while none is free; null once the consumer is gone. */
  public ColumnarBatch acquire() {
    ColumnarBatch b = pool.tryAcquire();
    if (b != null) {
      return b;
    }
    long start = System.nanoTime();
    int idles = 0;
    while ((b = pool.tryAcquire()) == null) {
      if (!open.getAsBoolean()) {
        break;
      }
      if (help.getAsInt() > 0) {
        idles = 0;
      } else {
        idle.idle(idles++);
      }
    }
    blockedNanos.add(System.nanoTime() - start);
    return b;
  }

  /** Hands {@code batch} (from {@link #acquire}) to the consumer. */
  public void send(ColumnarBatch batch) {
    if (queue.offer(batch)) {
      wakeConsumer.run();
      return;
    }
    // the queue holds more slots than the pool has batches, so this is only reached transiently
    long start = System.nanoTime();
    int idles = 0;
    while (!queue.offer(batch)) {
      if (!open.getAsBoolean()) {
        BatchPool.release(batch);
        break;
      }
      if (help.getAsInt() > 0) {
        idles = 0;
      } else {
        idle.idle(idles++);
      }
    }
    blockedNanos.add(System.nanoTime() - start);
    wakeConsumer.run();
  }

  /** Batches waiting in the queue (approximate, for metrics). */
  public int depth() {
    return queue.size();
  }

  /** Nanoseconds the producer waited for the consumer. */
  public long blockedNanos() {
    return blockedNanos.get();
  }

  /** Releases what is left in the queue (after the consumer stopped). */
  public void drainAway() {
    ColumnarBatch b;
    while ((b = queue.poll()) != null) {
      BatchPool.release(b);
    }
  }
}
