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
  /**
   * A windowed result's event time is window_end − 1 ms, carried by its {@code window_end} column
   * (or {@code window_start} when only that is selected): windowing this stream again (1 s bars →
   * 1 min bars) names that column in DESCRIPTOR.
   */
  @Override
  public int rowtimeColumn() {
    int start = -1;
    for (int i = 0; i < keySources.length; i++) {
      if (keySources[i] == KeySource.WINDOW_END) {
        return i;
      }
      if (keySources[i] == KeySource.WINDOW_START && start < 0) {
        start = i;
      }
    }
    return start;
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
