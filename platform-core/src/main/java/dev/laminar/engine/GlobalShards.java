package dev.laminar.engine;

import dev.laminar.runtime.EventSink;
import dev.laminar.runtime.ExchangeQueue;
import dev.laminar.runtime.HeadDealer;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.Reactor;
import dev.laminar.runtime.StreamNode;
import dev.laminar.runtime.aggregate.GroupAccumulatorFactory;
import dev.laminar.runtime.aggregate.PartialAggregates;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator;
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
 * A plan whose one stateful node is a global TUMBLE, HOP or CUMULATE aggregate (no grouping column: every row
 * must meet in one place), deployed over N reactors as a two-phase aggregation ({@link PartialAggregates}):
 * reactor 0 deals the input's events round-robin to one copy of the plan's stateless head per reactor, as for a
 * keyed plan ({@link Shards}); each copy ends in a {@link PartialAggregates.Producer} that folds the rows
 * of each event into a partial state per window (TUMBLE) or pane (HOP/CUMULATE); one {@link PartialAggregates.Combiner}, on the last
 * reactor (reactor 0 already runs the sources and the dealer), takes the events of all copies in their
 * dealt order, merges the partial states into the aggregate, and runs what follows it into the plan's
 * edge. Results, their order and lateness are one reactor's. The combiner is the one stateful part: it
 * takes checkpoint barriers as shard 0 (state stored as {@code <node>~shard0}).
 */
final class GlobalShards implements ShardedPlan {
  private final Reactor[] reactors;
  private final int home;
  private final HeadDealer dealer;
  private final PartialAggregates.Producer[] producers;
  private final ExchangeQueue[] toHeads;
  private final Reactor.Inbox[] headInboxes;
  private final PartialAggregates.Combiner combiner;
  private final PlanMetrics combinerMetrics;
  private final Object owner;
  private volatile boolean open = true;

  private GlobalShards(Reactor[] reactors, int home, HeadDealer dealer, PartialAggregates.Producer[] producers, ExchangeQueue[] toHeads,
      Reactor.Inbox[] headInboxes, PartialAggregates.Combiner combiner, PlanMetrics combinerMetrics, Object owner) {
    this.reactors = reactors;
    this.home = home;
    this.dealer = dealer;
    this.producers = producers;
    this.toHeads = toHeads;
    this.headInboxes = headInboxes;
    this.combiner = combiner;
    this.combinerMetrics = combinerMetrics;
    this.owner = owner;
  }

  /**
   * The plan's global aggregate when it can run this way, else null: one scan, one TUMBLE, HOP or CUMULATE
   * aggregate without grouping columns, EMIT ON WINDOW CLOSE, no allowed lateness or side stream, on the plan's
   * chain, and nothing else stateful but lookup joins below it (they run on reactor 0, before the dealer:
   * {@link Shards#headBoundary}).
   */
  static PlanNode globalAggregate(PlanNode plan) {
    PlanNode aggregate = null;
    int scans = 0;
    for (PlanNode n : plan.nodes()) {
      switch (n) {
        case JoinNode j -> {
          return null;
        }
        case LookupJoinNode l -> {
          if (aggregate == null) {
            return null; // after the aggregate: it would emit outside the events the combiner takes
          }
        }
        case SessionWindowAggregateNode s -> {
          return null;
        }
        case PaneWindowAggregateNode p -> {
          if (aggregate != null || !combinable(p)) {
            return null;
          }
          aggregate = p;
        }
        case WindowAggregateNode w -> {
          if (aggregate != null || !combinable(w)) {
            return null;
          }
          aggregate = w;
        }
        case dev.laminar.sql.plan.ScanNode s -> scans++;
        default -> { }
      }
    }
    if (scans != 1 || aggregate == null) {
      return null;
    }
    for (PlanNode n = plan; n != aggregate; n = n.input()) {
      if (n == null) {
        return null;
      }
    }
    return aggregate;
  }

  /**
   * Whether {@code n} is a TUMBLE, HOP or CUMULATE aggregate that can run in two phases: no grouping column (window
   * bounds aside), EMIT ON WINDOW CLOSE, no allowed lateness or side stream.
   */
  static boolean combinable(PlanNode n) {
    return switch (n) {
      case PaneWindowAggregateNode p -> Shards.routeColumns(p.keySources(), p.keyColumns()).length == 0 && p.lateDataTarget() == null
          && p.allowedLatenessMillis() == 0 && p.emit() == TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;
      case WindowAggregateNode w -> Shards.routeColumns(w.keySources(), w.keyColumns()).length == 0 && w.lateDataTarget() == null
          && w.allowedLatenessMillis() == 0 && w.emit() == TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;
      default -> false;
    };
  }

  /** Where a row of {@code aggregate}'s input goes in its partial states (its windows, or panes). */
  static PartialAggregates.Windows windows(PlanNode aggregate) {
    return switch (aggregate) {
      case WindowAggregateNode w -> PartialAggregates.Windows.tumble(w.sizeMillis(), w.windowStartColumn());
      case PaneWindowAggregateNode p -> PartialAggregates.Windows.panes(p.shape(), p.paneMillis(), p.sizeMillis());
      default -> throw new IllegalArgumentException("not a global windowed aggregate: " + aggregate.describe());
    };
  }

