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
import dev.laminar.runtime.expr.ExtractExpr;
import dev.laminar.runtime.expr.LikeExpr;
import dev.laminar.runtime.expr.MathFunctionExpr;
import dev.laminar.runtime.expr.ScalarFunctionExpr;
import dev.laminar.runtime.expr.StringFunctionExpr;
import dev.laminar.runtime.expr.TimestampFunctionExpr;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.sql.fun.SqlTrimFunction;
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
  /** Functions refused because their results would depend on wall-clock time or chance. */
  private static final Set<String> NON_DETERMINISTIC = Set.of("CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP",
      "LOCALTIME", "NOW", "RAND", "RAND_INTEGER", "UUID", "CURRENT_ROW_TIMESTAMP", "PROCTIME");

  private final Schema input;
  private final RexBuilder rexBuilder;

  ExprTranslator(Schema input, RexBuilder rexBuilder) {
    this(input, rexBuilder, new java.util.HashSet<>());
  }

  /** @param functionOrigins collects where the plugin/application functions used come from ("plugin ID VERSION") */
  ExprTranslator(Schema input, RexBuilder rexBuilder, java.util.Set<String> functionOrigins) {
    this.input = input;
    this.rexBuilder = rexBuilder;
    this.functionOrigins = functionOrigins;
  }

  private final java.util.Set<String> functionOrigins;

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
      // day-time intervals in milliseconds, year-month intervals in months
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
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    if (NON_DETERMINISTIC.contains(name)) {
      throw new SqlPlanningException(name + " is not supported in streaming queries: its value would depend on when a row is "
          + "processed, not on the data, so results could not be reproduced; use the event-time column instead");
    }
    if (call.getOperator() instanceof LaminarOperatorTable.ScalarFunctionOperator f) {
      functionOrigins.add(f.origin());
      return new ScalarFunctionExpr(f.function(), f.origin(), TypeMapping.toDataType(call.getType(), "result of " + name), all(ops));
    }
    if (call.getKind() == SqlKind.EXTRACT) {
      return extract(call);
    }
    DataType type = TypeMapping.toDataType(call.getType(), "expression " + call);
    SqlKind kind = call.getKind();
    switch (kind) {
      case PLUS, MINUS -> {
        Expr monthArithmetic = monthArithmetic(call, type);
        if (monthArithmetic != null) {
          return monthArithmetic;
        }
        return new ArithmeticExpr(arithmetic(kind), translate(ops.get(0)), translate(ops.get(1)), type);
      }
      case TIMES, DIVIDE, MOD -> {
        return new ArithmeticExpr(arithmetic(kind), translate(ops.get(0)), translate(ops.get(1)), type);
      }
      case REINTERPRET -> {
        return coerce(translate(ops.get(0)), type);
      }
      case LIKE, SIMILAR -> {
        return new LikeExpr(kind == SqlKind.SIMILAR, translate(ops.get(0)), translate(ops.get(1)),
            ops.size() > 2 ? translate(ops.get(2)) : null);
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

  /** {@code ts ± year-month interval}, and {@code ts - ts} as a year-month interval (whole months). */
  private Expr monthArithmetic(RexCall call, DataType type) {
    List<RexNode> ops = call.getOperands();
    boolean monthsResult = SqlTypeName.YEAR_INTERVAL_TYPES.contains(call.getType().getSqlTypeName());
    if (type.kind() == TypeKind.TIMESTAMP) {
      int interval = isMonthInterval(ops.get(1)) ? 1 : isMonthInterval(ops.get(0)) ? 0 : -1;
      if (interval < 0) {
        return null;
      }
      Expr months = translate(ops.get(interval));
      if (call.getKind() == SqlKind.MINUS) {
        months = new ArithmeticExpr(ArithmeticExpr.Op.MINUS, LiteralExpr.ofLong(DataType.BIGINT, 0), months, DataType.BIGINT);
      }
      return TimestampFunctionExpr.plusMonths(translate(ops.get(1 - interval)), months);
    }
    if (monthsResult && call.getKind() == SqlKind.MINUS && ops.get(0).getType().getSqlTypeName() == SqlTypeName.TIMESTAMP) {
      return TimestampFunctionExpr.monthsBetween(translate(ops.get(0)), translate(ops.get(1)));
    }
    return null;
  }

  private static boolean isMonthInterval(RexNode node) {
    return SqlTypeName.YEAR_INTERVAL_TYPES.contains(node.getType().getSqlTypeName());
  }

  private Expr extract(RexCall call) {
    TimeUnitRange unit = symbol(call.getOperands().get(0), TimeUnitRange.class);
    Expr ts = translate(call.getOperands().get(1));
    if (ts.type().kind() != TypeKind.TIMESTAMP) {
      throw new SqlPlanningException("EXTRACT applies to TIMESTAMP, not " + ts.type() + ": " + call);
    }
    ExtractExpr.Unit u;
    try {
      u = ExtractExpr.Unit.valueOf(unit.name());
    } catch (IllegalArgumentException e) {
      throw new SqlPlanningException("EXTRACT(" + unit + " FROM ...) is not supported; units: " + List.of(ExtractExpr.Unit.values()));
    }
    return new ExtractExpr(u, ts);
  }

  private static <E extends Enum<E>> E symbol(RexNode node, Class<E> type) {
    if (node instanceof RexLiteral lit && lit.getValue() != null && type.isInstance(lit.getValue())) {
      return type.cast(lit.getValue());
    }
    throw new SqlPlanningException("expected a " + type.getSimpleName() + " flag, found " + node);
  }

  /** FLOOR(ts TO unit) / CEIL(ts TO unit). */
  private Expr roundTimestamp(RexCall call, boolean ceil) {
    TimeUnitRange unit = symbol(call.getOperands().get(1), TimeUnitRange.class);
    TimestampFunctionExpr.Unit u;
    try {
      u = TimestampFunctionExpr.Unit.valueOf(unit.name());
    } catch (IllegalArgumentException e) {
      throw new SqlPlanningException((ceil ? "CEIL" : "FLOOR") + "(... TO " + unit + ") is not supported; units: "
          + List.of(TimestampFunctionExpr.Unit.values()));
    }
    Expr ts = translate(call.getOperands().get(0));
    if (ts.type().kind() != TypeKind.TIMESTAMP) {
      throw new SqlPlanningException((ceil ? "CEIL" : "FLOOR") + "(... TO " + unit + ") applies to TIMESTAMP, not " + ts.type());
    }
    return TimestampFunctionExpr.round(ceil, ts, u);
  }

  private Expr trim(RexCall call, DataType type) {
    SqlTrimFunction.Flag flag = symbol(call.getOperands().get(0), SqlTrimFunction.Flag.class);
    StringFunctionExpr.Fn fn = switch (flag) {
      case BOTH -> StringFunctionExpr.Fn.TRIM_BOTH;
      case LEADING -> StringFunctionExpr.Fn.TRIM_LEADING;
      case TRAILING -> StringFunctionExpr.Fn.TRIM_TRAILING;
    };
    return strings(fn, type, call, translate(call.getOperands().get(1)), translate(call.getOperands().get(2)));
  }

  private static Expr strings(StringFunctionExpr.Fn fn, DataType type, RexCall call, Expr... args) {
    for (Expr a : args) {
      if (a.type().kind() != TypeKind.VARCHAR && a.type().kind() != TypeKind.INT && a.type().kind() != TypeKind.BIGINT) {
        throw new SqlPlanningException(call.getOperator().getName() + " does not apply to " + a.type() + ": " + call);
      }
    }
    try {
      return new StringFunctionExpr(fn, type, args);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new SqlPlanningException("invalid regular expression in " + call + ": " + e.getDescription());
    }
  }

  private Expr math(MathFunctionExpr.Fn fn, DataType type, RexCall call) {
    Expr[] args = all(call.getOperands());
    for (Expr a : args) {
      if (!MathFunctionExpr.accepts(a.type().kind())) {
        throw new SqlPlanningException(call.getOperator().getName() + " does not apply to " + a.type() + ": " + call);
      }
    }
    return new MathFunctionExpr(fn, type, args);
  }

  private Expr function(RexCall call, DataType type) {
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    int arity = call.getOperands().size();
    switch (name) {
      case "FLOOR", "CEIL", "CEILING" -> {
        if (arity == 2) {
          return roundTimestamp(call, !name.equals("FLOOR"));
        }
      }
      case "TRIM" -> {
        return trim(call, type);
      }
      case "LTRIM", "RTRIM" -> {
        return strings(name.equals("LTRIM") ? StringFunctionExpr.Fn.TRIM_LEADING : StringFunctionExpr.Fn.TRIM_TRAILING, type, call,
            LiteralExpr.ofObject(DataType.VARCHAR, " "), translate(call.getOperands().get(0)));
      }
      case "SUBSTRING" -> {
        return strings(StringFunctionExpr.Fn.SUBSTRING, type, call, all(call.getOperands()));
      }
      case "POSITION" -> {
        return strings(StringFunctionExpr.Fn.POSITION, type, call, all(call.getOperands()));
      }
      case "REPLACE" -> {
        return strings(StringFunctionExpr.Fn.REPLACE, type, call, all(call.getOperands()));
      }
      case "INITCAP" -> {
        return strings(StringFunctionExpr.Fn.INITCAP, type, call, all(call.getOperands()));
      }
      case "||", "CONCAT" -> {
        return strings(StringFunctionExpr.Fn.CONCAT, type, call, all(call.getOperands()));
      }
      case "REGEXP_REPLACE" -> {
        return strings(StringFunctionExpr.Fn.REGEXP_REPLACE, type, call, all(call.getOperands()));
      }
      case "ROUND" -> {
        return math(MathFunctionExpr.Fn.ROUND, type, call);
      }
      case "TRUNCATE" -> {
        return math(MathFunctionExpr.Fn.TRUNCATE, type, call);
      }
      case "SIGN" -> {
        return math(MathFunctionExpr.Fn.SIGN, type, call);
      }
      case "POWER" -> {
        return math(MathFunctionExpr.Fn.POWER, type, call);
      }
      case "SQRT" -> {
        return math(MathFunctionExpr.Fn.SQRT, type, call);
      }
      case "EXP" -> {
        return math(MathFunctionExpr.Fn.EXP, type, call);
      }
      case "LN" -> {
        return math(MathFunctionExpr.Fn.LN, type, call);
      }
      case "LOG10" -> {
        return math(MathFunctionExpr.Fn.LOG10, type, call);
      }
      default -> { }
    }
    FunctionExpr.Fn fn = switch (name) {
      case "UPPER" -> FunctionExpr.Fn.UPPER;
      case "LOWER" -> FunctionExpr.Fn.LOWER;
      case "CHAR_LENGTH", "CHARACTER_LENGTH" -> FunctionExpr.Fn.CHAR_LENGTH;
      case "ABS" -> FunctionExpr.Fn.ABS;
      case "FLOOR" -> FunctionExpr.Fn.FLOOR;
      case "CEIL", "CEILING" -> FunctionExpr.Fn.CEIL;
      default -> throw new SqlPlanningException("function " + call.getOperator().getName() + " is not supported in streaming queries yet"
          + " (see docs/SQL.md, \"Queries that run today\", for the functions that are)");
    };
    if (call.getOperands().size() > 1) {
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
