package dev.laminar.runtime.codegen;

import dev.laminar.runtime.expr.ArithmeticExpr;
import dev.laminar.runtime.expr.CaseExpr;
import dev.laminar.runtime.expr.CastExpr;
import dev.laminar.runtime.expr.ComparisonExpr;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.expr.ExtractExpr;
import dev.laminar.runtime.expr.FunctionExpr;
import dev.laminar.runtime.expr.InputRefExpr;
import dev.laminar.runtime.expr.LikeExpr;
import dev.laminar.runtime.expr.LiteralExpr;
import dev.laminar.runtime.expr.LogicalExpr;
import dev.laminar.runtime.expr.MathFunctionExpr;
import dev.laminar.runtime.expr.StringFunctionExpr;
import dev.laminar.runtime.expr.TimestampFunctionExpr;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a condition and projections into the Java source of one {@link CompiledCalc} class.
 *
 * <p>Every expression becomes straight-line code over primitive locals: a {@code boolean} null flag
 * and a value ({@code boolean}, {@code long}, {@code double}, {@code String}, {@code byte[]} or, for
 * DECIMAL, a {@code BigDecimal}). DECIMAL arithmetic, casts to and from VARCHAR, BYTES and DECIMAL,
 * the built-in string and math functions, EXTRACT and FLOOR/CEIL/month arithmetic of timestamps call the interpreter's own static helpers (or the JDK
 * method it uses), so values and failure messages are the same; LIKE and SIMILAR TO with a literal
 * pattern, and REGEXP_REPLACE with a literal pattern, use a pattern compiled once. Kinds it does
 * not generate (LIKE and REGEXP_REPLACE with a computed pattern, plugin and application functions) are embedded as the
 * interpreted {@link Expr} in a field and called, so every expression compiles.
 *
 * <p>Evaluation order follows the interpreter: where a node's NULL-ness depends only on input NULL
 * flags ("pure", e.g. {@code a * b + c}), the flags are tested first and the values are computed
 * only for non-NULL rows, so {@code (x / 0) + NULL} is NULL in both; AND/OR stop at the first FALSE
 * /TRUE operand and CASE evaluates only the branch it takes. Where an operand's NULL-ness needs
 * evaluation (CASE, AND, OR, fallbacks), operands are evaluated once, left to right, and a failing
 * left operand fails the row even when the right one is NULL (the interpreter would return NULL).
 */
final class CalcCodeGenerator {
  static final String CLASS_NAME = "dev.laminar.generated.GeneratedCalc";

  /** The source and the values of its constructor-injected fields (fallback exprs, constants). */
  record Generated(String source, Object[] fieldValues, int generatedNodes, int fallbackNodes) {}

  /** Java representation of a value. */
  private enum JType {
    BOOLEAN("boolean", "false"), LONG("long", "0L"), DOUBLE("double", "0.0d"), STRING("String", "null"),
    BYTES("byte[]", "null"),
    /** DECIMAL as a BigDecimal (allocates, as the interpreter does); written at the column's scale. */
    DECIMAL("java.math.BigDecimal", "null");

    final String java;
    final String zero;

    JType(String java, String zero) {
      this.java = java;
      this.zero = zero;
    }
  }

  /** A generated value: Java expressions (locals or constants) for its NULL flag and its value. */
  private record Val(String isNull, String value, JType type) {}

  private final StringBuilder sb = new StringBuilder();
  private final List<Object> fieldValues = new ArrayList<>();
  private final List<String> fieldTypes = new ArrayList<>();
  private int next;
  private int generatedNodes;
  private int fallbackNodes;

  private CalcCodeGenerator() {}

  /** Generates the class for {@code condition} (nullable: no filter) and {@code projections}. */
  static Generated generate(Expr condition, Expr[] projections) {
    return new CalcCodeGenerator().run(condition, projections);
  }

