package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.join.TwoInputOperator;
import java.util.List;

/** A node with two stream inputs; deploying it attaches each input's chain to the join operator's side. */
public non-sealed interface JoinNode extends PlanNode {
  PlanNode left();

  PlanNode right();

  @Override
  default PlanNode input() {
    return null;
  }

  @Override
  default List<PlanNode> inputs() {
    return List.of(left(), right());
  }

  @Override
  default WindowColumns window() {
    return null;
  }

  @Override
  default boolean changelog() {
    return false;
  }

  /** Builds the join operator; its {@link TwoInputOperator#left()} and {@link TwoInputOperator#right()} receive the inputs. */
  TwoInputOperator instantiateJoin(Operator downstream, int batchCapacity, PlanMetrics metrics);

  /** "l1 = r1, l2 = r2" for EXPLAIN. */
  static String keyList(PlanNode left, int[] leftKeys, PlanNode right, int[] rightKeys) {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < leftKeys.length; i++) {
      keys.append(i > 0 ? ", " : "").append(left.schema().column(leftKeys[i]).name()).append(" = ")
          .append(right.schema().column(rightKeys[i]).name());
    }
    return keys.toString();
  }

  @Override
  default Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    throw new UnsupportedOperationException("a join has two inputs: deploy it with instantiateJoin");
  }
}
