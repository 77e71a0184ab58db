package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.laminar.sdk.function.AccumulatorSerializer;
import dev.laminar.sdk.function.AggregateFunction;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The algebra every {@link AggregateFunction} obeys, checked on random inputs with NULLs: merging the
 * accumulators of two (or more) parts of an input gives the result of one accumulator over all of it;
 * retracting rows gives the result of never having added them; an empty accumulator gives the declared
 * empty result; results are values of the declared result type. Extend it with a class that implements
 * {@link #createContext}:
 *
 * <pre>{@code
 * class MyAggregateTest extends AggregateFunctionTestSuite {
 *   @Override
 *   protected AggregateFunctionTestContext<?> createContext() {
 *     return new MyAggregateContext();
 *   }
 * }
 * }</pre>
 *
 * <p><b>Comparing results.</b> DOUBLE results agree when they differ by at most
 * {@link AggregateFunctionTestContext#relativeTolerance()} of the larger magnitude (default 1e-9) or by at
 * most {@link AggregateFunctionTestContext#absoluteTolerance()} (default 1e-12), because merging reorders
 * floating-point arithmetic; NaN agrees only with NaN and an infinity only with itself. DECIMAL results
 * agree when numerically equal (any scale); every other result must be equal.
 *
 * <p>Inputs are drawn with {@link AggregateFunctionTestContext#seed()}; every failure message names the
 * seed, the run and the split, so it can be replayed with {@code -Dlaminar.tck.seed=...}. The argument
 * object handed to {@code add} and {@code retract} is reused between calls, as in the engine.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class AggregateFunctionTestSuite {
  private AggregateFunctionTestContext<?> context;

  /** Creates the context for one test; called before each test. */
  protected abstract AggregateFunctionTestContext<?> createContext() throws Exception;

  @BeforeEach
  final void createTestContext() throws Exception {
    context = createContext();
  }

  /** The context of the running test. */
  protected final AggregateFunctionTestContext<?> context() {
    return context;
  }

  /**
   * {@code name()} is not blank; {@code resultType(argumentTypes())} is the expected type (when the
   * context names one), every result is a value of it, and the context's invalid argument types are
   * rejected with {@link IllegalArgumentException}.
   */
  @Test
  public void declaresResultTypeForItsArgumentTypes() {
    checks(context).resultType();
  }

  /** A fresh accumulator, and two fresh accumulators merged, give {@link AggregateFunctionTestContext#emptyResult()}. */
  @Test
  public void emptyAccumulatorGivesTheEmptyResult() {
    checks(context).emptyResult();
  }

  /**
   * For several split points of each random input (empty parts included, and four-way splits merged as
   * a tree and as a chain), merging the parts' accumulators gives the result of one accumulator over the
   * whole input. The parts' results are read before merging, as the engine may emit early results.
   */
  @Test
  public void mergeOfSplitInputsEqualsOneAccumulatorOverAll() {
    checks(context).merge();
  }

  /**
   * Retracting a random subset of the added rows (all of them, sometimes) gives the result of adding
   * only the rest; retracting after a merge works too. Skipped when {@code supportsRetract()} is false.
   */
  @Test
  public void retractUndoesAdd() {
    checks(context).retract();
  }

  /** The result agrees with the context's reference computation; skipped when it has none. */
  @Test
  public void agreesWithTheReferenceComputation() {
    checks(context).reference();
  }

  /**
   * An accumulator read back from what its {@code accumulatorSerializer()} wrote (as the engine does at checkpoints
   * and restores) gives the same result, and goes on to the same result after more rows and a merge, as the one
   * written; an empty one too. Skipped when the function has no serializer.
   */
  @Test
  public void aSerializedAccumulatorGoesOnAsTheOriginal() throws Exception {
    checks(context).serializer();
  }

  private static <A> Checks<A> checks(AggregateFunctionTestContext<A> context) {
    return new Checks<>(context);
  }

  /** The cases, typed by the accumulator. */
  private static final class Checks<A> {
    private final AggregateFunctionTestContext<A> context;
    private final AggregateFunction<A> function;
    private final List<DataType> types;
    private final RowArguments arguments;

    Checks(AggregateFunctionTestContext<A> context) {
      this.context = context;
      this.function = context.function();
      assertThat(function).as("AggregateFunctionTestContext.function()").isNotNull();
      this.types = context.argumentTypes();
      this.arguments = new RowArguments(types);
    }

    void resultType() {
      assertThat(function.name()).as("name()").isNotBlank();
      DataType type = function.resultType(types);
      assertThat(type).as("resultType(%s) of %s", types, function.name()).isNotNull();
      if (context.expectedResultType() != null) {
        assertThat(type).as("resultType(%s) of %s", types, function.name()).isEqualTo(context.expectedResultType());
      }
      Class<?> javaType = ListRowBatch.javaType(type);
      Random random = new Random(context.seed());
      for (int run = 0; run < context.runs(); run++) {
        List<Row> rows = input(random, run);
        Object result = function.result(accumulate(rows));
        if (result != null && !javaType.isInstance(result)) {
          throw new AssertionError(where(run, rows) + ": result " + result + " is a " + result.getClass().getName() + ", but "
              + function.name() + " declares result type " + type + " (Java " + javaType.getName() + ")");
        }
      }
      for (List<DataType> invalid : context.invalidArgumentTypes()) {
        Throwable thrown = catchThrowable(() -> function.resultType(invalid));
        assertThat(thrown).as("resultType(%s) of %s must reject these argument types", invalid, function.name())
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).as("message of the rejection of %s", invalid).isNotBlank();
      }
    }

    void emptyResult() {
      A fresh = newAccumulator();
      assertAgree("result of a fresh accumulator", context.emptyResult(), function.result(fresh));
      A other = newAccumulator();
      function.merge(fresh, other);
      assertAgree("result of two fresh accumulators merged", context.emptyResult(), function.result(fresh));
    }

    void merge() {
      Random random = new Random(context.seed());
      for (int run = 0; run < context.runs(); run++) {
        List<Row> rows = input(random, run);
        int n = rows.size();
        Object whole = function.result(accumulate(rows));
        TreeSet<Integer> splits = new TreeSet<>(List.of(0, Math.min(1, n), n / 3, n / 2, Math.max(0, n - 1), n));
        splits.add(random.nextInt(n + 1));
        for (int k : splits) {
          A left = accumulate(rows.subList(0, k));
          A right = accumulate(rows.subList(k, n));
          function.result(left);
          function.result(right);
          function.merge(left, right);
          assertAgree(where(run, rows) + ", split at row " + k + ": merge of rows [0, " + k + ") and [" + k + ", " + n
              + ") vs one accumulator over all", whole, function.result(left));
        }
        int[] cuts = {random.nextInt(n + 1), random.nextInt(n + 1), random.nextInt(n + 1)};
        Arrays.sort(cuts);
        List<A> parts = List.of(accumulate(rows.subList(0, cuts[0])), accumulate(rows.subList(cuts[0], cuts[1])),
            accumulate(rows.subList(cuts[1], cuts[2])), accumulate(rows.subList(cuts[2], n)));
        function.merge(parts.get(0), parts.get(1));
        function.merge(parts.get(2), parts.get(3));
        function.merge(parts.get(0), parts.get(2));
        assertAgree(where(run, rows) + ", four parts cut at " + Arrays.toString(cuts) + " merged as a tree", whole,
            function.result(parts.get(0)));
        A chain = newAccumulator();
        for (int from = 0; from < n; from += Math.max(1, n / 5)) {
          function.merge(chain, accumulate(rows.subList(from, Math.min(n, from + Math.max(1, n / 5)))));
        }
        assertAgree(where(run, rows) + ", fifths merged one by one into a fresh accumulator", whole, function.result(chain));
      }
    }

    void retract() {
      if (!function.supportsRetract()) {
        Assumptions.abort(function.name() + " does not support retraction (supportsRetract() is false)");
      }
      Random random = new Random(context.seed());
      for (int run = 0; run < context.runs(); run++) {
        List<Row> rows = input(random, run);
        boolean all = run % 5 == 4;
        List<Row> kept = new ArrayList<>();
        List<Row> retracted = new ArrayList<>();
        for (Row row : rows) {
          (all || random.nextBoolean() ? retracted : kept).add(row);
        }
        A acc = accumulate(rows);
        function.result(acc);
        List<Row> order = new ArrayList<>(retracted);
        Collections.shuffle(order, random);
        for (Row row : order) {
          function.retract(acc, arguments.set(row));
        }
        Object expected = all ? context.emptyResult() : function.result(accumulate(kept));
        assertAgree(where(run, rows) + ": after retracting " + retracted.size() + " of the rows"
            + (all ? " (all of them: the empty result)" : "") + " vs adding only the other " + kept.size(), expected,
            function.result(acc));

        int k = random.nextInt(rows.size() + 1);
        A left = accumulate(rows.subList(0, k));
        function.merge(left, accumulate(rows.subList(k, rows.size())));
        for (Row row : rows.subList(0, k)) {
          function.retract(left, arguments.set(row));
        }
        assertAgree(where(run, rows) + ": merge at row " + k + ", then retracting rows [0, " + k + ") vs adding only rows ["
            + k + ", " + rows.size() + ")", function.result(accumulate(rows.subList(k, rows.size()))), function.result(left));
      }
    }

    void reference() {
      if (!context.hasReferenceResult()) {
        Assumptions.abort("the context has no reference computation (override referenceResult and hasReferenceResult)");
      }
      Random random = new Random(context.seed());
      for (int run = 0; run < context.runs(); run++) {
        List<Row> rows = input(random, run);
        assertAgree(where(run, rows) + ": result vs the context's reference computation", context.referenceResult(rows),
            function.result(accumulate(rows)));
      }
    }

    void serializer() throws java.io.IOException {
      AccumulatorSerializer<A> serializer = function.accumulatorSerializer();
      if (serializer == null) {
        Assumptions.abort(function.name() + " has no accumulator serializer (accumulatorSerializer() is null)");
      }
      assertAgree("result of a fresh accumulator written and read back", context.emptyResult(),
          function.result(roundTrip(serializer, newAccumulator())));
      Random random = new Random(context.seed());
      for (int run = 0; run < context.runs(); run++) {
        List<Row> rows = input(random, run);
        int n = rows.size();
        int k = random.nextInt(n + 1);
        A written = accumulate(rows.subList(0, k));
        A read = roundTrip(serializer, written);
        assertAgree(where(run, rows) + ": rows [0, " + k + ") written and read back vs the accumulator written",
            function.result(written), function.result(read));
        int m = k + random.nextInt(n - k + 1);
        for (Row row : rows.subList(k, m)) {
          function.add(read, arguments.set(row));
        }
        function.merge(read, roundTrip(serializer, accumulate(rows.subList(m, n))));
        assertAgree(where(run, rows) + ": rows [0, " + k + ") read back, then rows [" + k + ", " + m + ") added and rows [" + m
            + ", " + n + ") (read back) merged vs one accumulator over all", function.result(accumulate(rows)), function.result(read));
      }
    }

    private A roundTrip(AccumulatorSerializer<A> serializer, A accumulator) throws java.io.IOException {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
        serializer.write(accumulator, out);
      }
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
      A read = serializer.read(in);
      assertThat(read).as("%s: the serializer's read() of what write() wrote", function.name()).isNotNull();
      assertThat(in.available()).as("%s: bytes the serializer's read() left of what write() wrote", function.name()).isZero();
      return read;
    }

    /** Runs 0, 1 and 2 have 0, 1 and 2 rows; the others a random size up to the context's maximum. */
    private List<Row> input(Random random, int run) {
      int size = run < 3 ? run : random.nextInt(context.maxRowsPerRun() + 1);
      List<Row> rows = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        Row row = context.argumentRow(random);
        arguments.set(row); // fails early, naming the argument, when the generator does not fit the types
        rows.add(row);
      }
      return rows;
    }

    private A newAccumulator() {
      A acc = function.createAccumulator();
      assertThat(acc).as("createAccumulator() of %s", function.name()).isNotNull();
      return acc;
    }

    private A accumulate(List<Row> rows) {
      A acc = newAccumulator();
      for (Row row : rows) {
        function.add(acc, arguments.set(row));
      }
      return acc;
    }

    private String where(int run, List<Row> rows) {
      return function.name() + types + ", seed " + context.seed() + ", run " + run + " (" + rows.size() + " rows: "
          + SourceReaderDriver.abbreviate(rows) + ")";
    }

    private void assertAgree(String what, Object expected, Object actual) {
      if (!agree(expected, actual)) {
        throw new AssertionError(what + ": expected " + describe(expected) + " but got " + describe(actual)
            + " (DOUBLE tolerance: relative " + context.relativeTolerance() + ", absolute " + context.absoluteTolerance() + ")");
      }
    }

    private boolean agree(Object expected, Object actual) {
      if (expected == null || actual == null) {
        return expected == actual;
      }
      if (expected instanceof Double e && actual instanceof Double a) {
        if (e.isNaN() || a.isNaN() || e.isInfinite() || a.isInfinite()) {
          return e.equals(a);
        }
        double diff = Math.abs(e - a);
        return diff <= context.absoluteTolerance() || diff <= context.relativeTolerance() * Math.max(Math.abs(e), Math.abs(a));
      }
      if (expected instanceof BigDecimal e && actual instanceof BigDecimal a) {
        return e.compareTo(a) == 0;
      }
      if (expected instanceof byte[] e && actual instanceof byte[] a) {
        return Arrays.equals(e, a);
      }
      return expected.equals(actual);
    }

    private static String describe(Object value) {
      return value == null ? "NULL" : value instanceof byte[] b ? Arrays.toString(b) : value + " (" + value.getClass().getSimpleName() + ")";
    }
  }
}
