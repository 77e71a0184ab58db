package dev.laminar.engine;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.ExchangeQueue;
import dev.laminar.runtime.HeadDealer;
import dev.laminar.runtime.KeyRouter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.RekeyInbox;
import dev.laminar.runtime.StreamNode;
import dev.laminar.runtime.aggregate.AggregateKind;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.sql.plan.JoinNode;
import dev.laminar.sql.plan.PaneWindowAggregateNode;
import dev.laminar.sql.plan.PlanMetrics;
import dev.laminar.sql.plan.PlanNode;
import dev.laminar.sql.plan.SessionWindowAggregateNode;
import dev.laminar.sql.plan.WindowAggregateNode;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.jctools.queues.SpscArrayQueue;
import org.slf4j.LoggerFactory;

/**
 * A plan with two keyed stages: a keyed TUMBLE, HOP, CUMULATE or SESSION aggregate or an interval or ASOF join
 * ({@link Shards#keyedNode})
 * feeding a windowed aggregate by another key (say, bids per auction per minute, then auctions per count bucket per hour;
 * or matches of bids and asks per bidder per minute). Both stages
 * keep their state in one shard per reactor:
 *
 * <ul>
 *   <li>the first stage runs exactly as in {@link Shards}, but each shard's chain ends in a {@link KeyRouter} by the
 *       second stage's key, which the shard's inbox frames event by event: every first-stage shard hands every
 *       second-stage shard one final batch per numbered event (N×N SPSC {@link ExchangeQueue}s);
 *   <li>second-stage shard k runs on reactor k behind a {@link RekeyInbox}, which takes event {@code e} from every
 *       first-stage shard before {@code e + 1}, merges its rows by row watermark and runs them through the second stage
 *       and the rest of the plan into lane k of the edge.
 * </ul>
 *
 * <p>Why the rows equal one reactor's: every shard advances on the watermarks of all the event's rows
 * ({@code Operator#onRowWatermark}), so each fires what one reactor would in the same event. An append-only windowed
 * first stage emits window by window, each row with {@code window_end - 1}, so its rows rise in watermark within each
 * shard's event and the merge restores the sequence of watermarks one reactor would feed the second stage. A join stamps its rows with its output watermark as of the end of the previous event, the smallest of its two sides'
 * and of its pending rows' times; one reactor's is the smallest of its shards', so the second-stage inbox gives each row
 * that ({@link RekeyInbox}'s {@code rowsAtStageWatermark}). A SESSION first stage fires its sessions in order of their
 * ends, each row with {@code end - 1}, so it rises too. Within one watermark only the order of rows of different first-stage keys differs, so
 * the second stage must not depend on it: no FIRST_VALUE, LAST_VALUE or plugin aggregate, and append-only (no updates
 * per row).
 *
 * <p>No cycle of waits lasts: a first-stage shard waits for room towards a second-stage shard, whose inbox is drained
 * by its reactor also while that reactor waits ({@link Reactor#addCombinerInbox}) and copies out every row of the event
 * it assembles, and the second stage waits only for the sink's thread.
 *
 * <p>Checkpoints: the barrier is dealt as an event; first-stage shard k snapshots as part k when it takes it, second-stage
 * shard k as part N + k once it took it from every first-stage shard, and marks lane k of the edge.
 */
final class RekeyedShards implements ShardedPlan {
  private final Reactor[] reactors;
  private final Shards first;
  private final KeyRouter[] routers;
  /** [producing first-stage shard][second-stage shard] */
  private final ExchangeQueue[][] exchanges;
  private final RekeyInbox[] inboxes;
  private final PlanMetrics[] secondMetrics;
  private volatile boolean open = true;

  private RekeyedShards(Reactor[] reactors, Shards first, KeyRouter[] routers, ExchangeQueue[][] exchanges, RekeyInbox[] inboxes,
      PlanMetrics[] secondMetrics) {
    this.reactors = reactors;
    this.first = first;
    this.routers = routers;
    this.exchanges = exchanges;
    this.inboxes = inboxes;
    this.secondMetrics = secondMetrics;
  }

