package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How results are written where more than one line of logic is involved, shared by the
 * interpreted accumulators and the generated ones so that both produce the same values. Called
 * when results are emitted, not per input row.
 */
public final class AggregateResults {
  private AggregateResults() {}

  /** SUM or AVG of DECIMAL: {@code sum} over {@code count} non-NULL values into a cell of type {@code result}. */
  /** The decimal of 128-bit two's-complement unscaled value {@code high:low} at {@code scale}. */
  public static BigDecimal decimal128(long high, long low, int scale) {
    if (high == low >> 63) {
      return BigDecimal.valueOf(low, scale); // fits a long
    }
    byte[] bytes = new byte[16];
    for (int b = 0; b < 8; b++) {
      bytes[b] = (byte) (high >>> (56 - 8 * b));
      bytes[8 + b] = (byte) (low >>> (56 - 8 * b));
    }
    return new BigDecimal(new java.math.BigInteger(bytes), scale);
  }

  public static void writeDecimalSum(ColumnarBatch out, int row, int col, BigDecimal sum, long count, DataType result,
      boolean average) {
    if (count == 0) {
      out.putNull(row, col);
      return;
    }
    if (result.kind() == TypeKind.DOUBLE) {
      out.putDouble(row, col, sum.doubleValue() / (average ? count : 1));
      return;
    }
    BigDecimal v = average ? sum.divide(BigDecimal.valueOf(count), result.scale(), RoundingMode.HALF_UP)
        : sum.setScale(result.scale(), RoundingMode.HALF_UP);
    if (result.isCompactDecimal()) {
      out.putLong(row, col, v.unscaledValue().longValueExact());
    } else {
      out.putObject(row, col, v);
    }
  }

  /**
   * Variance or standard deviation from Welford's state ({@code n} values, sum of squared deviations
   * {@code m2}); NULL for no value, and for one value when {@code sample}.
   */
  public static void writeMoments(ColumnarBatch out, int row, int col, long n, double m2, boolean sample, boolean stddev) {
    if (n == 0 || (sample && n == 1)) {
      out.putNull(row, col);
      return;
    }
    double variance = Math.max(0, m2 / (sample ? n - 1 : n));
    out.putDouble(row, col, stddev ? Math.sqrt(variance) : variance);
  }

  /** A compact DECIMAL's unscaled value as a double, as {@code BigDecimal.valueOf(unscaled, scale).doubleValue()}. */
  public static double decimalToDouble(long unscaled, int scale) {
    if (scale == 0) {
      return unscaled;
    }
    if (scale > 0 && scale < POWERS_OF_TEN.length && Math.abs(unscaled) < 1L << 52) {
      return unscaled / POWERS_OF_TEN[scale]; // both exact: the quotient is correctly rounded
    }
    return BigDecimal.valueOf(unscaled, scale).doubleValue();
  }

  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
      1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
}
