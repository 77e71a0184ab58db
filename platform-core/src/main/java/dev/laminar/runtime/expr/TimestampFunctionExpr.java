package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Calendar arithmetic on TIMESTAMP (epoch millis, UTC, no time zone): {@code FLOOR(ts TO unit)},
 * {@code CEIL(ts TO unit)}, {@code ts + months} (a year-month interval; the day is clamped to the
 * end of a shorter month) and the whole months between two timestamps. NULL in gives NULL.
 */
public final class TimestampFunctionExpr extends Expr {
  /** The operation. */
  public enum Fn { FLOOR, CEIL, PLUS_MONTHS, MONTHS_BETWEEN }

  /** Units of FLOOR and CEIL. */
  public enum Unit {
    MILLISECOND(1), SECOND(1000), MINUTE(60_000), HOUR(3_600_000), DAY(86_400_000), MONTH(0), QUARTER(0), YEAR(0);

    final long millis;

    Unit(long millis) {
      this.millis = millis;
    }
  }

  private final Fn fn;
  private final Unit unit;
  private final Expr left;
  private final Expr right;

  /** FLOOR or CEIL of {@code ts} to {@code unit}. */
  public static TimestampFunctionExpr round(boolean ceil, Expr ts, Unit unit) {
    return new TimestampFunctionExpr(ceil ? Fn.CEIL : Fn.FLOOR, unit, ts, null, DataType.TIMESTAMP);
  }

  /** {@code ts + months} (TIMESTAMP). */
  public static TimestampFunctionExpr plusMonths(Expr ts, Expr months) {
    return new TimestampFunctionExpr(Fn.PLUS_MONTHS, null, ts, months, DataType.TIMESTAMP);
  }

  /** Whole months from {@code start} to {@code end} (BIGINT, truncated towards zero). */
  public static TimestampFunctionExpr monthsBetween(Expr end, Expr start) {
    return new TimestampFunctionExpr(Fn.MONTHS_BETWEEN, null, end, start, DataType.BIGINT);
  }

  private TimestampFunctionExpr(Fn fn, Unit unit, Expr left, Expr right, DataType type) {
    super(type);
    this.fn = fn;
    this.unit = unit;
    this.left = left;
    this.right = right;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return left.isNull(b, row) || (right != null && right.isNull(b, row));
  }

  /** For the code generator. */
  public Fn fn() {
    return fn;
  }

  /** For the code generator: FLOOR/CEIL's unit, else null. */
  public Unit unit() {
    return unit;
  }

  /** For the code generator: the timestamp, and the second operand (months or start) when there is one. */
  public Expr[] args() {
    return right == null ? new Expr[] {left} : new Expr[] {left, right};
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return apply(fn, unit, left.evalLong(b, row), right == null ? 0 : right.evalLong(b, row));
  }

  /** {@code fn} of the timestamp {@code ms} and the second operand {@code other} (also called by generated code). */
  public static long apply(Fn fn, Unit unit, long ms, long other) {
    return switch (fn) {
      case FLOOR -> floor(ms, unit);
      case CEIL -> {
        long f = floor(ms, unit);
        yield f == ms ? ms : next(f, unit);
      }
      case PLUS_MONTHS -> toMillis(toDateTime(ms).plusMonths(other));
      case MONTHS_BETWEEN -> ChronoUnit.MONTHS.between(toDateTime(other), toDateTime(ms));
    };
  }

  static long floor(long ms, Unit unit) {
    if (unit.millis > 0) {
      return Math.floorDiv(ms, unit.millis) * unit.millis;
    }
    LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(ms, Unit.DAY.millis));
    LocalDate first = switch (unit) {
      case MONTH -> d.withDayOfMonth(1);
      case QUARTER -> LocalDate.of(d.getYear(), (d.getMonthValue() - 1) / 3 * 3 + 1, 1);
      default -> d.withDayOfYear(1);
    };
    return first.toEpochDay() * Unit.DAY.millis;
  }

  private static long next(long floor, Unit unit) {
    if (unit.millis > 0) {
      return floor + unit.millis;
    }
    LocalDateTime t = toDateTime(floor);
    return toMillis(switch (unit) {
      case MONTH -> t.plusMonths(1);
      case QUARTER -> t.plusMonths(3);
      default -> t.plusYears(1);
    });
  }

  private static LocalDateTime toDateTime(long ms) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC);
  }

  private static long toMillis(LocalDateTime t) {
    return t.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  @Override
  public String toString() {
    return switch (fn) {
      case FLOOR, CEIL -> fn + "(" + left + " TO " + unit + ")";
      case PLUS_MONTHS -> "(" + left + " + " + right + " MONTHS)";
      case MONTHS_BETWEEN -> "MONTHS_BETWEEN(" + left + ", " + right + ")";
    };
  }
}
