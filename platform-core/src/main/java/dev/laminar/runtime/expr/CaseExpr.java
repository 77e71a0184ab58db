package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;

/** {@code CASE WHEN c1 THEN v1 ... ELSE e END} (COALESCE and NULLIF arrive in this form from the planner). */
public final class CaseExpr extends Expr {
  private final Expr[] conditions;
  private final Expr[] values;
  private final Expr otherwise;

  public CaseExpr(Expr[] conditions, Expr[] values, Expr otherwise, DataType type) {
    super(type);
    this.conditions = conditions.clone();
    this.values = values.clone();
    this.otherwise = otherwise;
  }

  /** For the code generator. */
  public Expr[] conditions() {
    return conditions.clone();
  }

  /** For the code generator. */
  public Expr[] values() {
    return values.clone();
  }

  /** For the code generator. */
  public Expr otherwise() {
    return otherwise;
  }

  private Expr chosen(ColumnarBatch b, int row) {
    for (int i = 0; i < conditions.length; i++) {
      Expr c = conditions[i];
      if (!c.isNull(b, row) && c.evalLong(b, row) != 0) {
        return values[i];
      }
    }
    return otherwise;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return chosen(b, row).isNull(b, row);
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return chosen(b, row).evalLong(b, row);
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    return chosen(b, row).evalAsDouble(b, row);
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    Expr e = chosen(b, row);
    return type.kind() == dev.laminar.sdk.type.TypeKind.DECIMAL ? e.evalAsDecimal(b, row).setScale(type.scale(), java.math.RoundingMode.HALF_UP) : e.evalObject(b, row);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CASE");
    for (int i = 0; i < conditions.length; i++) {
      sb.append(" WHEN ").append(conditions[i]).append(" THEN ").append(values[i]);
    }
    return sb.append(" ELSE ").append(otherwise).append(" END").toString();
  }
}
