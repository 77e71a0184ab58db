package dev.laminar.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every built-in scalar function on written-out inputs and expected values: ordinary values, NULLs,
 * empty strings, negative numbers, a leap day, the epoch boundary and timestamps before 1970. All
 * expressions run in one query over four rows; each case checks one expression on one row.
 */
class ScalarFunctionsTest {
  /** Row 1: ordinary values on a leap day. */
  private static final int NORMAL = 1;
  /** Row 2: every column NULL. */
  private static final int NULLS = 2;
  /** Row 3: empty strings, negatives, one millisecond before the epoch. */
  private static final int EDGE = 3;
  /** Row 4: padded strings, exactly the epoch, a timestamp in 1900. */
  private static final int PADDED = 4;

  private record Case(String expr, int row, Object expected) {}

  private final List<Case> cases = new ArrayList<>();

  private void check(String expr, Object normal, Object edge) {
    cases.add(new Case(expr, NORMAL, normal));
    cases.add(new Case(expr, NULLS, null));
    cases.add(new Case(expr, EDGE, edge));
  }

  private void check(int row, String expr, Object expected) {
    cases.add(new Case(expr, row, expected));
  }

  private static BigDecimal dec(String v) {
    return new BigDecimal(v);
  }

  private static LocalDateTime ts(String v) {
    return LocalDateTime.parse(v);
  }

  private void strings() {
    check("SUBSTRING(s FROM 2 FOR 3)", "ell", "");
    check("SUBSTRING(s FROM 7)", "World", "");
    check("SUBSTRING(s FROM 0 FOR 3)", "He", "");
    check("SUBSTRING(s FROM -1 FOR 2)", "", "");
    check("SUBSTRING(s FROM 20)", "", "");
    check("TRIM(s2)", "o", "");
    check(PADDED, "TRIM(s2)", "pad");
    check(PADDED, "LTRIM(s2)", "pad  ");
    check(PADDED, "RTRIM(s2)", "  pad");
    check(PADDED, "TRIM(BOTH 'x' FROM s)", "-Hi-");
    check(PADDED, "TRIM(LEADING 'x' FROM s)", "-Hi-xx");
    check(PADDED, "TRIM(TRAILING 'x-' FROM s)", "xx-Hi");
    check("TRIM(LEADING 'H' FROM s)", "ello World", "");
    check("POSITION(s2 IN s)", 5, 1);
    check("POSITION('World' IN s)", 7, 0);
    check("POSITION('o' IN s FROM 6)", 8, 0);
    check("REPLACE(s, 'o', '0')", "Hell0 W0rld", "");
    check("REPLACE(s, '', 'x')", "Hello World", "");
    check("REPLACE(s, 'l', '')", "Heo Word", "");
    check("CHAR_LENGTH(s)", 11, 0);
    check("CHARACTER_LENGTH(s2)", 1, 0);
    check("UPPER(s)", "HELLO WORLD", "");
    check("LOWER(s)", "hello world", "");
    check(PADDED, "INITCAP(s)", "Xx-Hi-Xx");
    check("INITCAP(LOWER(s))", "Hello World", "");
    check(NORMAL, "INITCAP('hELLO wORLD_2nd')", "Hello World_2nd");
    check("CONCAT(s, '-', s2)", "Hello World-o", "-");
    check("CONCAT(s, s2, s, s2)", "Hello WorldoHello Worldo", "");
    check("s || '!'", "Hello World!", "!");
    check("s || s2", "Hello Worldo", "");
    check("s LIKE 'H%d'", true, false);
    check("s LIKE '_ello%'", true, false);
    check("s LIKE '%'", true, true);
    check("s NOT LIKE 'h%'", true, true);
    check(NORMAL, "'50%' LIKE '50!%' ESCAPE '!'", true);
    check(NORMAL, "'50x' LIKE '50!%' ESCAPE '!'", false);
    check(PADDED, "s LIKE 'xx!-%' ESCAPE 'x'", false);
    check(PADDED, "s LIKE 'xx-H_-xx'", true);
    check("s LIKE 'Hello.World'", false, false);
    check("s SIMILAR TO 'H(e|a)l+o%'", true, false);
    check("s SIMILAR TO '[A-Z]%'", true, false);
    check("s SIMILAR TO '[a-z]%'", false, false);
    check("REGEXP_REPLACE(s, '[aeiou]', '*')", "H*ll* W*rld", "");
    check("REGEXP_REPLACE(s, '(\\w+) (\\w+)', '$2 $1')", "World Hello", "");
  }

