package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import java.time.LocalDate;
import java.time.temporal.IsoFields;

/**
 * {@code EXTRACT(unit FROM ts)} of a TIMESTAMP (epoch millis, UTC, no time zone) as BIGINT. DOW is
 * 1 (Sunday) to 7 (Saturday), ISODOW 1 (Monday) to 7; WEEK is the ISO 8601 week; MILLISECOND is the
 * seconds field with its fraction in milliseconds (0 to 59999); EPOCH is whole seconds since
 * 1970-01-01 (floored).
 */
public final class ExtractExpr extends Expr {
  private static final long MS_PER_DAY = 86_400_000L;

  /** The field. */
  public enum Unit { YEAR, QUARTER, MONTH, WEEK, DAY, DOW, ISODOW, DOY, HOUR, MINUTE, SECOND, MILLISECOND, EPOCH }

  private final Unit unit;
  private final Expr input;

  public ExtractExpr(Unit unit, Expr input) {
    super(DataType.BIGINT);
    this.unit = unit;
    this.input = input;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return input.isNull(b, row);
  }

  /** For the code generator. */
  public Unit unit() {
    return unit;
  }

  /** For the code generator. */
  public Expr input() {
    return input;
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return extract(unit, input.evalLong(b, row));
  }

  /** The field {@code unit} of the timestamp {@code ms} (also called by generated code). */
  public static long extract(Unit unit, long ms) {
    long msOfDay = Math.floorMod(ms, MS_PER_DAY);
    return switch (unit) {
      case HOUR -> msOfDay / 3_600_000;
      case MINUTE -> msOfDay / 60_000 % 60;
      case SECOND -> msOfDay / 1000 % 60;
      case MILLISECOND -> msOfDay % 60_000;
      case EPOCH -> Math.floorDiv(ms, 1000);
      case DOW -> Math.floorMod(Math.floorDiv(ms, MS_PER_DAY) + 4, 7) + 1; // 1970-01-01 was a Thursday (5)
      case ISODOW -> Math.floorMod(Math.floorDiv(ms, MS_PER_DAY) + 3, 7) + 1;
      default -> {
        LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(ms, MS_PER_DAY));
        yield switch (unit) {
          case YEAR -> d.getYear();
          case QUARTER -> (d.getMonthValue() + 2) / 3;
          case MONTH -> d.getMonthValue();
          case WEEK -> d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
          case DAY -> d.getDayOfMonth();
          case DOY -> d.getDayOfYear();
          default -> throw new IllegalStateException(unit.name());
        };
      }
    };
  }

  @Override
  public String toString() {
    return "EXTRACT(" + unit + " FROM " + input + ")";
  }
}
