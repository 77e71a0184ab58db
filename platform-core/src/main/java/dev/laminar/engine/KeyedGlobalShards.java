package dev.laminar.engine;

import dev.laminar.runtime.HeadDealer;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.aggregate.AggregateKind;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.GroupAccumulatorFactory;
import dev.laminar.runtime.aggregate.PartialAggregates;
import dev.laminar.sql.plan.JoinNode;
import dev.laminar.sql.plan.LookupJoinNode;
import dev.laminar.sql.plan.PaneWindowAggregateNode;
import dev.laminar.sql.plan.PlanMetrics;
import dev.laminar.sql.plan.PlanNode;
import dev.laminar.sql.plan.SessionWindowAggregateNode;
import dev.laminar.sql.plan.WindowAggregateNode;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.LoggerFactory;

/**
 * A plan whose keyed node (a TUMBLE, HOP or CUMULATE aggregate by key: {@link Shards#keyedNode}) feeds a global TUMBLE, HOP
 * or CUMULATE aggregate, Nexmark's "hot items" (bids per auction per window, then the largest count per
 * window): the keyed node runs as one shard per reactor exactly as in {@link Shards}, but each shard's chain ends in a
 * partial stage of the global aggregate ({@link PartialAggregates.Producer}) instead of a lane of the edge. Every shard
 * takes every numbered event, so the stage folds what its shard emitted for each event into partial states, and one
 * combiner ({@link PartialAggregates.Combiner#overShards}, on the last reactor) takes event {@code e} from every shard,
 * merges the partial states in the order one reactor would have fed them to the aggregate, then applies the event's
 * watermark, and runs the rest of the plan into the edge.
 *
 * <p>The keyed node's output must be append-only (EMIT ON WINDOW CLOSE, no allowed lateness: its rows come out only
 * within an event, never from a timer) and come out window by window (or session by session, by end), each row with the
 * watermark {@code window_end - 1}, so row watermarks rise row by row within every shard, and every shard fires in the
 * event one reactor would ({@code Operator#onRowWatermark}): the combiner can restore one reactor's order of windows. A
 * join's rows carry its output watermark, not their own, so a join stage runs whole on reactor 0. The global aggregate
 * must not depend on the order of rows of different keys either (FIRST_VALUE, LAST_VALUE and plugin aggregates do), since
 * within a window the shards' rows meet in another order than one reactor emits them.
 *
 * <p>Checkpoints: the barrier is dealt as an event; shard k snapshots its keyed state as part k when it takes it
 * ({@code <node>~shard<k>}), and the combiner, once it took it from every shard, as part N and marks the edge's one lane.
 */
final class KeyedGlobalShards implements ShardedPlan {
  private final Reactor[] reactors;
  private final int home;
  private final Shards shards;
  private final PartialAggregates.Producer[] producers;
  private final PartialAggregates.Combiner combiner;
  private final PlanMetrics combinerMetrics;
  private volatile boolean open = true;

  private KeyedGlobalShards(Reactor[] reactors, int home, Shards shards, PartialAggregates.Producer[] producers,
      PartialAggregates.Combiner combiner, PlanMetrics combinerMetrics) {
    this.reactors = reactors;
    this.home = home;
    this.shards = shards;
    this.producers = producers;
    this.combiner = combiner;
    this.combinerMetrics = combinerMetrics;
  }

  /**
   * {@code {keyed node, global aggregate}} when the plan runs this way, else null: from the plan's root down its chain,
   * the first stateful node is a global aggregate that can run in two phases ({@link GlobalShards#combinable}) whose
   * results do not depend on the order of its rows across keys, and what it reads is a shardable plan
   * ({@link Shards#keyedNode}) whose keyed node is a TUMBLE, HOP or CUMULATE aggregate emitting append-only rows.
   */
  static PlanNode[] stages(PlanNode plan) {
    PlanNode global = plan;
    while (global != null && !stateful(global)) {
      global = global.input();
    }
    if (global == null || !GlobalShards.combinable(global) || orderSensitive(global)) {
      return null;
    }
    PlanNode keyed = Shards.framedKeyedNode(global.input());
    if (!(keyed instanceof WindowAggregateNode || keyed instanceof PaneWindowAggregateNode || keyed instanceof SessionWindowAggregateNode)
        || keyed.changelog()) {
      return null; // a join's rows carry its output watermark, not their own: the combiner merges by row watermark
    }
    return new PlanNode[] {keyed, global};
  }

