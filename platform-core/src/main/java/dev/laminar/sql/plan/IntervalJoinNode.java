package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.join.IntervalJoinOperator;
import dev.laminar.runtime.join.StoredIntervalJoinOperator;
import dev.laminar.runtime.join.TwoInputOperator;
import dev.laminar.sdk.type.Schema;
import dev.laminar.state.ScratchSpace;
import java.util.Arrays;

/**
 * A time-bounded stream-stream join (also the bounded semi and anti joins of EXISTS / NOT EXISTS):
 * {@code lower <= left.time - right.time <= upper}, inclusive, in milliseconds.
 */
public record IntervalJoinNode(PlanNode left, PlanNode right, IntervalJoinOperator.Kind kind, int[] leftKeys, int[] rightKeys,
    long lower, long upper, Expr residual, Schema joinedSchema, Schema schema, int rowtimeColumn) implements JoinNode {
  @Override
  public TwoInputOperator instantiateJoin(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    if (usesStateStore()) {
      StoredIntervalJoinOperator stored = new StoredIntervalJoinOperator(kind, left.schema(), leftKeys, right.schema(), rightKeys, lower,
          upper, residual, joinedSchema, schema, batchCapacity, downstream, metrics.lateRowsDropped(), ScratchSpace.folder());
      metrics.stateRows(stored::stateRows);
      metrics.resource(stored);
      return stored;
    }
    IntervalJoinOperator op = new IntervalJoinOperator(kind, left.schema(), leftKeys, right.schema(), rightKeys, lower, upper, residual,
        joinedSchema, schema, batchCapacity, downstream, metrics.lateRowsDropped());
    metrics.stateRows(op::stateRows);
    metrics.resource(op); // the store its checkpoints keep the rows in
    return op;
  }

  /**
   * Whether the rows in state live in off-heap state stores ({@link StoredIntervalJoinOperator}, which takes every
   * input the heap operator takes): unless {@value WindowAggregateNode#STATE_STORE_PROPERTY} is {@code false}.
   */
  private boolean usesStateStore() {
    return !"false".equalsIgnoreCase(System.getProperty(WindowAggregateNode.STATE_STORE_PROPERTY))
        && StoredIntervalJoinOperator.supports(left.schema(), leftKeys, right.schema(), rightKeys);
  }

  @Override
  public String describe() {
    String keys = JoinNode.keyList(left, leftKeys, right, rightKeys);
    String l = left.schema().column(left.rowtimeColumn()).name();
    String r = right.schema().column(right.rowtimeColumn()).name();
    return "IntervalJoin(" + kind + ", keys=[" + keys + "], " + r + (lower >= 0 ? " + " : " - ") + Math.abs(lower) + " ms <= " + l
        + " <= " + r + (upper >= 0 ? " + " : " - ") + Math.abs(upper) + " ms" + (residual != null ? ", where=" + residual : "")
        + (usesStateStore() ? ", state=off-heap" : "") + ")";
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return describe() + Arrays.toString(leftKeys);
  }
}