  private Generated run(Expr condition, Expr[] projections) {
    StringBuilder methods = new StringBuilder();
    // filter
    sb.setLength(0);
    sb.append("  private boolean filter(ColumnarBatch in, int r) {\n");
    if (condition == null) {
      sb.append("    return true;\n");
    } else if (jtype(condition.type()) != JType.BOOLEAN) {
      String f = field("Expr", condition);
      fallbackNodes++;
      sb.append("    return !").append(f).append(".isNull(in, r) && ").append(f).append(".evalLong(in, r) != 0L;\n");
    } else {
      Val v = gen(condition, false);
      sb.append("    return !").append(v.isNull).append(" && ").append(v.value).append(";\n");
    }
    sb.append("  }\n\n");
    methods.append(sb);
    // one method per projection keeps each small enough for the JIT to compile and inline
    StringBuilder calls = new StringBuilder();
    for (int c = 0; c < projections.length; c++) {
      sb.setLength(0);
      sb.append("  private void p").append(c).append("(ColumnarBatch in, int r, ColumnarBatch out, int o) {\n");
      project(projections[c], c);
      sb.append("  }\n\n");
      methods.append(sb);
      calls.append("      p").append(c).append("(in, r, out, o);\n");
    }

    StringBuilder src = new StringBuilder();
    int dot = CLASS_NAME.lastIndexOf('.');
    src.append("package ").append(CLASS_NAME, 0, dot).append(";\n\n")
        .append("import dev.laminar.runtime.ColumnarBatch;\n")
        .append("import dev.laminar.runtime.expr.Expr;\n\n")
        .append("public final class ").append(CLASS_NAME.substring(dot + 1))
        .append(" implements dev.laminar.runtime.codegen.CompiledCalc {\n");
    for (int i = 0; i < fieldTypes.size(); i++) {
      src.append("  private final ").append(fieldTypes.get(i)).append(" f").append(i).append(";\n");
    }
    src.append("\n  public ").append(CLASS_NAME.substring(dot + 1)).append("(Object[] a) {\n");
    for (int i = 0; i < fieldTypes.size(); i++) {
      src.append("    this.f").append(i).append(" = (").append(fieldTypes.get(i)).append(") a[").append(i).append("];\n");
    }
    src.append("  }\n\n")
        .append("  public int process(ColumnarBatch in, int from, int to, ColumnarBatch out) {\n")
        .append("    final int cap = out.capacity();\n")
        .append("    int r = from;\n")
        .append("    for (; r < to; r++) {\n")
        .append("      if (out.size() == cap) {\n")
        .append("        return r;\n")
        .append("      }\n")
        .append("      if (!filter(in, r)) {\n")
        .append("        continue;\n")
        .append("      }\n")
        .append("      final int o = out.openRow(in.rowKind(r), in.rowtime(r), in.watermark(r));\n")
        .append(calls)
        .append("      out.commitRow();\n")
        .append("    }\n")
        .append("    return r;\n")
        .append("  }\n\n")
        .append("  public boolean isCompiled() {\n    return true;\n  }\n\n")
        .append(methods)
        .append("}\n");
    return new Generated(src.toString(), fieldValues.toArray(), generatedNodes, fallbackNodes);
  }

  private void project(Expr e, int c) {
    DataType t = e.type();
    if (e instanceof InputRefExpr ref && t.kind() == TypeKind.DECIMAL) {
      // pass-through of a DECIMAL column: copy the slot instead of a BigDecimal round trip
      generatedNodes++;
      int i = ref.index();
      sb.append("    if (in.isNull(r, ").append(i).append(")) {\n      out.putNull(o, ").append(c).append(");\n    } else {\n");
      if (t.isCompactDecimal()) {
        sb.append("      out.putLong(o, ").append(c).append(", in.getLong(r, ").append(i).append("));\n");
      } else {
        sb.append("      out.putObject(o, ").append(c).append(", in.getObjectSlot(r, ").append(i).append("));\n");
      }
      sb.append("    }\n");
      return;
    }
    JType jt = jtype(t);
    Val v = gen(e, false);
    String put = switch (jt) {
      case BOOLEAN -> "out.putLong(o, " + c + ", " + v.value + " ? 1L : 0L);";
      case LONG -> "out.putLong(o, " + c + ", " + v.value + ");";
      case DOUBLE -> "out.putDouble(o, " + c + ", " + v.value + ");";
      case STRING, BYTES -> "out.putObject(o, " + c + ", " + v.value + ");";
      // as Expr.writeTo: a compact DECIMAL column holds the unscaled value at the column's scale
      case DECIMAL -> t.isCompactDecimal() ? "out.putLong(o, " + c + ", " + v.value + ".setScale(" + t.scale()
          + ", java.math.RoundingMode.HALF_UP).unscaledValue().longValueExact());" : "out.putObject(o, " + c + ", " + v.value + ");";
    };
    if (v.isNull.equals("false")) {
      sb.append("    ").append(put).append('\n');
    } else {
      sb.append("    if (").append(v.isNull).append(") {\n      out.putNull(o, ").append(c).append(");\n    } else {\n      ")
          .append(put).append("\n    }\n");
    }
  }

  // ---- expressions ----

  /**
   * Emits code computing {@code e} (whose type has a {@link JType}). With {@code nonNull} the caller
   * has established that {@code e} is not NULL (its pure NULL test failed), so only the value is
   * computed.
   */
  private Val gen(Expr e, boolean nonNull) {
    Val v = null;
    if (e instanceof InputRefExpr ref) {
      v = inputRef(ref, nonNull);
    } else if (e instanceof LiteralExpr lit) {
      v = literal(lit);
    } else if (e instanceof ArithmeticExpr a) {
      v = arithmetic(a, nonNull);
    } else if (e instanceof ComparisonExpr c) {
      v = comparison(c, nonNull);
    } else if (e instanceof CastExpr c) {
      v = cast(c, nonNull);
    } else if (e instanceof LogicalExpr l) {
      v = logical(l, nonNull);
    } else if (e instanceof CaseExpr c) {
      v = caseWhen(c);
    } else if (e instanceof LikeExpr l) {
      v = like(l, nonNull);
    } else if (e instanceof FunctionExpr || e instanceof MathFunctionExpr || e instanceof StringFunctionExpr
        || e instanceof ExtractExpr || e instanceof TimestampFunctionExpr) {
      v = function(e, nonNull);
    }
    if (v == null) {
      return fallback(e);
    }
    generatedNodes++;
    return v;
  }

