package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.expr.ScalarFunctionExpr;
import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.type.DataType;
import java.math.BigDecimal;

/**
 * A plugin's {@link AggregateFunction} called with the columns of its arguments: one accumulator
 * object per group (and pane), {@code add} through a reused {@link Arguments} view over the row,
 * {@code merge} for panes and sessions, {@code result} converted to the declared result type. An
 * exception from the function fails the pipeline with a message naming it and its plugin.
 *
 * @param function the plugin's function
 * @param origin "plugin ID VERSION"
 * @param columns the argument columns of the aggregate's input
 * @param types their types
 */
public record PluginAggregate(AggregateFunction<?> function, String origin, int[] columns, DataType[] types) {

  Accumulator create(DataType resultType) {
    @SuppressWarnings("unchecked")
    AggregateFunction<Object> f = (AggregateFunction<Object>) function;
    return new Adapter(f, resultType);
  }

  private String describe() {
    return "aggregate " + function.name() + " (" + origin + ")";
  }

  private final class Adapter implements Accumulator {
    private final AggregateFunction<Object> f;
    private final DataType resultType;
    private final View view = new View();
    private final Object accumulator;

    Adapter(AggregateFunction<Object> f, DataType resultType) {
      this.f = f;
      this.resultType = resultType;
      try {
        this.accumulator = f.createAccumulator();
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in createAccumulator: " + e, e);
      }
    }

    @Override
    public void add(ColumnarBatch in, int row) {
      view.batch = in;
      view.row = row;
      try {
        f.add(accumulator, view);
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in add: " + e, e);
      }
    }

    @Override
    public void merge(Accumulator other) {
      try {
        f.merge(accumulator, ((Adapter) other).accumulator);
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in merge: " + e, e);
      }
    }

    @Override
    public void writeResult(ColumnarBatch out, int row, int col) {
      Object r;
      try {
        r = f.result(accumulator);
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in result: " + e, e);
      }
      if (r == null) {
        out.putNull(row, col);
        return;
      }
      Object v = ScalarFunctionExpr.toStorage(r, resultType, describe());
      switch (v) {
        case Long l -> out.putLong(row, col, l);
        case Double d -> out.putDouble(row, col, d);
        case BigDecimal d when resultType.isCompactDecimal() -> out.putLong(row, col, d.unscaledValue().longValueExact());
        default -> out.putObject(row, col, v);
      }
    }
  }

  /** The argument columns of the current row. */
  private final class View implements Arguments {
    ColumnarBatch batch;
    int row;

    @Override
    public int size() {
      return columns.length;
    }

    @Override
    public boolean isNull(int index) {
      return batch.isNull(row, columns[index]);
    }

    @Override
    public boolean getBoolean(int index) {
      return batch.getLong(row, columns[index]) != 0;
    }

    @Override
    public long getLong(int index) {
      return batch.getLong(row, columns[index]);
    }

    @Override
    public double getDouble(int index) {
      DataType t = types[index];
      return switch (t.kind()) {
        case DOUBLE -> batch.getDouble(row, columns[index]);
        case DECIMAL -> batch.getDecimal(row, columns[index]).doubleValue();
        default -> batch.getLong(row, columns[index]);
      };
    }

    @Override
    public String getString(int index) {
      return batch.getString(row, columns[index]);
    }

    @Override
    public Object get(int index) {
      return batch.getObject(row, columns[index]);
    }
  }
}
