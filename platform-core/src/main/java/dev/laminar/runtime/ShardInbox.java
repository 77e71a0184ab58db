package dev.laminar.runtime;

import org.jctools.queues.SpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way into one shard of a sharded plan (engine.Shards), on the shard's reactor: one queue from
 * each reactor's {@link KeyRouter}, taken in the sequence order the dealer gave the events. Every router
 * hands each shard one final batch per event it handled, so the shard's events are numbered without a
 * gap, and the next one is always at the head of exactly one queue: the shard sees its rows, watermarks
 * and end of input in exactly the order one reactor would have.
 *
 * <p>The shard's side is a {@link SourceInput} of one split, which passes the rows on and turns a
 * batch's watermark and end marker into {@code onWatermark} and {@code onEndOfInput}. Reactor thread
 * only; never waits for a missing event (it is simply not ready yet). A shard that ends in a partial stage
 * ({@link #framing}) may wait there for its combiner, which every wait on the reactor drains.
 */
public final class ShardInbox implements Reactor.Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(ShardInbox.class);
  private static final int MAX_BATCHES_PER_DRAIN = 16;

  private final SpscArrayQueue<ColumnarBatch>[] from;
  /** Per queue, the shard's input its rows go to (a join's shard has one per side). */
  private final SourceInput[] inputs;
  private final java.util.function.LongConsumer onBarrier;
  /** Told where each event begins and ends (a shard ending in a partial stage), or null. */
  private EventSink frame;
  private boolean inEvent;
  private long next;

  /**
   * @param from the queues from the routers, indexed by the producing reactor
   * @param onBarrier called with a checkpoint barrier's id when the shard takes it: every event before it
   *     has been processed, and none after it
   */
  public ShardInbox(SpscArrayQueue<ColumnarBatch>[] from, SourceInput input, java.util.function.LongConsumer onBarrier) {
    this(from, filled(from.length, input), onBarrier);
  }

  /**
   * A shard of a plan with several inputs (a join): {@code from[q]}'s rows go to {@code inputs[q]}. The
   * events of all inputs are numbered in one sequence, so the shard still takes them in the order one
   * reactor saw them.
   */
  public ShardInbox(SpscArrayQueue<ColumnarBatch>[] from, SourceInput[] inputs, java.util.function.LongConsumer onBarrier) {
    if (inputs.length != from.length) {
      throw new IllegalArgumentException(from.length + " queues but " + inputs.length + " inputs");
    }
    this.from = from.clone();
    this.inputs = inputs.clone();
    this.onBarrier = onBarrier;
  }

  /**
   * Frames each event the shard takes for {@code frame} (call before the inbox is drained): {@link EventSink#beginEvent}
   * before its first batch, {@link EventSink#onBarrier} for a barrier, {@link EventSink#endEvent} after its last, so
   * what the shard's chain passes on in between belongs to that event (a shard ending in a partial stage, {@code
   * aggregate.PartialAggregates.Producer}).
   */
  public ShardInbox framing(EventSink frame) {
    this.frame = frame;
    return this;
  }

  private static SourceInput[] filled(int n, SourceInput input) {
    SourceInput[] all = new SourceInput[n];
    java.util.Arrays.fill(all, input);
    return all;
  }

  @Override
  public int drain() {
    final SpscArrayQueue<ColumnarBatch>[] qs = from;
    int work = 0;
    while (work < MAX_BATCHES_PER_DRAIN) {
      int q = -1;
      for (int p = 0; p < qs.length; p++) {
        ColumnarBatch head = qs[p].peek();
        if (head != null && head.sequence() == next) {
          q = p;
          break;
        }
      }
      if (q < 0) {
        break; // the next event is still being routed
      }
      ColumnarBatch b = qs[q].poll();
      SourceInput input = inputs[q];
      final EventSink f = frame;
      try {
        if (f != null && !inEvent) {
          inEvent = true;
          f.beginEvent(next);
        }
        if (b.barrierEpoch() >= 0) {
          onBarrier.accept(b.barrierEpoch()); // a barrier event has no rows and is one batch
          if (f != null) {
            f.onBarrier(b.barrierEpoch());
          }
        } else {
          input.deliver(b, 0);
        }
      } catch (RuntimeException e) {
        LOG.error("Unexpected failure delivering a batch of {}", input.node().name(), e);
      } finally {
        if (!b.moreOfEvent()) {
          next++;
          if (f != null) {
            inEvent = false;
            f.endEvent();
          }
        }
        BatchPool.release(b);
      }
      work++;
    }
    return work;
  }

  /** Events taken so far (the next expected sequence number). */
  public long eventsTaken() {
    return next;
  }
}