  /**
   * Deploys the head copies, their partial stages and the combiner. {@code buildCombiner} builds the
   * aggregate (with {@code factory}, which the partial stages share: a partial state merges only into a
   * state of its own factory) and what follows it, ending in the given edge, registering its checkpointed
   * operators in the given metrics (they become {@code metrics.shards()[0]}); {@code buildHead} builds one
   * copy of the head ending in the given partial stage (copy 0 gets {@code metrics}).
   */
  static GlobalShards deploy(Reactor[] reactors, PlanNode aggregate, GroupAccumulatorFactory factory, Schema inputSchema,
      Operator edge, int queueBatches, int batchSize, PlanMetrics metrics,
      BiFunction<Operator, PlanMetrics, PartialAggregates.Target> buildCombiner, BiFunction<EventSink, PlanMetrics, Operator> buildHead,
      BiConsumer<Object, RuntimeException> onFailure, Object owner, Shards.BarrierListener barriers) {
    int n = reactors.length;
    int home = n - 1;
    GlobalShards[] self = new GlobalShards[1];
    PlanMetrics combinerMetrics = new PlanMetrics();
    combinerMetrics.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
    PartialAggregates.Target combined = buildCombiner.apply(edge, combinerMetrics);
    PartialAggregates.Windows windows = windows(aggregate);
    PartialAggregates.Producer[] producers = new PartialAggregates.Producer[n];
    StreamNode[] heads = new StreamNode[n];
    for (int j = 0; j < n; j++) {
      producers[j] = new PartialAggregates.Producer(windows, factory, queueBatches,
          () -> self[0].open && reactors[home].isRunning(), reactors[j]::helpWhileBlocked, reactors[home]::wake);
      PlanMetrics m = metrics;
      if (j > 0) {
        m = new PlanMetrics();
        m.onAsyncFailure(e -> metrics.asyncFailure().accept(e));
      }
      heads[j] = new StreamNode(aggregate.describe() + " head " + j, inputSchema);
      heads[j].onConsumerFailure(onFailure);
      heads[j].attach(buildHead.apply(producers[j], m), owner);
    }
    ExchangeQueue[] toHeads = new ExchangeQueue[n];
    Reactor.Inbox[] headInboxes = new Reactor.Inbox[n];
    for (int j = 1; j < n; j++) {
      Reactor consumer = reactors[j];
      toHeads[j] = new ExchangeQueue(inputSchema, queueBatches, batchSize, () -> self[0].open && consumer.isRunning(),
          reactors[0]::helpWhileBlocked, consumer::wake);
      headInboxes[j] = new HeadDealer.HeadInbox(toHeads[j], heads[j], producers[j]);
    }
    HeadDealer dealer = new HeadDealer(heads[0], producers[0], toHeads, new HeadDealer.Sequence());
    PartialAggregates.Combiner combiner = new PartialAggregates.Combiner(producers, combined, id -> barriers.reached(0, id),
        e -> onFailure.accept(owner, e));
    metrics.shards(new PlanMetrics[] {combinerMetrics});
    self[0] = new GlobalShards(reactors, home, dealer, producers, toHeads, headInboxes, combiner, combinerMetrics, owner);
    reactors[home].addCombinerInbox(combiner); // never waits: drained also while a copy on its reactor waits
    for (int j = 1; j < n; j++) {
      reactors[j].addInbox(headInboxes[j], false);
    }
    reactors[home].addTimers(combinerMetrics.timers(), owner);
    return self[0];
  }

  @Override
  public int count() {
    return 1;
  }

  @Override
  public HeadDealer dealer(int input) {
    return dealer;
  }

  @Override
  public void barrier(long id) {
    dealer.barrier(id);
  }

  @Override
  public void undeploy() {
    open = false; // a copy still waiting for the combiner stops waiting
    for (int j = 1; j < reactors.length; j++) {
      reactors[j].removeInbox(headInboxes[j]);
    }
    reactors[home].removeInbox(combiner);
    reactors[home].removeTimers(owner);
    for (int j = 1; j < reactors.length; j++) {
      final int r = j;
      reactors[j].execute(() -> toHeads[r].drainAway()); // after its inbox is gone (commands run in order)
    }
    reactors[home].execute(() -> {
      try {
        combinerMetrics.closeResources(); // the aggregate's checkpoint journal store
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(GlobalShards.class).warn("releasing the state of the combiner of {}: {}", owner, e.getMessage(), e);
      }
    });
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    parts.add("combined on reactor " + home + ": events " + combiner.eventsTaken());
    for (int j = 0; j < reactors.length; j++) {
      parts.add("partial stage " + j + ": queued events " + producers[j].depth() + ", blocked " + producers[j].blockedNanos() / 1_000_000
          + " ms" + (j > 0 ? ", dealt batches queued " + dealer.depth(j) + ", dealer blocked " + dealer.blockedNanos(j) / 1_000_000 + " ms"
          : ""));
    }
    return "partial aggregates combined: " + String.join("; ", parts);
  }
}