  /**
   * A Java boolean expression for "e is NULL" that reads only input NULL flags, or null when
   * deciding NULL-ness needs evaluation.
   */
  private static String pureNull(Expr e) {
    if (e instanceof InputRefExpr ref) {
      return "in.isNull(r, " + ref.index() + ")";
    }
    if (e instanceof LiteralExpr lit) {
      return lit.isNullLiteral() ? "true" : "false";
    }
    if (e instanceof ArithmeticExpr a && arithmeticSupported(a)) {
      return or(pureNull(a.left()), pureNull(a.right()));
    }
    if (e instanceof ComparisonExpr c && comparisonMode(c) != null) {
      return or(pureNull(c.left()), pureNull(c.right()));
    }
    if (e instanceof CastExpr c && castSupported(c)) {
      return pureNull(c.input());
    }
    if (e instanceof LogicalExpr l && l.op() == LogicalExpr.Op.NOT) {
      return pureNull(l.operands()[0]);
    }
    if (e instanceof LikeExpr l && jtype(l.value().type()) == JType.STRING && l.literalPattern() != null) {
      return pureNull(l.value());
    }
    if (functionCall(e) != null || e instanceof StringFunctionExpr s && s.literalPattern() != null) {
      String n = "false";
      for (Expr a : functionArgs(e)) {
        n = or(n, pureNull(a));
      }
      return n;
    }
    return null;
  }