  private void math() {
    check("ABS(i)", 7, 7);
    check("ABS(b)", 12345L, 0L);
    check("ABS(d)", 2.5, 2.5);
    check("ABS(m)", dec("3.45"), dec("0.00"));
    check("CEIL(d)", 3.0, -2.0);
    check("FLOOR(d)", 2.0, -3.0);
    check("CEIL(m)", dec("-3"), dec("0"));
    check("FLOOR(m)", dec("-4"), dec("0"));
    check("ROUND(d)", 3.0, -3.0);
    check("ROUND(m)", dec("-3.00"), dec("0.00"));
    check("ROUND(m, 1)", dec("-3.50"), dec("0.00"));
    check("ROUND(b, -2)", -12300L, 0L);
    check("ROUND(i, -1)", 10, -10);
    check("ROUND(d, 1)", 2.5, -2.5);
    check("TRUNCATE(m, 1)", dec("-3.40"), dec("0.00"));
    check("TRUNCATE(d)", 2.0, -2.0);
    check("TRUNCATE(b, -3)", -12000L, 0L);
    check("MOD(i, 3)", 1, -1);
    check("MOD(b, 100)", -45, 0); // Calcite types MOD by its divisor
    check("MOD(i, -3)", 1, -1);
    check("POWER(i, 2)", 49.0, 49.0);
    check("POWER(d, -1)", 0.4, -0.4);
    check("SQRT(d * d)", 2.5, 2.5);
    check("EXP(b * 0)", 1.0, 1.0);
    check("LN(EXP(d))", 2.5, -2.5);
    check("LOG10(i * 1000.0)", Math.log10(7000.0), Double.NaN);
    check("SIGN(i)", 1, -1);
    check("SIGN(b)", -1L, 0L);
    check("SIGN(d)", 1.0, -1.0);
    check("SIGN(m)", dec("-1.00"), dec("0.00"));
    check("i / 2", 3, -3);
    check("-i", -7, 7);
  }

  private void conditionals() {
    check("CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END", "pos", "neg");
    check(NULLS, "CASE WHEN i > 0 THEN 'pos' ELSE 'other' END", "other");
    check(NORMAL, "COALESCE(s2, 'dflt')", "o");
    check(EDGE, "COALESCE(s2, 'dflt')", "");
    check(NULLS, "COALESCE(s2, s, 'dflt')", "dflt");
    check("NULLIF(i, 7)", null, -7);
    check("GREATEST(i, 0, -100)", 7, 0);
    check("LEAST(b, 0)", -12345L, 0L);
    check("GREATEST(d, 1.0)", 2.5, 1.0);
    check(NULLS, "GREATEST(1, 2)", 2);
  }

  private void casts() {
    check("CAST(i AS VARCHAR)", "7", "-7");
    check("CAST(i AS BIGINT)", 7L, -7L);
    check("CAST(i AS DOUBLE)", 7.0, -7.0);
    check("CAST(m AS DOUBLE)", -3.45, 0.0);
    check("CAST(d AS INT)", 2, -2);
    check("CAST(d AS DECIMAL(5, 1))", dec("2.5"), dec("-2.5"));
    check("CAST(m AS VARCHAR)", "-3.45", "0.00");
    check("CAST(b AS DECIMAL(12, 2))", dec("-12345.00"), dec("0.00"));
    check("CAST(ts AS VARCHAR)", "2024-02-29 13:45:56.789", "1969-12-31 23:59:59.999");
    check(PADDED, "CAST(ts2 AS VARCHAR)", "1900-03-01 00:00:00.000");
    check("CAST(CAST(ts AS VARCHAR) AS TIMESTAMP(3))", ts("2024-02-29T13:45:56.789"), ts("1969-12-31T23:59:59.999"));
    check("CAST('2024-02-29 01:02:03' AS TIMESTAMP(3)) < ts", true, false);
    check("CAST(CAST(i AS VARCHAR) AS INT)", 7, -7);
    check("CAST(i > 0 AS VARCHAR)", "true", "false");
    check("CAST(' 12 ' AS BIGINT) + b", -12333L, 12L);
  }

