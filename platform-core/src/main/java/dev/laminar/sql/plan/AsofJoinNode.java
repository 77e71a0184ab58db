package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.join.AsofJoinOperator;
import dev.laminar.runtime.join.StoredAsofJoinOperator;
import dev.laminar.runtime.join.TwoInputOperator;
import dev.laminar.sdk.type.Schema;
import dev.laminar.state.ScratchSpace;

/**
 * An ASOF join ({@code temporal} false) or a temporal join against a versioned table ({@code temporal}
 * true: BACKWARD, the right input a changelog or an append-only stream keyed by its primary key).
 */
public record AsofJoinNode(PlanNode left, PlanNode right, AsofJoinOperator.Direction direction, boolean strict, long toleranceMillis,
    boolean leftOuter, boolean temporal, int[] leftKeys, int[] rightKeys, Schema schema, int rowtimeColumn) implements JoinNode {
  @Override
  public TwoInputOperator instantiateJoin(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    if (usesStateStore()) {
      StoredAsofJoinOperator stored = new StoredAsofJoinOperator(direction, strict, toleranceMillis, leftOuter, left.schema(), leftKeys,
          right.schema(), rightKeys, schema, batchCapacity, downstream, metrics.lateRowsDropped(), ScratchSpace.folder());
      metrics.stateRows(stored::stateRows);
      metrics.resource(stored);
      return stored;
    }
    AsofJoinOperator op = new AsofJoinOperator(direction, strict, toleranceMillis, leftOuter, left.schema(), leftKeys, right.schema(),
        rightKeys, schema, batchCapacity, downstream, metrics.lateRowsDropped());
    metrics.stateRows(op::stateRows);
    metrics.resource(op); // the store its checkpoints keep the rows in
    return op;
  }

  /**
   * Whether the right rows and pending left rows live in off-heap state stores ({@link StoredAsofJoinOperator}, which
   * takes every input the heap operator takes): unless {@value WindowAggregateNode#STATE_STORE_PROPERTY} is
   * {@code false}.
   */
  private boolean usesStateStore() {
    return !"false".equalsIgnoreCase(System.getProperty(WindowAggregateNode.STATE_STORE_PROPERTY))
        && StoredAsofJoinOperator.supports(left.schema(), leftKeys, right.schema(), rightKeys);
  }

  @Override
  public String describe() {
    String keys = JoinNode.keyList(left, leftKeys, right, rightKeys);
    String l = left.schema().column(left.rowtimeColumn()).name();
    String r = right.schema().column(right.rowtimeColumn()).name();
    String state = usesStateStore() ? ", state=off-heap" : "";
    if (temporal) {
      return "TemporalJoin(" + (leftOuter ? "LEFT" : "INNER") + ", keys=[" + keys + "], version of " + right.scan().streamName() + " as of "
          + l + state + ")";
    }
    String match = switch (direction) {
      case BACKWARD -> l + (strict ? " > " : " >= ") + r;
      case FORWARD -> l + (strict ? " < " : " <= ") + r;
      case NEAREST -> "nearest " + r + " to " + l;
    };
    return "AsofJoin(" + (leftOuter ? "LEFT" : "INNER") + ", keys=[" + keys + "], match=" + match
        + (toleranceMillis != Long.MAX_VALUE ? ", tolerance=" + toleranceMillis + " ms" : "") + state + ")";
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