  /**
   * {@code {first keyed node, second keyed node}} when the plan runs this way, else null: from the plan's root down its
   * chain, the first stateful node is an append-only windowed aggregate by at least one input column, sending no late
   * rows to a side stream, whose results do not depend on the order of rows of different keys, and what it reads is a
   * shardable plan ({@link Shards#keyedNode}) whose keyed node is an append-only TUMBLE, HOP, CUMULATE or SESSION aggregate or
   * an interval or ASOF join.
   */
  static PlanNode[] stages(PlanNode plan) {
    PlanNode second = plan;
    while (second != null && !KeyedGlobalShards.stateful(second)) {
      second = second.input();
    }
    if (second == null || second.changelog() || lateTarget(second) || KeyedGlobalShards.orderSensitive(second)) {
      return null;
    }
    if (Shards.routeColumns(second, 0).length == 0) {
      return null; // global: KeyedGlobalShards
    }
    PlanNode first = Shards.keyedNode(second.input());
    if (first == null || first.changelog()) {
      return null;
    }
    return new PlanNode[] {first, second};
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

  /**
   * Deploys the second stage's shards ({@code buildSecond}: the second keyed node and the nodes after it, into the lane
   * given: shard k's is {@code lanes[k]}, a lane of the sink's edge or a stream's lane to reactor 0; registered in the metrics given; it returns the chain's entry), then the first stage's head copies and shards
   * ({@code deployFirst}, given the routers that shard k's chain ends in and is framed by, and {@code metrics}).
   */
  static RekeyedShards deploy(Reactor[] reactors, PlanNode first, PlanNode second, Operator[] lanes, int queueBatches, int batchSize,
      PlanMetrics metrics,
      BiFunction<Operator, PlanMetrics, Operator> buildSecond, BiFunction<KeyRouter[], PlanMetrics, Shards> deployFirst,
      BiConsumer<Object, RuntimeException> onFailure, Object owner, Shards.BarrierListener barriers) {
    int n = reactors.length;
    RekeyedShards[] self = new RekeyedShards[1];
    dev.laminar.sdk.type.Schema schema = second.input().schema();
    ExchangeQueue[][] exchanges = new ExchangeQueue[n][n];
    for (int p = 0; p < n; p++) {
      for (int k = 0; k < n; k++) {
        Reactor consumer = reactors[k];
        exchanges[p][k] = new ExchangeQueue(schema, queueBatches, batchSize, () -> (self[0] == null || self[0].open) && consumer.isRunning(),
            reactors[p]::helpWhileBlocked, consumer::wake);
      }
    }
    PlanMetrics[] secondMetrics = new PlanMetrics[n];
    RekeyInbox[] inboxes = new RekeyInbox[n];
    for (int k = 0; k < n; k++) {
      PlanMetrics m = new PlanMetrics();
      m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
      secondMetrics[k] = m;
      StreamNode node = new StreamNode(second.describe() + " shard " + k, schema);
      node.onConsumerFailure(onFailure);
      node.attach(buildSecond.apply(lanes[k], m), owner); // not yet reachable from any reactor
      @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
      SpscArrayQueue<ColumnarBatch>[] from = new SpscArrayQueue[n];
      for (int p = 0; p < n; p++) {
        from[p] = exchanges[p][k].queue();
      }
      int part = n + k;
      inboxes[k] = new RekeyInbox(from, node, batchSize, id -> barriers.reached(part, id), first instanceof JoinNode);
      reactors[k].addCombinerInbox(inboxes[k]); // before any first-stage shard can hand it an event
    }
    int[] routeColumns = Shards.routeColumns(second, 0);
    KeyRouter[] routers = new KeyRouter[n];
    for (int p = 0; p < n; p++) {
      KeyRouter.Lane[] routerLanes = new KeyRouter.Lane[n];
      for (int k = 0; k < n; k++) {
        routerLanes[k] = new KeyRouter.Lane(exchanges[p][k]);
      }
      routers[p] = new KeyRouter(schema, routeColumns, routerLanes);
    }
    Shards firstShards = deployFirst.apply(routers, metrics);
    PlanMetrics[] parts = Arrays.copyOf(metrics.shards(), 2 * n);
    System.arraycopy(secondMetrics, 0, parts, n, n);
    metrics.shards(parts);
    for (int k = 0; k < n; k++) {
      reactors[k].addTimers(secondMetrics[k].timers(), owner);
    }
    self[0] = new RekeyedShards(reactors, firstShards, routers, exchanges, inboxes, secondMetrics);
    return self[0];
  }

  /** The N first-stage shards, then the N second-stage shards. */
  @Override
  public int count() {
    return 2 * reactors.length;
  }

  /** Second-stage shard k feeds lane k; the first stage feeds no lane. */
  @Override
  public int lane(int part) {
    return part >= reactors.length ? part - reactors.length : -1;
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
    open = false; // a first-stage shard still waiting for a second-stage one stops waiting
    first.undeploy();
    for (int k = 0; k < reactors.length; k++) {
      final int shard = k;
      reactors[k].removeInbox(inboxes[k]);
      reactors[k].execute(() -> { // after the inbox is gone: no second-stage operator runs any more
        for (ExchangeQueue[] fromProducer : exchanges) {
          fromProducer[shard].drainAway();
        }
        try {
          secondMetrics[shard].closeResources();
        } catch (RuntimeException e) {
          LoggerFactory.getLogger(RekeyedShards.class).warn("releasing the state of second-stage shard {}: {}", shard, e.getMessage(), e);
        }
      });
    }
  }

  /** The first stage's figures, then per second-stage shard: rows re-keyed to it, batches queued, time the routers waited. */
  @Override
  public String describe() {
    StringBuilder s = new StringBuilder(first.describe()).append("; re-keyed for the second stage:");
    for (int k = 0; k < reactors.length; k++) {
      long rows = 0;
      long queued = 0;
      long blocked = 0;
      for (KeyRouter r : routers) {
        rows += r.rowsRouted(k);
        queued += r.depth(k);
        blocked += r.blockedNanos(k);
      }
      s.append(k == 0 ? " " : "; ").append("second-stage shard ").append(k).append(": rows ").append(rows).append(", events ")
          .append(inboxes[k].eventsTaken()).append(", queued batches ").append(queued).append(", router blocked ")
          .append(blocked / 1_000_000).append(" ms");
    }
    return s.toString();
  }
}
