package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;

/** AND, OR (three-valued), NOT, IS [NOT] NULL, IS [NOT] TRUE/FALSE. */
public final class LogicalExpr extends Expr {
  /** The connective or predicate. */
  public enum Op { AND, OR, NOT, IS_NULL, IS_NOT_NULL, IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE }

  private final Op op;
  private final Expr[] operands;

  public LogicalExpr(Op op, Expr... operands) {
    super(DataType.BOOLEAN);
    this.op = op;
    this.operands = operands.clone();
  }

  /** For the code generator. */
  public Op op() {
    return op;
  }

  /** For the code generator. */
  public Expr[] operands() {
    return operands.clone();
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    switch (op) {
      case AND -> {
        boolean sawNull = false;
        for (Expr e : operands) {
          if (e.isNull(b, row)) {
            sawNull = true;
          } else if (e.evalLong(b, row) == 0) {
            return false; // FALSE AND anything is FALSE
          }
        }
        return sawNull;
      }
      case OR -> {
        boolean sawNull = false;
        for (Expr e : operands) {
          if (e.isNull(b, row)) {
            sawNull = true;
          } else if (e.evalLong(b, row) != 0) {
            return false; // TRUE OR anything is TRUE
          }
        }
        return sawNull;
      }
      case NOT -> {
        return operands[0].isNull(b, row);
      }
      default -> {
        return false;
      }
    }
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    Expr first = operands[0];
    return switch (op) {
      case AND -> {
        for (Expr e : operands) {
          if (!e.isNull(b, row) && e.evalLong(b, row) == 0) {
            yield 0;
          }
        }
        yield 1;
      }
      case OR -> {
        for (Expr e : operands) {
          if (!e.isNull(b, row) && e.evalLong(b, row) != 0) {
            yield 1;
          }
        }
        yield 0;
      }
      case NOT -> first.evalLong(b, row) == 0 ? 1 : 0;
      case IS_NULL -> first.isNull(b, row) ? 1 : 0;
      case IS_NOT_NULL -> first.isNull(b, row) ? 0 : 1;
      case IS_TRUE -> !first.isNull(b, row) && first.evalLong(b, row) != 0 ? 1 : 0;
      case IS_NOT_TRUE -> !first.isNull(b, row) && first.evalLong(b, row) != 0 ? 0 : 1;
      case IS_FALSE -> !first.isNull(b, row) && first.evalLong(b, row) == 0 ? 1 : 0;
      case IS_NOT_FALSE -> !first.isNull(b, row) && first.evalLong(b, row) == 0 ? 0 : 1;
    };
  }

  @Override
  public String toString() {
    if (op == Op.AND || op == Op.OR) {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < operands.length; i++) {
        sb.append(i == 0 ? "" : " " + op + " ").append(operands[i]);
      }
      return sb.append(')').toString();
    }
    if (op == Op.NOT) {
      return "NOT " + operands[0];
    }
    return operands[0] + " " + op.name().replace('_', ' ');
  }
}
