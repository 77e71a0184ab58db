package dev.laminar.engine;

import dev.laminar.runtime.ExchangeQueue;
import dev.laminar.runtime.HeadDealer;
import dev.laminar.runtime.MergeInbox;
import dev.laminar.runtime.MergeLane;
import dev.laminar.runtime.Reactor;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code CREATE STREAM} (or view) whose plan is shardable ({@link Shards#keyedNode}), deployed over every reactor: the
 * keyed aggregate or join runs as one shard per reactor exactly as a sink's would ({@link Shards}), and each shard ends in
 * a {@link MergeLane} back to reactor 0, where a {@link MergeInbox} merges the N lanes into the stream's node, which its
 * readers are attached to as ever. The stream's watermark is the minimum of its shards', each lane keeps its order (so
 * per-key order holds); the order across keys may differ from one reactor's.
 *
 * <p>The readers run on reactor 0 and must never wait for a reactor (else reactor 0, dealing into the shards, and a
 * shard, waiting for reactor 0 to take its rows, could wait on each other): a plan that reads a sharded stream, directly
 * or through other streams, is not sharded itself ({@code Engine.readsShardedStream}).
 *
 * <p>Checkpoints: the barrier is dealt into the shards as an event; shard k snapshots its state as part k and puts the
 * marker into its lane ({@link #markLane}); reactor 0 keeps its source channels held until the merge has aligned the
 * markers of every lane, then snapshots its own operators (the stream's readers) ({@code CheckpointCoordinator}).
 */
final class ShardedStream implements ShardedPlan {
  private final Reactor[] reactors;
  private final Shards shards;
  private final ExchangeQueue[] toMerge;
  private final MergeLane[] lanes;
  private final MergeInbox merge;
  private volatile boolean open = true;

  ShardedStream(Reactor[] reactors, Shards shards, ExchangeQueue[] toMerge, MergeLane[] lanes, MergeInbox merge) {
    this.reactors = reactors;
    this.shards = shards;
    this.toMerge = toMerge;
    this.lanes = lanes;
    this.merge = merge;
  }

  /** False once undeployed: a shard waiting for room in its lane stops waiting. */
  boolean open() {
    return open;
  }

  /** Shard {@code shard}'s reactor: the shard took checkpoint barrier {@code id}; its marker follows its rows before it. */
  void markLane(int shard, long id) {
    lanes[shard].barrier(id);
  }

  @Override
  public int count() {
    return reactors.length;
  }

  /** The shards feed no lane of an edge: each marks its own merge lane ({@link #markLane}). */
  @Override
  public int lane(int part) {
    return -1;
  }

  @Override
  public HeadDealer dealer(int input) {
    return shards.dealer(input);
  }

  @Override
  public void barrier(long id) {
    shards.barrier(id);
  }

  @Override
  public void undeploy() {
    open = false;
    shards.undeploy();
    reactors[0].removeInbox(merge);
    reactors[0].execute(() -> {
      for (ExchangeQueue q : toMerge) {
        q.drainAway();
      }
    });
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < lanes.length; k++) {
      parts.add("shard " + k + " to reactor 0: rows " + lanes[k].rows() + ", queued batches " + lanes[k].depth() + ", blocked "
          + lanes[k].blockedNanos() / 1_000_000 + " ms");
    }
    return shards.describe() + "; merged on reactor 0: " + String.join("; ", parts);
  }
}
