package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;

/**
 * A scalar expression evaluated against one row of a batch. Callers check {@link #isNull} first and
 * then read the value with the accessor of the expression's storage class: {@link #evalLong} for
 * BOOLEAN (1/0), INT, BIGINT and TIMESTAMP; {@link #evalDouble} for DOUBLE; {@link #evalObject}
 * for VARCHAR (String), BYTES (byte[]) and DECIMAL (BigDecimal, at the type's scale).
 *
 * <p>Expressions are immutable trees built at planning time and shared by nothing but one operator;
 * evaluation allocates nothing for primitive types. (Compilation to bytecode comes later; this
 * interpreter is the reference it will be checked against.)
 */
public abstract class Expr {
  protected final DataType type;

  protected Expr(DataType type) {
    this.type = type;
  }

  public final DataType type() {
    return type;
  }

  public abstract boolean isNull(ColumnarBatch b, int row);

  public long evalLong(ColumnarBatch b, int row) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " of type " + type + " has no long value");
  }

  public double evalDouble(ColumnarBatch b, int row) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " of type " + type + " has no double value");
  }

  public Object evalObject(ColumnarBatch b, int row) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " of type " + type + " has no object value");
  }

  public final boolean evalBoolean(ColumnarBatch b, int row) {
    return evalLong(b, row) != 0;
  }

  /** Numeric value widened to double (INT, BIGINT, DOUBLE, DECIMAL). */
  public final double evalAsDouble(ColumnarBatch b, int row) {
    return switch (type.kind()) {
      case DOUBLE -> evalDouble(b, row);
      case DECIMAL -> ((BigDecimal) evalObject(b, row)).doubleValue();
      default -> evalLong(b, row);
    };
  }

  /** Numeric value as BigDecimal (allocates). */
  public final BigDecimal evalAsDecimal(ColumnarBatch b, int row) {
    return switch (type.kind()) {
      case DOUBLE -> BigDecimal.valueOf(evalDouble(b, row));
      case DECIMAL -> (BigDecimal) evalObject(b, row);
      default -> BigDecimal.valueOf(evalLong(b, row));
    };
  }

  /** Writes the value (or NULL) into cell ({@code row}, {@code col}) of {@code out}, whose column has this type. */
  public final void writeTo(ColumnarBatch b, int row, ColumnarBatch out, int outRow, int col) {
    if (isNull(b, row)) {
      out.putNull(outRow, col);
      return;
    }
    TypeKind k = type.kind();
    if (k == TypeKind.DOUBLE) {
      out.putDouble(outRow, col, evalDouble(b, row));
    } else if (k == TypeKind.DECIMAL) {
      BigDecimal d = (BigDecimal) evalObject(b, row);
      if (type.isCompactDecimal()) {
        out.putLong(outRow, col, d.setScale(type.scale(), java.math.RoundingMode.HALF_UP).unscaledValue().longValueExact());
      } else {
        out.putObject(outRow, col, d);
      }
    } else if (type.isLongBacked()) {
      out.putLong(outRow, col, evalLong(b, row));
    } else {
      out.putObject(outRow, col, evalObject(b, row));
    }
  }

  /** A readable rendering for EXPLAIN. */
  @Override
  public abstract String toString();
}
