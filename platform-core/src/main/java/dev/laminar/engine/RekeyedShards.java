package dev.laminar.engine;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.ExchangeQueue;
import dev.laminar.runtime.HeadDealer;
import dev.laminar.runtime.KeyRouter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.RekeyInbox;
import dev.laminar.runtime.StreamNode;
import dev.laminar.sql.plan.JoinNode;
import dev.laminar.sql.plan.PaneWindowAggregateNode;
import dev.laminar.sql.plan.PlanMetrics;
import dev.laminar.sql.plan.PlanNode;
import dev.laminar.sql.plan.SessionWindowAggregateNode;
import dev.laminar.sql.plan.WindowAggregateNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.jctools.queues.SpscArrayQueue;
import org.slf4j.LoggerFactory;

/**
 * A plan with a chain of stateful stages: a keyed TUMBLE, HOP, CUMULATE or SESSION aggregate or an interval or ASOF join
 * ({@link Shards#keyedNode}) feeding one or more windowed aggregates, each by another key or, last, by none (say, bids
 * per auction per minute, then auctions per count bucket per hour; or matches of bids and asks per bidder per minute;
 * or sessions per auction, then the longest session per hour). Every stage keeps its state where it runs:
 *
 * <ul>
 *   <li>the first stage runs exactly as in {@link Shards}, but each shard's chain ends in a {@link KeyRouter} by the next
 *       stage's key, which the shard's inbox frames event by event: every shard hands every consumer of the next stage one
 *       final batch per numbered event (N×M SPSC {@link ExchangeQueue}s);
 *   <li>a keyed later stage runs as one consumer per reactor, a global one (no key) as one consumer on the last reactor,
 *       each behind a {@link RekeyInbox}, which takes event {@code e} from every producer before {@code e + 1}, merges its
 *       rows by row watermark and runs them through the stage and the stateless nodes after it, into the next stage's
 *       router (framed again) or, for the last stage, into its lane (a lane of the sink's edge, or to a stream's merge).
 * </ul>
 *
 * <p>Why the rows equal one reactor's: every shard or consumer advances on the watermarks of all the event's rows
 * ({@code Operator#onRowWatermark}), so each fires what one reactor would in the same event. An append-only windowed
 * stage emits window by window (a SESSION stage session by session, by end), each row with {@code window_end - 1}, so
 * its rows rise in watermark within each producer's event and the merge restores the sequence of watermarks one reactor
 * would feed the next stage. A join stamps its rows with its output watermark as of the end of the previous event, the
 * smallest of its two sides' and of its pending rows' times; one reactor's is the smallest of its shards', so the next
 * stage's inbox gives each row that ({@link RekeyInbox}'s {@code rowsAtStageWatermark}). Within one watermark only the
 * order of rows of different keys of the stage before differs, so a later stage must not depend on it: no FIRST_VALUE,
 * LAST_VALUE or plugin aggregate, and append-only (no updates per row).
 *
 * <p>No cycle of waits lasts: a producer waits for room towards a consumer, whose inbox is drained by its reactor also
 * while that reactor waits ({@link Reactor#addCombinerInbox}) and copies out every row of the event it assembles; a
 * consumer waits only for its next stage's consumers (drained the same way), the sink's thread or reactor 0's merge.
 *
 * <p>Checkpoints: the barrier is dealt as an event; first-stage shard k snapshots as part k, and the consumers of each
 * later stage as the next parts once they took it from every producer; the last stage's consumers mark their lanes.
 */
final class RekeyedShards implements ShardedPlan {
  private final Reactor[] reactors;
  private final Shards first;
  private final List<Stage> stages;
  private final int lastParts;
  private volatile boolean open = true;

  /** A later stage: its consumers, the routers that feed them (one per producer) and the queues between. */
  private record Stage(PlanNode node, int[] consumerReactors, KeyRouter[] routers, ExchangeQueue[][] exchanges, RekeyInbox[] inboxes,
      PlanMetrics[] metrics) {
  }

  private RekeyedShards(Reactor[] reactors, Shards first, List<Stage> stages) {
    this.reactors = reactors;
    this.first = first;
    this.stages = stages;
    this.lastParts = stages.get(stages.size() - 1).inboxes().length;
  }