  private void dateTime() {
    check("EXTRACT(YEAR FROM ts)", 2024L, 1969L);
    check("EXTRACT(QUARTER FROM ts)", 1L, 4L);
    check("EXTRACT(MONTH FROM ts)", 2L, 12L);
    check("EXTRACT(DAY FROM ts)", 29L, 31L);
    check("EXTRACT(HOUR FROM ts)", 13L, 23L);
    check("EXTRACT(MINUTE FROM ts)", 45L, 59L);
    check("EXTRACT(SECOND FROM ts)", 56L, 59L);
    check("EXTRACT(MILLISECOND FROM ts)", 56789L, 59999L);
    check("EXTRACT(DOW FROM ts)", 5L, 4L);
    check("EXTRACT(DOY FROM ts)", 60L, 365L);
    check("EXTRACT(WEEK FROM ts)", 9L, 1L);
    check("EXTRACT(EPOCH FROM ts)", 1709214356L, -1L);
    check(PADDED, "EXTRACT(DOW FROM ts)", 5L);   // 1970-01-01 was a Thursday
    check(PADDED, "EXTRACT(YEAR FROM ts2)", 1900L);
    check(PADDED, "EXTRACT(DOY FROM ts2)", 60L); // 1900 was not a leap year
    check("FLOOR(ts TO SECOND)", ts("2024-02-29T13:45:56"), ts("1969-12-31T23:59:59"));
    check("FLOOR(ts TO MINUTE)", ts("2024-02-29T13:45"), ts("1969-12-31T23:59"));
    check("FLOOR(ts TO HOUR)", ts("2024-02-29T13:00"), ts("1969-12-31T23:00"));
    check("FLOOR(ts TO DAY)", ts("2024-02-29T00:00"), ts("1969-12-31T00:00"));
    check("FLOOR(ts TO MONTH)", ts("2024-02-01T00:00"), ts("1969-12-01T00:00"));
    check("FLOOR(ts TO QUARTER)", ts("2024-01-01T00:00"), ts("1969-10-01T00:00"));
    check("FLOOR(ts TO YEAR)", ts("2024-01-01T00:00"), ts("1969-01-01T00:00"));
    check("CEIL(ts TO SECOND)", ts("2024-02-29T13:45:57"), ts("1970-01-01T00:00"));
    check("CEIL(ts TO DAY)", ts("2024-03-01T00:00"), ts("1970-01-01T00:00"));
    check("CEIL(ts TO MONTH)", ts("2024-03-01T00:00"), ts("1970-01-01T00:00"));
    check("CEIL(ts TO YEAR)", ts("2025-01-01T00:00"), ts("1970-01-01T00:00"));
    check(PADDED, "CEIL(ts TO DAY)", ts("1970-01-01T00:00"));
    check(PADDED, "FLOOR(ts2 TO MONTH)", ts("1900-03-01T00:00"));
    check("ts + INTERVAL '1' DAY", ts("2024-03-01T13:45:56.789"), ts("1970-01-01T23:59:59.999"));
    check("ts - INTERVAL '0.789' SECOND", ts("2024-02-29T13:45:56"), ts("1969-12-31T23:59:59.210"));
    check("ts + INTERVAL '1:30' HOUR TO MINUTE", ts("2024-02-29T15:15:56.789"), ts("1970-01-01T01:29:59.999"));
    check("ts + INTERVAL '1' YEAR", ts("2025-02-28T13:45:56.789"), ts("1970-12-31T23:59:59.999"));
    check("ts - INTERVAL '1' MONTH", ts("2024-01-29T13:45:56.789"), ts("1969-11-30T23:59:59.999"));
    check("TIMESTAMPADD(DAY, -60, ts)", ts("2023-12-31T13:45:56.789"), ts("1969-11-01T23:59:59.999"));
    check("TIMESTAMPADD(MONTH, 12, ts)", ts("2025-02-28T13:45:56.789"), ts("1970-12-31T23:59:59.999"));
    check("TIMESTAMPADD(SECOND, 1, ts)", ts("2024-02-29T13:45:57.789"), ts("1970-01-01T00:00:00.999"));
    check("TIMESTAMPDIFF(DAY, ts2, ts)", 59, 0);
    check("TIMESTAMPDIFF(HOUR, ts2, ts)", 1429, 0);
    check("TIMESTAMPDIFF(MONTH, ts2, ts)", 1, 0);
    check(PADDED, "TIMESTAMPDIFF(YEAR, ts2, ts)", 69);
  }

