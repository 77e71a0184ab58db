package dev.laminar.sql;

import dev.laminar.runtime.expr.ArithmeticExpr;
import dev.laminar.runtime.expr.CaseExpr;
import dev.laminar.runtime.expr.CastExpr;
import dev.laminar.runtime.expr.ComparisonExpr;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.expr.FunctionExpr;
import dev.laminar.runtime.expr.InputRefExpr;
import dev.laminar.runtime.expr.LiteralExpr;
import dev.laminar.runtime.expr.LogicalExpr;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;

/** Translates Calcite row expressions over an input schema into {@link Expr} trees. */
final class ExprTranslator {
  private final Schema input;
  private final RexBuilder rexBuilder;

  ExprTranslator(Schema input, RexBuilder rexBuilder) {
    this.input = input;
    this.rexBuilder = rexBuilder;
  }

  Expr translate(RexNode node) {
    if (node instanceof RexInputRef ref) {
      return new InputRefExpr(ref.getIndex(), input.column(ref.getIndex()).name(), input.column(ref.getIndex()).type());
    }
    if (node instanceof RexLiteral lit) {
      return literal(lit);
    }
    if (node instanceof RexCall call) {
      if (call.getKind() == SqlKind.SEARCH) {
        return translate(RexUtil.expandSearch(rexBuilder, null, call));
      }
      return call(call);
    }
    throw new SqlPlanningException("expression " + node + " is not supported in streaming queries yet");
  }

  private Expr literal(RexLiteral lit) {
    DataType type = TypeMapping.toDataType(lit.getType(), "literal " + lit);
    if (lit.isNull()) {
      return LiteralExpr.ofNull(type);
    }
    SqlTypeName name = lit.getType().getSqlTypeName();
    if (SqlTypeName.INTERVAL_TYPES.contains(name)) {
      if (SqlTypeName.YEAR_INTERVAL_TYPES.contains(name)) {
        throw new SqlPlanningException("year-month intervals are not supported yet: " + lit);
      }
      return LiteralExpr.ofLong(DataType.BIGINT, lit.getValueAs(Long.class));
    }
    return switch (type.kind()) {
      case BOOLEAN -> LiteralExpr.ofLong(type, Boolean.TRUE.equals(lit.getValueAs(Boolean.class)) ? 1 : 0);
      case INT, BIGINT -> LiteralExpr.ofLong(type, lit.getValueAs(Long.class));
      case TIMESTAMP -> LiteralExpr.ofLong(type, lit.getValueAs(Long.class));
      case DOUBLE -> LiteralExpr.ofDouble(lit.getValueAs(Double.class));
      case DECIMAL -> LiteralExpr.ofObject(type, lit.getValueAs(BigDecimal.class).setScale(type.scale(), java.math.RoundingMode.HALF_UP));
      case VARCHAR -> LiteralExpr.ofObject(type, lit.getValue() instanceof NlsString s ? s.getValue() : lit.getValueAs(String.class));
      case BYTES -> LiteralExpr.ofObject(type, lit.getValueAs(byte[].class));
    };
  }

