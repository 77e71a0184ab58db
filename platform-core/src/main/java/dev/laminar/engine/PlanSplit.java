package dev.laminar.engine;

import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit;
import dev.laminar.sql.plan.JoinNode;
import dev.laminar.sql.plan.LookupJoinNode;
import dev.laminar.sql.plan.PaneWindowAggregateNode;
import dev.laminar.sql.plan.PlanNode;
import dev.laminar.sql.plan.ScanNode;
import dev.laminar.sql.plan.SessionWindowAggregateNode;
import dev.laminar.sql.plan.WindowAggregateNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan that no single sharded shape covers ({@link Shards}, {@link KeyedGlobalShards}, {@link RekeyedShards},
 * {@link GlobalShards}), cut below its topmost stateful node: each input of that node holding state of its own (a join
 * of two aggregates, a join over another join, an aggregate over a global one, a lookup join between stages) becomes a
 * hidden stream, deployed sharded like any stream ({@link ShardedStream}: its parts end in lanes merged on reactor 0), and
 * the part above reads those streams through scans, so it is deployed as a plan reading sharded streams (its dealers run
 * in their merges). Every part keeps its state on every reactor; the price is one more hop through reactor 0 between
 * them, for rows that aggregates have usually thinned.
 *
 * <p>A split is made only when the part above runs sharded and each part below does (itself possibly split again). A merge
 * on reactor 0 keeps each lane's order but not one reactor's order across lanes, so no split is made when the topmost
 * stateful node is an aggregate whose result depends on the order of its rows across keys (FIRST_VALUE, LAST_VALUE, plugin
 * aggregates) or that emits updates per row (EMIT modes, allowed lateness). Which rows are late is the same: a part emits
 * no row below its own output watermark (a windowed aggregate's rows carry their window's end; a join holds its watermark
 * back to the earliest row it may still emit), and the merge caps each row's watermark by the other lanes' last ones, so
 * no row of one lane is below a watermark another lane's row brought: the part above finds no row of a part late, as with
 * one reactor.
 *
 * @param top the plan with each part replaced by a scan of its hidden stream
 * @param parts the inputs of the topmost stateful node that run as hidden streams
 * @param names their hidden streams' names, {@code <owner>@<n>} ({@code @} is in no unquoted identifier; a checkpoint keeps
 *     {@code #} for the chains of state stores)
 */
record PlanSplit(PlanNode top, List<PlanNode> parts, List<String> names) {

  /** The split of {@code plan} (its hidden streams named after {@code owner}), or null when it cannot be split so. */
  static PlanSplit of(PlanNode plan, String owner) {
    PlanNode cut = topStateful(plan);
    if (cut == null || (!(cut instanceof JoinNode) && (KeyedGlobalShards.orderSensitive(cut) || !oncePerWindow(cut)))) {
      return null;
    }
    List<PlanNode> parts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    PlanNode replaced = cut;
    for (PlanNode side : cut.inputs()) {
      if (side.nodes().stream().noneMatch(PlanSplit::stateful)) {
        continue; // a stateless input: the part above runs it in its head copies
      }
      String name = owner + "@" + (parts.size() + 1);
      if (!runsSharded(side, name)) {
        return null;
      }
      parts.add(side);
      names.add(name);
      replaced = withInput(replaced, side, new ScanNode(name, side.schema(), side.rowtimeColumn(), side.changelog()));
    }
    if (parts.isEmpty()) {
      return null;
    }
    PlanNode top = replace(plan, cut, replaced);
    return runsWhole(top) ? new PlanSplit(top, parts, names) : null;
  }

  /** Whether {@code plan} runs sharded, as a whole or split ({@code name}: its hidden streams' prefix). */
  static boolean runsSharded(PlanNode plan, String name) {
    return runsWhole(plan) || of(plan, name) != null;
  }

  /** Whether one sharded shape covers {@code plan} (in the order the engine tries them). */
  private static boolean runsWhole(PlanNode plan) {
    return Shards.keyedNode(plan) != null || KeyedGlobalShards.stages(plan) != null || RekeyedShards.stages(plan) != null
        || GlobalShards.globalAggregate(plan) != null;
  }

  /** The first stateful node from {@code plan} down its chain of single inputs (a join ends the chain), or null. */
  private static PlanNode topStateful(PlanNode plan) {
    PlanNode n = plan;
    while (n != null && !stateful(n)) {
      n = n.input();
    }
    return n;
  }

  /**
   * Whether aggregate {@code n} emits each window once, when it closes (no EMIT mode, no allowed lateness): updates per row
   * would follow the order its rows arrive in across the merged lanes, which is not one reactor's.
   */
  private static boolean oncePerWindow(PlanNode n) {
    return switch (n) {
      case WindowAggregateNode w -> w.emit() == Emit.ON_WINDOW_CLOSE && w.allowedLatenessMillis() == 0;
      case PaneWindowAggregateNode p -> p.emit() == Emit.ON_WINDOW_CLOSE && p.allowedLatenessMillis() == 0;
      case SessionWindowAggregateNode s -> s.emit() == Emit.ON_WINDOW_CLOSE && s.allowedLatenessMillis() == 0;
      default -> false;
    };
  }

  /** A node that keeps keyed or windowed state (a lookup join's cache is not state: it does not cut). */
  private static boolean stateful(PlanNode n) {
    return n instanceof JoinNode && !(n instanceof LookupJoinNode) || n instanceof WindowAggregateNode
        || n instanceof PaneWindowAggregateNode || n instanceof SessionWindowAggregateNode;
  }

  /** {@code root} with {@code target}, on its chain of single inputs, replaced by {@code replacement}. */
  private static PlanNode replace(PlanNode root, PlanNode target, PlanNode replacement) {
    if (root == target) {
      return replacement;
    }
    return withInput(root, root.input(), replace(root.input(), target, replacement));
  }

  /** A copy of {@code node} (a record, as every plan node is) whose input {@code from} is {@code to}. */
  static PlanNode withInput(PlanNode node, PlanNode from, PlanNode to) {
    RecordComponent[] components = node.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        Object v = components[i].getAccessor().invoke(node);
        values[i] = v == from ? to : v;
        types[i] = components[i].getType();
      }
      return (PlanNode) node.getClass().getDeclaredConstructor(types).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy plan node " + node.describe() + ": " + e, e);
    }
  }
}
