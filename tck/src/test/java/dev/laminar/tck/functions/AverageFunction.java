package dev.laminar.tck.functions;

import dev.laminar.sdk.function.AccumulatorSerializer;
import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * AVG over INT or BIGINT, exact until the final division (long count and sum), with retraction — correct
 * by default, broken on demand, so the TCK's tests can show the aggregate suite catching each defect.
 */
public final class AverageFunction implements AggregateFunction<AverageFunction.Accumulator> {
  /** Deliberate defects. */
  public enum Bug {
    NONE,
    /** Keeps a running mean; merge averages the two means, ignoring how many rows each saw. */
    MERGE_AVERAGES_THE_AVERAGES,
    /** Retract takes the value off the sum but leaves the count. */
    RETRACT_FORGETS_THE_COUNT,
    /** An empty accumulator gives 0.0 instead of NULL. */
    EMPTY_GIVES_ZERO,
    /** Declares BIGINT but returns doubles. */
    WRONG_RESULT_TYPE,
    /** Does not support retraction. */
    NO_RETRACT,
    /** Counts NULL arguments as 0 (consistent under merge and retract, but not AVG). */
    NULL_COUNTS_AS_ZERO,
    /** Has no accumulator serializer. */
    NO_SERIALIZER,
    /** Its serializer writes the sum but not the count. */
    SERIALIZER_DROPS_THE_COUNT
  }

  /** The state of one group. */
  public static final class Accumulator {
    long count;
    long sum;
    double mean;
  }

  private final Bug bug;

  public AverageFunction(Bug bug) {
    this.bug = bug;
  }

  @Override
  public String name() {
    return "TCK_AVG";
  }

  @Override
  public DataType resultType(List<DataType> argumentTypes) {
    if (argumentTypes.size() != 1 || (argumentTypes.get(0).kind() != TypeKind.INT && argumentTypes.get(0).kind() != TypeKind.BIGINT)) {
      throw new IllegalArgumentException("TCK_AVG(x) takes one INT or BIGINT argument, got " + argumentTypes);
    }
    return bug == Bug.WRONG_RESULT_TYPE ? DataType.BIGINT : DataType.DOUBLE;
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator();
  }

  @Override
  public AccumulatorSerializer<Accumulator> accumulatorSerializer() {
    if (bug == Bug.NO_SERIALIZER) {
      return null;
    }
    return new AccumulatorSerializer<>() {
      @Override
      public void write(Accumulator a, DataOutput out) throws IOException {
        out.writeLong(bug == Bug.SERIALIZER_DROPS_THE_COUNT ? 0 : a.count);
        out.writeLong(a.sum);
        out.writeDouble(a.mean);
      }

      @Override
      public Accumulator read(DataInput in) throws IOException {
        Accumulator a = new Accumulator();
        a.count = in.readLong();
        a.sum = in.readLong();
        a.mean = in.readDouble();
        return a;
      }
    };
  }

  @Override
  public void add(Accumulator acc, Arguments arguments) {
    if (arguments.isNull(0) && bug != Bug.NULL_COUNTS_AS_ZERO) {
      return;
    }
    long x = arguments.getLong(0);
    acc.count++;
    acc.sum += x;
    acc.mean += (x - acc.mean) / acc.count;
  }

  @Override
  public boolean supportsRetract() {
    return bug != Bug.NO_RETRACT;
  }

  @Override
  public void retract(Accumulator acc, Arguments arguments) {
    if (arguments.isNull(0) && bug != Bug.NULL_COUNTS_AS_ZERO) {
      return;
    }
    acc.sum -= arguments.getLong(0);
    if (bug != Bug.RETRACT_FORGETS_THE_COUNT) {
      acc.count--;
    }
  }

  @Override
  public void merge(Accumulator target, Accumulator other) {
    if (bug == Bug.MERGE_AVERAGES_THE_AVERAGES) {
      target.mean = (target.mean + other.mean) / 2;
    }
    target.count += other.count;
    target.sum += other.sum;
  }

  @Override
  public Object result(Accumulator acc) {
    if (acc.count == 0) {
      return bug == Bug.EMPTY_GIVES_ZERO ? 0.0 : null;
    }
    return bug == Bug.MERGE_AVERAGES_THE_AVERAGES ? acc.mean : (double) acc.sum / acc.count;
  }
}
