package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.StateCodec;
import dev.laminar.runtime.expr.ScalarFunctionExpr;
import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.type.DataType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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

  /** Whether the function's accumulators can be written ({@link AggregateFunction#accumulatorSerializer()}): checkpoints and the state store. */
  public boolean serializable() {
    return function.accumulatorSerializer() != null;
  }

  /** Writes the plugin's accumulator inside {@code accumulator} (one of {@link #create}). */
  static void write(Accumulator accumulator, DataOutput out) throws IOException {
    ((Adapter) accumulator).writeState(out);
  }

  /** An accumulator read from what {@link #write} wrote. */
  Accumulator read(DataType resultType, DataInput in) throws IOException {
    Adapter a = (Adapter) create(resultType);
    a.readState(in);
    return a;
  }

  private String describe() {
    return "aggregate " + function.name() + " (" + origin + ")";
  }

  private final class Adapter implements Accumulator, StateCodec.Custom {
    private final AggregateFunction<Object> f;
    private final DataType resultType;
    private final View view = new View();
    private Object accumulator;

    Adapter(AggregateFunction<Object> f, DataType resultType) {
      this.f = f;
      this.resultType = resultType;
      try {
        this.accumulator = f.createAccumulator();
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in createAccumulator: " + e, e);
      }
    }

    private dev.laminar.sdk.function.AccumulatorSerializer<Object> serializer() {
      dev.laminar.sdk.function.AccumulatorSerializer<Object> s;
      try {
        s = f.accumulatorSerializer();
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in accumulatorSerializer: " + e, e);
      }
      if (s == null) {
        throw new StateCodec.NotCheckpointableException(describe() + " has no accumulator serializer: its state cannot be checkpointed");
      }
      return s;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
      try {
        serializer().write(accumulator, out);
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in its serializer's write: " + e, e);
      }
    }

    @Override
    public void readState(DataInput in) throws IOException {
      Object read;
      try {
        read = serializer().read(in);
      } catch (RuntimeException e) {
        throw new IllegalStateException(describe() + " failed in its serializer's read: " + e, e);
      }
      if (read == null) {
        throw new IllegalStateException(describe() + ": its serializer read a null accumulator");
      }
      accumulator = read;
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
