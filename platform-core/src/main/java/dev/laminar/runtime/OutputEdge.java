package dev.laminar.runtime;

import dev.laminar.sdk.type.Schema;
import org.jctools.queues.SpscArrayQueue;

/**
 * The last operator of a chain whose consumer runs on another thread (a sink writer or a
 * subscriber): copies rows into batches of its own pool and passes them through an SPSC queue.
 * When the consumer is behind, no batch is free and the reactor waits here: backpressure reaches the
 * sources, nothing is dropped. A closed consumer stops the wait.
 */
public final class OutputEdge implements Operator {
  private final BatchPool pool;
  private final SpscArrayQueue<ColumnarBatch> queue;
  private final IdleStrategy idle = IdleStrategy.standard();
  private final Counter waits = new Counter();
  private ColumnarBatch current;
  private volatile boolean consumerClosed;

  public OutputEdge(Schema schema, int batches, int batchCapacity) {
    this.pool = new BatchPool(schema, batches, batchCapacity);
    this.queue = new SpscArrayQueue<>(batches + 1);
  }

  /** The consumer side reads here. */
  public SpscArrayQueue<ColumnarBatch> queue() {
    return queue;
  }

  /** Called by the consumer when it stops for good (closed or failed): the reactor stops waiting for it. */
  public void consumerClosed() {
    consumerClosed = true;
  }

  /** Times the reactor found no free batch (the consumer was behind). */
  public long backpressureWaits() {
    return waits.get();
  }

  private boolean acquire() {
    ColumnarBatch b = pool.tryAcquire();
    if (b == null) {
      waits.increment();
      b = pool.acquire(idle, () -> !consumerClosed);
    }
    current = b;
    return b != null;
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    int r = 0;
    while (r < n) {
      if (current == null && !acquire()) {
        return;
      }
      // as many rows as fit, a column at a time (a row-by-row copy was the reactor's top frame on pass-through)
      int count = Math.min(n - r, current.capacity() - current.size());
      current.appendRowsFrom(in, r, count);
      r += count;
      if (current.size() == current.capacity()) {
        publish();
      }
    }
    if (current != null && current.size() > 0) {
      publish();
    }
  }

  private void publish() {
    ColumnarBatch b = current;
    current = null;
    while (!queue.offer(b)) {
      if (consumerClosed) {
        BatchPool.release(b);
        return;
      }
      Thread.onSpinWait();
    }
  }

  @Override
  public void onWatermark(long watermark) {
    // consumers on other threads receive rows only
  }

  /**
   * A checkpoint barrier (reactor thread): every row passed to this edge so far belongs to epoch
   * {@code epoch} or an earlier one; the consumer sees the marker after those rows.
   */
  public void barrier(long epoch) {
    if (current != null && current.size() > 0) {
      publish();
    }
    if (current == null && !acquire()) {
      return;
    }
    current.markBarrier(epoch);
    publish();
  }

  @Override
  public void onEndOfInput() {
    if (current == null && !acquire()) {
      return;
    }
    current.markEndOfInput();
    publish();
  }
}
