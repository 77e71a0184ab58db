package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.PaneWindowAggregateOperator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.sdk.type.Schema;
import java.util.Arrays;

/** GROUP BY over HOP or CUMULATE windows, built from shared per-pane partial aggregates. */
public record PaneWindowAggregateNode(PlanNode input, PaneWindowAggregateOperator.Shape shape, long paneMillis, long sizeMillis,
    KeySource[] keySources, int[] keyColumns, AggregateSpec[] aggregates, Schema schema) implements PlanNode {
  @Override
  public int rowtimeColumn() {
    return -1;
  }

  @Override
  public WindowColumns window() {
    return null;
  }

  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    return new PaneWindowAggregateOperator(shape, paneMillis, sizeMillis, keySources, keyColumns, input.schema(), aggregates,
        schema, batchCapacity, downstream, metrics.lateRowsDropped());
  }

  @Override
  public String describe() {
    return "PaneWindowAggregate(" + shape + ", " + (shape == PaneWindowAggregateOperator.Shape.HOP ? "slide=" : "step=") + paneMillis
        + " ms, size=" + sizeMillis + " ms, keys=" + Arrays.toString(keySources) + ", aggregates=" + Arrays.toString(aggregates)
        + ", emit=ON WINDOW CLOSE)";
  }
}
