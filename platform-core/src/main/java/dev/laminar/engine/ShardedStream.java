package dev.laminar.engine;

import dev.laminar.runtime.ExchangeQueue;
import dev.laminar.runtime.HeadDealer;
import dev.laminar.runtime.MergeInbox;
import dev.laminar.runtime.MergeLane;
import dev.laminar.runtime.Reactor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A {@code CREATE STREAM} (or view) whose plan runs over every reactor as a sink's would: keyed ({@link Shards}), two
 * keyed stages ({@link RekeyedShards}), a keyed stage into a global aggregate ({@link KeyedGlobalShards}) or a global
 * aggregate ({@link GlobalShards}). Whatever would feed the lanes of a sink's edge feeds a {@link MergeLane} back to
 * reactor 0 instead (one per shard, or one from a combiner), where a {@link MergeInbox} merges the lanes into the stream's
 * node, which its readers are attached to as ever. The stream's watermark is the minimum of its lanes', each lane keeps
 * its order (so per-key order holds); the order across keys may differ from one reactor's. A {@code LATE DATA TO} side
 * stream is fed the same way: each shard of the keyed stage sends its late rows (and its watermarks and end) through a
 * lane of its own, merged by a second {@link MergeInbox} into the side stream's node; the stream counts as aligned for a
 * checkpoint once both merges have aligned the barrier ({@link #alignedWhenAll}).
 *
 * <p>The readers are attached on reactor 0; a sink reading the stream may be sharded itself and so wait for a reactor,
 * so the merge delivers only from reactor 0's loop and every wait on reactor 0 takes the lanes' batches into its buffers
 * ({@link MergeInbox#buffer}): reactor 0, dealing into a reader's shards, and a shard, waiting for reactor 0 to take its
 * rows, never wait on each other. A lane's wait helps only with that ({@link Reactor#helpMerges}): the part waiting may
 * be a second stage or a combiner that a shard inbox drained meanwhile would wait for in turn. A stream reading sharded
 * streams gets its checkpoint barrier once their merges have aligned theirs ({@link #shardedInputs}).
 *
 * <p>Checkpoints: the barrier is dealt into the plan as an event; each part snapshots its state and the parts that feed
 * lanes put the marker into theirs ({@link #markLane}); reactor 0 keeps its source channels held until the merge has
 * aligned the markers of every lane, then snapshots its own operators (the stream's readers) ({@code CheckpointCoordinator}).
 */
final class ShardedStream implements ShardedPlan {
  private final Reactor[] reactors;
  private final ShardedPlan plan;
  private final Merge main;
  /** The lanes of a {@code LATE DATA TO} side stream, one per shard of the keyed stage (parts 0 to N-1), or null. */
  private final Merge late;
  /** The sharded streams this one's plan reads, directly or through unsharded streams. */
  private final List<StreamObject> shardedInputs;
  private volatile boolean open = true;

  /** Lanes into reactor 0 (the queues and the parts' ends) and the merge that delivers them into a stream's node. */
  record Merge(List<ExchangeQueue> queues, List<MergeLane> lanes, MergeInbox inbox) {
    Merge {
      queues = List.copyOf(queues);
      lanes = List.copyOf(lanes);
    }
  }

  ShardedStream(Reactor[] reactors, ShardedPlan plan, Merge main, Merge late, List<StreamObject> shardedInputs) {
    this.reactors = reactors;
    this.plan = plan;
    this.main = main;
    this.late = late;
    this.shardedInputs = List.copyOf(shardedInputs);
  }

  /**
   * One callback per merge of a stream (its own, and its side stream's): {@code whenAll} hears barrier {@code id} once every
   * merge has aligned it (reactor 0 only, where the merges deliver).
   */
  static LongConsumer[] alignedWhenAll(int merges, LongConsumer whenAll) {
    long[] last = new long[merges];
    java.util.Arrays.fill(last, -1);
    long[] reported = {-1};
    LongConsumer[] each = new LongConsumer[merges];
    for (int m = 0; m < merges; m++) {
      final int merge = m;
      each[m] = id -> {
        last[merge] = Math.max(last[merge], id);
        for (long l : last) {
          if (l < id) {
            return;
          }
        }
        if (id > reported[0]) {
          reported[0] = id;
          whenAll.accept(id);
        }
      };
    }
    return each;
  }

  /**
   * The sharded streams this one reads, directly or through unsharded streams: a checkpoint deals its barrier once their
   * merges have aligned theirs ({@code CheckpointCoordinator.streamAligned}).
   */
  List<StreamObject> shardedInputs() {
    return shardedInputs;
  }

  /** False once undeployed: a part waiting for room in its lane stops waiting. */
  boolean open() {
    return open;
  }

  /** On part {@code part}'s reactor: it took checkpoint barrier {@code id}; if it feeds a lane, the marker follows its rows before it. */
  void markLane(int part, long id) {
    int lane = plan.lane(part);
    if (lane >= 0) {
      main.lanes().get(lane).barrier(id);
    }
    if (late != null && part < late.lanes().size()) {
      late.lanes().get(part).barrier(id); // a shard of the keyed stage: its late rows before the barrier come before the marker
    }
  }

  @Override
  public int count() {
    return plan.count();
  }

  /** The parts feed no lane of an edge: those that feed a merge lane mark it ({@link #markLane}). */
  @Override
  public int lane(int part) {
    return -1;
  }

  @Override
  public HeadDealer dealer(int input) {
    return plan.dealer(input);
  }

  @Override
  public void barrier(long id) {
    plan.barrier(id);
  }

  @Override
  public void undeploy() {
    open = false;
    plan.undeploy();
    for (Merge m : late == null ? List.of(main) : List.of(main, late)) {
      reactors[0].removeInbox(m.inbox());
      reactors[0].execute(() -> {
        for (ExchangeQueue q : m.queues()) {
          q.drainAway();
        }
      });
    }
  }

  @Override
  public String describe() {
    String d = plan.describe() + "; merged on reactor 0: " + describe(main);
    return late == null ? d : d + "; late rows merged on reactor 0: " + describe(late);
  }

  private static String describe(Merge merge) {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < merge.lanes().size(); k++) {
      MergeLane lane = merge.lanes().get(k);
      parts.add("lane " + k + " to reactor 0: rows " + lane.rows() + ", queued batches " + lane.depth() + ", blocked "
          + lane.blockedNanos() / 1_000_000 + " ms");
    }
    return String.join("; ", parts);
  }
}
