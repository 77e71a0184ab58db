package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.TumbleAssignOperator;
import dev.laminar.sdk.type.Schema;

/** {@code TUMBLE(TABLE t, DESCRIPTOR(ts), size)}: appends window_start and window_end. */
public record TumbleNode(PlanNode input, long sizeMillis, long offsetMillis, Schema schema, int rowtimeColumn) implements PlanNode {
  @Override
  public WindowColumns window() {
    int n = input.schema().size();
    return new WindowColumns(n, n + 1, sizeMillis);
  }

  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    return new TumbleAssignOperator(sizeMillis, offsetMillis, input.schema().size(), schema, batchCapacity, downstream);
  }

  @Override
  public String describe() {
    return "Tumble(time=" + input.schema().column(input.rowtimeColumn()).name() + ", size=" + sizeMillis + " ms"
        + (offsetMillis != 0 ? ", offset=" + offsetMillis + " ms" : "") + ")";
  }
}
