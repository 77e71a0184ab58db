package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.TumbleAssignOperator;
import dev.laminar.sdk.type.Schema;

/**
 * A window table function: appends window_start and window_end. For {@code TUMBLE(TABLE t,
 * DESCRIPTOR(ts), size)} they are each row's window; for HOP and CUMULATE ({@code shape} not null)
 * they are the row's pane of {@code sizeMillis} (the slide or step), and only a windowed aggregate
 * above may consume them (it computes the real, overlapping windows from the panes).
 */
public record TumbleNode(PlanNode input, long sizeMillis, long offsetMillis, Schema schema, int rowtimeColumn,
    dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape shape, long windowSizeMillis) implements PlanNode {
  public TumbleNode(PlanNode input, long sizeMillis, long offsetMillis, Schema schema, int rowtimeColumn) {
    this(input, sizeMillis, offsetMillis, schema, rowtimeColumn, null, sizeMillis);
  }

  @Override
  public WindowColumns window() {
    int n = input.schema().size();
    return new WindowColumns(n, n + 1, windowSizeMillis, shape, sizeMillis, schema.size() > n + 2 ? n + 2 : -1);
  }

  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    return new TumbleAssignOperator(sizeMillis, offsetMillis, input.schema().size(), schema, batchCapacity, downstream);
  }

  @Override
  public String describe() {
    String time = input.schema().column(input.rowtimeColumn()).name();
    if (shape != null) {
      return "Panes(" + shape + ", time=" + time + ", pane=" + sizeMillis + " ms, size=" + windowSizeMillis + " ms)";
    }
    return "Tumble(time=" + time + ", size=" + sizeMillis + " ms" + (offsetMillis != 0 ? ", offset=" + offsetMillis + " ms" : "") + ")";
  }
}
