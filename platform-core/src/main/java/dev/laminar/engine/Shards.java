package dev.laminar.engine;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.ExchangeQueue;
import dev.laminar.runtime.HeadDealer;
import dev.laminar.runtime.KeyRouter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.OutputEdge;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.SourceInput;
import dev.laminar.runtime.ShardInbox;
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
import org.jctools.queues.SpscArrayQueue;
import org.slf4j.LoggerFactory;

/**
 * One deployed plan whose keyed aggregate runs as N shards, one per reactor, fed by N copies of the
 * plan's stateless head (scan, filters, projections, window assignment), one per reactor:
 *
 * <ul>
 *   <li>reactor 0 runs a {@link HeadDealer} attached to the plan's input: it numbers the input's events
 *       and deals batches round-robin to the head copies (copy 0 directly, copy j through an SPSC queue
 *       into reactor j's {@link HeadDealer.HeadInbox});
 *   <li>each head copy ends in its own {@link KeyRouter}, which hands every shard one final batch per
 *       event (N×N SPSC {@link ExchangeQueue}s, the local shard's included);
 *   <li>shard k (the aggregate and what follows it) runs on reactor k behind a {@link ShardInbox} that
 *       takes the events in their numbered order, and ends in lane k of the plan's {@link OutputEdge}.
 * </ul>
 *
 * <p>So each shard sees its rows, watermarks and end in the order one reactor would, whatever the
 * threads' interleaving. Reactors feed each other here (0→j with dealt batches, j→0 with routed rows);
 * a producer that waits for room drains its own reactor's shard inboxes meanwhile
 * ({@link Reactor#helpWhileBlocked}), and the event with the lowest number can always be finished, so
 * no cycle of waits lasts.
 *
 * <p>What is shardable ({@link #keyedAggregate}): a plan over one input, without joins, with exactly
 * one windowed aggregate that groups by at least one input column and sends no late rows to a side
 * stream. Everything else (global aggregates, joins, plans with two aggregates, streams and views) runs
 * whole on reactor 0, as with one reactor.
 */
final class Shards {
  private final Reactor[] reactors;
  private final HeadDealer dealer;
  private final KeyRouter[] routers;
  private final ExchangeQueue[] toHeads;
  private final ExchangeQueue[][] exchanges;
  private final Reactor.Inbox[] headInboxes;
  private final Reactor.Inbox[] shardInboxes;
  private final Object owner;
  private final PlanMetrics[] perShard;
  private volatile boolean open = true;