  /**
   * The stateful nodes of the plan from the bottom up ({@code {first keyed node, later stage, ...}}) when it runs this way,
   * else null: from the plan's root down its chain, every stateful node above the first keyed one is an append-only
   * windowed aggregate sending no late rows to a side stream whose results do not depend on the order of rows of different
   * keys, at most the topmost of them without a key, and what the lowest of them reads is a shardable plan
   * ({@link Shards#keyedNode}) whose keyed node is an append-only TUMBLE, HOP, CUMULATE or SESSION aggregate or an interval
   * or ASOF join.
   */
  static PlanNode[] stages(PlanNode plan) {
    List<PlanNode> later = new ArrayList<>(); // top down
    PlanNode n = plan;
    while (true) {
      while (n != null && !KeyedGlobalShards.stateful(n)) {
        n = n.input();
      }
      if (n == null || n.changelog() || lateTarget(n) || KeyedGlobalShards.orderSensitive(n)) {
        return null;
      }
      if (!later.isEmpty() && Shards.routeColumns(n, 0).length == 0) {
        return null; // a global stage below another stage
      }
      later.add(n);
      PlanNode first = Shards.framedKeyedNode(n.input());
      if (first != null) {
        if (first.changelog()) {
          return null;
        }
        List<PlanNode> all = new ArrayList<>(later.reversed());
        all.add(0, first);
        return all.toArray(new PlanNode[0]);
      }
      n = n.input();
    }
  }

  /** Whether {@code n} is not a windowed aggregate, or sends its late rows to a side stream. */
  private static boolean lateTarget(PlanNode n) {
    return switch (n) {
      case WindowAggregateNode w -> w.lateDataTarget() != null;
      case PaneWindowAggregateNode p -> p.lateDataTarget() != null;
      case SessionWindowAggregateNode s -> s.lateDataTarget() != null;
      default -> true;
    };
  }

  /** Whether stage {@code node} (not the first) is keyed: one consumer per reactor, else one on the last reactor. */
  static boolean keyed(PlanNode node) {
    return Shards.routeColumns(node, 0).length > 0;
  }

  /** Builds one consumer's chain of {@code chain[stage]} (a later stage: 1 and up) and the stateless nodes after it, into {@code end}. */
  @FunctionalInterface
  interface StageBuilder {
    Operator build(int stage, Operator end, PlanMetrics metrics);
  }

  /**
   * Deploys the later stages from the last down ({@code buildStage}: stage i's node and the stateless nodes after it, into
   * the operator given, registered in the metrics given; it returns the chain's entry), the last stage's consumer c into
   * {@code lanes[c]} (a lane of the sink's edge or a stream's lane to reactor 0: one per reactor for a keyed last stage,
   * one for a global one), then the first stage's head copies and shards ({@code deployFirst}, given the routers that shard
   * k's chain ends in and is framed by, and {@code metrics}).
   */
  static RekeyedShards deploy(Reactor[] reactors, PlanNode[] nodes, Operator[] lanes, int queueBatches, int batchSize, PlanMetrics metrics,
      StageBuilder buildStage, BiFunction<KeyRouter[], PlanMetrics, Shards> deployFirst, BiConsumer<Object, RuntimeException> onFailure,
      Object owner, Shards.BarrierListener barriers) {
    int n = reactors.length;
    RekeyedShards[] self = new RekeyedShards[1];
    int[] partBase = new int[nodes.length];
    for (int i = 1; i < nodes.length; i++) {
      partBase[i] = partBase[i - 1] + (i == 1 ? n : consumers(nodes[i - 1], n));
    }
    Stage[] built = new Stage[nodes.length];
    Operator[] ends = lanes;
    KeyRouter[] nextRouters = null;
    for (int i = nodes.length - 1; i >= 1; i--) {
      PlanNode node = nodes[i];
      int consumers = consumers(node, n);
      int producers = i == 1 ? n : consumers(nodes[i - 1], n);
      int[] consumerReactors = new int[consumers];
      for (int c = 0; c < consumers; c++) {
        consumerReactors[c] = consumers == n ? c : n - 1; // a global stage runs on the last reactor
      }
      int[] producerReactors = new int[producers];
      for (int p = 0; p < producers; p++) {
        producerReactors[p] = producers == n ? p : n - 1;
      }
      dev.laminar.sdk.type.Schema schema = node.input().schema();
      ExchangeQueue[][] exchanges = new ExchangeQueue[producers][consumers];
      for (int p = 0; p < producers; p++) {
        for (int c = 0; c < consumers; c++) {
          Reactor consumer = reactors[consumerReactors[c]];
          exchanges[p][c] = new ExchangeQueue(schema, queueBatches, batchSize, () -> (self[0] == null || self[0].open) && consumer.isRunning(),
              reactors[producerReactors[p]]::helpWhileBlocked, consumer::wake);
        }
      }
      PlanMetrics[] stageMetrics = new PlanMetrics[consumers];
      RekeyInbox[] inboxes = new RekeyInbox[consumers];
      boolean afterJoin = nodes[i - 1] instanceof JoinNode;
      for (int c = 0; c < consumers; c++) {
        PlanMetrics m = new PlanMetrics();
        m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
        stageMetrics[c] = m;
        StreamNode entry = new StreamNode(node.describe() + " consumer " + c, schema);
        entry.onConsumerFailure(onFailure);
        entry.attach(buildStage.build(i, ends[c], m), owner); // not yet reachable from any reactor
        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
        SpscArrayQueue<ColumnarBatch>[] from = new SpscArrayQueue[producers];
        for (int p = 0; p < producers; p++) {
          from[p] = exchanges[p][c].queue();
        }
        int part = partBase[i] + c;
        inboxes[c] = new RekeyInbox(from, entry, batchSize, id -> barriers.reached(part, id), afterJoin);
        if (nextRouters != null) {
          inboxes[c].framing(nextRouters[c]); // its chain ends in the next stage's router
        }
      }
      int[] routeColumns = Shards.routeColumns(node, 0);
      KeyRouter[] routers = new KeyRouter[producers];
      for (int p = 0; p < producers; p++) {
        KeyRouter.Lane[] routerLanes = new KeyRouter.Lane[consumers];
        for (int c = 0; c < consumers; c++) {
          routerLanes[c] = new KeyRouter.Lane(exchanges[p][c]);
        }
        routers[p] = new KeyRouter(schema, routeColumns, routerLanes);
      }
      for (int c = 0; c < consumers; c++) {
        reactors[consumerReactors[c]].addCombinerInbox(inboxes[c]); // before any producer can hand it an event
      }
      built[i] = new Stage(node, consumerReactors, routers, exchanges, inboxes, stageMetrics);
      ends = routers;
      nextRouters = routers;
    }
    Shards firstShards = deployFirst.apply(nextRouters, metrics);
    List<PlanMetrics> parts = new ArrayList<>(Arrays.asList(metrics.shards()));
    List<Stage> later = new ArrayList<>();
    for (int i = 1; i < nodes.length; i++) {
      later.add(built[i]);
      parts.addAll(Arrays.asList(built[i].metrics()));
      for (int c = 0; c < built[i].metrics().length; c++) {
        reactors[built[i].consumerReactors()[c]].addTimers(built[i].metrics()[c].timers(), owner);
      }
    }
    metrics.shards(parts.toArray(new PlanMetrics[0]));
    self[0] = new RekeyedShards(reactors, firstShards, later);
    return self[0];
  }

