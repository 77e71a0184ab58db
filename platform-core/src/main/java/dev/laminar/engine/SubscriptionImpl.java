package dev.laminar.engine;

import dev.laminar.api.RowListener;
import dev.laminar.api.Subscription;
import dev.laminar.runtime.BatchPool;
import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.IdleStrategy;
import dev.laminar.runtime.OutputConsumer;
import dev.laminar.runtime.OutputEdge;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A subscription: an {@link OutputEdge} read by the application (poll) or by a listener thread. */
final class SubscriptionImpl implements Subscription {
  private final Schema schema;
  private final OutputEdge edge;
  private final Runnable detach;
  private final ListenerRunner runner;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final IdleStrategy idle = IdleStrategy.standard();
  private volatile Throwable failure;
  private volatile boolean closed;

  SubscriptionImpl(Schema schema, OutputEdge edge, RowListener listener, Runnable detach) {
    this.schema = schema;
    this.edge = edge;
    this.detach = detach;
    this.runner = listener == null ? null : new ListenerRunner(edge, listener);
    if (runner == null) {
      edge.consumerIdlesWith(idle); // the thread calling poll() is woken when rows come
    }
  }

  void start() {
    if (runner != null) {
      runner.start(Thread.currentThread().getContextClassLoader());
    }
  }

  /** Stops the reactor from waiting on this subscription (engine shutdown), before detaching. */
  void releaseBackpressure() {
    edge.consumerClosed();
  }

  /** The pipeline feeding this subscription failed. */
  void fail(Throwable t) {
    failure = t;
    edge.consumerClosed();
    finished.countDown();
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public List<Row> poll(Duration timeout) {
    if (runner != null) {
      throw new IllegalStateException("this subscription delivers to a listener; poll() is for subscriptions without one");
    }
    List<Row> rows = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    int idles = 0;
    while (!closed && finished.getCount() > 0) {
      ColumnarBatch b = edge.poll();
      if (b == null) {
        if (!rows.isEmpty() || System.nanoTime() >= deadline) {
          break;
        }
        idle.idle(idles++);
        continue;
      }
      try {
        for (int r = 0; r < b.size(); r++) {
          rows.add(b.toRow(r));
        }
        if (b.isEndOfInput()) {
          finished.countDown();
        }
      } finally {
        BatchPool.release(b);
      }
    }
    return rows;
  }

  @Override
  public boolean isFinished() {
    return finished.getCount() == 0;
  }

  @Override
  public boolean awaitFinished(Duration timeout) {
    try {
      return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Throwable failure() {
    return failure;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    edge.consumerClosed();
    detach.run();
    if (runner != null) {
      runner.stop(5_000);
    }
  }

  private final class ListenerRunner extends OutputConsumer {
    private final RowListener listener;

    ListenerRunner(OutputEdge edge, RowListener listener) {
      super("subscription", edge, t -> failure = t);
      this.listener = listener;
    }

    @Override
    protected void open() {}

    @Override
    protected void handle(ColumnarBatch batch) {
      listener.onRows(batch);
    }

    @Override
    protected void finish() {
      listener.onEnd();
    }

    @Override
    protected void release(boolean failed) {
      finished.countDown();
    }
  }
}