  private Shards(Reactor[] reactors, HeadDealer dealer, KeyRouter[] routers, ExchangeQueue[] toHeads, ExchangeQueue[][] exchanges,
      Reactor.Inbox[] headInboxes, Reactor.Inbox[] shardInboxes, Object owner, PlanMetrics[] perShard) {
    this.reactors = reactors;
    this.dealer = dealer;
    this.routers = routers;
    this.toHeads = toHeads;
    this.exchanges = exchanges;
    this.headInboxes = headInboxes;
    this.shardInboxes = shardInboxes;
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
   * Deploys the head copies and the shards of {@code keyed} and everything after it: {@code buildShard}
   * builds one shard's chain (given its lane of the edge and its metrics), which registers its timers and
   * checkpointed operators in those metrics (they become {@code metrics.shards()}); {@code buildHead}
   * builds one copy of the head ending in the given router (copy 0 gets {@code metrics}, the others
   * metrics of their own). {@code inputSchema} is the schema of the input the dealer is attached to.
   * {@code barriers} hears each shard take a checkpoint barrier dealt with {@link HeadDealer#barrier}.
   */
  static Shards deploy(Reactor[] reactors, PlanNode keyed, Schema inputSchema, OutputEdge edge, int queueBatches, int batchSize,
      PlanMetrics metrics, BiFunction<Operator, PlanMetrics, Operator> buildShard, BiFunction<KeyRouter, PlanMetrics, Operator> buildHead,
      BiConsumer<Object, RuntimeException> onFailure, Object owner, BarrierListener barriers) {
    int n = reactors.length;
    Schema schema = keyed.input().schema();
    OutputEdge[] lanes = edge.shard(n);
    PlanMetrics[] perShard = new PlanMetrics[n];
    Shards[] self = new Shards[1];
    ExchangeQueue[][] exchanges = new ExchangeQueue[n][n]; // [producer][shard]
    for (int p = 0; p < n; p++) {
      Reactor producer = reactors[p];
      for (int k = 0; k < n; k++) {
        Reactor consumer = reactors[k];
        exchanges[p][k] = new ExchangeQueue(schema, queueBatches, batchSize, () -> self[0].open && consumer.isRunning(),
            producer::helpWhileBlocked);
      }
    }
    Reactor.Inbox[] shardInboxes = new Reactor.Inbox[n];
    for (int k = 0; k < n; k++) {
      PlanMetrics m = new PlanMetrics();
      m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
      Operator chain = buildShard.apply(lanes[k], m);
      perShard[k] = m;
      StreamNode node = new StreamNode(keyed.describe() + " shard " + k, schema);
      node.onConsumerFailure(onFailure);
      node.attach(chain, owner); // not yet reachable from any reactor
      @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
      SpscArrayQueue<ColumnarBatch>[] from = new SpscArrayQueue[n];
      for (int p = 0; p < n; p++) {
        from[p] = exchanges[p][k].queue();
      }
      final int shard = k;
      shardInboxes[k] = new ShardInbox(from, new SourceInput(node, 1), id -> barriers.reached(shard, id));
    }
    int[] routeColumns = routeColumns(keyed);
    KeyRouter[] routers = new KeyRouter[n];
    StreamNode[] heads = new StreamNode[n];
    for (int p = 0; p < n; p++) {
      KeyRouter.Lane[] routerLanes = new KeyRouter.Lane[n];
      for (int k = 0; k < n; k++) {
        routerLanes[k] = new KeyRouter.Lane(exchanges[p][k]);
      }
      routers[p] = new KeyRouter(schema, routeColumns, routerLanes);
      PlanMetrics m = metrics;
      if (p > 0) {
        m = new PlanMetrics();
        m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
      }
      heads[p] = new StreamNode(keyed.describe() + " head " + p, inputSchema);
      heads[p].onConsumerFailure(onFailure);
      heads[p].attach(buildHead.apply(routers[p], m), owner);
    }
    ExchangeQueue[] toHeads = new ExchangeQueue[n];
    Reactor.Inbox[] headInboxes = new Reactor.Inbox[n];
    for (int j = 1; j < n; j++) {
      Reactor consumer = reactors[j];
      toHeads[j] = new ExchangeQueue(inputSchema, queueBatches, batchSize, () -> self[0].open && consumer.isRunning(),
          reactors[0]::helpWhileBlocked);
      headInboxes[j] = new HeadDealer.HeadInbox(toHeads[j], heads[j], routers[j]);
    }
    metrics.shards(perShard);
    HeadDealer dealer = new HeadDealer(heads[0], routers[0], toHeads);
    self[0] = new Shards(reactors, dealer, routers, toHeads, exchanges, headInboxes, shardInboxes, owner, perShard);
    for (int k = 0; k < n; k++) {
      reactors[k].addInbox(shardInboxes[k], true);
      if (headInboxes[k] != null) {
        reactors[k].addInbox(headInboxes[k], false);
      }
      reactors[k].addTimers(perShard[k].timers(), owner);
    }
    return self[0];
  }

  /** Told, on shard {@code shard}'s reactor, when the shard takes checkpoint barrier {@code id} ({@link HeadDealer#barrier}). */
  @FunctionalInterface
  interface BarrierListener {
    void reached(int shard, long id);
  }

  /** Number of shards (one per reactor). */
  int count() {
    return reactors.length;
  }

  /** The operator to attach to the plan's input on reactor 0. */
  HeadDealer dealer() {
    return dealer;
  }

  /** Removes the inboxes and timers; call after the dealer was detached on reactor 0. */
  void undeploy() {
    open = false; // a producer still waiting for a reactor stops waiting
    for (int k = 0; k < reactors.length; k++) {
      final int r = k;
      if (headInboxes[k] != null) {
        reactors[k].removeInbox(headInboxes[k]);
      }
      reactors[k].removeInbox(shardInboxes[k]);
      reactors[k].removeTimers(owner);
      PlanMetrics shard = perShard[k];
      reactors[k].execute(() -> { // after the inboxes are gone (commands run in order): no shard operator runs any more
        if (toHeads[r] != null) {
          toHeads[r].drainAway();
        }
        for (ExchangeQueue[] fromProducer : exchanges) {
          fromProducer[r].drainAway();
        }
        try {
          shard.closeResources(); // the shard's off-heap state stores
        } catch (RuntimeException e) {
          LoggerFactory.getLogger(Shards.class).warn("releasing the state of shard {}: {}", shard, e.getMessage(), e);
        }
      });
    }
  }

  /** Per shard: rows routed, batches queued, time the routers waited; per head copy: batches queued and time the dealer waited. */
  String describe() {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < reactors.length; k++) {
      long rows = 0;
      long queued = 0;
      long blocked = 0;
      for (KeyRouter r : routers) {
        rows += r.rowsRouted(k);
        queued += r.depth(k);
        blocked += r.blockedNanos(k);
      }
      parts.add("shard " + k + ": rows " + rows + ", queued batches " + queued + ", router blocked " + blocked / 1_000_000 + " ms");
    }
    for (int j = 1; j < reactors.length; j++) {
      parts.add("head copy " + j + ": queued batches " + dealer.depth(j) + ", dealer blocked " + dealer.blockedNanos(j) / 1_000_000 + " ms");
    }
    return String.join("; ", parts);
  }
}