  private Expr call(RexCall call) {
    List<RexNode> ops = call.getOperands();
    DataType type = TypeMapping.toDataType(call.getType(), "expression " + call);
    SqlKind kind = call.getKind();
    switch (kind) {
      case PLUS, MINUS, TIMES, DIVIDE, MOD -> {
        return new ArithmeticExpr(arithmetic(kind), translate(ops.get(0)), translate(ops.get(1)), type);
      }
      case MINUS_PREFIX -> {
        return new ArithmeticExpr(ArithmeticExpr.Op.MINUS, zero(type), translate(ops.get(0)), type);
      }
      case PLUS_PREFIX -> {
        return translate(ops.get(0));
      }
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
        try {
          return new ComparisonExpr(comparison(kind), translate(ops.get(0)), translate(ops.get(1)));
        } catch (IllegalArgumentException e) {
          throw new SqlPlanningException(e.getMessage() + " in " + call);
        }
      }
      case AND, OR -> {
        return new LogicalExpr(kind == SqlKind.AND ? LogicalExpr.Op.AND : LogicalExpr.Op.OR, all(ops));
      }
      case NOT -> {
        return new LogicalExpr(LogicalExpr.Op.NOT, translate(ops.get(0)));
      }
      case IS_NULL, IS_NOT_NULL, IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE -> {
        return new LogicalExpr(LogicalExpr.Op.valueOf(kind.name()), translate(ops.get(0)));
      }
      case CAST -> {
        return new CastExpr(translate(ops.get(0)), type);
      }
      case CASE -> {
        int pairs = (ops.size() - 1) / 2;
        Expr[] conditions = new Expr[pairs];
        Expr[] values = new Expr[pairs];
        for (int i = 0; i < pairs; i++) {
          conditions[i] = translate(ops.get(2 * i));
          values[i] = coerce(translate(ops.get(2 * i + 1)), type);
        }
        return new CaseExpr(conditions, values, coerce(translate(ops.get(ops.size() - 1)), type), type);
      }
      default -> {
        return function(call, type);
      }
    }
  }

  /** Casts when a branch's storage class differs from the result's. */
  private static Expr coerce(Expr e, DataType type) {
    if (e.type().equals(type)) {
      return e;
    }
    boolean sameStorage = e.type().isLongBacked() == type.isLongBacked() && (e.type().kind() == TypeKind.DOUBLE) == (type.kind() == TypeKind.DOUBLE)
        && e.type().kind() != TypeKind.DECIMAL && type.kind() != TypeKind.DECIMAL;
    return sameStorage ? e : new CastExpr(e, type);
  }

  private Expr function(RexCall call, DataType type) {
    String name = call.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
    FunctionExpr.Fn fn = switch (name) {
      case "UPPER" -> FunctionExpr.Fn.UPPER;
      case "LOWER" -> FunctionExpr.Fn.LOWER;
      case "CHAR_LENGTH", "CHARACTER_LENGTH" -> FunctionExpr.Fn.CHAR_LENGTH;
      case "||", "CONCAT" -> FunctionExpr.Fn.CONCAT;
      case "ABS" -> FunctionExpr.Fn.ABS;
      case "FLOOR" -> FunctionExpr.Fn.FLOOR;
      case "CEIL", "CEILING" -> FunctionExpr.Fn.CEIL;
      default -> throw new SqlPlanningException("function " + call.getOperator().getName() + " is not supported in streaming queries yet"
          + " (supported: arithmetic, comparisons, AND/OR/NOT, IS [NOT] NULL, CAST, CASE, COALESCE, NULLIF, UPPER, LOWER, "
          + "CHAR_LENGTH, ||, ABS, FLOOR, CEIL)");
    };
    if (call.getOperands().size() > (fn == FunctionExpr.Fn.CONCAT ? 2 : 1)) {
      throw new SqlPlanningException(name + " with " + call.getOperands().size() + " arguments is not supported: " + call);
    }
    Expr[] args = all(call.getOperands());
    if (!FunctionExpr.accepts(fn, args[0].type().kind())) {
      throw new SqlPlanningException(name + " does not apply to " + args[0].type() + ": " + call);
    }
    return new FunctionExpr(fn, type, args);
  }

  private Expr[] all(List<RexNode> ops) {
    Expr[] out = new Expr[ops.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = translate(ops.get(i));
    }
    return out;
  }

  private static Expr zero(DataType type) {
    return switch (type.kind()) {
      case DOUBLE -> LiteralExpr.ofDouble(0);
      case DECIMAL -> LiteralExpr.ofObject(type, BigDecimal.ZERO.setScale(type.scale()));
      default -> LiteralExpr.ofLong(type, 0);
    };
  }

  private static ArithmeticExpr.Op arithmetic(SqlKind kind) {
    return switch (kind) {
      case PLUS -> ArithmeticExpr.Op.PLUS;
      case MINUS -> ArithmeticExpr.Op.MINUS;
      case TIMES -> ArithmeticExpr.Op.TIMES;
      case DIVIDE -> ArithmeticExpr.Op.DIVIDE;
      default -> ArithmeticExpr.Op.MOD;
    };
  }

  private static ComparisonExpr.Op comparison(SqlKind kind) {
    return switch (kind) {
      case EQUALS -> ComparisonExpr.Op.EQ;
      case NOT_EQUALS -> ComparisonExpr.Op.NE;
      case LESS_THAN -> ComparisonExpr.Op.LT;
      case LESS_THAN_OR_EQUAL -> ComparisonExpr.Op.LE;
      case GREATER_THAN -> ComparisonExpr.Op.GT;
      default -> ComparisonExpr.Op.GE;
    };
  }
}
