package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;

/** A constant (possibly NULL). */
public final class LiteralExpr extends Expr {
  private final boolean isNull;
  private final long longValue;
  private final double doubleValue;
  private final Object objectValue;
  private final String text;

  private LiteralExpr(DataType type, boolean isNull, long l, double d, Object o, String text) {
    super(type);
    this.isNull = isNull;
    this.longValue = l;
    this.doubleValue = d;
    this.objectValue = o;
    this.text = text;
  }

  /** For the code generator. */
  public boolean isNullLiteral() {
    return isNull;
  }

  /** For the code generator. */
  public long longValue() {
    return longValue;
  }

  /** For the code generator. */
  public double doubleValue() {
    return doubleValue;
  }

  /** For the code generator. */
  public Object objectValue() {
    return objectValue;
  }

  public static LiteralExpr ofNull(DataType type) {
    return new LiteralExpr(type, true, 0, 0, null, "NULL");
  }

  public static LiteralExpr ofLong(DataType type, long v) {
    return new LiteralExpr(type, false, v, v, null, type.kind() == dev.laminar.sdk.type.TypeKind.BOOLEAN ? String.valueOf(v != 0) : Long.toString(v));
  }

  public static LiteralExpr ofDouble(double v) {
    return new LiteralExpr(DataType.DOUBLE, false, 0, v, null, Double.toString(v));
  }

  public static LiteralExpr ofObject(DataType type, Object v) {
    return new LiteralExpr(type, false, 0, 0, v, v instanceof String s ? "'" + s + "'" : String.valueOf(v));
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return isNull;
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return longValue;
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    return doubleValue;
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    return objectValue;
  }

  @Override
  public String toString() {
    return text;
  }
}
