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
 * <p>What is shardable ({@link #keyedNode}): a plan with exactly one keyed node and nothing else stateful,
 * either a windowed aggregate over one input that groups by at least one input column (a stream's may send late rows
 * to a side stream: each shard through a lane of its own, {@link PlanMetrics#shardLateOutput}, merged on reactor 0 by
 * {@link ShardedStream}), or an interval join on equi-keys of equal types. A join's two
 * inputs each get a dealer and head copies and routers of their own; both dealers number their events in
 * one sequence, so a shard takes the rows of both sides in the order reactor 0 saw them, exactly as one
 * reactor would. A sink's or subscription's shards end in lanes of its edge, a stream's in lanes back to reactor 0
 * ({@link ShardedStream}), the shards of a keyed node before a global aggregate in its partial stages
 * ({@link KeyedGlobalShards}), the shards of a keyed node before further stages in routers to their consumers
 * ({@link RekeyedShards}). Global aggregates run in two phases ({@link GlobalShards}); everything else (plans with
 * stateful stages these do not chain, stateless plans) runs whole on reactor 0, as with one reactor. A lookup join after
 * the keyed node runs in each shard, its answers coming back to the shard's reactor; one before it runs on reactor 0, and
 * feeds the dealer ({@link #headBoundary}).
 */
final class Shards implements ShardedPlan {
  private final Reactor[] reactors;
  /** Per input (a join has two, left first): its dealer on reactor 0. */
  private final HeadDealer[] dealers;
  /** [input][producing reactor] */
  private final KeyRouter[][] routers;
  /** [input][reactor j > 0] */
  private final ExchangeQueue[][] toHeads;
  /** [input][producer][shard] */
  private final ExchangeQueue[][][] exchanges;
  /** [input][reactor j > 0] */
  private final Reactor.Inbox[][] headInboxes;
  private final Reactor.Inbox[] shardInboxes;
  private final Object owner;
  private final PlanMetrics[] perShard;
  private volatile boolean open = true;

  private Shards(Reactor[] reactors, HeadDealer[] dealers, KeyRouter[][] routers, ExchangeQueue[][] toHeads, ExchangeQueue[][][] exchanges,
      Reactor.Inbox[][] headInboxes, Reactor.Inbox[] shardInboxes, Object owner, PlanMetrics[] perShard) {
    this.reactors = reactors;
    this.dealers = dealers;
    this.routers = routers;
    this.toHeads = toHeads;
    this.exchanges = exchanges;
    this.headInboxes = headInboxes;
    this.shardInboxes = shardInboxes;
    this.owner = owner;
    this.perShard = perShard;
  }

  /**
   * The node from which the plan runs sharded, or null when the plan is not shardable: its one keyed
   * windowed aggregate, or its one interval equi-join whose key pairs are of the same type on both sides
   * (so equal keys hash equal), with nothing stateful on either side or after it but lookup joins (after it: they run in
   * the shards; before it: on reactor 0, {@link #headBoundary}).
   */
  static PlanNode keyedNode(PlanNode plan) {
    return keyedNode(plan, true);
  }

  /**
   * As {@link #keyedNode(PlanNode)}, but with no lookup join after the keyed node: for a keyed node whose shards end in
   * routers or partial stages that take their rows event by event (a lookup join emits when its answers come back).
   */
  static PlanNode framedKeyedNode(PlanNode plan) {
    return keyedNode(plan, false);
  }

  private static PlanNode keyedNode(PlanNode plan, boolean lookupsAfter) {
    PlanNode keyed = null;
    int scans = 0;
    for (PlanNode n : plan.nodes()) {
      switch (n) {
        case JoinNode j -> {
          if (keyed != null || joinKeys(j) == null) {
            return null;
          }
          keyed = j;
        }
        case dev.laminar.sql.plan.ScanNode s -> scans++;
        case WindowAggregateNode w -> {
          if (keyed != null || routeColumns(w.keySources(), w.keyColumns()).length == 0) {
            return null;
          }
          keyed = w;
        }
        case PaneWindowAggregateNode p -> {
          if (keyed != null || routeColumns(p.keySources(), p.keyColumns()).length == 0) {
            return null;
          }
          keyed = p;
        }
        case SessionWindowAggregateNode s -> {
          if (keyed != null || routeColumns(s.keySources(), s.keyColumns()).length == 0) {
            return null;
          }
          keyed = s;
        }
        default -> { }
      }
    }
    if (keyed == null || scans != sides(keyed).size()) {
      return null;
    }
    int lookups = 0; // after the keyed node
    for (PlanNode n = plan; n != keyed; n = n.input()) {
      if (n == null) {
        return null; // the keyed node is not on the plan's single chain
      }
      if (n instanceof LookupJoinNode) {
        lookups++;
      }
    }
    // a lookup join after the keyed node runs in each shard (its answers come back to the shard's reactor, and a barrier
    // waits for its lookups in flight before the shard marks its lane), unless the shards end in routers or partial stages
    // that take their rows event by event; one before it runs on reactor 0, before the dealer (headBoundary)
    return lookupsAfter || lookups == 0 ? keyed : null;
  }

  /** A join's key columns, {left, right}, or null when it cannot be sharded by them. */
  private static int[][] joinKeys(JoinNode j) {
    int[][] keys = switch (j) {
      case dev.laminar.sql.plan.IntervalJoinNode i -> new int[][] {i.leftKeys(), i.rightKeys()};
      case dev.laminar.sql.plan.AsofJoinNode a -> new int[][] {a.leftKeys(), a.rightKeys()};
      default -> null;
    };
    if (keys == null || keys[0].length == 0 || keys[0].length != keys[1].length) {
      return null;
    }
    for (int i = 0; i < keys[0].length; i++) {
      dev.laminar.sdk.type.DataType l = j.left().schema().column(keys[0][i]).type();
      dev.laminar.sdk.type.DataType r = j.right().schema().column(keys[1][i]).type();
      if (l.kind() != r.kind() || l.scale() != r.scale()) {
        return null; // different types (INT = BIGINT, DECIMAL scales): equal keys need not hash equal, so it runs whole
      }
    }
    return keys;
  }

  /**
   * The topmost lookup join of input {@code side} of a keyed node, or null: the part of the input up to it runs on reactor 0
   * and feeds the dealer (a lookup join emits when its answers come back, outside the event that brought the row, so it
   * cannot run in the head copies, whose routers frame the events they deal); the head copies run what is above it.
   */
  static PlanNode headBoundary(PlanNode side) {
    for (PlanNode n = side; n != null; n = n.input()) {
      if (n instanceof LookupJoinNode) {
        return n;
      }
    }
    return null;
  }

  /** The inputs of a keyed node: a join's left and right, else its one input. */
  static List<PlanNode> sides(PlanNode keyed) {
    return keyed instanceof JoinNode j ? List.of(j.left(), j.right()) : List.of(keyed.input());
  }

  /** The input columns among an aggregate's grouping keys (window bounds are computed, not routed on). */
  static int[] routeColumns(KeySource[] sources, int[] columns) {
    return java.util.stream.IntStream.range(0, sources.length).filter(i -> sources[i] == KeySource.COLUMN).map(i -> columns[i]).toArray();
  }

  /** The columns of input {@code side} of {@code keyed} that rows are routed on. */
  static int[] routeColumns(PlanNode keyed, int side) {
    return switch (keyed) {
      case JoinNode j -> joinKeys(j)[side];
      case WindowAggregateNode w -> routeColumns(w.keySources(), w.keyColumns());
      case PaneWindowAggregateNode p -> routeColumns(p.keySources(), p.keyColumns());
      case SessionWindowAggregateNode s -> routeColumns(s.keySources(), s.keyColumns());
      default -> throw new IllegalArgumentException("not a keyed node: " + keyed.describe());
    };
  }

  /** Builds shard {@code shard}'s chain into {@code end}, registered in {@code metrics}; returns its entry per input. */
  @FunctionalInterface
  interface ShardBuilder {
    Operator[] build(int shard, Operator end, PlanMetrics metrics);
  }

  /** Builds one copy of the head of input {@code input} (0, or a join's 0 = left and 1 = right), ending in {@code router}. */
  @FunctionalInterface
  interface HeadBuilder {
    Operator build(int input, KeyRouter router, PlanMetrics metrics);
  }

  /**
   * Deploys the head copies and the shards of {@code keyed} and everything after it: {@code buildShard}
   * builds shard k's chain (given k, its end {@code lanes[k]} and its metrics) and returns its entry per input
   * of {@code keyed} ({@link #sides}); it registers its timers and checkpointed operators in those metrics
   * (they become {@code metrics.shards()}). {@code buildHead} builds one copy of an input's head ending in
   * the given router (copy 0 gets {@code metrics}, the others metrics of their own). {@code inputSchemas}
   * are the schemas of the streams the dealers are attached to, per input. {@code barriers} hears each
   * shard take a checkpoint barrier dealt with {@link #barrier}. When {@code frames} is not null, {@code frames[k]} is told
   * where each event shard k takes begins and ends ({@link ShardInbox#framing}): the shards of a keyed node before a
   * global aggregate end in its partial stages.
   */
  static Shards deploy(Reactor[] reactors, PlanNode keyed, Schema[] inputSchemas, Operator[] lanes, dev.laminar.runtime.EventSink[] frames,
      int queueBatches, int batchSize, PlanMetrics metrics, ShardBuilder buildShard, HeadBuilder buildHead,
      BiConsumer<Object, RuntimeException> onFailure, Object owner, BarrierListener barriers) {
    int n = reactors.length;
    List<PlanNode> sides = sides(keyed);
    int inputs = sides.size();
    PlanMetrics[] perShard = new PlanMetrics[n];
    Shards[] self = new Shards[1];
    ExchangeQueue[][][] exchanges = new ExchangeQueue[inputs][n][n]; // [input][producer][shard]
    for (int i = 0; i < inputs; i++) {
      for (int p = 0; p < n; p++) {
        Reactor producer = reactors[p];
        for (int k = 0; k < n; k++) {
          Reactor consumer = reactors[k];
          exchanges[i][p][k] = new ExchangeQueue(sides.get(i).schema(), queueBatches, batchSize, () -> self[0].open && consumer.isRunning(),
              producer::helpWhileBlocked, consumer::wake);
        }
      }
    }
    Reactor.Inbox[] shardInboxes = new Reactor.Inbox[n];
    for (int k = 0; k < n; k++) {
      PlanMetrics m = new PlanMetrics();
      m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
      if (metrics.lateOutput() != null) {
        if (metrics.shardLateOutput(k) == null) {
          throw new IllegalStateException("a sharded plan with a side stream needs a lane to it per shard");
        }
        m.lateOutput(metrics.shardLateOutput(k)); // LATE DATA TO: the shard's lane to the side stream's merge
      }
      Operator[] entries = buildShard.build(k, lanes[k], m);
      perShard[k] = m;
      @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
      SpscArrayQueue<ColumnarBatch>[] from = new SpscArrayQueue[inputs * n];
      SourceInput[] into = new SourceInput[inputs * n];
      for (int i = 0; i < inputs; i++) {
        StreamNode node = new StreamNode(keyed.describe() + " shard " + k + side(inputs, i), sides.get(i).schema());
        node.onConsumerFailure(onFailure);
        node.attach(entries[i], owner); // not yet reachable from any reactor
        SourceInput in = new SourceInput(node, 1);
        for (int p = 0; p < n; p++) {
          from[i * n + p] = exchanges[i][p][k].queue();
          into[i * n + p] = in;
        }
      }
      final int shard = k;
      ShardInbox inbox = new ShardInbox(from, into, id -> barriers.reached(shard, id));
      shardInboxes[k] = frames == null ? inbox : inbox.framing(frames[k]);
    }
    KeyRouter[][] routers = new KeyRouter[inputs][n];
    StreamNode[][] heads = new StreamNode[inputs][n];
    for (int i = 0; i < inputs; i++) {
      int[] routeColumns = routeColumns(keyed, i);
      for (int p = 0; p < n; p++) {
        KeyRouter.Lane[] routerLanes = new KeyRouter.Lane[n];
        for (int k = 0; k < n; k++) {
          routerLanes[k] = new KeyRouter.Lane(exchanges[i][p][k]);
        }
        routers[i][p] = new KeyRouter(sides.get(i).schema(), routeColumns, routerLanes);
        PlanMetrics m = metrics;
        if (p > 0) {
          m = new PlanMetrics();
          m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
        }
        heads[i][p] = new StreamNode(keyed.describe() + " head " + p + side(inputs, i), inputSchemas[i]);
        heads[i][p].onConsumerFailure(onFailure);
        heads[i][p].attach(buildHead.build(i, routers[i][p], m), owner);
      }
    }
    ExchangeQueue[][] toHeads = new ExchangeQueue[inputs][n];
    Reactor.Inbox[][] headInboxes = new Reactor.Inbox[inputs][n];
    HeadDealer[] dealers = new HeadDealer[inputs];
    HeadDealer.Sequence sequence = new HeadDealer.Sequence(); // one numbering for all inputs: the shards take them in reactor 0's order
    for (int i = 0; i < inputs; i++) {
      for (int j = 1; j < n; j++) {
        Reactor consumer = reactors[j];
        toHeads[i][j] = new ExchangeQueue(inputSchemas[i], queueBatches, batchSize, () -> self[0].open && consumer.isRunning(),
            reactors[0]::helpWhileBlocked, consumer::wake);
        headInboxes[i][j] = new HeadDealer.HeadInbox(toHeads[i][j], heads[i][j], routers[i][j]);
      }
      dealers[i] = new HeadDealer(heads[i][0], routers[i][0], toHeads[i], sequence);
    }
    metrics.shards(perShard);
    self[0] = new Shards(reactors, dealers, routers, toHeads, exchanges, headInboxes, shardInboxes, owner, perShard);
    for (int k = 0; k < n; k++) {
      reactors[k].addInbox(shardInboxes[k], true);
      for (int i = 0; i < inputs; i++) {
        if (headInboxes[i][k] != null) {
          reactors[k].addInbox(headInboxes[i][k], false);
        }
      }
      reactors[k].addTimers(perShard[k].timers(), owner);
    }
    return self[0];
  }

  private static String side(int inputs, int i) {
    return inputs == 1 ? "" : i == 0 ? " (left)" : " (right)";
  }

  /** Told, on shard {@code shard}'s reactor, when the shard takes checkpoint barrier {@code id} ({@link #barrier}). */
  @FunctionalInterface
  interface BarrierListener {
    void reached(int shard, long id);
  }

  /** Number of shards (one per reactor). */
  @Override
  public int count() {
    return reactors.length;
  }

  /** The operator to attach to input {@code input}'s stream on reactor 0 (see {@link #sides}). */
  @Override
  public HeadDealer dealer(int input) {
    return dealers[input];
  }

  /** Reactor 0: deals checkpoint barrier {@code id} as the next event of the plan; every shard takes it after every event before it. */
  @Override
  public void barrier(long id) {
    dealers[0].barrier(id);
  }

  /** Removes the inboxes and timers; call after the dealers were detached on reactor 0. */
  @Override
  public void undeploy() {
    open = false; // a producer still waiting for a reactor stops waiting
    for (int k = 0; k < reactors.length; k++) {
      final int r = k;
      for (Reactor.Inbox[] perInput : headInboxes) {
        if (perInput[k] != null) {
          reactors[k].removeInbox(perInput[k]);
        }
      }
      reactors[k].removeInbox(shardInboxes[k]);
      reactors[k].removeTimers(owner);
      PlanMetrics shard = perShard[k];
      reactors[k].execute(() -> { // after the inboxes are gone (commands run in order): no shard operator runs any more
        for (int i = 0; i < toHeads.length; i++) {
          if (toHeads[i][r] != null) {
            toHeads[i][r].drainAway();
          }
          for (ExchangeQueue[] fromProducer : exchanges[i]) {
            fromProducer[r].drainAway();
          }
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
  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < reactors.length; k++) {
      long rows = 0;
      long queued = 0;
      long blocked = 0;
      for (KeyRouter[] perInput : routers) {
        for (KeyRouter r : perInput) {
          rows += r.rowsRouted(k);
          queued += r.depth(k);
          blocked += r.blockedNanos(k);
        }
      }
      parts.add("shard " + k + ": rows " + rows + ", queued batches " + queued + ", router blocked " + blocked / 1_000_000 + " ms");
    }
    for (int j = 1; j < reactors.length; j++) {
      long queued = 0;
      long blocked = 0;
      for (HeadDealer d : dealers) {
        queued += d.depth(j);
        blocked += d.blockedNanos(j);
      }
      parts.add("head copy " + j + ": queued batches " + queued + ", dealer blocked " + blocked / 1_000_000 + " ms");
    }
    return "routed by key: " + String.join("; ", parts);
  }
}
