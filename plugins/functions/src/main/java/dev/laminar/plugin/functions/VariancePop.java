package dev.laminar.plugin.functions;

import dev.laminar.sdk.function.AccumulatorSerializer;
import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.type.DataType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * {@code VARIANCE_POP(x)}: the population variance of the non-NULL values of a numeric column (INT,
 * BIGINT, DOUBLE or DECIMAL), as DOUBLE; NULL when there is none; NaN when one of them is NaN or
 * infinite.
 *
 * <p>The accumulator keeps the count, the sum and the sum of squares <em>exactly</em> (a DOUBLE value
 * enters as the exact decimal of its binary value). So {@link #merge} and {@link #retract} are exact, and
 * the result does not depend on how the input was split, merged or retracted: the only rounding is the
 * final division (to 34 significant digits) and the conversion to double. The usual floating-point
 * formulas lose this — the naive {@code Σx² − (Σx)²/n} cancels catastrophically when the mean is large
 * against the spread, and Welford's update is exact neither under merge nor under retraction. The price
 * is a few BigDecimal operations per row, whose size grows with the spread of the values' magnitudes.
 */
public final class VariancePop implements AggregateFunction<VariancePop.Accumulator> {
  static final String NAME = "VARIANCE_POP";

  /** Exact running state of one group. Not thread-safe: the engine touches one accumulator from one thread at a time. */
  public static final class Accumulator {
    private long count;
    private long nonFinite;
    private BigDecimal sum = BigDecimal.ZERO;
    private BigDecimal sumOfSquares = BigDecimal.ZERO;

    private void update(Object value, boolean add) {
      BigDecimal x = switch (value) {
        case Double d -> Double.isFinite(d) ? new BigDecimal(d) : null;
        case BigDecimal d -> d;
        case Long l -> BigDecimal.valueOf(l);
        case Integer i -> BigDecimal.valueOf(i);
        default -> throw new IllegalArgumentException(NAME + " takes a number, got " + value.getClass().getName() + " " + value);
      };
      int sign = add ? 1 : -1;
      count += sign;
      if (x == null) {
        nonFinite += sign;
        return;
      }
      BigDecimal square = x.multiply(x);
      sum = add ? sum.add(x) : sum.subtract(x);
      sumOfSquares = add ? sumOfSquares.add(square) : sumOfSquares.subtract(square);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DataType resultType(List<DataType> argumentTypes) {
    if (argumentTypes.size() != 1 || !argumentTypes.get(0).isNumeric()) {
      throw new IllegalArgumentException(NAME + "(x) takes one numeric argument (INT, BIGINT, DOUBLE or DECIMAL), got "
          + argumentTypes);
    }
    return DataType.DOUBLE;
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator();
  }

  /** Version 1: count, non-finite count, then the sum and the sum of squares each as scale and unscaled bytes. */
  @Override
  public AccumulatorSerializer<Accumulator> accumulatorSerializer() {
    return new AccumulatorSerializer<>() {
      @Override
      public void write(Accumulator a, DataOutput out) throws IOException {
        out.writeByte(1);
        out.writeLong(a.count);
        out.writeLong(a.nonFinite);
        writeDecimal(a.sum, out);
        writeDecimal(a.sumOfSquares, out);
      }

      @Override
      public Accumulator read(DataInput in) throws IOException {
        int version = in.readByte();
        if (version != 1) {
          throw new IOException(NAME + ": unknown accumulator encoding version " + version);
        }
        Accumulator a = new Accumulator();
        a.count = in.readLong();
        a.nonFinite = in.readLong();
        a.sum = readDecimal(in);
        a.sumOfSquares = readDecimal(in);
        return a;
      }
    };
  }

  private static void writeDecimal(BigDecimal d, DataOutput out) throws IOException {
    byte[] unscaled = d.unscaledValue().toByteArray();
    out.writeInt(d.scale());
    out.writeInt(unscaled.length);
    out.write(unscaled);
  }

  private static BigDecimal readDecimal(DataInput in) throws IOException {
    int scale = in.readInt();
    byte[] unscaled = new byte[in.readInt()];
    in.readFully(unscaled);
    return new BigDecimal(new java.math.BigInteger(unscaled), scale);
  }

  @Override
  public void add(Accumulator accumulator, Arguments arguments) {
    if (!arguments.isNull(0)) {
      accumulator.update(arguments.get(0), true);
    }
  }

  @Override
  public boolean supportsRetract() {
    return true;
  }

  @Override
  public void retract(Accumulator accumulator, Arguments arguments) {
    if (!arguments.isNull(0)) {
      accumulator.update(arguments.get(0), false);
    }
  }

  @Override
  public void merge(Accumulator target, Accumulator other) {
    target.count += other.count;
    target.nonFinite += other.nonFinite;
    target.sum = target.sum.add(other.sum);
    target.sumOfSquares = target.sumOfSquares.add(other.sumOfSquares);
  }

  /** {@code (n·Σx² − (Σx)²) / n²}: the numerator exact, one rounding in the division. */
  @Override
  public Object result(Accumulator accumulator) {
    if (accumulator.count == 0) {
      return null;
    }
    if (accumulator.nonFinite > 0) {
      return Double.NaN;
    }
    BigDecimal n = BigDecimal.valueOf(accumulator.count);
    BigDecimal numerator = accumulator.sumOfSquares.multiply(n).subtract(accumulator.sum.multiply(accumulator.sum));
    return numerator.divide(n.multiply(n), MathContext.DECIMAL128).doubleValue();
  }
}
