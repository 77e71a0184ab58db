package dev.laminar.runtime.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.laminar.TestProperties;
import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Operator;
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
import dev.laminar.runtime.operator.CalcOperator;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a catalogue of filters and projections over random rows (with NULLs, zeros, NaN, -0.0)
 * through the interpreter and the generated code, row by row, and requires identical output: the
 * same rows, the same NULL cells and values, and the same failures (message included). Set
 * {@code -Dlaminar.test.seed=N} to replay a failure.
 */
class CompiledCalcDifferentialTest {
  private static final DataType DEC = DataType.decimal(10, 2);
  private static final DataType BIG_DEC = DataType.decimal(30, 4);
  private static final Schema INPUT = Schema.builder()
      .column("a", DataType.BIGINT).column("b", DataType.BIGINT).column("i", DataType.INT)
      .column("x", DataType.DOUBLE).column("y", DataType.DOUBLE)
      .column("s", DataType.VARCHAR).column("t", DataType.VARCHAR)
      .column("f", DataType.BOOLEAN).column("g", DataType.BOOLEAN)
      .column("d", DEC).column("ts", DataType.TIMESTAMP).column("n", DataType.VARCHAR)
      .column("bd", BIG_DEC)
      .build();
  private static final int ROWS = 2_000;
  private static final String[] WORDS = {"", "a", "abc", "abd", "b", "B", "zz", " 12 ", "x%"};
  private static final String[] NUMBERS = {"1", " 42 ", "-7", "x", "9999999999", "3.5"};

  private static final String[] INPUT_NAMES = {"a", "b", "i", "x", "y", "s", "t", "f", "g", "d", "ts", "n", "bd"};

  // columns
  static final Expr A = ref(0, DataType.BIGINT);
  static final Expr B = ref(1, DataType.BIGINT);
  static final Expr I = ref(2, DataType.INT);
  static final Expr X = ref(3, DataType.DOUBLE);
  static final Expr Y = ref(4, DataType.DOUBLE);
  static final Expr S = ref(5, DataType.VARCHAR);
  static final Expr T = ref(6, DataType.VARCHAR);
  static final Expr F = ref(7, DataType.BOOLEAN);
  static final Expr G = ref(8, DataType.BOOLEAN);
  static final Expr D = ref(9, DEC);
  static final Expr TS = ref(10, DataType.TIMESTAMP);
  static final Expr NUM = ref(11, DataType.VARCHAR);
  static final Expr BD = ref(12, BIG_DEC);

