package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.sdk.type.Schema;

/**
 * A node of a physical streaming plan. Plans are built by the planner from Calcite's logical plan
 * and instantiated into operator chains when a stream, sink or subscription is deployed.
 */
public sealed interface PlanNode permits ScanNode, CalcNode, TumbleNode, WindowAggregateNode, PaneWindowAggregateNode,
    SessionWindowAggregateNode {
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

  /** The single input, or null for a scan. */
  PlanNode input();

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

  /** The scan at the bottom of this plan. */
  default ScanNode scan() {
    PlanNode n = this;
    while (!(n instanceof ScanNode)) {
      n = n.input();
    }
    return (ScanNode) n;
  }

  /** An indented tree of {@link #describe()} lines, root first. */
  default String explain() {
    StringBuilder sb = new StringBuilder();
    PlanNode n = this;
    String indent = "";
    while (n != null) {
      sb.append(indent).append(n.describe()).append('\n');
      indent += "  ";
      n = n.input();
    }
    return sb.toString();
  }
}
