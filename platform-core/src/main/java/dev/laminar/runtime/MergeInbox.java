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
 * has reached the stream's readers, none after). Reactor thread only.
 *
 * <p>The stream's readers may wait for a reactor (a sharded sink reading the stream deals into its shards), and a lane's
 * producer may be a shard on reactor 0 itself, so the merge delivers only from reactor 0's loop ({@link #drain}). Every
 * wait on reactor 0 takes what the lanes hold into per-lane buffers of the merge's own ({@link #buffer}, through
 * {@link Reactor#helpMerges}): a shard waiting for room in its lane never waits for a delivery that waits for it. What the
 * buffers hold is bounded by what the shards emit for the events already dealt, since reactor 0 deals no more while it
 * waits.
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
  /** Per lane, copies of batches taken by {@link #buffer}, delivered before the lane's next ones. */
  private final java.util.ArrayDeque<ColumnarBatch>[] pending;
  private final java.util.ArrayDeque<ColumnarBatch> free = new java.util.ArrayDeque<>();
  /** Whether reactor 0 still holds its sources for barrier {@code id} ({@link Reactor#isHeld}). */
  private final java.util.function.LongPredicate sourcesHeld;
  /** The barrier aligned here and not yet released ({@link #release}): nothing after it is delivered meanwhile; or -1. */
  private long alignedHold = -1;

  /**
   * @param sourcesHeld whether reactor 0 still holds its sources for a barrier: while it does, nothing this merge's lanes
   *     carry after that barrier is delivered, until {@link #release} (a shard's timer may emit rows after its marker,
   *     which must not reach the stream's readers before reactor 0 snapshots them)
   */
  public MergeInbox(SpscArrayQueue<ColumnarBatch>[] lanes, StreamNode node, LongConsumer onAligned, java.util.function.LongPredicate sourcesHeld) {
    this.sourcesHeld = sourcesHeld;
    this.lanes = lanes.clone();
    this.input = new SourceInput(node, lanes.length);
    this.onAligned = onAligned;
    this.heldAt = new long[lanes.length];
    java.util.Arrays.fill(heldAt, -1);
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
    java.util.ArrayDeque<ColumnarBatch>[] buffers = new java.util.ArrayDeque[lanes.length];
    for (int k = 0; k < lanes.length; k++) {
      buffers[k] = new java.util.ArrayDeque<>();
    }
    this.pending = buffers;
  }

  /**
   * Takes every batch the lanes hold into the merge's buffers, delivering nothing (any time on reactor 0, also from within
   * a delivery): frees room for shards that wait for it. Returns batches taken.
   */
  public int buffer() {
    int work = 0;
    for (int k = 0; k < lanes.length; k++) {
      ColumnarBatch b;
      while ((b = lanes[k].poll()) != null) {
        ColumnarBatch copy = free.poll();
        if (copy == null || copy.capacity() < b.size()) {
          copy = new ColumnarBatch(input.node().schema(), b.capacity()); // while the buffers grow, not in steady state
        }
        copy.appendRowsFrom(b, 0, b.size());
        copy.setBatchWatermark(b.batchWatermark());
        if (b.isEndOfInput()) {
          copy.markEndOfInput();
        }
        if (b.isIdleMarker()) {
          copy.markIdle();
        }
        if (b.barrierEpoch() >= 0) {
          copy.markBarrier(b.barrierEpoch());
        }
        BatchPool.release(b);
        pending[k].add(copy);
        work++;
      }
    }
    return work;
  }

  /**
   * Reactor 0's loop, and only it (every wait calls {@link #buffer}, so a delivery is never entered again from within a
   * reader's wait): delivers what the buffers and lanes hold into the stream's node.
   */
  @Override
  public int drain() {
    if (alignedHold >= 0) {
      return buffer(); // the barrier is aligned here, but reactor 0 has not yet snapshotted: deliver nothing after it
    }
    final int n = lanes.length;
    int work = 0;
    int empty = 0;
    while (work < MAX_BATCHES_PER_DRAIN && empty < n && alignedHold < 0) {
      int k = next;
      next = k + 1 == n ? 0 : k + 1;
      if (heldAt[k] >= 0) {
        empty++;
        continue;
      }
      ColumnarBatch b = pending[k].isEmpty() ? lanes[k].poll() : pending[k].poll();
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
        if (b.owner() == null) { // a copy of the buffers'
          b.clear();
          free.add(b);
        } else {
          BatchPool.release(b);
        }
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
      if (sourcesHeld.test(id)) {
        alignedHold = id; // before reporting: the report may complete the checkpoint and release it at once
      }
      report(id);
    }
  }

  /** Reactor 0 released its sources after barrier {@code id} (completed or abandoned): delivers what came after it again. */
  public void release(long id) {
    if (alignedHold == id) {
      alignedHold = -1;
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
