package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.runtime.aggregate.PaneWindowAggregateOperator;
import dev.laminar.runtime.aggregate.StoredPaneWindowAggregateOperator;
import dev.laminar.state.ScratchSpace;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.sdk.type.Schema;
import java.util.Arrays;

/** GROUP BY over HOP or CUMULATE windows, built from shared per-pane partial aggregates. */
public record PaneWindowAggregateNode(PlanNode input, PaneWindowAggregateOperator.Shape shape, long paneMillis, long sizeMillis,
    KeySource[] keySources, int[] keyColumns, AggregateSpec[] aggregates, Schema schema,
    dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit emit, long allowedLatenessMillis, String lateDataTarget,
    long everyMillis) implements PlanNode {
  public PaneWindowAggregateNode(PlanNode input, PaneWindowAggregateOperator.Shape shape, long paneMillis, long sizeMillis,
      KeySource[] keySources, int[] keyColumns, AggregateSpec[] aggregates, Schema schema) {
    this(input, shape, paneMillis, sizeMillis, keySources, keyColumns, aggregates, schema,
        dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE, 0, null, 0);
  }

  /** The same aggregate with another emit mode, allowed lateness and LATE DATA TO stream (or null). */
  public PaneWindowAggregateNode withEmit(dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit mode, long lateness,
      String lateTarget, long every) {
    return new PaneWindowAggregateNode(input, shape, paneMillis, sizeMillis, keySources, keyColumns, aggregates, schema, mode,
        lateness, lateTarget, every);
  }

  @Override
  public boolean changelog() {
    return emit != dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE || allowedLatenessMillis > 0;
  }

  /**
   * A windowed result's event time is window_end − 1 ms, carried by its {@code window_end} column:
   * windowing this stream again (1 s bars → 1 min bars) names that column in DESCRIPTOR. Without
   * window_end in the output there is no event-time column.
   */
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
    dev.laminar.runtime.aggregate.GroupAccumulatorFactory factory = AggregateCompiler.create(aggregates, WindowAggregateNode.stateStoreEnabled());
    if (usesStateStore(factory.slotBytes())) {
      StoredPaneWindowAggregateOperator stored = new StoredPaneWindowAggregateOperator(shape, paneMillis, sizeMillis, keySources,
          keyColumns, input.schema(), factory, schema, batchCapacity, downstream, metrics.lateRowsDropped(), ScratchSpace.folder(), emit,
          allowedLatenessMillis);
      if (allowedLatenessMillis > 0 || metrics.lateOutput() != null) {
        stored.lateDataTo(metrics.lateOutput(), input.schema(), batchCapacity, metrics.lateRowsAccepted(), metrics.lateRowsRedirected());
      }
      if (emit == dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.EVERY) {
        stored.emitEvery(everyMillis);
        metrics.timers().add(stored);
      }
      metrics.resource(stored);
      return stored;
    }
    PaneWindowAggregateOperator op = new PaneWindowAggregateOperator(shape, paneMillis, sizeMillis, keySources, keyColumns,
        input.schema(), factory, schema, batchCapacity, downstream, metrics.lateRowsDropped());
    metrics.resource(op); // the store its checkpoints keep the groups in
    op.emit(emit);
    if (emit == dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.EVERY) {
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
    return "PaneWindowAggregate(" + shape + ", " + (shape == PaneWindowAggregateOperator.Shape.HOP ? "slide=" : "step=") + paneMillis
        + " ms, size=" + sizeMillis + " ms, keys=" + Arrays.toString(keySources) + ", aggregates=" + Arrays.toString(aggregates)
        + ", update=" + AggregateCompiler.describe(aggregates, WindowAggregateNode.stateStoreEnabled())
        + (usesStateStore(AggregateCompiler.slotBytes(aggregates, WindowAggregateNode.stateStoreEnabled())) ? ", state=off-heap" : "")
        + ", emit=" + emit.name().replace('_', ' ') + ")";
  }

  /**
   * Whether pane partials live in the off-heap state store ({@link StoredPaneWindowAggregateOperator}): fixed-size
   * grouping columns and aggregate states (any emit mode and allowed lateness), unless
   * {@value WindowAggregateNode#STATE_STORE_PROPERTY} is {@code false}.
   */
  private boolean usesStateStore(int slotBytes) {
    return WindowAggregateNode.stateStoreEnabled() && StoredPaneWindowAggregateOperator.supports(keySources, keyColumns, input.schema(), slotBytes);
  }
}
