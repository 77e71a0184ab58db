package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.GroupAccumulatorFactory;
import dev.laminar.runtime.aggregate.StoredTumblingWindowAggregateOperator;
import dev.laminar.state.ScratchSpace;
import dev.laminar.runtime.codegen.AggregateCompiler;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** GROUP BY over a tumbling window, emitted once per window when the watermark passes its end. */
public record WindowAggregateNode(PlanNode input, long sizeMillis, int windowStartColumn, KeySource[] keySources,
    int[] keyColumns, AggregateSpec[] aggregates, Schema schema, TumblingWindowAggregateOperator.Emit emit,
    long allowedLatenessMillis, String lateDataTarget, long everyMillis) implements PlanNode {
  public WindowAggregateNode(PlanNode input, long sizeMillis, int windowStartColumn, KeySource[] keySources,
      int[] keyColumns, AggregateSpec[] aggregates, Schema schema) {
    this(input, sizeMillis, windowStartColumn, keySources, keyColumns, aggregates, schema, TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE,
        0, null, 0);
  }

  /** The same aggregate with another emit mode, allowed lateness and LATE DATA TO stream (or null). */
  public WindowAggregateNode withEmit(TumblingWindowAggregateOperator.Emit mode, long lateness, String lateTarget, long every) {
    return new WindowAggregateNode(input, sizeMillis, windowStartColumn, keySources, keyColumns, aggregates, schema, mode,
        lateness, lateTarget, every);
  }

  /** A changelog when updates are emitted, or when allowed lateness re-emits corrected windows. */
  @Override
  public boolean changelog() {
    return emit != TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE || allowedLatenessMillis > 0;
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
    int start = -1;
    int end = -1;
    for (int i = 0; i < keySources.length; i++) {
      if (keySources[i] == KeySource.WINDOW_START) {
        start = i;
      } else if (keySources[i] == KeySource.WINDOW_END) {
        end = i;
      }
    }
    return new WindowColumns(start, end, sizeMillis);
  }

  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    GroupAccumulatorFactory factory = AggregateCompiler.create(aggregates, WindowAggregateNode.stateStoreEnabled());
    if (usesStateStore(factory.slotBytes())) {
      StoredTumblingWindowAggregateOperator stored = new StoredTumblingWindowAggregateOperator(sizeMillis, windowStartColumn, keySources,
          keyColumns, input.schema(), factory, schema, batchCapacity, downstream, metrics.lateRowsDropped(), ScratchSpace.folder(), emit,
          allowedLatenessMillis);
      if (allowedLatenessMillis > 0 || metrics.lateOutput() != null) {
        stored.lateDataTo(metrics.lateOutput(), input.schema(), batchCapacity, metrics.lateRowsAccepted(), metrics.lateRowsRedirected());
      }
      if (emit == TumblingWindowAggregateOperator.Emit.EVERY) {
        stored.emitEvery(everyMillis);
        metrics.timers().add(stored);
      }
      metrics.resource(stored);
      return stored;
    }
    TumblingWindowAggregateOperator op = new TumblingWindowAggregateOperator(sizeMillis, windowStartColumn, keySources, keyColumns,
        input.schema(), factory, schema, batchCapacity, downstream, metrics.lateRowsDropped(), emit);
    metrics.resource(op); // the store its checkpoints keep the groups in
    if (emit == TumblingWindowAggregateOperator.Emit.EVERY) {
      op.emitEvery(everyMillis);
      metrics.timers().add(op);
    }
    if (allowedLatenessMillis > 0 || metrics.lateOutput() != null) {
      op.allowLateness(allowedLatenessMillis, metrics.lateOutput(), input.schema(), batchCapacity, metrics.lateRowsAccepted(),
          metrics.lateRowsRedirected());
    }
    return op;
  }

  /**
   * Whether group states live in an off-heap state store ({@link StoredTumblingWindowAggregateOperator}): fixed-size
   * grouping columns and aggregate states (any emit mode and allowed lateness), unless {@value #STATE_STORE_PROPERTY}
   * is {@code false}. Otherwise the heap operator.
   */
  private boolean usesStateStore(int slotBytes) {
    return stateStoreEnabled() && StoredTumblingWindowAggregateOperator.supports(keySources, keyColumns, input.schema(), slotBytes);
  }

  /** System property; {@code false} keeps TUMBLE group states on the heap (differential tests, benchmarks). */
  public static final String STATE_STORE_PROPERTY = "laminar.state.store";

  /** Whether windowed aggregates may keep their groups in the state store ({@value #STATE_STORE_PROPERTY} is not {@code false}). */
  static boolean stateStoreEnabled() {
    return !"false".equalsIgnoreCase(System.getProperty(STATE_STORE_PROPERTY));
  }

  @Override
  public String describe() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < keySources.length; i++) {
      keys.add(switch (keySources[i]) {
        case WINDOW_START -> "window_start";
        case WINDOW_END -> "window_end";
        case WINDOW_TIME -> "window_time";
        case COLUMN -> input.schema().column(keyColumns[i]).name();
      });
    }
    return "WindowAggregate(tumble=" + sizeMillis + " ms, keys=" + keys + ", aggregates=" + Arrays.toString(aggregates) + ", update=" + AggregateCompiler.describe(aggregates, WindowAggregateNode.stateStoreEnabled())
        + (usesStateStore(AggregateCompiler.slotBytes(aggregates, WindowAggregateNode.stateStoreEnabled())) ? ", state=off-heap" : "")
        + ", emit=" + emit.name().replace('_', ' ') + (emit == TumblingWindowAggregateOperator.Emit.EVERY ? " " + everyMillis + " ms" : "")
        + (allowedLatenessMillis > 0 ? ", lateness=" + allowedLatenessMillis + " ms" : "")
        + (lateDataTarget != null ? ", late data to " + lateDataTarget : "") + ")";
  }
}
