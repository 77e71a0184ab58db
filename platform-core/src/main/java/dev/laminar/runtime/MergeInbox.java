package dev.laminar.runtime;

import java.util.function.LongConsumer;
import org.jctools.queues.SpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reactor 0's way in from the N shards of a sharded stream ({@code engine.ShardedStream}): takes the lanes' batches
 * round-robin and delivers them to the stream's node through a {@link SourceInput} of N splits, so the stream's
 * watermark is the minimum of its shards' (a row is never behind the stream's watermark because another shard ran
 * ahead), its end is the last shard's, and each lane's order is kept (a key lives in one shard: per-key order holds).
 *
 * <p>Checkpoint barriers are aligned across lanes: a lane that delivered the marker of barrier {@code id} is not read
 * again until every live lane has, then {@code onAligned} hears the id (every row the shards emitted before the barrier
 * has reached the stream's readers, none after). Reactor thread only; never waits for a reactor (the stream's readers
 * run on reactor 0 and wait only for sink threads), so it is drained also while reactor 0 waits
 * ({@link Reactor#addCombinerInbox}).
 */
public final class MergeInbox implements Reactor.Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(MergeInbox.class);
  private static final int MAX_BATCHES_PER_DRAIN = 16;
  private final SpscArrayQueue<ColumnarBatch>[] lanes;
  private final SourceInput input;
  private final LongConsumer onAligned;
  private final long[] heldAt;
  private int held;
  private long lastAligned = -1;
  private int next;
  private boolean draining;

  public MergeInbox(SpscArrayQueue<ColumnarBatch>[] lanes, StreamNode node, LongConsumer onAligned) {
    this.lanes = lanes.clone();
    this.input = new SourceInput(node, lanes.length);
    this.onAligned = onAligned;
    this.heldAt = new long[lanes.length];
    java.util.Arrays.fill(heldAt, -1);
  }

  @Override
  public int drain() {
    if (draining) {
      return 0; // a reader of the stream is what waits: do not deliver into it again
    }
    draining = true;
    try {
      return drainLanes();
    } finally {
      draining = false;
    }
  }

  private int drainLanes() {
    final int n = lanes.length;
    int work = 0;
    int empty = 0;
    while (work < MAX_BATCHES_PER_DRAIN && empty < n) {
      int k = next;
      next = k + 1 == n ? 0 : k + 1;
      if (heldAt[k] >= 0) {
        empty++;
        continue;
      }
      ColumnarBatch b = lanes[k].poll();
      if (b == null) {
        empty++;
        continue;
      }
      empty = 0;
      work++;
      try {
        if (b.barrierEpoch() >= 0 && input.ended(k)) {
          if (allEnded() && b.barrierEpoch() > lastAligned) {
            report(b.barrierEpoch()); // an ended lane counts as arrived; with every lane ended, its marker is the barrier's
          }
        } else if (b.barrierEpoch() >= 0) {
          heldAt[k] = b.barrierEpoch();
          held++;
          aligned();
        } else {
          input.deliver(b, k);
          if (input.ended(k)) {
            aligned(); // an ended lane no longer holds a barrier back
          }
        }
      } catch (RuntimeException e) {
        LOG.error("Unexpected failure delivering a batch of {}", input.node().name(), e);
      } finally {
        BatchPool.release(b);
      }
    }
    return work;
  }

  /** When every live lane holds the same barrier: releases them and reports it. */
  private void aligned() {
    if (held == 0) {
      return;
    }
    long id = -1;
    for (int k = 0; k < lanes.length; k++) {
      if (input.ended(k)) {
        continue;
      }
      if (heldAt[k] < 0) {
        return;
      }
      if (id >= 0 && heldAt[k] != id) {
        throw new IllegalStateException("lanes of " + input.node().name() + " at different barriers: " + id + " and " + heldAt[k]);
      }
      id = heldAt[k];
    }
    java.util.Arrays.fill(heldAt, -1);
    held = 0;
    if (id >= 0) {
      report(id);
    }
  }

  private boolean allEnded() {
    for (int k = 0; k < lanes.length; k++) {
      if (!input.ended(k)) {
        return false;
      }
    }
    return true;
  }

  private void report(long id) {
    lastAligned = id;
    onAligned.accept(id);
  }
}
