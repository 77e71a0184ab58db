package dev.laminar.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.function.ScalarFunction;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scalar functions the application registers in code; unknown and non-deterministic functions. */
class ApplicationFunctionTest {
  /** {@code REPEAT_STR(s VARCHAR, n INT) -> VARCHAR}; NULL string gives 'null!' to show the function sees NULLs. */
  static final class RepeatStr implements ScalarFunction {
    @Override
    public String name() {
      return "repeat_str";
    }

    @Override
    public DataType resultType(List<DataType> args) {
      if (args.size() != 2 || args.get(0).kind() != TypeKind.VARCHAR || args.get(1).kind() != TypeKind.INT) {
        throw new IllegalArgumentException("expected REPEAT_STR(VARCHAR, INT)");
      }
      return DataType.VARCHAR;
    }

    @Override
    public Object evaluate(Arguments a) {
      if (a.isNull(0)) {
        return "null!";
      }
      if (a.isNull(1)) {
        return null;
      }
      return a.getString(0).repeat((int) a.getLong(1));
    }
  }

  /** {@code HALF(x) -> DOUBLE}; fails on negative input. */
  static final class Half implements ScalarFunction {
    @Override
    public String name() {
      return "HALF";
    }

    @Override
    public DataType resultType(List<DataType> args) {
      return DataType.DOUBLE;
    }

    @Override
    public Object evaluate(Arguments a) {
      if (a.isNull(0)) {
        return null;
      }
      double v = a.getDouble(0);
      if (v < 0) {
        throw new IllegalStateException("negative input " + v);
      }
      return v / 2;
    }
  }

  private Laminar db;

  @BeforeEach
  void open() {
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).function(new RepeatStr()).function(new Half()).build());
    db.execute("CREATE SOURCE s (k VARCHAR, n INT) WITH ('connector' = 'memory')");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void write(Object[]... rows) {
    try (SourceWriter w = db.writer("s")) {
      for (Object[] r : rows) {
        w.beginRow();
        if (r[0] != null) {
          w.setString(0, (String) r[0]);
        }
        if (r[1] != null) {
          w.setInt(1, (Integer) r[1]);
        }
        w.endRow();
      }
    }
  }

  private static List<Row> drain(Subscription sub) {
    List<Row> rows = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!sub.isFinished() && System.nanoTime() < deadline) {
      rows.addAll(sub.poll(Duration.ofMillis(100)));
    }
    rows.addAll(sub.poll(Duration.ofMillis(10)));
    return rows;
  }

  @Test
  void applicationFunctionIsCallableByNameCaseInsensitively() {
    Subscription sub = db.subscribe("SELECT k, Repeat_Str(k, n) AS r, HALF(n) AS h FROM s WHERE REPEAT_STR(k, 1) <> 'skip'");
    write(new Object[] {"ab", 3}, new Object[] {null, 2}, new Object[] {"x", null}, new Object[] {"skip", 1}, new Object[] {"", 0});
    assertThat(drain(sub)).containsExactly(
        Row.of("ab", "ababab", 1.5),
        Row.of(null, "null!", 1.0),
        Row.of("x", null, null),
        Row.of("", "", 0.0));
    assertThat(sub.failure()).isNull();
  }

  @Test
  void resultTypeRejectionIsAValidationErrorNamingTheFunction() {
    assertThatThrownBy(() -> db.subscribe("SELECT REPEAT_STR(n, n) FROM s"))
        .hasMessageStartingWith("line 1, column 8:")
        .hasMessageContaining("REPEAT_STR").hasMessageContaining("application").hasMessageContaining("expected REPEAT_STR(VARCHAR, INT)");
  }

  @Test
  void exceptionInAFunctionFailsThePipelineNamingIt() {
    Subscription sub = db.subscribe("SELECT HALF(n) FROM s");
    write(new Object[] {"a", 4}, new Object[] {"b", -1});
    drain(sub);
    assertThat(sub.failure()).isNotNull();
    assertThat(describe(sub.failure())).contains("HALF").contains("negative input -1.0");
  }

  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append(" / ");
    }
    return sb.toString();
  }

  @Test
  void unknownFunctionErrorNamesIt() {
    assertThatThrownBy(() -> db.subscribe("SELECT NO_SUCH_FN(k) FROM s"))
        .hasMessageStartingWith("line 1, column 8:").hasMessageContaining("NO_SUCH_FN");
  }

  @Test
  void knownButUnsupportedFunctionErrorNamesIt() {
    assertThatThrownBy(() -> db.subscribe("SELECT OVERLAY(k PLACING 'x' FROM 1) FROM s"))
        .hasMessageContaining("OVERLAY").hasMessageContaining("not supported");
  }

  @Test
  void wallClockAndRandomFunctionsAreRefusedAsNonDeterministic() {
    assertThatThrownBy(() -> db.subscribe("SELECT k, CURRENT_TIMESTAMP FROM s"))
        .hasMessageContaining("CURRENT_TIMESTAMP").hasMessageContaining("event-time column");
    assertThatThrownBy(() -> db.subscribe("SELECT RAND() FROM s")).hasMessageContaining("RAND");
  }

  @Test
  void invalidLiteralRegexIsAPlanningError() {
    assertThatThrownBy(() -> db.subscribe("SELECT REGEXP_REPLACE(k, '(', 'x') FROM s"))
        .hasMessageContaining("invalid regular expression");
  }
}
