package dev.laminar.tck;

import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;

/**
 * What {@link AggregateFunctionTestSuite} needs from a function's author: the function, the argument
 * types to call it with, and — optionally — the expected result type, the result on empty input, a
 * reference computation, and how closely DOUBLE results must agree.
 *
 * @param <A> the function's accumulator type
 */
public abstract class AggregateFunctionTestContext<A> {
  /** The function under test, normally {@code new MyAggregate()}. */
  public abstract AggregateFunction<A> function();

  /** The argument types the suite declares and calls the function with. */
  public abstract List<DataType> argumentTypes();

  /**
   * What {@code resultType(argumentTypes())} must return, or {@code null} (the default) to check only
   * that it returns a type and that every result is a value of it.
   */
  public DataType expectedResultType() {
    return null;
  }

  /**
   * The result of an accumulator that has seen no row: {@code null} (SQL NULL, the default, as for SUM,
   * AVG, MIN, MAX) or a value (0 for COUNT), in the result type's Java representation.
   */
  public Object emptyResult() {
    return null;
  }

  /**
   * One row of argument values (Java representation of {@link dev.laminar.sdk.row.RowBatch#getObject},
   * {@code null} for SQL NULL) drawn from {@code random}. The default draws values of each argument type
   * over a modest range, with about one value in eight NULL; override it to aim at the function's edge
   * cases (large magnitudes, cancellation, ties).
   */
  public Row argumentRow(Random random) {
    List<DataType> types = argumentTypes();
    Object[] values = new Object[types.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(8) == 0 ? null : randomValue(types.get(i), random);
    }
    return Row.of(values);
  }

  /**
   * The result the function must give for {@code rows} (computed independently, for instance two-pass
   * in exact arithmetic), or {@code null} when the context has no reference computation (the default; the
   * differential case is then skipped). Compared with the same tolerance as the other cases.
   */
  public Object referenceResult(List<Row> rows) {
    return null;
  }

  /** Whether the context has a {@link #referenceResult} (default false). */
  public boolean hasReferenceResult() {
    return false;
  }

  /** Argument type lists {@code resultType} must reject with {@link IllegalArgumentException}; default none. */
  public List<List<DataType>> invalidArgumentTypes() {
    return List.of();
  }

  /**
   * Relative tolerance for DOUBLE results (default 1e-9): two results agree when they differ by at most
   * this fraction of the larger magnitude, or by at most {@link #absoluteTolerance()}. Merging partial
   * accumulators reorders floating-point sums, so bit-equality cannot be required of every function.
   */
  public double relativeTolerance() {
    return 1e-9;
  }

  /** Absolute tolerance for DOUBLE results near zero (default 1e-12). */
  public double absoluteTolerance() {
    return 1e-12;
  }

  /** Seed of the random inputs (printed in failure messages); property {@code laminar.tck.seed} overrides it. */
  public long seed() {
    return Long.getLong("laminar.tck.seed", 20_260_101L);
  }

  /** How many random inputs each case tries (default 25). */
  public int runs() {
    return 25;
  }

  /** The most rows of one random input (default 200); inputs range from empty to this size. */
  public int maxRowsPerRun() {
    return 200;
  }

  /** A random value of {@code type}, as {@link #argumentRow} draws it. */
  protected static Object randomValue(DataType type, Random random) {
    return switch (type.kind()) {
      case BOOLEAN -> random.nextBoolean();
      case INT -> random.nextInt(2001) - 1000;
      case BIGINT -> random.nextLong(2_000_001L) - 1_000_000L;
      case DOUBLE -> random.nextGaussian() * 100;
      case DECIMAL -> {
        int digits = Math.min(type.precision(), 9);
        long bound = (long) Math.pow(10, digits);
        yield new BigDecimal(BigInteger.valueOf(random.nextLong(2 * bound - 1) - (bound - 1)), type.scale());
      }
      case VARCHAR -> "v" + random.nextInt(50);
      case TIMESTAMP -> LocalDateTime.of(2026, 1, 1, 0, 0).plusNanos(random.nextLong(86_400_000L) * 1_000_000L);
      case BYTES -> ("b" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
    };
  }
}
