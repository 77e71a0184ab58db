package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.util.Locale;

/** Built-in scalar functions: UPPER, LOWER, CHAR_LENGTH, || (concat), ABS, FLOOR, CEIL. NULL in, NULL out. */
public final class FunctionExpr extends Expr {
  /** The function. */
  public enum Fn { UPPER, LOWER, CHAR_LENGTH, CONCAT, ABS, FLOOR, CEIL }

  private final Fn fn;
  private final Expr[] args;

  public FunctionExpr(Fn fn, DataType type, Expr... args) {
    super(type);
    this.fn = fn;
    this.args = args.clone();
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

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return switch (fn) {
      case CHAR_LENGTH -> ((String) args[0].evalObject(b, row)).length();
      case ABS -> Math.abs(args[0].evalLong(b, row));
      case FLOOR, CEIL -> args[0].evalLong(b, row);
      default -> throw new UnsupportedOperationException(fn + " has no long value");
    };
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    double v = args[0].evalAsDouble(b, row);
    return switch (fn) {
      case ABS -> Math.abs(v);
      case FLOOR -> Math.floor(v);
      case CEIL -> Math.ceil(v);
      default -> throw new UnsupportedOperationException(fn + " has no double value");
    };
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    return switch (fn) {
      case UPPER -> ((String) args[0].evalObject(b, row)).toUpperCase(Locale.ROOT);
      case LOWER -> ((String) args[0].evalObject(b, row)).toLowerCase(Locale.ROOT);
      case CONCAT -> String.valueOf(args[0].evalObject(b, row)) + args[1].evalObject(b, row);
      case ABS -> ((BigDecimal) args[0].evalObject(b, row)).abs();
      case FLOOR -> ((BigDecimal) args[0].evalObject(b, row)).setScale(0, java.math.RoundingMode.FLOOR).setScale(type.scale());
      case CEIL -> ((BigDecimal) args[0].evalObject(b, row)).setScale(0, java.math.RoundingMode.CEILING).setScale(type.scale());
      case CHAR_LENGTH -> throw new UnsupportedOperationException("CHAR_LENGTH is an integer");
    };
  }

  /** Whether the function applies to an argument of this kind. */
  public static boolean accepts(Fn fn, TypeKind kind) {
    return switch (fn) {
      case UPPER, LOWER, CHAR_LENGTH, CONCAT -> kind == TypeKind.VARCHAR;
      case ABS, FLOOR, CEIL -> kind == TypeKind.INT || kind == TypeKind.BIGINT || kind == TypeKind.DOUBLE || kind == TypeKind.DECIMAL;
    };
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
