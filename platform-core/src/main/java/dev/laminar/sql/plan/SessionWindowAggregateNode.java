package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.GroupAccumulatorFactory;
import dev.laminar.runtime.aggregate.SessionWindowAggregateOperator;
import dev.laminar.runtime.aggregate.StoredSessionWindowAggregateOperator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.sdk.type.Schema;
import dev.laminar.state.ScratchSpace;
import java.util.Arrays;

/**
 * GROUP BY keys over SESSION windows with a gap, emitted when each session closes (or as the EMIT
 * mode says), kept {@code allowedLatenessMillis} after that for late corrections; rows later than
 * that go to {@code lateDataTarget} when it is not null.
 */
public record SessionWindowAggregateNode(PlanNode input, long gapMillis, KeySource[] keySources, int[] keyColumns,
    AggregateSpec[] aggregates, Schema schema, Emit emit, long everyMillis, long allowedLatenessMillis, String lateDataTarget)
    implements PlanNode {
  public SessionWindowAggregateNode(PlanNode input, long gapMillis, KeySource[] keySources, int[] keyColumns,
      AggregateSpec[] aggregates, Schema schema) {
    this(input, gapMillis, keySources, keyColumns, aggregates, schema, Emit.ON_WINDOW_CLOSE, 0, 0, null);
  }

  /** The same aggregate with another emit mode, allowed lateness and LATE DATA TO stream (or null). */
  public SessionWindowAggregateNode withEmit(Emit mode, long lateness, String lateTarget, long every) {
    return new SessionWindowAggregateNode(input, gapMillis, keySources, keyColumns, aggregates, schema, mode, every, lateness, lateTarget);
  }

  /** A changelog when updates are emitted, or when allowed lateness corrects fired sessions. */
  @Override
  public boolean changelog() {
    return emit != Emit.ON_WINDOW_CLOSE || allowedLatenessMillis > 0;
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
    GroupAccumulatorFactory factory = AggregateCompiler.create(aggregates, WindowAggregateNode.stateStoreEnabled());
    if (usesStateStore(factory.slotBytes())) {
      StoredSessionWindowAggregateOperator stored = new StoredSessionWindowAggregateOperator(gapMillis, keySources, keyColumns,
          input.schema(), factory, schema, batchCapacity, downstream, metrics.lateRowsDropped(), ScratchSpace.folder(), emit,
          allowedLatenessMillis);
      if (allowedLatenessMillis > 0 || metrics.lateOutput() != null) {
        stored.lateDataTo(metrics.lateOutput(), input.schema(), batchCapacity, metrics.lateRowsAccepted(), metrics.lateRowsRedirected());
      }
      if (emit == Emit.EVERY) {
        stored.emitEvery(everyMillis);
        metrics.timers().add(stored);
      }
      metrics.resource(stored);
      return stored;
    }
    SessionWindowAggregateOperator op = new SessionWindowAggregateOperator(gapMillis, keySources, keyColumns, input.schema(),
        factory, schema, batchCapacity, downstream, metrics.lateRowsDropped());
    metrics.resource(op); // the store its checkpoints keep the sessions in
    op.emit(emit);
    if (emit == Emit.EVERY) {
      op.emitEvery(everyMillis);
      metrics.timers().add(op);
    }
    if (allowedLatenessMillis > 0 || metrics.lateOutput() != null) {
      op.allowLateness(allowedLatenessMillis, metrics.lateOutput(), input.schema(), batchCapacity, metrics.lateRowsAccepted(),
          metrics.lateRowsRedirected());
    }
    return op;
  }

  @Override
  public String describe() {
    return "SessionWindowAggregate(gap=" + gapMillis + " ms, keys=" + Arrays.toString(keySources) + ", aggregates="
        + Arrays.toString(aggregates) + ", update=" + AggregateCompiler.describe(aggregates, WindowAggregateNode.stateStoreEnabled())
        + (usesStateStore(AggregateCompiler.slotBytes(aggregates, WindowAggregateNode.stateStoreEnabled())) ? ", state=off-heap" : "") + ", emit=" + emit.name().replace('_', ' ')
        + (emit == Emit.EVERY ? " " + everyMillis + " ms" : "")
        + (allowedLatenessMillis > 0 ? ", lateness=" + allowedLatenessMillis + " ms" : "")
        + (lateDataTarget != null ? ", late data to " + lateDataTarget : "") + ")";
  }

  /**
   * Whether sessions live in the off-heap state store ({@link StoredSessionWindowAggregateOperator}): fixed-size
   * grouping columns and aggregate states (any emit mode and allowed lateness), unless
   * {@value WindowAggregateNode#STATE_STORE_PROPERTY} is {@code false}. Otherwise the heap operator.
   */
  private boolean usesStateStore(int slotBytes) {
    return WindowAggregateNode.stateStoreEnabled() && StoredSessionWindowAggregateOperator.supports(keySources, keyColumns, input.schema(), slotBytes);
  }
}
