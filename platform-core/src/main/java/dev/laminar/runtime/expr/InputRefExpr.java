package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import java.math.BigDecimal;

/** Reads column {@code index} of the input row. */
public final class InputRefExpr extends Expr {
  private final int index;
  private final String name;

  public InputRefExpr(int index, String name, DataType type) {
    super(type);
    this.index = index;
    this.name = name;
  }

  public int index() {
    return index;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return b.isNull(row, index);
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return b.getLong(row, index);
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    return b.getDouble(row, index);
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    if (type.isCompactDecimal()) {
      return BigDecimal.valueOf(b.getLong(row, index), type.scale());
    }
    return b.getObjectSlot(row, index);
  }

  @Override
  public String toString() {
    return name;
  }
}