  /** How many consumers a later stage has: one per reactor when keyed, else one. */
  private static int consumers(PlanNode node, int reactors) {
    return keyed(node) ? reactors : 1;
  }

  /** The first stage's N shards, then each later stage's consumers. */
  @Override
  public int count() {
    int parts = reactors.length;
    for (Stage s : stages) {
      parts += s.inboxes().length;
    }
    return parts;
  }

  /** The last stage's consumer c feeds lane c; the others feed no lane. */
  @Override
  public int lane(int part) {
    int lastBase = count() - lastParts;
    return part >= lastBase ? part - lastBase : -1;
  }

  @Override
  public HeadDealer dealer(int input) {
    return first.dealer(input);
  }

  @Override
  public void barrier(long id) {
    first.barrier(id);
  }

  @Override
  public void undeploy() {
    open = false; // a producer still waiting for a consumer stops waiting
    first.undeploy();
    for (Stage s : stages) {
      for (int c = 0; c < s.inboxes().length; c++) {
        final int consumer = c;
        Reactor r = reactors[s.consumerReactors()[c]];
        r.removeInbox(s.inboxes()[c]);
        r.execute(() -> { // after the inbox is gone: no operator of this consumer runs any more
          for (ExchangeQueue[] fromProducer : s.exchanges()) {
            fromProducer[consumer].drainAway();
          }
          try {
            s.metrics()[consumer].closeResources();
          } catch (RuntimeException e) {
            LoggerFactory.getLogger(RekeyedShards.class).warn("releasing the state of {} consumer {}: {}", s.node().describe(), consumer,
                e.getMessage(), e);
          }
        });
      }
    }
  }

  /** The first stage's figures, then per later stage and consumer: rows routed to it, events, batches queued, time the routers waited. */
  @Override
  public String describe() {
    StringBuilder s = new StringBuilder(first.describe());
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      s.append("; stage ").append(i + 2).append(stage.inboxes().length == 1 ? " (global, on reactor " + stage.consumerReactors()[0] + ")"
          : " (re-keyed)").append(":");
      for (int c = 0; c < stage.inboxes().length; c++) {
        long rows = 0;
        long queued = 0;
        long blocked = 0;
        for (KeyRouter r : stage.routers()) {
          rows += r.rowsRouted(c);
          queued += r.depth(c);
          blocked += r.blockedNanos(c);
        }
        s.append(c == 0 ? " " : "; ").append("consumer ").append(c).append(": rows ").append(rows).append(", events ")
            .append(stage.inboxes()[c].eventsTaken()).append(", queued batches ").append(queued).append(", router blocked ")
            .append(blocked / 1_000_000).append(" ms");
      }
    }
    return s.toString();
  }
}