  record Case(String name, Expr condition, Expr... projections) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> catalogue() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("long arithmetic with NULLs", null, arith(ArithmeticExpr.Op.PLUS, A, B), arith(ArithmeticExpr.Op.MINUS, A, I),
        arith(ArithmeticExpr.Op.TIMES, A, B)));
    c.add(new Case("long division and MOD by zero fail", null, arith(ArithmeticExpr.Op.DIVIDE, A, B), arith(ArithmeticExpr.Op.MOD, A, I)));
    c.add(new Case("double division by zero is Infinity or NaN", null, arith(ArithmeticExpr.Op.DIVIDE, X, Y),
        arith(ArithmeticExpr.Op.MOD, X, Y), arith(ArithmeticExpr.Op.DIVIDE, X, A)));
    c.add(new Case("mixed long and double", cmp(ComparisonExpr.Op.GT, arith(ArithmeticExpr.Op.TIMES, X, A), lit(10)),
        arith(ArithmeticExpr.Op.PLUS, arith(ArithmeticExpr.Op.TIMES, X, A), LiteralExpr.ofDouble(1.5)), A));
    c.add(new Case("NULL literal propagates", null, arith(ArithmeticExpr.Op.PLUS, A, LiteralExpr.ofNull(DataType.BIGINT)),
        cmp(ComparisonExpr.Op.EQ, X, LiteralExpr.ofNull(DataType.DOUBLE))));
    c.add(new Case("failing operand next to NULL is NULL", null,
        arith(ArithmeticExpr.Op.PLUS, arith(ArithmeticExpr.Op.DIVIDE, A, B), I)));
    c.add(new Case("comparisons incl NaN and -0.0", cmp(ComparisonExpr.Op.GE, X, Y), cmp(ComparisonExpr.Op.EQ, X, Y),
        cmp(ComparisonExpr.Op.LT, A, X), cmp(ComparisonExpr.Op.NE, A, B), cmp(ComparisonExpr.Op.LE, F, G)));
    c.add(new Case("three-valued AND OR NOT", null, logic(LogicalExpr.Op.AND, F, G), logic(LogicalExpr.Op.OR, F, G),
        logic(LogicalExpr.Op.NOT, F), logic(LogicalExpr.Op.AND, F, G, cmp(ComparisonExpr.Op.GT, A, B)),
        logic(LogicalExpr.Op.OR, cmp(ComparisonExpr.Op.LT, X, Y), F, logic(LogicalExpr.Op.NOT, G))));
    c.add(new Case("AND stops before division by zero",
        logic(LogicalExpr.Op.AND, cmp(ComparisonExpr.Op.NE, B, lit(0)), cmp(ComparisonExpr.Op.GT, arith(ArithmeticExpr.Op.DIVIDE, A, B), lit(1))),
        A, B));
    c.add(new Case("IS [NOT] NULL TRUE FALSE", null, logic(LogicalExpr.Op.IS_NULL, A), logic(LogicalExpr.Op.IS_NOT_NULL, S),
        logic(LogicalExpr.Op.IS_TRUE, F), logic(LogicalExpr.Op.IS_NOT_TRUE, F), logic(LogicalExpr.Op.IS_FALSE, cmp(ComparisonExpr.Op.GT, A, B)),
        logic(LogicalExpr.Op.IS_NOT_FALSE, logic(LogicalExpr.Op.AND, F, G)),
        logic(LogicalExpr.Op.IS_NULL, arith(ArithmeticExpr.Op.DIVIDE, A, B))));
    c.add(new Case("filter with three-valued logic", logic(LogicalExpr.Op.OR, logic(LogicalExpr.Op.NOT, cmp(ComparisonExpr.Op.GT, A, B)),
        logic(LogicalExpr.Op.IS_NULL, X)), A, X, S));
    c.add(new Case("CASE", null,
        new CaseExpr(new Expr[] {cmp(ComparisonExpr.Op.GT, A, B), F}, new Expr[] {A, B}, LiteralExpr.ofNull(DataType.BIGINT), DataType.BIGINT),
        new CaseExpr(new Expr[] {cmp(ComparisonExpr.Op.NE, B, lit(0))}, new Expr[] {arith(ArithmeticExpr.Op.DIVIDE, A, B)}, lit(-1), DataType.BIGINT),
        new CaseExpr(new Expr[] {G}, new Expr[] {A}, X, DataType.DOUBLE),
        new CaseExpr(new Expr[] {logic(LogicalExpr.Op.IS_NULL, S)}, new Expr[] {T}, S, DataType.VARCHAR),
        new CaseExpr(new Expr[] {F}, new Expr[] {cmp(ComparisonExpr.Op.LT, X, Y)}, G, DataType.BOOLEAN)));
    c.add(new Case("numeric casts", null, new CastExpr(X, DataType.BIGINT), new CastExpr(X, DataType.INT), new CastExpr(A, DataType.INT),
        new CastExpr(A, DataType.DOUBLE), new CastExpr(F, DataType.INT), new CastExpr(A, DataType.BOOLEAN), new CastExpr(X, DataType.BOOLEAN),
        new CastExpr(A, DataType.TIMESTAMP), new CastExpr(TS, DataType.BIGINT)));
    c.add(new Case("string comparisons", cmp(ComparisonExpr.Op.LT, S, T), S, T, cmp(ComparisonExpr.Op.EQ, S, LiteralExpr.ofObject(DataType.VARCHAR, "abc"))));
    c.add(new Case("LIKE with literal patterns, and CONCAT", new LikeExpr(false, S, LiteralExpr.ofObject(DataType.VARCHAR, "a%"), null),
        new StringFunctionExpr(StringFunctionExpr.Fn.CONCAT, DataType.VARCHAR, S, T),
        logic(LogicalExpr.Op.AND, new LikeExpr(false, T, LiteralExpr.ofObject(DataType.VARCHAR, "%b%"), null), F)));
    c.add(new Case("fallback inside generated code", logic(LogicalExpr.Op.OR, new LikeExpr(false, S, T, null), F),
        arith(ArithmeticExpr.Op.PLUS, new FunctionExpr(FunctionExpr.Fn.CHAR_LENGTH, DataType.INT,
            new StringFunctionExpr(StringFunctionExpr.Fn.REGEXP_REPLACE, DataType.VARCHAR, S, T, NUM)), lit(1))));
    c.add(new Case("casts from text fail on bad input", null, new CastExpr(NUM, DataType.BIGINT), new CastExpr(NUM, DataType.DOUBLE)));
    c.add(new Case("DECIMAL pass-through and arithmetic", cmp(ComparisonExpr.Op.GT, D, new LiteralExprs().dec("1.50")), D, BD,
        new ArithmeticExpr(ArithmeticExpr.Op.PLUS, D, lit(1), DataType.decimal(11, 2)), new CastExpr(D, DataType.DOUBLE)));
    c.add(new Case("timestamps", cmp(ComparisonExpr.Op.GE, TS, LiteralExpr.ofLong(DataType.TIMESTAMP, 500)), TS,
        arith(ArithmeticExpr.Op.MINUS, TS, A)));
    c.add(new Case("no filter pass-through of every type", null, A, I, X, S, F, D, TS, BD));
    generatedWithoutFallback(c);
    return c.stream();
  }

  private static final DataType DEC_WIDE = DataType.decimal(38, 6);

  /** Cases the generator compiles completely: DECIMAL arithmetic, casts to and from text, scalar functions. */
  static List<Case> withoutFallback() {
    List<Case> c = new ArrayList<>();
    generatedWithoutFallback(c);
    return c;
  }

  private static void generatedWithoutFallback(List<Case> c) {
    c.add(new Case("casts to VARCHAR", cmp(ComparisonExpr.Op.NE, new CastExpr(A, DataType.VARCHAR), S), new CastExpr(A, DataType.VARCHAR),
        new CastExpr(I, DataType.VARCHAR), new CastExpr(X, DataType.VARCHAR), new CastExpr(F, DataType.VARCHAR),
        new CastExpr(TS, DataType.VARCHAR), new CastExpr(D, DataType.VARCHAR), new CastExpr(BD, DataType.VARCHAR),
        new CastExpr(new CastExpr(S, DataType.BYTES), DataType.VARCHAR), new CastExpr(S, DataType.VARCHAR)));
    c.add(new Case("casts from VARCHAR, failing on bad text", null, new CastExpr(NUM, DataType.INT), new CastExpr(NUM, DataType.DOUBLE),
        new CastExpr(NUM, DataType.decimal(12, 2)), new CastExpr(new CastExpr(TS, DataType.VARCHAR), DataType.TIMESTAMP)));
    c.add(new Case("casts from VARCHAR to BOOLEAN fail on other text", null, new CastExpr(S, DataType.BOOLEAN)));
    c.add(new Case("DECIMAL arithmetic and comparisons", logic(LogicalExpr.Op.OR, cmp(ComparisonExpr.Op.GT, D, A), cmp(ComparisonExpr.Op.LT, D, X)),
        new ArithmeticExpr(ArithmeticExpr.Op.PLUS, D, D, DataType.decimal(11, 2)),
        new ArithmeticExpr(ArithmeticExpr.Op.TIMES, D, I, DataType.decimal(20, 2)),
        new ArithmeticExpr(ArithmeticExpr.Op.MINUS, D, A, DataType.decimal(30, 2)),
        new ArithmeticExpr(ArithmeticExpr.Op.TIMES, BD, D, DEC_WIDE), new ArithmeticExpr(ArithmeticExpr.Op.MOD, D, lit(7), DataType.decimal(10, 2)),
        new ArithmeticExpr(ArithmeticExpr.Op.PLUS, D, Y, DataType.DOUBLE), cmp(ComparisonExpr.Op.EQ, D, BD),
        new CastExpr(D, DataType.BIGINT), new CastExpr(BD, DataType.DOUBLE), new CastExpr(A, DataType.decimal(30, 0)),
        new CastExpr(D, DataType.decimal(10, 1)), new FunctionExpr(FunctionExpr.Fn.ABS, DEC, D),
        new FunctionExpr(FunctionExpr.Fn.FLOOR, DEC, D), new FunctionExpr(FunctionExpr.Fn.CEIL, BIG_DEC, BD)));
    c.add(new Case("DECIMAL division by zero fails", null, new ArithmeticExpr(ArithmeticExpr.Op.DIVIDE, D, BD, DEC_WIDE)));
    c.add(new Case("DOUBLE to DECIMAL fails on NaN and infinities", null, new CastExpr(X, DataType.decimal(8, 2))));
    c.add(new Case("string functions", cmp(ComparisonExpr.Op.GT, new FunctionExpr(FunctionExpr.Fn.CHAR_LENGTH, DataType.INT, S), lit(0)),
        new FunctionExpr(FunctionExpr.Fn.UPPER, DataType.VARCHAR, S), new FunctionExpr(FunctionExpr.Fn.LOWER, DataType.VARCHAR, T),
        new FunctionExpr(FunctionExpr.Fn.CONCAT, DataType.VARCHAR, S, T),
        new StringFunctionExpr(StringFunctionExpr.Fn.SUBSTRING, DataType.VARCHAR, S, I),
        new StringFunctionExpr(StringFunctionExpr.Fn.TRIM_BOTH, DataType.VARCHAR, T, S),
        new StringFunctionExpr(StringFunctionExpr.Fn.TRIM_LEADING, DataType.VARCHAR, LiteralExpr.ofObject(DataType.VARCHAR, " a"), S),
        new StringFunctionExpr(StringFunctionExpr.Fn.TRIM_TRAILING, DataType.VARCHAR, T, S),
        new StringFunctionExpr(StringFunctionExpr.Fn.POSITION, DataType.INT, T, S),
        new StringFunctionExpr(StringFunctionExpr.Fn.POSITION, DataType.INT, T, S, I),
        new StringFunctionExpr(StringFunctionExpr.Fn.REPLACE, DataType.VARCHAR, S, T, NUM),
        new StringFunctionExpr(StringFunctionExpr.Fn.INITCAP, DataType.VARCHAR, NUM),
        new StringFunctionExpr(StringFunctionExpr.Fn.CONCAT, DataType.VARCHAR, S, T, NUM)));
    c.add(new Case("SUBSTRING with a negative length fails", null,
        new StringFunctionExpr(StringFunctionExpr.Fn.SUBSTRING, DataType.VARCHAR, S, lit(2), I)));
    c.add(new Case("math functions", null, new MathFunctionExpr(MathFunctionExpr.Fn.SIGN, DataType.BIGINT, A),
        new MathFunctionExpr(MathFunctionExpr.Fn.SIGN, DataType.DOUBLE, X), new MathFunctionExpr(MathFunctionExpr.Fn.ROUND, DataType.DOUBLE, X, I),
        new MathFunctionExpr(MathFunctionExpr.Fn.TRUNCATE, DataType.BIGINT, A, I),
        new MathFunctionExpr(MathFunctionExpr.Fn.ROUND, DataType.BIGINT, A),
        new MathFunctionExpr(MathFunctionExpr.Fn.POWER, DataType.DOUBLE, X, I), new MathFunctionExpr(MathFunctionExpr.Fn.SQRT, DataType.DOUBLE, X),
        new MathFunctionExpr(MathFunctionExpr.Fn.EXP, DataType.DOUBLE, Y), new MathFunctionExpr(MathFunctionExpr.Fn.LN, DataType.DOUBLE, A),
        new MathFunctionExpr(MathFunctionExpr.Fn.LOG10, DataType.DOUBLE, D), new FunctionExpr(FunctionExpr.Fn.ABS, DataType.BIGINT, A),
        new FunctionExpr(FunctionExpr.Fn.ABS, DataType.DOUBLE, X), new FunctionExpr(FunctionExpr.Fn.FLOOR, DataType.DOUBLE, Y),
        new FunctionExpr(FunctionExpr.Fn.CEIL, DataType.DOUBLE, X)));
    timestampFunctions(c);
    c.add(new Case("LIKE and SIMILAR TO with literal patterns and ESCAPE", new LikeExpr(true, S, LiteralExpr.ofObject(DataType.VARCHAR, "[a-b]%"), null),
        new LikeExpr(false, T, LiteralExpr.ofObject(DataType.VARCHAR, "_b%"), null),
        new LikeExpr(false, NUM, LiteralExpr.ofObject(DataType.VARCHAR, "%!%%"), LiteralExpr.ofObject(DataType.VARCHAR, "!")),
        new LikeExpr(true, S, LiteralExpr.ofObject(DataType.VARCHAR, "(a|zz)%"), null)));
    c.add(new Case("DECIMAL ROUND, TRUNCATE and SIGN", null, new MathFunctionExpr(MathFunctionExpr.Fn.ROUND, DEC, D),
        new MathFunctionExpr(MathFunctionExpr.Fn.ROUND, DataType.decimal(10, 1), D, lit(1)),
        new MathFunctionExpr(MathFunctionExpr.Fn.TRUNCATE, DEC, BD, I), new MathFunctionExpr(MathFunctionExpr.Fn.SIGN, DEC, D),
        new CastExpr(new MathFunctionExpr(MathFunctionExpr.Fn.ROUND, DEC, D), DataType.BIGINT)));
    c.add(new Case("REGEXP_REPLACE with a literal pattern", null,
        new StringFunctionExpr(StringFunctionExpr.Fn.REGEXP_REPLACE, DataType.VARCHAR, S, LiteralExpr.ofObject(DataType.VARCHAR, "[ab]+"), T),
        new StringFunctionExpr(StringFunctionExpr.Fn.REGEXP_REPLACE, DataType.VARCHAR, NUM, LiteralExpr.ofObject(DataType.VARCHAR, "(\\d)"),
            LiteralExpr.ofObject(DataType.VARCHAR, "<$1>"))));
    Expr nullText = LiteralExpr.ofNull(DataType.VARCHAR);
    Expr nullDecimal = LiteralExpr.ofNull(DEC);
    c.add(new Case("NULL literals in functions, casts and DECIMAL arithmetic", null,
        new FunctionExpr(FunctionExpr.Fn.UPPER, DataType.VARCHAR, nullText), new CastExpr(nullDecimal, DataType.VARCHAR),
        new ArithmeticExpr(ArithmeticExpr.Op.PLUS, D, nullDecimal, DataType.decimal(11, 2)), cmp(ComparisonExpr.Op.LT, nullDecimal, X),
        cmp(ComparisonExpr.Op.GE, nullDecimal, A), new StringFunctionExpr(StringFunctionExpr.Fn.REPLACE, DataType.VARCHAR, S, nullText, T),
        new LikeExpr(false, nullText, LiteralExpr.ofObject(DataType.VARCHAR, "a%"), null), cmp(ComparisonExpr.Op.EQ, S, nullText)));
    c.add(new Case("CASE of DECIMAL rescales the branch taken", null,
        new CaseExpr(new Expr[] {F, G}, new Expr[] {D, A}, BD, DataType.decimal(30, 3)),
        new CaseExpr(new Expr[] {cmp(ComparisonExpr.Op.GT, D, lit(0))}, new Expr[] {D}, LiteralExpr.ofNull(DEC), DataType.decimal(12, 1))));
  }

  /** Timestamps spread over years: ts (0 to 999) times a day and a bit. */
  private static Expr spreadTimestamps() {
    return arith(ArithmeticExpr.Op.TIMES, TS, lit(86_400_123L));
  }

  private static void timestampFunctions(List<Case> c) {
    Expr t = spreadTimestamps();
    List<Expr> fields = new ArrayList<>();
    for (ExtractExpr.Unit u : ExtractExpr.Unit.values()) {
      fields.add(new ExtractExpr(u, t));
    }
    c.add(new Case("EXTRACT of every unit", cmp(ComparisonExpr.Op.NE, new ExtractExpr(ExtractExpr.Unit.DOW, t), lit(3)),
        fields.toArray(Expr[]::new)));
    List<Expr> rounded = new ArrayList<>();
    for (TimestampFunctionExpr.Unit u : TimestampFunctionExpr.Unit.values()) {
      rounded.add(TimestampFunctionExpr.round(false, t, u));
      rounded.add(TimestampFunctionExpr.round(true, t, u));
    }
    rounded.add(TimestampFunctionExpr.plusMonths(t, I));
    rounded.add(TimestampFunctionExpr.monthsBetween(t, TS));
    c.add(new Case("FLOOR and CEIL of timestamps, month arithmetic", null, rounded.toArray(Expr[]::new)));
  }

  @Test
  void kindsItDoesNotGenerateAreCalledAsInterpretedFields() {
    Case c = catalogue().filter(x -> x.name().equals("fallback inside generated code")).findFirst().orElseThrow();
    // LIKE with a computed pattern, REGEXP_REPLACE with a computed pattern
    assertThat(CalcCodeGenerator.generate(c.condition(), c.projections()).fallbackNodes()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutFallback")
  void decimalTextCastsAndScalarFunctionsCompileWithoutFallback(Case c) {
    CalcCodeGenerator.Generated g = CalcCodeGenerator.generate(c.condition(), c.projections());
    assertThat(g.fallbackNodes()).as("interpreted nodes in\n" + g.source()).isZero();
  }

  /** Makes a DECIMAL literal (scale from the text). */
  static final class LiteralExprs {
    Expr dec(String text) {
      BigDecimal v = new BigDecimal(text);
      return LiteralExpr.ofObject(DataType.decimal(10, v.scale()), v);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void compiledMatchesInterpreterRowByRow(Case c) {
    long seed = Long.getLong("laminar.test.seed", System.nanoTime());
    CompiledCalc compiled = CalcCompiler.compile(c.condition(), c.projections());
    assertThat(compiled.isCompiled()).isTrue();
    CompiledCalc interpreted = new InterpretedCalc(c.condition(), c.projections());
    ColumnarBatch in = randomBatch(new Random(seed), ROWS);
    Schema outSchema = outputSchema(c.projections());
    ColumnarBatch expected = new ColumnarBatch(outSchema, 1);
    ColumnarBatch actual = new ColumnarBatch(outSchema, 1);
    for (int r = 0; r < in.size(); r++) {
      expected.clear();
      actual.clear();
      String expectedError = run(interpreted, in, r, expected);
      String actualError = run(compiled, in, r, actual);
      String where = "case '" + c.name() + "', seed " + seed + " (-Dlaminar.test.seed=" + seed + "), row " + r + ": ";
      if (!Objects.equals(expectedError, actualError)) {
        fail(where + "interpreter failed with " + expectedError + ", compiled with " + actualError
            + "\n" + CalcCompiler.source(c.condition(), c.projections()));
      }
      if (expectedError == null) {
        assertSameRows(where, expected, actual);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void compiledOperatorMatchesInterpretedOperatorAcrossSmallOutputBatches(Case c) {
    long seed = Long.getLong("laminar.test.seed", System.nanoTime());
    ColumnarBatch in = randomBatch(new Random(seed), ROWS);
    // drop the rows that fail, so that whole batches can go through
    CompiledCalc probe = new InterpretedCalc(c.condition(), c.projections());
    ColumnarBatch ok = new ColumnarBatch(INPUT, ROWS);
    ColumnarBatch scratch = new ColumnarBatch(outputSchema(c.projections()), 1);
    for (int r = 0; r < in.size(); r++) {
      scratch.clear();
      if (run(probe, in, r, scratch) == null) {
        ok.appendRowFrom(in, r);
      }
    }
    Schema outSchema = outputSchema(c.projections());
    Collector expected = new Collector(outSchema);
    Collector actual = new Collector(outSchema);
    new CalcOperator(new InterpretedCalc(c.condition(), c.projections()), outSchema, 7, expected).process(ok);
    new CalcOperator(CalcCompiler.compile(c.condition(), c.projections()), outSchema, 7, actual).process(ok);
    assertThat(actual.batches).as("batches, seed " + seed).isEqualTo(expected.batches);
    assertSameRows("case '" + c.name() + "', seed " + seed + ": ", expected.rows, actual.rows);
  }

  @Test
  void switchForcesInterpreter() {
    TestProperties.with(CalcCompiler.ENABLED_PROPERTY, "false",
        () -> assertThat(CalcCompiler.create(null, new Expr[] {A}).isCompiled()).isFalse());
    TestProperties.with(CalcCompiler.ENABLED_PROPERTY, null, () -> assertThat(CalcCompiler.create(null, new Expr[] {A}).isCompiled()).isTrue());
  }

  @Test
  void generatesNumericPathsWithoutFallbackFields() {
    Expr cond = logic(LogicalExpr.Op.AND, cmp(ComparisonExpr.Op.GT, arith(ArithmeticExpr.Op.TIMES, X, A), lit(1000)),
        logic(LogicalExpr.Op.IS_NOT_NULL, S));
    String src = CalcCompiler.source(cond, new Expr[] {arith(ArithmeticExpr.Op.TIMES, X, LiteralExpr.ofDouble(1.1)),
        arith(ArithmeticExpr.Op.PLUS, A, lit(1))});
    assertThat(src).doesNotContain("Expr f").doesNotContain(".evalLong(").contains("in.getDouble(r, 3)");
  }

  // ---- helpers ----

  /** Runs one row; returns the failure as "Class: message", or null. */
  private static String run(CompiledCalc calc, ColumnarBatch in, int row, ColumnarBatch out) {
    try {
      int next = calc.process(in, row, row + 1, out);
      assertThat(next).isEqualTo(row + 1);
      return null;
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static void assertSameRows(String where, ColumnarBatch expected, ColumnarBatch actual) {
    assertThat(actual.size()).as(where + "row count").isEqualTo(expected.size());
    Schema s = expected.schema();
    for (int r = 0; r < expected.size(); r++) {
      assertThat(actual.rowKind(r)).as(where + "row kind").isEqualTo(expected.rowKind(r));
      assertThat(actual.rowtime(r)).as(where + "rowtime").isEqualTo(expected.rowtime(r));
      for (int col = 0; col < s.size(); col++) {
        String cell = where + "output row " + r + " column " + col + " (" + s.column(col).type() + ")";
        assertThat(actual.isNull(r, col)).as(cell + " null").isEqualTo(expected.isNull(r, col));
        if (expected.isNull(r, col)) {
          continue;
        }
        DataType t = s.column(col).type();
        if (t.kind() == TypeKind.DOUBLE) {
          assertThat(Double.doubleToLongBits(actual.getDouble(r, col))).as(cell + " = " + actual.getDouble(r, col) + " expected "
              + expected.getDouble(r, col)).isEqualTo(Double.doubleToLongBits(expected.getDouble(r, col)));
        } else if (t.isLongBacked()) {
          assertThat(actual.getLong(r, col)).as(cell).isEqualTo(expected.getLong(r, col));
        } else {
          assertThat(actual.getObjectSlot(r, col)).as(cell).isEqualTo(expected.getObjectSlot(r, col));
        }
      }
    }
  }

  private static Schema outputSchema(Expr[] projections) {
    Schema.Builder b = Schema.builder();
    for (int i = 0; i < projections.length; i++) {
      b.column("c" + i, projections[i].type());
    }
    return b.build();
  }

  private static ColumnarBatch randomBatch(Random rnd, int rows) {
    ColumnarBatch b = new ColumnarBatch(INPUT, rows);
    for (int r = 0; r < rows; r++) {
      int o = b.openRow(rnd.nextInt(4) == 0 ? RowKind.DELETE : RowKind.INSERT, r, ColumnarBatch.NO_TIME);
      for (int col = 0; col < INPUT.size(); col++) {
        if (rnd.nextInt(5) == 0) {
          b.putNull(o, col);
          continue;
        }
        DataType t = INPUT.column(col).type();
        switch (t.kind()) {
          case BOOLEAN -> b.putLong(o, col, rnd.nextBoolean() ? 1 : 0);
          case INT -> b.putLong(o, col, rnd.nextInt(7) - 3);
          case BIGINT -> b.putLong(o, col, rnd.nextInt(10) == 0 ? rnd.nextLong() : rnd.nextInt(9) - 4);
          case TIMESTAMP -> b.putLong(o, col, rnd.nextInt(1000));
          case DOUBLE -> b.putDouble(o, col, randomDouble(rnd));
          case VARCHAR -> b.putObject(o, col, col == 11 ? NUMBERS[rnd.nextInt(NUMBERS.length)] : WORDS[rnd.nextInt(WORDS.length)]);
          case DECIMAL -> {
            BigDecimal v = BigDecimal.valueOf(rnd.nextInt(2000) - 1000, t.scale());
            if (t.isCompactDecimal()) {
              b.putLong(o, col, v.unscaledValue().longValueExact());
            } else {
              b.putObject(o, col, v);
            }
          }
          default -> throw new AssertionError(t);
        }
      }
      b.commitRow();
    }
    return b;
  }

  private static double randomDouble(Random rnd) {
    return switch (rnd.nextInt(12)) {
      case 0 -> 0.0;
      case 1 -> -0.0;
      case 2 -> Double.NaN;
      case 3 -> Double.POSITIVE_INFINITY;
      default -> (rnd.nextInt(200) - 100) / 4.0;
    };
  }

  private static Expr ref(int index, DataType type) {
    return new InputRefExpr(index, INPUT_NAMES[index], type);
  }

  private static Expr lit(long v) {
    return LiteralExpr.ofLong(DataType.BIGINT, v);
  }

  private static Expr arith(ArithmeticExpr.Op op, Expr l, Expr r) {
    boolean dbl = l.type().kind() == TypeKind.DOUBLE || r.type().kind() == TypeKind.DOUBLE;
    DataType t = dbl ? DataType.DOUBLE : (l.type().kind() == TypeKind.TIMESTAMP ? DataType.TIMESTAMP : DataType.BIGINT);
    return new ArithmeticExpr(op, l, r, t);
  }

  private static Expr cmp(ComparisonExpr.Op op, Expr l, Expr r) {
    return new ComparisonExpr(op, l, r);
  }

  private static Expr logic(LogicalExpr.Op op, Expr... operands) {
    return new LogicalExpr(op, operands);
  }

  /** Keeps copies of every batch it is given. */
  private static final class Collector implements Operator {
    final ColumnarBatch rows;
    int batches;

    Collector(Schema schema) {
      this.rows = new ColumnarBatch(schema, ROWS);
    }

    @Override
    public void process(ColumnarBatch batch) {
      batches++;
      for (int r = 0; r < batch.size(); r++) {
        rows.appendRowFrom(batch, r);
      }
    }

    @Override
    public void onWatermark(long watermark) {}

    @Override
    public void onEndOfInput() {}
  }
}
