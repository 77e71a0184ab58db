package dev.laminar.runtime;

import dev.laminar.sdk.type.Schema;
import org.jctools.queues.SpscArrayQueue;

/**
 * The last operator of a chain whose consumer runs on another thread (a sink writer or a
 * subscriber): copies rows into batches of its own pool and passes them through an SPSC queue.
 * When the consumer is behind, no batch is free and the reactor waits here: backpressure reaches the
 * sources, nothing is dropped. A closed consumer stops the wait.
 *
 * <p>When the chain before it runs as N shards on N reactors, {@link #shard(int)} gives the edge one
 * lane per shard: each lane is an edge of its own (pool, SPSC queue, one producer thread), and the
 * consumer reads them all through {@link #poll()}, which keeps each lane's order (a key lives in one
 * shard, so per-key order holds) and aligns checkpoint barriers and the end of input across lanes: a
 * lane that delivered barrier E is not read again until every lane has, and the consumer sees one
 * marker for E; the end of input reaches the consumer once every lane has ended.
 */
public final class OutputEdge implements Operator {
  private final BatchPool pool;
  private final SpscArrayQueue<ColumnarBatch> queue;
  private final IdleStrategy idle = IdleStrategy.standard();
  private final Counter waits = new Counter();
  private final Counter blockedNanos = new Counter();
  private ColumnarBatch current;
  private volatile boolean consumerClosed;
  /** How the consumer thread idles, to wake it after a publish; null until it says. */
  private volatile IdleStrategy consumerIdle;
  private final Schema schema;
  private final int batches;
  private final int batchCapacity;
  /** Every lane, this edge first; null while the edge has one producer. Set before the consumer starts. */
  private OutputEdge[] lanes;
  // consumer-thread state of the merge over lanes
  private ColumnarBatch[] heldAtBarrier;
  private boolean[] laneEnded;
  private int held;
  private int lanesEnded;
  private int nextLane;
  private ColumnarBatch pendingEnd;

  public OutputEdge(Schema schema, int batches, int batchCapacity) {
    this.pool = new BatchPool(schema, batches, batchCapacity);
    this.queue = new SpscArrayQueue<>(batches + 1);
    this.schema = schema;
    this.batches = batches;
    this.batchCapacity = batchCapacity;
  }