  /** Whether {@code n} keeps state (a join or a windowed aggregate). */
  static boolean stateful(PlanNode n) {
    return n instanceof JoinNode || n instanceof LookupJoinNode || n instanceof WindowAggregateNode || n instanceof PaneWindowAggregateNode
        || n instanceof SessionWindowAggregateNode;
  }

  /** Whether the windowed aggregate {@code n}'s results depend on the order of its rows across keys (FIRST_VALUE, LAST_VALUE, plugins). */
  static boolean orderSensitive(PlanNode n) {
    AggregateSpec[] calls = switch (n) {
      case PaneWindowAggregateNode p -> p.aggregates();
      case SessionWindowAggregateNode s -> s.aggregates();
      default -> ((WindowAggregateNode) n).aggregates();
    };
    return Arrays.stream(calls).anyMatch(a -> a.kind() == AggregateKind.FIRST_VALUE || a.kind() == AggregateKind.LAST_VALUE
        || a.kind() == AggregateKind.PLUGIN);
  }

  /**
   * Deploys the combiner ({@code buildCombiner}: the global aggregate with {@code factory} and the nodes after it,
   * ending in {@code edge}: the sink's edge, or a stream's lane to reactor 0; registered in the metrics given), then the head copies and shards ({@code deployShards},
   * given the partial stages that shard k's chain ends in and is framed by, and {@code metrics}).
   */
  static KeyedGlobalShards deploy(Reactor[] reactors, PlanNode global, GroupAccumulatorFactory factory, Operator edge, int queueBatches,
      PlanMetrics metrics, BiFunction<Operator, PlanMetrics, PartialAggregates.Target> buildCombiner,
      BiFunction<PartialAggregates.Producer[], PlanMetrics, Shards> deployShards, BiConsumer<Object, RuntimeException> onFailure,
      Object owner, Shards.BarrierListener barriers) {
    int n = reactors.length;
    int home = n - 1;
    KeyedGlobalShards[] self = new KeyedGlobalShards[1];
    PlanMetrics combinerMetrics = new PlanMetrics();
    combinerMetrics.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
    PartialAggregates.Target combined = buildCombiner.apply(edge, combinerMetrics);
    PartialAggregates.Windows windows = GlobalShards.windows(global);
    PartialAggregates.Producer[] producers = new PartialAggregates.Producer[n];
    for (int k = 0; k < n; k++) {
      producers[k] = new PartialAggregates.Producer(windows, factory, queueBatches,
          () -> (self[0] == null || self[0].open) && reactors[home].isRunning(), reactors[k]::helpWhileBlocked, reactors[home]::wake);
    }
    PartialAggregates.Combiner combiner = PartialAggregates.Combiner.overShards(producers, combined, id -> barriers.reached(n, id),
        e -> onFailure.accept(owner, e));
    reactors[home].addCombinerInbox(combiner); // before any shard can hand it an event
    Shards shards = deployShards.apply(producers, metrics);
    PlanMetrics[] parts = Arrays.copyOf(metrics.shards(), n + 1);
    parts[n] = combinerMetrics;
    metrics.shards(parts);
    reactors[home].addTimers(combinerMetrics.timers(), owner);
    self[0] = new KeyedGlobalShards(reactors, home, shards, producers, combiner, combinerMetrics);
    return self[0];
  }

  /** The N shards, then the combiner. */
  @Override
  public int count() {
    return reactors.length + 1;
  }

  /** Only the combiner feeds the edge (its one lane). */
  @Override
  public int lane(int part) {
    return part == reactors.length ? 0 : -1;
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
    open = false; // a shard still waiting for the combiner stops waiting
    shards.undeploy();
    reactors[home].removeInbox(combiner);
    reactors[home].execute(() -> {
      try {
        combinerMetrics.closeResources(); // the aggregate's checkpoint journal store
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(KeyedGlobalShards.class).warn("releasing the state of a combiner: {}", e.getMessage(), e);
      }
    });
  }

  @Override
  public String describe() {
    StringBuilder s = new StringBuilder(shards.describe()).append("; partial aggregates combined on reactor ").append(home)
        .append(": events ").append(combiner.eventsTaken());
    for (int k = 0; k < producers.length; k++) {
      s.append("; partial stage of shard ").append(k).append(": queued events ").append(producers[k].depth()).append(", blocked ")
          .append(producers[k].blockedNanos() / 1_000_000).append(" ms");
    }
    return s.toString();
  }
}
