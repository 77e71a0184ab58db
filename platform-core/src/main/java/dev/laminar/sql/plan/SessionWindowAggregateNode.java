package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.runtime.aggregate.SessionWindowAggregateOperator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.sdk.type.Schema;
import java.util.Arrays;

/** GROUP BY keys over SESSION windows with a gap, emitted when each session closes. */
public record SessionWindowAggregateNode(PlanNode input, long gapMillis, KeySource[] keySources, int[] keyColumns,
    AggregateSpec[] aggregates, Schema schema, dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit emit,
    long everyMillis) implements PlanNode {
  public SessionWindowAggregateNode(PlanNode input, long gapMillis, KeySource[] keySources, int[] keyColumns,
      AggregateSpec[] aggregates, Schema schema) {
    this(input, gapMillis, keySources, keyColumns, aggregates, schema,
        dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE, 0);
  }

  @Override
  public boolean changelog() {
    return emit != dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;
  }

  @Override
  public int rowtimeColumn() {
    int end = -1;
    for (int i = 0; i < keySources.length; i++) {
      if (keySources[i] == KeySource.WINDOW_TIME) {
        return i;
      }
      if (keySources[i] == KeySource.WINDOW_END && end < 0) {
        end = i;
      }
    }
    return end;
  }

  @Override
  public WindowColumns window() {
    return null;
  }

  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    SessionWindowAggregateOperator op = new SessionWindowAggregateOperator(gapMillis, keySources, keyColumns, input.schema(),
        AggregateCompiler.create(aggregates), schema, batchCapacity, downstream, metrics.lateRowsDropped());
    op.emit(emit);
    if (emit == dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.EVERY) {
      op.emitEvery(everyMillis);
      metrics.timers().add(op);
    }
    return op;
  }

  @Override
  public String describe() {
    return "SessionWindowAggregate(gap=" + gapMillis + " ms, keys=" + Arrays.toString(keySources) + ", aggregates="
        + Arrays.toString(aggregates) + ", update=" + AggregateCompiler.describe(aggregates) + ", emit=" + emit.name().replace('_', ' ') + ")";
  }
}