  /**
   * Gives the edge {@code shards} lanes (call before the consumer starts and before any row): lane 0 is
   * this edge, the others are returned in order, each to be the last operator of one shard's chain.
   */
  public OutputEdge[] shard(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1, was " + shards);
    }
    if (lanes != null) {
      throw new IllegalStateException("edge already has " + lanes.length + " lanes");
    }
    OutputEdge[] all = new OutputEdge[shards];
    all[0] = this;
    for (int i = 1; i < shards; i++) {
      all[i] = new OutputEdge(schema, batches, batchCapacity);
      all[i].consumerIdle = consumerIdle;
    }
    if (shards > 1) {
      heldAtBarrier = new ColumnarBatch[shards];
      laneEnded = new boolean[shards];
      lanes = all;
    }
    return all;
  }

  /**
   * The consumer thread idles with {@code idle} (call before it polls): every lane then wakes it when it
   * publishes a batch, so a parked consumer does not sleep out its park with rows waiting.
   */
  public void consumerIdlesWith(IdleStrategy idle) {
    for (OutputEdge lane : lanes()) {
      lane.consumerIdle = idle;
    }
  }

  /** The lanes of this edge (this edge alone when it has one producer). */
  public OutputEdge[] lanes() {
    return lanes == null ? new OutputEdge[] {this} : lanes.clone();
  }

  /**
   * The next batch for the consumer (consumer thread only), or null when none is ready. Across lanes:
   * barrier markers and the end of input are aligned (see the class comment). Release it with
   * {@link BatchPool#release} when done.
   */
  public ColumnarBatch poll() {
    final OutputEdge[] ls = lanes;
    if (ls == null) {
      return queue.relaxedPoll();
    }
    final int n = ls.length;
    if (pendingEnd != null && held == 0) {
      ColumnarBatch end = pendingEnd;
      pendingEnd = null;
      return end;
    }
    final int start = nextLane;
    for (int i = 0; i < n; i++) {
      int k = start + i;
      if (k >= n) {
        k -= n;
      }
      if (laneEnded[k] || heldAtBarrier[k] != null) {
        continue;
      }
      ColumnarBatch b = ls[k].queue.relaxedPoll();
      if (b == null) {
        continue;
      }
      nextLane = k + 1 == n ? 0 : k + 1;
      if (b.barrierEpoch() >= 0) {
        heldAtBarrier[k] = b;
        held++;
        ColumnarBatch marker = aligned();
        if (marker != null) {
          return marker;
        }
        continue;
      }
      if (b.isEndOfInput()) {
        if (b.size() > 0) {
          throw new IllegalStateException("an end-of-input marker with rows on a sharded edge");
        }
        laneEnded[k] = true;
        lanesEnded++;
        if (lanesEnded == n) {
          pendingEnd = b;
        } else {
          BatchPool.release(b);
        }
        ColumnarBatch barrier = aligned();
        if (barrier != null) {
          return barrier;
        }
        if (pendingEnd != null) {
          ColumnarBatch end = pendingEnd;
          pendingEnd = null;
          return end;
        }
        continue;
      }
      return b;
    }
    return null;
  }

  /** When every live lane holds a barrier: releases the holds and returns one marker for them all; else null. */
  private ColumnarBatch aligned() {
    if (held == 0 || held + lanesEnded < lanes.length) {
      return null;
    }
    ColumnarBatch marker = null;
    for (int k = 0; k < heldAtBarrier.length; k++) {
      ColumnarBatch b = heldAtBarrier[k];
      if (b == null) {
        continue;
      }
      heldAtBarrier[k] = null;
      if (marker == null) {
        marker = b;
      } else {
        if (b.barrierEpoch() != marker.barrierEpoch()) {
          throw new IllegalStateException("lanes of an edge at different barriers: " + marker.barrierEpoch() + " and " + b.barrierEpoch());
        }
        BatchPool.release(b);
      }
    }
    held = 0;
    return marker;
  }

  /** Batches queued towards the consumer, over all lanes (for metrics). */
  public int depth() {
    int d = queue.size();
    if (lanes != null) {
      for (int i = 1; i < lanes.length; i++) {
        d += lanes[i].queue.size();
      }
    }
    return d;
  }

  /** Nanoseconds the producers waited for the consumer (no free batch), over all lanes. */
  public long blockedNanos() {
    long t = blockedNanos.get();
    if (lanes != null) {
      for (int i = 1; i < lanes.length; i++) {
        t += lanes[i].blockedNanos.get();
      }
    }
    return t;
  }


  /** Called by the consumer when it stops for good (closed or failed): the reactor stops waiting for it. */
  public void consumerClosed() {
    consumerClosed = true;
    OutputEdge[] ls = lanes;
    if (ls != null) {
      for (int i = 1; i < ls.length; i++) {
        ls[i].consumerClosed = true;
      }
    }
  }

  /** Times the producers found no free batch (the consumer was behind), over all lanes. */
  public long backpressureWaits() {
    long w = waits.get();
    if (lanes != null) {
      for (int i = 1; i < lanes.length; i++) {
        w += lanes[i].waits.get();
      }
    }
    return w;
  }

  private boolean acquire() {
    ColumnarBatch b = pool.tryAcquire();
    if (b == null) {
      waits.increment();
      long start = System.nanoTime();
      b = pool.acquire(idle, () -> !consumerClosed);
      blockedNanos.add(System.nanoTime() - start);
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
    IdleStrategy consumer = consumerIdle;
    if (consumer != null) {
      consumer.wake();
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
