package dev.laminar.runtime.aggregate;

import dev.laminar.sdk.function.AccumulatorSerializer;
import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.type.DataType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A plugin aggregate for tests: the number of non-NULL values and their sum, as "count:sum" (a VARCHAR, so the
 * result is an object), in an accumulator object the engine cannot see into; with or without an accumulator
 * serializer.
 */
final class CountingPluginFunction implements AggregateFunction<long[]> {
  private final boolean serializable;

  CountingPluginFunction(boolean serializable) {
    this.serializable = serializable;
  }

  /** A call of this function over INT column {@code column}. */
  static AggregateSpec call(int column, boolean serializable) {
    return new AggregateSpec(AggregateKind.PLUGIN, -1, null, DataType.VARCHAR, "COUNTING(x)", -1,
        new PluginAggregate(new CountingPluginFunction(serializable), "test 1.0", new int[] {column}, new DataType[] {DataType.INT}));
  }

  @Override
  public String name() {
    return "COUNTING";
  }

  @Override
  public DataType resultType(List<DataType> argumentTypes) {
    return DataType.VARCHAR;
  }

  @Override
  public long[] createAccumulator() {
    return new long[2];
  }

  @Override
  public void add(long[] accumulator, Arguments arguments) {
    if (!arguments.isNull(0)) {
      accumulator[0]++;
      accumulator[1] += arguments.getLong(0);
    }
  }

  @Override
  public void merge(long[] target, long[] other) {
    target[0] += other[0];
    target[1] += other[1];
  }

  @Override
  public Object result(long[] accumulator) {
    return accumulator[0] + ":" + accumulator[1];
  }

  @Override
  public AccumulatorSerializer<long[]> accumulatorSerializer() {
    return !serializable ? null : new AccumulatorSerializer<>() {
      @Override
      public void write(long[] accumulator, DataOutput out) throws IOException {
        out.writeLong(accumulator[0]);
        out.writeLong(accumulator[1]);
      }

      @Override
      public long[] read(DataInput in) throws IOException {
        return new long[] {in.readLong(), in.readLong()};
      }
    };
  }
}
