package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** {@code a + b}, {@code a - b}, {@code a * b}, {@code a / b}, {@code MOD(a, b)}; NULL if either side is NULL. */
public final class ArithmeticExpr extends Expr {
  /** The operation. */
  public enum Op {
    PLUS("+"), MINUS("-"), TIMES("*"), DIVIDE("/"), MOD("%");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }
  }

  private final Op op;
  private final Expr left;
  private final Expr right;

  public ArithmeticExpr(Op op, Expr left, Expr right, DataType resultType) {
    super(resultType);
    this.op = op;
    this.left = left;
    this.right = right;
  }

  /** For the code generator. */
  public Op op() {
    return op;
  }

  /** For the code generator. */
  public Expr left() {
    return left;
  }

  /** For the code generator. */
  public Expr right() {
    return right;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return left.isNull(b, row) || right.isNull(b, row);
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    long l = left.evalLong(b, row);
    long r = right.evalLong(b, row);
    return switch (op) {
      case PLUS -> l + r;
      case MINUS -> l - r;
      case TIMES -> l * r;
      case DIVIDE -> {
        if (r == 0) {
          throw new ArithmeticException("division by zero in " + this);
        }
        yield l / r;
      }
      case MOD -> {
        if (r == 0) {
          throw new ArithmeticException("division by zero in " + this);
        }
        yield l % r;
      }
    };
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    double l = left.evalAsDouble(b, row);
    double r = right.evalAsDouble(b, row);
    return switch (op) {
      case PLUS -> l + r;
      case MINUS -> l - r;
      case TIMES -> l * r;
      case DIVIDE -> l / r;
      case MOD -> l % r;
    };
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    return decimal(op, left.evalAsDecimal(b, row), right.evalAsDecimal(b, row), type.scale(), this);
  }

  /**
   * DECIMAL arithmetic (also called by generated code): exact, division to 34 digits, the result
   * rounded half up to {@code scale}; division by zero fails naming {@code where}.
   */
  public static BigDecimal decimal(Op op, BigDecimal l, BigDecimal r, int scale, Object where) {
    BigDecimal v = switch (op) {
      case PLUS -> l.add(r);
      case MINUS -> l.subtract(r);
      case TIMES -> l.multiply(r);
      case DIVIDE -> {
        if (r.signum() == 0) {
          throw new ArithmeticException("division by zero in " + where);
        }
        yield l.divide(r, MathContext.DECIMAL128);
      }
      case MOD -> l.remainder(r);
    };
    return v.setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  public String toString() {
    return "(" + left + " " + op.symbol + " " + right + ")";
  }
}