  @TestFactory
  Stream<DynamicTest> everyFunctionGivesTheWrittenOutResult() {
    strings();
    math();
    conditionals();
    casts();
    dateTime();
    Map<String, Integer> columns = new LinkedHashMap<>();
    for (Case c : cases) {
      columns.putIfAbsent(c.expr(), columns.size() + 1);
    }
    Map<Integer, Row> rows = run(columns.keySet());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.expr() + " on row " + c.row(), () -> {
      Object actual = rows.get(c.row()).get(columns.get(c.expr()));
      if (c.expected() instanceof Double d && d.isNaN()) {
        assertThat(actual).as(c.expr()).isEqualTo(Double.NaN);
      } else if (c.expected() instanceof Double d && actual instanceof Double a) {
        assertThat(a).as(c.expr()).isCloseTo(d, org.assertj.core.data.Offset.offset(1e-9));
      } else {
        assertThat(actual).as(c.expr()).isEqualTo(c.expected());
      }
    }));
  }

  private static Map<Integer, Row> run(Iterable<String> exprs) {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute("CREATE SOURCE f (id INT, s VARCHAR, s2 VARCHAR, i INT, b BIGINT, d DOUBLE, m DECIMAL(10, 2), ts TIMESTAMP(3), "
          + "ts2 TIMESTAMP(3)) WITH ('connector' = 'memory')");
      Subscription sub = db.subscribe("SELECT id, " + String.join(", ", exprs) + " FROM f");
      try (SourceWriter w = db.writer("f")) {
        row(w, NORMAL, "Hello World", "o", 7, -12345L, 2.5, "-3.45", "2024-02-29T13:45:56.789", "2023-12-31T23:59:59.999");
        row(w, NULLS, null, null, null, null, null, null, null, null);
        row(w, EDGE, "", "", -7, 0L, -2.5, "0.00", "1969-12-31T23:59:59.999", "1969-12-31T23:59:59.999");
        row(w, PADDED, "xx-Hi-xx", "  pad  ", 0, 1L, 0.0, "1.00", "1970-01-01T00:00:00", "1900-03-01T00:00:00");
      }
      Map<Integer, Row> out = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < 4 && System.nanoTime() < deadline && sub.failure() == null) {
        for (Row r : sub.poll(Duration.ofMillis(100))) {
          out.put((Integer) r.get(0), r);
        }
      }
      assertThat(sub.failure()).as("pipeline failure").isNull();
      assertThat(out).hasSize(4);
      return out;
    }
  }

  private static void row(SourceWriter w, int id, String s, String s2, Integer i, Long b, Double d, String m, String ts, String ts2) {
    w.beginRow();
    w.setInt(0, id);
    if (s != null) {
      w.setString(1, s);
    }
    if (s2 != null) {
      w.setString(2, s2);
    }
    if (i != null) {
      w.setInt(3, i);
    }
    if (b != null) {
      w.setLong(4, b);
    }
    if (d != null) {
      w.setDouble(5, d);
    }
    if (m != null) {
      w.setDecimal(6, new BigDecimal(m));
    }
    if (ts != null) {
      w.setTimestampMillis(7, LocalDateTime.parse(ts).toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
    }
    if (ts2 != null) {
      w.setTimestampMillis(8, LocalDateTime.parse(ts2).toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
    }
    w.endRow();
  }
}
