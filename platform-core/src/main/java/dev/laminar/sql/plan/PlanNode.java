package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.sdk.type.Schema;

/**
 * A node of a physical streaming plan. Plans are built by the planner from Calcite's logical plan
 * and instantiated into operator chains when a stream, sink or subscription is deployed.
 */
public sealed interface PlanNode permits ScanNode, CalcNode, TumbleNode, WindowAggregateNode, PaneWindowAggregateNode,
    SessionWindowAggregateNode, JoinNode, LookupJoinNode {
  Schema schema();

  /** Index of the column that carries each row's event time, or -1. */
  int rowtimeColumn();

  /** Window columns of this node's output, when it is (a projection of) a windowed table, else null. */
  WindowColumns window();

  /**
   * Whether the output is a changelog (rows of every {@link dev.laminar.sdk.row.RowKind}) rather than
   * append-only inserts.
   */
  default boolean changelog() {
    PlanNode in = input();
    return in != null && in.changelog();
  }

  /** The single input, or null for a scan or a join (whose inputs are {@link #inputs()}). */
  PlanNode input();

  /** The inputs: none for a scan, two for a join, else the single input. */
  default java.util.List<PlanNode> inputs() {
    PlanNode in = input();
    return in == null ? java.util.List.of() : java.util.List.of(in);
  }

  /** Builds this node's operator, pushing its output into {@code downstream}. */
  Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics);

  /** One line describing this node for EXPLAIN. */
  String describe();

  /**
   * window_start / window_end column positions and the window's shape: {@code shape} null for TUMBLE
   * (the columns hold each row's window), else HOP or CUMULATE, whose columns hold the row's pane
   * ({@code paneMillis} = slide or step) until an aggregate computes the real windows.
   */
  record WindowColumns(int startColumn, int endColumn, long sizeMillis,
      dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape shape, long paneMillis, int timeColumn) {
    public WindowColumns(int startColumn, int endColumn, long sizeMillis) {
      this(startColumn, endColumn, sizeMillis, null, sizeMillis, -1);
    }

    public WindowColumns(int startColumn, int endColumn, long sizeMillis,
        dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape shape, long paneMillis) {
      this(startColumn, endColumn, sizeMillis, shape, paneMillis, -1);
    }

    /** The same window with its columns at other positions. */
    public WindowColumns moved(int start, int end, int time) {
      return new WindowColumns(start, end, sizeMillis, shape, paneMillis, time);
    }
  }

  /** The first (leftmost) scan of this plan. */
  default ScanNode scan() {
    return scans().get(0);
  }

  /** Every scan of this plan, left to right (a join reads two or more). */
  default java.util.List<ScanNode> scans() {
    return nodes().stream().filter(ScanNode.class::isInstance).map(ScanNode.class::cast).toList();
  }

  /** This node and every node below it, parents before children, left before right. */
  default java.util.List<PlanNode> nodes() {
    java.util.List<PlanNode> out = new java.util.ArrayList<>();
    java.util.ArrayDeque<PlanNode> todo = new java.util.ArrayDeque<>();
    todo.push(this);
    while (!todo.isEmpty()) {
      PlanNode n = todo.pop();
      out.add(n);
      java.util.List<PlanNode> in = n.inputs();
      for (int i = in.size() - 1; i >= 0; i--) {
        todo.push(in.get(i));
      }
    }
    return out;
  }

  /** An indented tree of {@link #describe()} lines, root first. */
  default String explain() {
    StringBuilder sb = new StringBuilder();
    explain(this, "", sb);
    return sb.toString();
  }

  private static void explain(PlanNode n, String indent, StringBuilder sb) {
    sb.append(indent).append(n.describe()).append('\n');
    for (PlanNode in : n.inputs()) {
      explain(in, indent + "  ", sb);
    }
  }
}