  private static String or(String a, String b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.equals("true") || b.equals("true")) {
      return "true";
    }
    if (a.equals("false")) {
      return b;
    }
    if (b.equals("false")) {
      return a;
    }
    return a + " || " + b;
  }

  private Val inputRef(InputRefExpr ref, boolean nonNull) {
    JType jt = jtype(ref.type());
    int i = ref.index();
    String n = nonNull ? "false" : local("boolean", "n", "in.isNull(r, " + i + ")");
    String read = switch (jt) {
      case BOOLEAN -> "in.getLong(r, " + i + ") != 0L";
      case LONG -> "in.getLong(r, " + i + ")";
      case DOUBLE -> "in.getDouble(r, " + i + ")";
      case STRING -> "(String) in.getObjectSlot(r, " + i + ")";
      case BYTES -> "(byte[]) in.getObjectSlot(r, " + i + ")";
      case DECIMAL -> "in.getDecimal(r, " + i + ")";
    };
    return new Val(n, local(jt.java, "v", read), jt);
  }

  private Val literal(LiteralExpr lit) {
    JType jt = jtype(lit.type());
    if (lit.isNullLiteral()) {
      // a typed null, so that code using it (unreachable behind its NULL flag) still compiles
      return new Val("true", jt.zero.equals("null") ? "((" + jt.java + ") null)" : jt.zero, jt);
    }
    String value = switch (jt) {
      case BOOLEAN -> lit.longValue() != 0 ? "true" : "false";
      case LONG -> lit.longValue() == Long.MIN_VALUE ? "Long.MIN_VALUE" : "(" + lit.longValue() + "L)";
      case DOUBLE -> doubleLiteral(lit.doubleValue());
      case STRING -> field("String", lit.objectValue());
      case BYTES -> field("byte[]", lit.objectValue());
      case DECIMAL -> field(JType.DECIMAL.java, lit.objectValue());
    };
    return new Val("false", value, jt);
  }

  private static String doubleLiteral(double d) {
    if (Double.isNaN(d)) {
      return "Double.NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
    }
    return "(" + d + "d)";
  }

  private static boolean arithmeticSupported(ArithmeticExpr a) {
    JType res = jtype(a.type());
    JType l = jtype(a.left().type());
    JType r = jtype(a.right().type());
    if (res == JType.LONG) {
      return l == JType.LONG && r == JType.LONG;
    }
    return (res == JType.DOUBLE || res == JType.DECIMAL) && numeric(l) && numeric(r);
  }

  private static boolean numeric(JType t) {
    return t == JType.LONG || t == JType.DOUBLE || t == JType.DECIMAL;
  }

  private Val arithmetic(ArithmeticExpr a, boolean nonNull) {
    if (!arithmeticSupported(a)) {
      return null;
    }
    JType jt = jtype(a.type());
    String v = declare(jt.java, "v", jt.zero);
    String pure = nonNull ? "false" : pureNull(a);
    String n;
    if (pure != null) {
      n = pure.equals("false") ? "false" : local("boolean", "n", pure);
      open(n);
      Val l = gen(a.left(), true);
      Val r = gen(a.right(), true);
      assign(v, arithmeticOp(a, jt, l, r));
      close();
    } else {
      n = declare("boolean", "n", "true");
      Val l = gen(a.left(), false);
      open(l.isNull);
      Val r = gen(a.right(), false);
      open(r.isNull);
      assign(n, "false");
      assign(v, arithmeticOp(a, jt, l, r));
      close();
      close();
    }
    return new Val(n, v, jt);
  }

  private String arithmeticOp(ArithmeticExpr a, JType jt, Val l, Val r) {
    if (jt == JType.DECIMAL) {
      return "dev.laminar.runtime.expr.ArithmeticExpr.decimal(dev.laminar.runtime.expr.ArithmeticExpr.Op." + a.op() + ", "
          + asDecimal(l) + ", " + asDecimal(r) + ", " + a.type().scale() + ", " + field("Object", a) + ")";
    }
    if (jt == JType.DOUBLE) {
      l = new Val(l.isNull, asDouble(l), JType.DOUBLE);
      r = new Val(r.isNull, asDouble(r), JType.DOUBLE);
    }
    String lv = jt == JType.DOUBLE && l.type == JType.LONG ? "((double) " + l.value + ")" : l.value;
    String rv = jt == JType.DOUBLE && r.type == JType.LONG ? "((double) " + r.value + ")" : r.value;
    return switch (a.op()) {
      case PLUS -> lv + " + " + rv;
      case MINUS -> lv + " - " + rv;
      case TIMES -> lv + " * " + rv;
      case DIVIDE, MOD -> {
        if (jt == JType.LONG) {
          sb.append("    if (").append(rv).append(" == 0L) {\n      throw new ArithmeticException(")
              .append(field("String", "division by zero in " + a)).append(");\n    }\n");
        }
        yield lv + (a.op() == ArithmeticExpr.Op.DIVIDE ? " / " : " % ") + rv;
      }
    };
  }

  /** "long", "double", "string" or null (not generated). */
  private static String comparisonMode(ComparisonExpr c) {
    JType l = jtype(c.left().type());
    JType r = jtype(c.right().type());
    if (l == JType.STRING && r == JType.STRING) {
      return "string";
    }
    if (l == null || r == null || l == JType.STRING || r == JType.STRING || l == JType.BYTES || r == JType.BYTES) {
      return null;
    }
    if (l == JType.DECIMAL || r == JType.DECIMAL) {
      // as the interpreter: with a DOUBLE operand as doubles, else exactly
      if (l == JType.BOOLEAN || r == JType.BOOLEAN) {
        return null;
      }
      return l == JType.DOUBLE || r == JType.DOUBLE ? "double" : "decimal";
    }
    return l == JType.DOUBLE || r == JType.DOUBLE ? "double" : "long";
  }

  private Val comparison(ComparisonExpr c, boolean nonNull) {
    String mode = comparisonMode(c);
    if (mode == null) {
      return null;
    }
    String v = declare("boolean", "v", "false");
    String pure = nonNull ? "false" : pureNull(c);
    String n;
    if (pure != null) {
      n = pure.equals("false") ? "false" : local("boolean", "n", pure);
      open(n);
      assign(v, compare(c, mode, gen(c.left(), true), gen(c.right(), true)));
      close();
    } else {
      n = declare("boolean", "n", "true");
      Val l = gen(c.left(), false);
      open(l.isNull);
      Val r = gen(c.right(), false);
      open(r.isNull);
      assign(n, "false");
      assign(v, compare(c, mode, l, r));
      close();
      close();
    }
    return new Val(n, v, JType.BOOLEAN);
  }

  private static String compare(ComparisonExpr c, String mode, Val l, Val r) {
    String op = switch (c.op()) {
      case EQ -> " == 0";
      case NE -> " != 0";
      case LT -> " < 0";
      case LE -> " <= 0";
      case GT -> " > 0";
      case GE -> " >= 0";
    };
    return switch (mode) {
      case "string" -> l.value + ".compareTo(" + r.value + ")" + op;
      case "decimal" -> asDecimal(l) + ".compareTo(" + asDecimal(r) + ")" + op;
      // Double.compare, as the interpreter: NaN equals NaN and -0.0 < 0.0
      case "double" -> "Double.compare(" + asDouble(l) + ", " + asDouble(r) + ")" + op;
      default -> "Long.compare(" + asLong(l) + ", " + asLong(r) + ")" + op;
    };
  }

  private static String asDouble(Val v) {
    return switch (v.type) {
      case BOOLEAN -> "(" + v.value + " ? 1.0d : 0.0d)";
      case LONG -> "((double) " + v.value + ")";
      case DECIMAL -> v.value + ".doubleValue()";
      default -> v.value;
    };
  }

  /** As {@code Expr.evalAsDecimal}. */
  private static String asDecimal(Val v) {
    return switch (v.type) {
      case LONG, DOUBLE -> "java.math.BigDecimal.valueOf(" + v.value + ")";
      default -> v.value;
    };
  }

  private static String asLong(Val v) {
    return v.type == JType.BOOLEAN ? "(" + v.value + " ? 1L : 0L)" : v.value;
  }

  private static boolean castSupported(CastExpr c) {
    JType from = jtype(c.input().type());
    JType to = jtype(c.type());
    if (numericOrBoolean(from) && numericOrBoolean(to)) {
      return true;
    }
    return switch (to) {
      case STRING -> from != null;
      case BYTES -> from == JType.STRING || from == JType.BYTES;
      case DECIMAL -> numeric(from) || from == JType.STRING;
      case BOOLEAN -> from == JType.STRING;
      case LONG, DOUBLE -> from == JType.STRING || from == JType.DECIMAL;
    };
  }

  private static boolean numericOrBoolean(JType t) {
    return t == JType.BOOLEAN || t == JType.LONG || t == JType.DOUBLE;
  }

  private Val cast(CastExpr c, boolean nonNull) {
    if (!castSupported(c)) {
      return null;
    }
    Val in = gen(c.input(), nonNull);
    JType to = jtype(c.type());
    if (!numericOrBoolean(in.type) || !numericOrBoolean(to)) {
      return textOrDecimalCast(c, in, to);
    }
    boolean toInt = c.type().kind() == TypeKind.INT;
    String x = in.value;
    String value = switch (to) {
      case BOOLEAN -> switch (in.type) {
        case BOOLEAN -> x;
        case LONG -> x + " != 0L";
        default -> x + " != 0.0d";
      };
      case LONG -> switch (in.type) {
        case BOOLEAN -> "(" + x + " ? 1L : 0L)";
        case LONG -> toInt ? "((long) (int) " + x + ")" : x;
        default -> "((long) " + x + ")"; // as the interpreter: DOUBLE to INT truncates to long
      };
      default -> asDouble(in);
    };
    return new Val(in.isNull, local(to.java, "v", value), to);
  }

  /**
   * Casts to or from VARCHAR, BYTES and DECIMAL through the interpreter's own static conversions
   * ({@code CastExpr.parse}, ...), so values and failure messages are the same. The value is computed
   * only for a non-NULL input.
   */
  private Val textOrDecimalCast(CastExpr c, Val in, JType to) {
    TypeKind from = c.input().type().kind();
    String x = in.value;
    String cast = "dev.laminar.runtime.expr.CastExpr.";
    String value = switch (to) {
      case STRING -> switch (from) {
        case BOOLEAN -> "(" + x + " ? \"true\" : \"false\")";
        case INT, BIGINT -> "Long.toString(" + x + ")";
        case DOUBLE -> "Double.toString(" + x + ")";
        case DECIMAL -> x + ".toPlainString()";
        case TIMESTAMP -> cast + "timestampText(" + x + ")";
        case VARCHAR -> x;
        case BYTES -> "new String(" + x + ", java.nio.charset.StandardCharsets.UTF_8)";
      };
      case BYTES -> from == TypeKind.VARCHAR ? x + ".getBytes(java.nio.charset.StandardCharsets.UTF_8)" : x;
      case DECIMAL -> (from == TypeKind.VARCHAR ? cast + "parseDecimal(" + x + ", " + field("dev.laminar.sdk.type.DataType", c.type()) + ")"
          : asDecimal(in)) + ".setScale(" + c.type().scale() + ", java.math.RoundingMode.HALF_UP)";
      case BOOLEAN -> cast + "parse(" + x + ", " + field("dev.laminar.sdk.type.DataType", c.type()) + ") != 0L";
      case LONG -> from == TypeKind.DECIMAL ? x + ".longValue()"
          : cast + "parse(" + x + ", " + field("dev.laminar.sdk.type.DataType", c.type()) + ")";
      case DOUBLE -> from == TypeKind.DECIMAL ? x + ".doubleValue()" : cast + "parseDouble(" + x + ")";
    };
    String v = declare(to.java, "v", to.zero);
    open(in.isNull);
    assign(v, value);
    close();
    return new Val(in.isNull, v, to);
  }

  /**
   * A built-in scalar function (NULL if any argument is NULL): the arguments' NULL flags are tested
   * first where they are pure, then the value is one call of the interpreter's own static helper or
   * of the JDK method it uses.
   */
  private Val function(Expr e, boolean nonNull) {
    java.util.function.Function<Val[], String> call = functionCall(e);
    if (call == null && e instanceof StringFunctionExpr s && s.literalPattern() != null && all(argTypes(s.args()), JType.STRING, 0)) {
      // REGEXP_REPLACE with a literal pattern: compiled once into a field
      String pattern = field("java.util.regex.Pattern", s.literalPattern());
      call = v -> pattern + ".matcher(" + v[0].value + ").replaceAll(" + v[2].value + ")";
    }
    if (call == null) {
      return null;
    }
    Expr[] args = functionArgs(e);
    JType jt = jtype(e.type());
    String v = declare(jt.java, "v", jt.zero);
    String pure = nonNull ? "false" : pureNull(e);
    Val[] values = new Val[args.length];
    String n;
    if (pure != null) {
      n = pure.equals("false") ? "false" : local("boolean", "n", pure);
      open(n);
      for (int i = 0; i < args.length; i++) {
        values[i] = gen(args[i], true);
      }
      assign(v, call.apply(values));
      close();
    } else {
      n = declare("boolean", "n", "true");
      for (int i = 0; i < args.length; i++) {
        values[i] = gen(args[i], false);
        open(values[i].isNull);
      }
      assign(n, "false");
      assign(v, call.apply(values));
      for (int i = 0; i < args.length; i++) {
        close();
      }
    }
    return new Val(n, v, jt);
  }

  private static Expr[] functionArgs(Expr e) {
    return switch (e) {
      case FunctionExpr f -> f.args();
      case MathFunctionExpr m -> m.args();
      case StringFunctionExpr s -> s.args();
      case ExtractExpr x -> new Expr[] {x.input()};
      case TimestampFunctionExpr t -> t.args();
      default -> new Expr[0];
    };
  }

  /** How to compute a supported function from its argument values, or null when it is left to the interpreter. */
  private static JType[] argTypes(Expr[] args) {
    JType[] types = new JType[args.length];
    for (int i = 0; i < args.length; i++) {
      types[i] = jtype(args[i].type());
    }
    return types;
  }

  private static java.util.function.Function<Val[], String> functionCall(Expr e) {
    JType[] types = argTypes(functionArgs(e));
    JType res = jtype(e.type());
    return switch (e) {
      case FunctionExpr f -> scalar(f, res, types, e.type().scale());
      case MathFunctionExpr m -> math(m, res, types, e.type().scale());
      case StringFunctionExpr s -> string(s, res, types);
      case ExtractExpr x -> all(types, JType.LONG, 0)
          ? v -> "dev.laminar.runtime.expr.ExtractExpr.extract(dev.laminar.runtime.expr.ExtractExpr.Unit." + x.unit() + ", " + v[0].value + ")"
          : null;
      case TimestampFunctionExpr t -> all(types, JType.LONG, 0) ? v -> "dev.laminar.runtime.expr.TimestampFunctionExpr.apply("
          + "dev.laminar.runtime.expr.TimestampFunctionExpr.Fn." + t.fn() + ", "
          + (t.unit() == null ? "null" : "dev.laminar.runtime.expr.TimestampFunctionExpr.Unit." + t.unit()) + ", " + v[0].value + ", "
          + (v.length > 1 ? v[1].value : "0L") + ")" : null;
      default -> null;
    };
  }

  private static boolean all(JType[] types, JType t, int from) {
    for (int i = from; i < types.length; i++) {
      if (types[i] != t) {
        return false;
      }
    }
    return true;
  }

  private static java.util.function.Function<Val[], String> scalar(FunctionExpr f, JType res, JType[] a, int scale) {
    return switch (f.fn()) {
      case UPPER, LOWER -> all(a, JType.STRING, 0) ? v -> v[0].value + (f.fn() == FunctionExpr.Fn.UPPER ? ".toUpperCase" : ".toLowerCase")
          + "(java.util.Locale.ROOT)" : null;
      case CHAR_LENGTH -> all(a, JType.STRING, 0) ? v -> "((long) " + v[0].value + ".length())" : null;
      case CONCAT -> all(a, JType.STRING, 0) ? v -> "(" + v[0].value + " + " + v[1].value + ")" : null;
      case ABS, FLOOR, CEIL -> {
        String fn = f.fn() == FunctionExpr.Fn.ABS ? "abs" : f.fn() == FunctionExpr.Fn.FLOOR ? "floor" : "ceil";
        if (res == JType.LONG && a[0] == JType.LONG) {
          yield f.fn() == FunctionExpr.Fn.ABS ? v -> "Math.abs(" + v[0].value + ")" : v -> v[0].value;
        }
        if (res == JType.DOUBLE && numeric(a[0])) {
          yield v -> "Math." + fn + "(" + asDouble(v[0]) + ")";
        }
        if (res == JType.DECIMAL && a[0] == JType.DECIMAL) {
          yield f.fn() == FunctionExpr.Fn.ABS ? v -> v[0].value + ".abs()" : v -> v[0].value + ".setScale(0, java.math.RoundingMode."
              + (f.fn() == FunctionExpr.Fn.FLOOR ? "FLOOR" : "CEILING") + ").setScale(" + scale + ")";
        }
        yield null;
      }
    };
  }

  private static java.util.function.Function<Val[], String> math(MathFunctionExpr m, JType res, JType[] a, int scale) {
    String helper = "dev.laminar.runtime.expr.MathFunctionExpr.";
    boolean round = m.fn() == MathFunctionExpr.Fn.ROUND;
    boolean placesOk = a.length < 2 || a[1] == JType.LONG;
    if (res == JType.LONG && a[0] == JType.LONG) {
      return switch (m.fn()) {
        case SIGN -> v -> "((long) Long.signum(" + v[0].value + "))";
        case ROUND, TRUNCATE -> placesOk ? v -> helper + "roundLong(" + v[0].value + ", " + places(v) + ", " + round + ")" : null;
        default -> null;
      };
    }
    if (res == JType.DECIMAL && numeric(a[0])) {
      return switch (m.fn()) {
        case SIGN -> v -> helper + "signDecimal(" + asDecimal(v[0]) + ", " + scale + ")";
        case ROUND, TRUNCATE -> placesOk ? v -> helper + "roundDecimal(" + asDecimal(v[0]) + ", " + places(v) + ", " + round + ", " + scale + ")"
            : null;
        default -> null;
      };
    }
    if (res != JType.DOUBLE || !numeric(a[0])) {
      return null;
    }
    return switch (m.fn()) {
      case SIGN -> v -> "Math.signum(" + asDouble(v[0]) + ")";
      case ROUND, TRUNCATE -> placesOk ? v -> helper + "roundDouble(" + asDouble(v[0]) + ", " + places(v) + ", " + round + ")" : null;
      case POWER -> numeric(a[1]) ? v -> "Math.pow(" + asDouble(v[0]) + ", " + asDouble(v[1]) + ")" : null;
      case SQRT -> v -> "Math.sqrt(" + asDouble(v[0]) + ")";
      case EXP -> v -> "Math.exp(" + asDouble(v[0]) + ")";
      case LN -> v -> "Math.log(" + asDouble(v[0]) + ")";
      case LOG10 -> v -> "Math.log10(" + asDouble(v[0]) + ")";
    };
  }

  private static String places(Val[] v) {
    return v.length > 1 ? "((int) " + v[1].value + ")" : "0";
  }

  private static java.util.function.Function<Val[], String> string(StringFunctionExpr s, JType res, JType[] a) {
    String helper = "dev.laminar.runtime.expr.StringFunctionExpr.";
    return switch (s.fn()) {
      case SUBSTRING -> a[0] == JType.STRING && all(a, JType.LONG, 1)
          ? v -> helper + "substring(" + v[0].value + ", " + v[1].value + ", " + (v.length > 2 ? v[2].value : "Long.MAX_VALUE") + ")" : null;
      case TRIM_BOTH, TRIM_LEADING, TRIM_TRAILING -> all(a, JType.STRING, 0) ? v -> helper + "trim(" + v[1].value + ", " + v[0].value + ", "
          + (s.fn() != StringFunctionExpr.Fn.TRIM_TRAILING) + ", " + (s.fn() != StringFunctionExpr.Fn.TRIM_LEADING) + ")" : null;
      case POSITION -> a[0] == JType.STRING && a[1] == JType.STRING && all(a, JType.LONG, 2)
          ? v -> helper + "position(" + v[0].value + ", " + v[1].value + ", " + (v.length > 2 ? v[2].value : "1L") + ")" : null;
      case REPLACE -> all(a, JType.STRING, 0) ? v -> helper + "replace(" + v[0].value + ", " + v[1].value + ", " + v[2].value + ")" : null;
      case INITCAP -> all(a, JType.STRING, 0) ? v -> helper + "initcap(" + v[0].value + ")" : null;
      case CONCAT -> all(a, JType.STRING, 0) ? v -> {
        StringBuilder sb = new StringBuilder("(\"\"");
        for (Val x : v) {
          sb.append(" + ").append(x.value);
        }
        return sb.append(')').toString();
      } : null;
      case REGEXP_REPLACE -> null; // with a literal pattern: see function()
    };
  }

  /** LIKE / SIMILAR TO with a literal pattern: compiled once into a field, matched per row. */
  private Val like(LikeExpr l, boolean nonNull) {
    java.util.regex.Pattern p = l.literalPattern();
    if (p == null || jtype(l.value().type()) != JType.STRING) {
      return null;
    }
    String f = field("java.util.regex.Pattern", p);
    Val x = gen(l.value(), nonNull);
    String v = declare("boolean", "v", "false");
    open(x.isNull);
    assign(v, f + ".matcher(" + x.value + ").matches()");
    close();
    return new Val(x.isNull, v, JType.BOOLEAN);
  }

  private Val logical(LogicalExpr l, boolean nonNull) {
    Expr[] ops = l.operands();
    boolean nullTest = l.op() == LogicalExpr.Op.IS_NULL || l.op() == LogicalExpr.Op.IS_NOT_NULL;
    for (Expr op : ops) {
      JType t = jtype(op.type());
      // IS [NOT] NULL takes any type, but a DECIMAL operand must have a pure NULL test
      if (nullTest ? (t == null && pureNull(op) == null) : t != JType.BOOLEAN) {
        return null;
      }
    }
    return switch (l.op()) {
      case AND, OR -> andOr(l.op() == LogicalExpr.Op.AND, ops);
      case NOT -> {
        Val x = gen(ops[0], nonNull);
        yield new Val(x.isNull, local("boolean", "v", "!" + x.value), JType.BOOLEAN);
      }
      case IS_NULL, IS_NOT_NULL -> {
        // only the NULL flag: the interpreter does not evaluate the value either
        String pure = pureNull(ops[0]);
        String isNull = pure != null ? pure : gen(ops[0], false).isNull;
        yield new Val("false", local("boolean", "v", (l.op() == LogicalExpr.Op.IS_NULL ? "" : "!") + "(" + isNull + ")"),
            JType.BOOLEAN);
      }
      case IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE -> {
        Val x = gen(ops[0], false);
        String test = switch (l.op()) {
          case IS_TRUE -> "!" + x.isNull + " && " + x.value;
          case IS_NOT_TRUE -> x.isNull + " || !" + x.value;
          case IS_FALSE -> "!" + x.isNull + " && !" + x.value;
          default -> x.isNull + " || " + x.value;
        };
        yield new Val("false", local("boolean", "v", test), JType.BOOLEAN);
      }
    };
  }

  /** Three-valued AND/OR, stopping at the first operand that decides (FALSE for AND, TRUE for OR). */
  private Val andOr(boolean and, Expr[] ops) {
    String decided = declare("boolean", "d", "false");
    String sawNull = declare("boolean", "s", "false");
    int depth = 0;
    for (int i = 0; i < ops.length; i++) {
      Val x = gen(ops[i], false);
      String decides = "!" + x.isNull + " && " + (and ? "!" : "") + x.value;
      sb.append("    if (").append(decides).append(") {\n");
      assign(decided, "true");
      sb.append("    } else {\n");
      assign(sawNull, sawNull + " || " + x.isNull);
      depth++;
    }
    for (int i = 0; i < depth; i++) {
      close();
    }
    String n = local("boolean", "n", "!" + decided + " && " + sawNull);
    // AND: TRUE unless decided FALSE; OR: TRUE only if decided TRUE
    String v = local("boolean", "v", and ? "!" + decided : decided);
    return new Val(n, v, JType.BOOLEAN);
  }

  private Val caseWhen(CaseExpr c) {
    JType jt = jtype(c.type());
    Expr[] conds = c.conditions();
    Expr[] values = c.values();
    for (Expr cond : conds) {
      if (jtype(cond.type()) != JType.BOOLEAN) {
        return null;
      }
    }
    for (Expr v : values) {
      if (!caseValueFits(jt, v)) {
        return null;
      }
    }
    if (!caseValueFits(jt, c.otherwise())) {
      return null;
    }
    String n = declare("boolean", "n", "true");
    String v = declare(jt.java, "v", jt.zero);
    for (int i = 0; i < conds.length; i++) {
      Val cond = gen(conds[i], false);
      sb.append("    if (!").append(cond.isNull).append(" && ").append(cond.value).append(") {\n");
      assignBranch(n, v, jt, gen(values[i], false), c.type());
      sb.append("    } else {\n");
    }
    assignBranch(n, v, jt, gen(c.otherwise(), false), c.type());
    for (int i = 0; i < conds.length; i++) {
      close();
    }
    return new Val(n, v, jt);
  }

  private static boolean caseValueFits(JType result, Expr value) {
    JType t = jtype(value.type());
    return t == result || (result == JType.DOUBLE && t == JType.LONG) || (result == JType.DECIMAL && numeric(t));
  }

  private void assignBranch(String n, String v, JType jt, Val x, DataType type) {
    assign(n, x.isNull);
    if (jt == JType.DECIMAL) {
      // as the interpreter: the branch taken, rescaled to the CASE's scale
      assign(v, x.isNull.equals("true") ? "null"
          : "(" + x.isNull + ") ? null : " + asDecimal(x) + ".setScale(" + type.scale() + ", java.math.RoundingMode.HALF_UP)");
    } else {
      assign(v, jt == JType.DOUBLE ? asDouble(x) : x.value);
    }
  }

  private Val fallback(Expr e) {
    JType jt = jtype(e.type());
    fallbackNodes++;
    String f = field("Expr", e);
    String n = local("boolean", "n", f + ".isNull(in, r)");
    String read = switch (jt) {
      case BOOLEAN -> f + ".evalLong(in, r) != 0L";
      case LONG -> f + ".evalLong(in, r)";
      case DOUBLE -> f + ".evalDouble(in, r)";
      case STRING -> "(String) " + f + ".evalObject(in, r)";
      case BYTES -> "(byte[]) " + f + ".evalObject(in, r)";
      case DECIMAL -> "(java.math.BigDecimal) " + f + ".evalObject(in, r)";
    };
    return new Val(n, local(jt.java, "v", n + " ? " + jt.zero + " : " + read), jt);
  }

  // ---- emit helpers ----

  private static JType jtype(DataType t) {
    return switch (t.kind()) {
      case BOOLEAN -> JType.BOOLEAN;
      case INT, BIGINT, TIMESTAMP -> JType.LONG;
      case DOUBLE -> JType.DOUBLE;
      case VARCHAR -> JType.STRING;
      case BYTES -> JType.BYTES;
      case DECIMAL -> JType.DECIMAL;
    };
  }

  private String field(String javaType, Object value) {
    fieldTypes.add(javaType);
    fieldValues.add(value);
    return "f" + (fieldTypes.size() - 1);
  }

  /** Declares a final local initialised to {@code init}; returns its name. */
  private String local(String javaType, String prefix, String init) {
    String name = prefix + next++;
    sb.append("    final ").append(javaType).append(' ').append(name).append(" = ").append(init).append(";\n");
    return name;
  }

  /** Declares a mutable local; returns its name. */
  private String declare(String javaType, String prefix, String init) {
    String name = prefix + next++;
    sb.append("    ").append(javaType).append(' ').append(name).append(" = ").append(init).append(";\n");
    return name;
  }

  private void assign(String name, String value) {
    sb.append("    ").append(name).append(" = ").append(value).append(";\n");
  }

  /** Opens {@code if (!isNull) {}. */
  private void open(String isNull) {
    sb.append("    if (!(").append(isNull).append(")) {\n");
  }

  private void close() {
    sb.append("    }\n");
  }
}
