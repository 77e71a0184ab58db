package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.join.IntervalJoinOperator;
import dev.laminar.runtime.join.TwoInputOperator;
import dev.laminar.sdk.type.Schema;
import java.util.Arrays;

/**
 * A time-bounded stream-stream join (also the bounded semi and anti joins of EXISTS / NOT EXISTS):
 * {@code lower <= left.time - right.time <= upper}, inclusive, in milliseconds.
 */
public record IntervalJoinNode(PlanNode left, PlanNode right, IntervalJoinOperator.Kind kind, int[] leftKeys, int[] rightKeys,
    long lower, long upper, Expr residual, Schema joinedSchema, Schema schema, int rowtimeColumn) implements JoinNode {
  @Override
  public TwoInputOperator instantiateJoin(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    IntervalJoinOperator op = new IntervalJoinOperator(kind, left.schema(), leftKeys, right.schema(), rightKeys, lower, upper, residual,
        joinedSchema, schema, batchCapacity, downstream, metrics.lateRowsDropped());
    metrics.stateRows(op::stateRows);
    metrics.resource(op); // the store its checkpoints keep the rows in
    return op;
  }

  @Override
  public String describe() {
    String keys = JoinNode.keyList(left, leftKeys, right, rightKeys);
    String l = left.schema().column(left.rowtimeColumn()).name();
    String r = right.schema().column(right.rowtimeColumn()).name();
    return "IntervalJoin(" + kind + ", keys=[" + keys + "], " + r + (lower >= 0 ? " + " : " - ") + Math.abs(lower) + " ms <= " + l
        + " <= " + r + (upper >= 0 ? " + " : " - ") + Math.abs(upper) + " ms" + (residual != null ? ", where=" + residual : "") + ")";
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
