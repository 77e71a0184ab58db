package dev.laminar.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer a sharded plan attaches to its input on reactor 0 (engine.Shards): it numbers the
 * input's events (a batch of rows, a watermark advance, the end of input) in the order they come and
 * deals them to the copies of the plan's stateless head, one per reactor: batches of rows round-robin,
 * a watermark or the end to the copy that had the event before (it usually follows that event's rows).
 * Copy 0 runs here, directly on the batch; copy j on reactor j gets a copy of the batch (one array copy
 * per column) through an {@link ExchangeQueue} into its {@link HeadInbox}. Each copy ends in its own
 * {@link KeyRouter}; the shards put the events back in order ({@link ShardInbox}).
 *
 * <p>The watermarks are the input's, made before the deal (the source's per-row watermarks travel with
 * the rows), so a row is late at N reactors exactly when it is late at one. Reactor 0 only; allocates
 * nothing per event.
 */
public final class HeadDealer implements Operator {
  private final StreamNode localHead;
  private final EventSink localRouter;
  /** Per reactor j > 0, the queue to its head copy (index 0 unused). */
  private final ExchangeQueue[] toHeads;
  private final Sequence sequence;
  private int nextRows;
  private int last;
  private final java.util.List<Runnable> beforeBarrier = new java.util.ArrayList<>();

  /**
   * The numbers of a sharded plan's events, shared by the dealers of its inputs (a join has two): the
   * shards take the events of all inputs in one order, the order reactor 0 saw them in. Reactor 0 only.
   */
  public static final class Sequence {
    private long next;

    long next() {
      return next++;
    }
  }

  /**
   * @param localHead the head copy on this reactor (its chain ends in {@code localRouter})
   * @param toHeads index j > 0: the queue to reactor j's {@link HeadInbox}; index 0 is ignored
   * @param sequence where the events' numbers come from (shared with the plan's other inputs' dealers)
   */
  public HeadDealer(StreamNode localHead, EventSink localRouter, ExchangeQueue[] toHeads, Sequence sequence) {
    this.localHead = localHead;
    this.localRouter = localRouter;
    this.toHeads = toHeads.clone();
    this.sequence = sequence;
  }

  @Override
  public void process(ColumnarBatch batch) {
    final int copy = nextRows;
    nextRows = copy + 1 == toHeads.length ? 0 : copy + 1;
    last = copy;
    final long seq = sequence.next();
    if (copy == 0) {
      localRouter.beginEvent(seq);
      localHead.process(batch);
      localRouter.endEvent();
      return;
    }
    final ExchangeQueue q = toHeads[copy];
    final int n = batch.size();
    int from = 0;
    do {
      ColumnarBatch b = q.acquire();
      if (b == null) {
        return; // the plan is being dropped
      }
      int take = Math.min(n - from, b.capacity());
      b.appendRowsFrom(batch, from, take);
      from += take;
      b.setSequence(seq);
      b.setMoreOfEvent(from < n);
      q.send(b);
    } while (from < n);
  }

  @Override
  public void onWatermark(long watermark) {
    marker(watermark, false, -1);
  }

  @Override
  public void onEndOfInput() {
    marker(ColumnarBatch.NO_TIME, true, -1);
  }

  /**
   * Deals checkpoint barrier {@code id} as an event of its own, after every event dealt so far: each shard
   * gets it from the routers once it has taken every event before it ({@link ShardInbox}), which is when
   * its state is the checkpoint's. The head copies are stateless: the barrier passes through them.
   */
  public void barrier(long id) {
    for (int i = 0; i < beforeBarrier.size(); i++) {
      beforeBarrier.get(i).run();
    }
    marker(ColumnarBatch.NO_TIME, false, id);
  }

  /**
   * Runs {@code action} before each barrier is dealt (reactor 0): a lookup join on reactor 0 before the dealers finishes
   * its lookups in flight, so their rows are dealt before the barrier, as they belong.
   */
  public void beforeBarrier(Runnable action) {
    beforeBarrier.add(action);
  }

  private void marker(long watermark, boolean end, long barrier) {
    final int copy = last;
    final long seq = sequence.next();
    if (copy == 0) {
      localRouter.beginEvent(seq);
      if (barrier >= 0) {
        localRouter.onBarrier(barrier);
      } else if (end) {
        localHead.onEndOfInput();
      } else {
        localHead.onWatermark(watermark);
      }
      localRouter.endEvent();
      return;
    }
    ColumnarBatch b = toHeads[copy].acquire();
    if (b == null) {
      return;
    }
    b.setSequence(seq);
    b.setBatchWatermark(watermark);
    if (end) {
      b.markEndOfInput();
    }
    if (barrier >= 0) {
      b.markBarrier(barrier);
    }
    toHeads[copy].send(b);
  }

  /** Batches waiting towards reactor {@code copy}'s head copy. */
  public int depth(int copy) {
    return copy == 0 ? 0 : toHeads[copy].depth();
  }

  /** Nanoseconds the dealer waited for reactor {@code copy}'s head copy. */
  public long blockedNanos(int copy) {
    return copy == 0 ? 0 : toHeads[copy].blockedNanos();
  }

  /** A head copy on another reactor: runs the dealt events through its chain, then ends each event at its router. */
  public static final class HeadInbox implements Reactor.Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(HeadInbox.class);
    private static final int MAX_BATCHES_PER_DRAIN = 4;
    private final ExchangeQueue queue;
    private final StreamNode head;
    private final EventSink router;

    /** @param queue the dealer's queue to this copy; @param head the copy (its chain ends in {@code router}) */
    public HeadInbox(ExchangeQueue queue, StreamNode head, EventSink router) {
      this.queue = queue;
      this.head = head;
      this.router = router;
    }

    @Override
    public int drain() {
      int work = 0;
      ColumnarBatch b;
      while (work < MAX_BATCHES_PER_DRAIN && (b = queue.queue().relaxedPoll()) != null) {
        try {
          router.beginEvent(b.sequence());
          if (b.size() > 0) {
            head.process(b);
          }
          if (!b.moreOfEvent()) {
            if (b.barrierEpoch() >= 0) {
              router.onBarrier(b.barrierEpoch());
            } else if (b.isEndOfInput()) {
              head.onEndOfInput();
            } else if (b.batchWatermark() != ColumnarBatch.NO_TIME) {
              head.onWatermark(b.batchWatermark());
            }
            router.endEvent(); // even after a failure in the head: the shards wait for every event
          }
        } catch (RuntimeException e) {
          LOG.error("Unexpected failure in a head copy of {}", head.name(), e);
        } finally {
          BatchPool.release(b);
        }
        work++;
      }
      return work;
    }
  }
}
