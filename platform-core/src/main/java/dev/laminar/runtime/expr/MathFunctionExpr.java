package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numeric functions: ROUND and TRUNCATE (to {@code d} decimal places, default 0, negative allowed;
 * ROUND rounds half away from zero), SIGN (same type as the argument), and POWER, SQRT, EXP, LN,
 * LOG10 (DOUBLE, IEEE 754 semantics: LN of a negative number is NaN, of zero -Infinity). NULL in
 * gives NULL.
 */
public final class MathFunctionExpr extends Expr {
  /** The function. */
  public enum Fn { ROUND, TRUNCATE, SIGN, POWER, SQRT, EXP, LN, LOG10 }

  private final Fn fn;
  private final Expr[] args;

  public MathFunctionExpr(Fn fn, DataType type, Expr... args) {
    super(type);
    this.fn = fn;
    this.args = args.clone();
  }

  /** Whether the function applies to a first argument of this kind. */
  public static boolean accepts(TypeKind kind) {
    return kind == TypeKind.INT || kind == TypeKind.BIGINT || kind == TypeKind.DOUBLE || kind == TypeKind.DECIMAL;
  }

  /** For the code generator. */
  public Fn fn() {
    return fn;
  }

  /** For the code generator. */
  public Expr[] args() {
    return args.clone();
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    for (Expr a : args) {
      if (a.isNull(b, row)) {
        return true;
      }
    }
    return false;
  }

  private int places(ColumnarBatch b, int row) {
    return args.length > 1 ? (int) args[1].evalLong(b, row) : 0;
  }

  /** ROUND (half away from zero) or TRUNCATE of an integer to {@code d} places (only negative d changes it). */
  public static long roundLong(long v, int d, boolean round) {
    return d >= 0 ? v : BigDecimal.valueOf(v).setScale(d, round ? RoundingMode.HALF_UP : RoundingMode.DOWN).longValue();
  }

  /** ROUND (half away from zero) or TRUNCATE of a DOUBLE to {@code d} places; NaN and infinities stay. */
  public static double roundDouble(double v, int d, boolean round) {
    return Double.isNaN(v) || Double.isInfinite(v) ? v
        : BigDecimal.valueOf(v).setScale(d, round ? RoundingMode.HALF_UP : RoundingMode.DOWN).doubleValue();
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    long v = args[0].evalLong(b, row);
    return switch (fn) {
      case SIGN -> Long.signum(v);
      case ROUND, TRUNCATE -> roundLong(v, places(b, row), fn == Fn.ROUND);
      default -> throw new UnsupportedOperationException(fn + " has no long value");
    };
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    double v = args[0].evalAsDouble(b, row);
    return switch (fn) {
      case SIGN -> Math.signum(v);
      case ROUND, TRUNCATE -> roundDouble(v, places(b, row), fn == Fn.ROUND);
      case POWER -> Math.pow(v, args[1].evalAsDouble(b, row));
      case SQRT -> Math.sqrt(v);
      case EXP -> Math.exp(v);
      case LN -> Math.log(v);
      case LOG10 -> Math.log10(v);
    };
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    BigDecimal v = args[0].evalAsDecimal(b, row);
    return switch (fn) {
      case SIGN -> signDecimal(v, type.scale());
      case ROUND, TRUNCATE -> roundDecimal(v, places(b, row), fn == Fn.ROUND, type.scale());
      default -> BigDecimal.valueOf(evalDouble(b, row)).setScale(type.scale(), RoundingMode.HALF_UP);
    };
  }

  /** SIGN of a DECIMAL, at {@code scale}. */
  public static BigDecimal signDecimal(BigDecimal v, int scale) {
    return BigDecimal.valueOf(v.signum()).setScale(scale, RoundingMode.HALF_UP);
  }

  /** ROUND (half away from zero) or TRUNCATE of a DECIMAL to {@code d} places, then at {@code scale}. */
  public static BigDecimal roundDecimal(BigDecimal v, int d, boolean round, int scale) {
    return v.setScale(d, round ? RoundingMode.HALF_UP : RoundingMode.DOWN).setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(fn.name()).append('(');
    for (int i = 0; i < args.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(args[i]);
    }
    return sb.append(')').toString();
  }
}
