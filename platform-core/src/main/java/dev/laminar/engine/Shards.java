package dev.laminar.engine;

import dev.laminar.runtime.KeyRouter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.OutputEdge;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.SourceInput;
import dev.laminar.runtime.StreamNode;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sql.plan.JoinNode;
import dev.laminar.sql.plan.LookupJoinNode;
import dev.laminar.sql.plan.PaneWindowAggregateNode;
import dev.laminar.sql.plan.PlanMetrics;
import dev.laminar.sql.plan.PlanNode;
import dev.laminar.sql.plan.SessionWindowAggregateNode;
import dev.laminar.sql.plan.WindowAggregateNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.LoggerFactory;

/**
 * One deployed plan whose keyed aggregate runs as N shards, one per reactor: the plan's stateless head
 * (scan, filters, projections, window assignment) runs on reactor 0 and ends in a {@link KeyRouter};
 * shard k (the aggregate and what follows it) runs on reactor k, fed by one SPSC channel from the router
 * (shard 0 directly), and ends in lane k of the plan's {@link OutputEdge}. Reactors 1..N-1 only ever
 * receive from reactor 0 and send to consumer threads, so no cycle of waits can form.
 *
 * <p>What is shardable ({@link #keyedAggregate}): a plan over one input, without joins, with exactly
 * one windowed aggregate that groups by at least one input column and sends no late rows to a side
 * stream. Everything else (global aggregates, joins, plans with two aggregates, streams and views) runs
 * whole on reactor 0, as with one reactor.
 */
final class Shards {
  private final Reactor[] reactors;
  private final KeyRouter router;
  private final Reactor.Channel[] channels;
  private final Object owner;
  private final PlanMetrics[] perShard;
  private volatile boolean open = true;

  private Shards(Reactor[] reactors, KeyRouter router, Reactor.Channel[] channels, Object owner, PlanMetrics[] perShard) {
    this.reactors = reactors;
    this.router = router;
    this.channels = channels;
    this.owner = owner;
    this.perShard = perShard;
  }

  /** The node from which the plan runs sharded (its keyed aggregate), or null when the plan is not shardable. */
  static PlanNode keyedAggregate(PlanNode plan) {
    PlanNode aggregate = null;
    int scans = 0;
    for (PlanNode n : plan.nodes()) {
      switch (n) {
        case JoinNode j -> {
          return null;
        }
        case LookupJoinNode l -> {
          return null;
        }
        case dev.laminar.sql.plan.ScanNode s -> scans++;
        case WindowAggregateNode w -> {
          if (aggregate != null || w.lateDataTarget() != null || routeColumns(w.keySources(), w.keyColumns()).length == 0) {
            return null;
          }
          aggregate = w;
        }
        case PaneWindowAggregateNode p -> {
          if (aggregate != null || p.lateDataTarget() != null || routeColumns(p.keySources(), p.keyColumns()).length == 0) {
            return null;
          }
          aggregate = p;
        }
        case SessionWindowAggregateNode s -> {
          if (aggregate != null || s.lateDataTarget() != null || routeColumns(s.keySources(), s.keyColumns()).length == 0) {
            return null;
          }
          aggregate = s;
        }
        default -> { }
      }
    }
    if (scans != 1 || aggregate == null) {
      return null;
    }
    for (PlanNode n = plan; n != aggregate; n = n.input()) {
      if (n == null) {
        return null; // the aggregate is not on the plan's single chain
      }
    }
    return aggregate;
  }

  /** The input columns among an aggregate's grouping keys (window bounds are computed, not routed on). */
  static int[] routeColumns(KeySource[] sources, int[] columns) {
    return java.util.stream.IntStream.range(0, sources.length).filter(i -> sources[i] == KeySource.COLUMN).map(i -> columns[i]).toArray();
  }

  private static int[] routeColumns(PlanNode aggregate) {
    return switch (aggregate) {
      case WindowAggregateNode w -> routeColumns(w.keySources(), w.keyColumns());
      case PaneWindowAggregateNode p -> routeColumns(p.keySources(), p.keyColumns());
      case SessionWindowAggregateNode s -> routeColumns(s.keySources(), s.keyColumns());
      default -> throw new IllegalArgumentException("not a keyed aggregate: " + aggregate.describe());
    };
  }

  /**
   * Deploys the shards of {@code keyed} and everything after it: {@code buildShard} builds one shard's
   * chain (given its lane of the edge and its metrics), which registers its timers and checkpointed
   * operators in those metrics; they become {@code metrics.shards()}.
   */
  static Shards deploy(Reactor[] reactors, PlanNode keyed, OutputEdge edge, int queueBatches, int batchSize, PlanMetrics metrics,
      BiFunction<Operator, PlanMetrics, Operator> buildShard, BiConsumer<Object, RuntimeException> onFailure, Object owner) {
    int n = reactors.length;
    Schema schema = keyed.input().schema();
    OutputEdge[] lanes = edge.shard(n);
    PlanMetrics[] perShard = new PlanMetrics[n];
    KeyRouter.Lane[] routerLanes = new KeyRouter.Lane[n];
    Reactor.Channel[] channels = new Reactor.Channel[n];
    Shards[] self = new Shards[1];
    for (int k = 0; k < n; k++) {
      PlanMetrics m = new PlanMetrics();
      m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
      Operator chain = buildShard.apply(lanes[k], m);
      perShard[k] = m;
      StreamNode node = new StreamNode(keyed.describe() + " shard " + k, schema);
      node.onConsumerFailure(onFailure);
      node.attach(chain, owner); // not yet reachable from any reactor
      SourceInput input = new SourceInput(node, 1);
      if (k == 0) {
        routerLanes[k] = new KeyRouter.LocalLane(input, schema, batchSize);
      } else {
        Reactor target = reactors[k];
        channels[k] = target.addChannel(input, 0, queueBatches + 1);
        routerLanes[k] = new KeyRouter.RemoteLane(schema, queueBatches, batchSize, channels[k].queue(),
            () -> self[0].open && target.isRunning());
      }
    }
    metrics.shards(perShard);
    self[0] = new Shards(reactors, new KeyRouter(schema, routeColumns(keyed), routerLanes), channels, owner, perShard);
    for (int k = 0; k < n; k++) {
      reactors[k].addTimers(perShard[k].timers(), owner);
    }
    return self[0];
  }

  /** The operator the plan's head ends in (reactor 0). */
  KeyRouter router() {
    return router;
  }

  /** Removes the shards' channels and timers; call after the router was detached on reactor 0. */
  void undeploy() {
    open = false;
    for (int k = 0; k < reactors.length; k++) {
      if (channels[k] != null) {
        reactors[k].removeChannel(channels[k]);
      }
      reactors[k].removeTimers(owner);
      PlanMetrics shard = perShard[k];
      reactors[k].execute(() -> { // after the channel is gone (commands run in order): no shard operator runs any more
        try {
          shard.closeResources(); // the shard's off-heap state stores
        } catch (RuntimeException e) {
          LoggerFactory.getLogger(Shards.class).warn("releasing the state of shard {}: {}", shard, e.getMessage(), e);
        }
      });
    }
  }

  /** Per shard: rows routed, batches queued, time the router waited for it. */
  String describe() {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < reactors.length; k++) {
      parts.add("shard " + k + ": rows " + router.rowsRouted(k) + ", queued batches " + router.depth(k) + ", router blocked "
          + router.blockedNanos(k) / 1_000_000 + " ms");
    }
    return String.join("; ", parts);
  }
}
