package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.util.Arrays;

/** {@code =, <>, <, <=, >, >=} with SQL NULL semantics (NULL if either side is NULL). */
public final class ComparisonExpr extends Expr {
  /** The comparison. */
  public enum Op {
    EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean test(int cmp) {
      return switch (this) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  private enum Mode { LONG, DOUBLE, DECIMAL, STRING, BYTES }

  private final Op op;
  private final Expr left;
  private final Expr right;
  private final Mode mode;

  public ComparisonExpr(Op op, Expr left, Expr right) {
    super(DataType.BOOLEAN);
    this.op = op;
    this.left = left;
    this.right = right;
    this.mode = modeFor(left.type(), right.type());
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

  private static Mode modeFor(DataType l, DataType r) {
    TypeKind a = l.kind();
    TypeKind b = r.kind();
    if (a == TypeKind.VARCHAR && b == TypeKind.VARCHAR) {
      return Mode.STRING;
    }
    if (a == TypeKind.BYTES && b == TypeKind.BYTES) {
      return Mode.BYTES;
    }
    if (a == TypeKind.DECIMAL || b == TypeKind.DECIMAL) {
      return (a == TypeKind.DOUBLE || b == TypeKind.DOUBLE) ? Mode.DOUBLE : Mode.DECIMAL;
    }
    if (a == TypeKind.DOUBLE || b == TypeKind.DOUBLE) {
      return Mode.DOUBLE;
    }
    if (l.isLongBacked() && r.isLongBacked()) {
      return Mode.LONG;
    }
    throw new IllegalArgumentException("cannot compare " + l + " with " + r);
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return left.isNull(b, row) || right.isNull(b, row);
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    int cmp = switch (mode) {
      case LONG -> Long.compare(left.evalLong(b, row), right.evalLong(b, row));
      case DOUBLE -> Double.compare(left.evalAsDouble(b, row), right.evalAsDouble(b, row));
      case DECIMAL -> left.evalAsDecimal(b, row).compareTo(right.evalAsDecimal(b, row));
      case STRING -> ((String) left.evalObject(b, row)).compareTo((String) right.evalObject(b, row));
      case BYTES -> Arrays.compareUnsigned((byte[]) left.evalObject(b, row), (byte[]) right.evalObject(b, row));
    };
    return op.test(cmp) ? 1 : 0;
  }

  static int compareDecimal(BigDecimal a, BigDecimal b) {
    return a.compareTo(b);
  }

  @Override
  public String toString() {
    return "(" + left + " " + op.symbol + " " + right + ")";
  }
}
