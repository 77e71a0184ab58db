package dev.laminar.differential;

import static dev.laminar.differential.Sql.and;
import static dev.laminar.differential.Sql.between;
import static dev.laminar.differential.Sql.coalesce;
import static dev.laminar.differential.Sql.concat;
import static dev.laminar.differential.Sql.eq;
import static dev.laminar.differential.Sql.extract;
import static dev.laminar.differential.Sql.ge;
import static dev.laminar.differential.Sql.gt;
import static dev.laminar.differential.Sql.in;
import static dev.laminar.differential.Sql.isTrue;
import static dev.laminar.differential.Sql.le;
import static dev.laminar.differential.Sql.lt;
import static dev.laminar.differential.Sql.ne;
import static dev.laminar.differential.Sql.not;
import static dev.laminar.differential.Sql.nullif;
import static dev.laminar.differential.Sql.or;
import static dev.laminar.differential.Sql.round;
import static dev.laminar.differential.Sql.strict;
import static dev.laminar.differential.Sql.substring;
import static dev.laminar.differential.Sql.time;
import static dev.laminar.differential.Sql.trim;

import dev.laminar.differential.QueryCase.Expected;
import dev.laminar.differential.QueryCase.Mode;
import dev.laminar.differential.WindowedReference.Emitted;
import dev.laminar.sdk.row.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The queries of the differential test, each next to its reference computation. Source:
 * {@code s (k VARCHAR, k2 INT, v BIGINT, d DOUBLE, p DECIMAL(10, 2), ts TIMESTAMP(3) NOT NULL)}
 * with a watermark bound of 0.3 s; every column but ts may be NULL.
 */
final class QueryCatalogue {
  private static final String TUMBLE_1S = "TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND))";
  private static final String HOP = "TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '1.5' SECOND))";
  private static final String CUMULATE = "TABLE(CUMULATE(TABLE s, DESCRIPTOR(ts), INTERVAL '0.25' SECOND, INTERVAL '1' SECOND))";
  private static final long BOUND = StreamRow.BOUND;
  private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  /** A cascade's second stage never drops its input as late (docs/SQL.md), so its reference has no lateness. */
  private static final long NEVER_LATE = Long.MAX_VALUE / 4;

  private QueryCatalogue() {}

  static List<QueryCase> all() {
    List<QueryCase> all = new ArrayList<>();
    projections(all);
    tumbling(all);
    hoppingAndCumulating(all);
    cascades(all);
    emitModes(all);
    sessions(all);
    return all;
  }

  // ---- building blocks ----

  private static QueryCase projection(String name, String sql, Function<StreamRow, Boolean> where,
      Function<StreamRow, Object[]> select) {
    return new QueryCase(name, List.of("CREATE STREAM q AS " + sql), "q", Mode.ORDERED, null, UnaryOperator.identity(),
        input -> {
          List<Row> rows = new ArrayList<>();
          for (StreamRow r : input) {
            if (isTrue(where.apply(r))) {
              rows.add(Row.of(select.apply(r)));
            }
          }
          return new Expected(rows, Map.of("q", 0L));
        });
  }

  private static QueryCase windowed(String name, String sql, WindowedReference<StreamRow> ref) {
    return new QueryCase(name, List.of("CREATE STREAM q AS " + sql), "q", Mode.MULTISET, null, UnaryOperator.identity(),
        input -> new Expected(ref.windowClose(input), Map.of("q", ref.evaluate(input).late())));
  }

  private static QueryCase changelog(String name, String sql, WindowedReference<StreamRow> ref, boolean changes,
      int[] upsertKey, boolean singleKey) {
    UnaryOperator<List<StreamRow>> prepare = singleKey ? in -> in.stream().map(r -> r.withKey("a")).toList() : UnaryOperator.identity();
    return new QueryCase(name, List.of("CREATE STREAM q AS " + sql), "q", singleKey ? Mode.SEQUENCE : Mode.CHANGELOG, upsertKey,
        prepare, input -> new Expected(ref.changelog(input, changes), Map.of("q", ref.evaluate(input).late())));
  }

  private static WindowedReference<StreamRow> tumble(long size) {
    return WindowedReference.tumble(size, BOUND, StreamRow::ts);
  }

  private static Object[] row(Object... values) {
    return values;
  }

  /** INITCAP: the first letter of each word upper case, the others lower case (words split at non-alphanumerics). */
  private static String initcap(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    boolean start = true;
    for (char c : s.toCharArray()) {
      sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetterOrDigit(c);
    }
    return sb.toString();
  }

  private static Boolean like(String s, java.util.function.Predicate<String> matches) {
    return strict(s, () -> matches.test(s));
  }

  // ---- projections and filters ----

  private static void projections(List<QueryCase> all) {
    all.add(projection("arithmetic on every numeric type",
        "SELECT k2, v, v + k2 AS a, v - 3 AS b, v * 2 AS c, k2 * k2 AS sq, -v AS neg, v / 7 AS q7, d * 2 AS dd, "
            + "d + v AS dv, d / 4 AS dq, p + 1 AS p1, p * 2 AS p2, p - p AS p0 FROM s",
        r -> true,
        r -> row(r.k2(), r.v(), strict(r.v(), r.k2(), () -> r.v() + r.k2()), strict(r.v(), () -> r.v() - 3),
            strict(r.v(), () -> r.v() * 2), strict(r.k2(), () -> r.k2() * r.k2()), strict(r.v(), () -> -r.v()),
            strict(r.v(), () -> r.v() / 7), strict(r.d(), () -> r.d() * 2), strict(r.d(), r.v(), () -> r.d() + r.v()),
            strict(r.d(), () -> r.d() / 4), strict(r.p(), () -> r.p().add(BigDecimal.ONE)),
            strict(r.p(), () -> r.p().multiply(BigDecimal.TWO)), strict(r.p(), () -> r.p().subtract(r.p())))));

    all.add(projection("comparisons combined with AND over NULLs",
        "SELECT k, v, d FROM s WHERE v > 10 AND d <= 50.5",
        r -> and(gt(r.v(), 10), le(r.d(), new BigDecimal("50.5"))),
        r -> row(r.k(), r.v(), r.d())));

    all.add(projection("NOT and OR are three-valued in WHERE",
        "SELECT k, v, d, p FROM s WHERE NOT (v > 0 OR d < 0) OR p IS NULL AND k <> 'a'",
        r -> or(not(or(gt(r.v(), 0), lt(r.d(), 0))), and(r.p() == null, ne(r.k(), "a"))),
        r -> row(r.k(), r.v(), r.d(), r.p())));

    all.add(projection("three-valued boolean results as columns",
        "SELECT v > 0 AND d > 0 AS a, v > 0 OR d > 0 AS o, NOT (v > 0) AS n, (v > 0) IS NULL AS u, "
            + "k = 'a' OR k2 = 1 AS ko, v = k2 AS eq, d <> v AS nq, p >= 0 AS pp, (k2 > 1) IS NOT TRUE AS nt FROM s",
        r -> true,
        r -> row(and(gt(r.v(), 0), gt(r.d(), 0)), or(gt(r.v(), 0), gt(r.d(), 0)), not(gt(r.v(), 0)), gt(r.v(), 0) == null,
            or(eq(r.k(), "a"), eq(r.k2(), 1)), eq(r.v(), r.k2()), ne(r.d(), r.v()), ge(r.p(), 0), !isTrue(gt(r.k2(), 1)))));

    all.add(projection("IS NULL and IS NOT NULL",
        "SELECT k, k2, v FROM s WHERE k IS NULL OR v IS NOT NULL AND d IS NULL",
        r -> r.k() == null || (r.v() != null && r.d() == null),
        r -> row(r.k(), r.k2(), r.v())));

    all.add(projection("CASE searched and simple, with and without ELSE",
        "SELECT CASE WHEN v IS NULL THEN 'none' WHEN v < 0 THEN 'neg' WHEN v = 0 THEN 'zero' ELSE 'positive' END AS sign, "
            + "CASE k WHEN 'a' THEN 1 WHEN 'b' THEN 2 END AS kn, "
            + "CASE WHEN d > 0 AND v > 0 THEN d * v WHEN d < 0 THEN d END AS mixed FROM s",
        r -> true,
        r -> row(r.v() == null ? "none" : r.v() < 0 ? "neg" : r.v() == 0 ? "zero" : "positive",
            isTrue(eq(r.k(), "a")) ? Integer.valueOf(1) : isTrue(eq(r.k(), "b")) ? Integer.valueOf(2) : null,
            isTrue(and(gt(r.d(), 0), gt(r.v(), 0))) ? Double.valueOf(r.d() * r.v()) : isTrue(lt(r.d(), 0)) ? r.d() : null)));

    all.add(projection("COALESCE and NULLIF",
        "SELECT COALESCE(k, 'none') AS k, COALESCE(v, k2, -1) AS vk, COALESCE(d, v) AS dv, NULLIF(k2, 2) AS n2, "
            + "NULLIF(k, '') AS nk, COALESCE(NULLIF(v, 0), 99) AS nz FROM s",
        r -> true,
        r -> row(coalesce(r.k(), "none"), coalesce(r.v(), strict(r.k2(), () -> (long) r.k2()), -1L),
            coalesce(r.d(), strict(r.v(), () -> (double) r.v())), nullif(r.k2(), 2), nullif(r.k(), ""),
            coalesce(nullif(r.v(), 0L), 99L))));

    all.add(projection("CAST between numeric, string and timestamp types",
        "SELECT CAST(v AS VARCHAR) AS sv, CAST(k2 AS DOUBLE) AS dk, CAST(d AS BIGINT) AS bd, CAST(p AS DOUBLE) AS dp, "
            + "CAST(v AS DECIMAL(12, 2)) AS pv, CAST(ts AS VARCHAR) AS st, CAST(p AS VARCHAR) AS sp, "
            + "CAST(CAST(k2 AS VARCHAR) AS INT) AS rt, CAST(d AS DECIMAL(8, 2)) AS pd, CAST(p AS INT) AS ip, "
            + "CAST(CAST(ts AS VARCHAR) AS TIMESTAMP(3)) AS tt FROM s",
        r -> true,
        r -> row(strict(r.v(), () -> r.v().toString()), strict(r.k2(), () -> (double) r.k2()), strict(r.d(), () -> (long) (double) r.d()),
            strict(r.p(), () -> r.p().doubleValue()), strict(r.v(), () -> BigDecimal.valueOf(r.v()).setScale(2)),
            SQL_TIME.format(time(r.ts())), strict(r.p(), () -> r.p().toPlainString()), r.k2(),
            strict(r.d(), () -> new BigDecimal(r.d()).setScale(2, RoundingMode.HALF_UP)), strict(r.p(), () -> r.p().intValue()),
            time(r.ts()))));

    all.add(projection("string functions",
        "SELECT k, UPPER(k) AS u, LOWER(k) AS l, k || '-' || CAST(k2 AS VARCHAR) AS kk, CHAR_LENGTH(k) AS n, "
            + "SUBSTRING(k FROM 2 FOR 2) AS sub, SUBSTRING(k FROM 2) AS tail, TRIM(k) AS t, TRIM(LEADING ' ' FROM k) AS lt, "
            + "TRIM(BOTH 'c' FROM LOWER(k)) AS tc, '[' || TRIM(TRAILING ' ' FROM k) || ']' AS rt FROM s",
        r -> true,
        r -> row(r.k(), strict(r.k(), () -> r.k().toUpperCase(Locale.ROOT)), strict(r.k(), () -> r.k().toLowerCase(Locale.ROOT)),
            concat(concat(r.k(), "-"), strict(r.k2(), () -> r.k2().toString())), strict(r.k(), () -> r.k().length()),
            substring(r.k(), 2, 2), strict(r.k(), () -> substring(r.k(), 2, Integer.MAX_VALUE / 2)), trim(r.k(), " ", true, true),
            trim(r.k(), " ", true, false), trim(strict(r.k(), () -> r.k().toLowerCase(Locale.ROOT)), "c", true, true),
            concat(concat("[", trim(r.k(), " ", false, true)), "]"))));

    all.add(projection("LIKE and IN over strings",
        "SELECT k, v FROM s WHERE k LIKE '%c%' OR UPPER(k) LIKE 'A_%' OR k IN ('', ' d ')",
        r -> or(or(like(r.k(), x -> x.contains("c")), like(r.k(), x -> x.toUpperCase(Locale.ROOT).matches("A.+"))), in(r.k(), "", " d ")),
        r -> row(r.k(), r.v())));

    all.add(projection("math functions",
        "SELECT ABS(v) AS av, ABS(d) AS ad, ABS(p) AS ap, MOD(v, 7) AS mv, MOD(k2, 2) AS mk, ROUND(d) AS rd, "
            + "ROUND(d, 1) AS rd1, ROUND(p, 1) AS rp, ROUND(v, -1) AS rv, FLOOR(d) AS fd, CEIL(d) AS cd, "
            + "FLOOR(p) AS fp, CEIL(p) AS cp FROM s",
        r -> true,
        r -> row(strict(r.v(), () -> Math.abs(r.v())), strict(r.d(), () -> Math.abs(r.d())), strict(r.p(), () -> r.p().abs()),
            strict(r.v(), () -> (int) (r.v() % 7)), strict(r.k2(), () -> r.k2() % 2), round(r.d(), 0), round(r.d(), 1),
            round(r.p(), 1), round(r.v(), -1), strict(r.d(), () -> Math.floor(r.d())), strict(r.d(), () -> Math.ceil(r.d())),
            strict(r.p(), () -> r.p().setScale(0, RoundingMode.FLOOR)), strict(r.p(), () -> r.p().setScale(0, RoundingMode.CEILING)))));

    all.add(projection("SIGN, TRUNCATE, POWER, SQRT and MOD by a negative divisor",
        "SELECT SIGN(v) AS sv, SIGN(d) AS sd, TRUNCATE(d, 1) AS td, TRUNCATE(p, 1) AS tp, POWER(k2, 2) AS pk, "
            + "SQRT(ABS(d)) AS rd, MOD(v, -3) AS mv, MOD(k2, -2) AS mk FROM s",
        r -> true,
        r -> row(strict(r.v(), () -> Long.signum(r.v()) * 1L), strict(r.d(), () -> Math.signum(r.d()) + 0.0),
            strict(r.d(), () -> new BigDecimal(r.d()).setScale(1, RoundingMode.DOWN).doubleValue()),
            strict(r.p(), () -> r.p().setScale(1, RoundingMode.DOWN).setScale(2)), strict(r.k2(), () -> Math.pow(r.k2(), 2)),
            strict(r.d(), () -> Math.sqrt(Math.abs(r.d()))), strict(r.v(), () -> (int) (r.v() % -3)),
            strict(r.k2(), () -> r.k2() % -2))));

    all.add(projection("POSITION, REPLACE, INITCAP, CONCAT, LTRIM and RTRIM",
        "SELECT POSITION('c' IN k) AS pc, REPLACE(k, ' ', '_') AS rk, INITCAP(k) AS ik, CONCAT(k, '/', CAST(v AS VARCHAR)) AS ck, "
            + "'<' || LTRIM(k) || '|' || RTRIM(k) || '>' AS lr FROM s",
        r -> true,
        r -> row(strict(r.k(), () -> r.k().indexOf('c') + 1), strict(r.k(), () -> r.k().replace(' ', '_')), initcap(r.k()),
            strict(r.k(), r.v(), () -> r.k() + "/" + r.v()),
            concat(concat(concat(concat("<", trim(r.k(), " ", true, false)), "|"), trim(r.k(), " ", false, true)), ">"))));

    all.add(projection("CEIL to MINUTE, TIMESTAMPADD, ISODOW and a timestamp comparison",
        "SELECT CEIL(ts TO MINUTE) AS cm, TIMESTAMPADD(MINUTE, -90, ts) AS back, TIMESTAMPADD(MONTH, 1, FLOOR(ts TO DAY)) AS nm, "
            + "EXTRACT(ISODOW FROM ts) AS idow, ts >= CAST('2000-01-01 00:00:00' AS TIMESTAMP(3)) AS recent FROM s",
        r -> true,
        r -> row(Sql.ceil(r.ts(), ChronoUnit.MINUTES), time(r.ts()).minusMinutes(90), Sql.floor(r.ts(), ChronoUnit.DAYS).plusMonths(1),
            (long) time(r.ts()).getDayOfWeek().getValue(), r.ts() >= StreamRow.millis("2000-01-01T00:00:00.000"))));

    all.add(projection("EXTRACT of every field",
        "SELECT ts, EXTRACT(YEAR FROM ts) AS y, EXTRACT(MONTH FROM ts) AS mo, EXTRACT(DAY FROM ts) AS dd, "
            + "EXTRACT(HOUR FROM ts) AS h, EXTRACT(MINUTE FROM ts) AS mi, EXTRACT(SECOND FROM ts) AS sec, "
            + "EXTRACT(MILLISECOND FROM ts) AS ms, EXTRACT(DOW FROM ts) AS dow, EXTRACT(DOY FROM ts) AS doy, "
            + "EXTRACT(WEEK FROM ts) AS wk, EXTRACT(QUARTER FROM ts) AS qu, EXTRACT(EPOCH FROM ts) AS ep FROM s",
        r -> true,
        r -> row(time(r.ts()), extract("YEAR", r.ts()), extract("MONTH", r.ts()), extract("DAY", r.ts()), extract("HOUR", r.ts()),
            extract("MINUTE", r.ts()), extract("SECOND", r.ts()), extract("MILLISECOND", r.ts()), extract("DOW", r.ts()),
            extract("DOY", r.ts()), extract("WEEK", r.ts()), extract("QUARTER", r.ts()), extract("EPOCH", r.ts()))));

    all.add(projection("FLOOR/CEIL of timestamps and interval arithmetic",
        "SELECT FLOOR(ts TO SECOND) AS fs, FLOOR(ts TO MINUTE) AS fm, CEIL(ts TO SECOND) AS cs, FLOOR(ts TO DAY) AS fday, "
            + "ts + INTERVAL '1' DAY AS next_day, ts - INTERVAL '0.5' SECOND AS half_before, ts + INTERVAL '1' MONTH AS next_month, "
            + "ts - INTERVAL '1' MONTH AS prev_month, ts + INTERVAL '1:30' MINUTE TO SECOND AS later, "
            + "TIMESTAMPDIFF(SECOND, FLOOR(ts TO HOUR), ts) AS since_hour FROM s",
        r -> true,
        r -> row(Sql.floor(r.ts(), ChronoUnit.SECONDS), Sql.floor(r.ts(), ChronoUnit.MINUTES), Sql.ceil(r.ts(), ChronoUnit.SECONDS),
            Sql.floor(r.ts(), ChronoUnit.DAYS), time(r.ts()).plusDays(1), time(r.ts() - 500), time(r.ts()).plusMonths(1),
            time(r.ts()).minusMonths(1), time(r.ts() + 90_000),
            (int) ChronoUnit.SECONDS.between(Sql.floor(r.ts(), ChronoUnit.HOURS), time(r.ts())))));

    all.add(projection("year-month intervals clamp the day; TIMESTAMPDIFF truncates toward zero",
        "SELECT ts + INTERVAL '1' YEAR AS next_year, ts - INTERVAL '1-2' YEAR TO MONTH AS back, "
            + "TIMESTAMPDIFF(MINUTE, ts, FLOOR(ts TO DAY)) AS to_midnight, TIMESTAMPDIFF(DAY, CAST('1970-01-01 00:00:00' AS TIMESTAMP(3)), ts) AS days "
            + "FROM s",
        r -> true,
        r -> row(time(r.ts()).plusYears(1), time(r.ts()).minusMonths(14),
            (int) ChronoUnit.MINUTES.between(time(r.ts()), Sql.floor(r.ts(), ChronoUnit.DAYS)),
            (int) ChronoUnit.DAYS.between(time(0), time(r.ts())))));

    all.add(projection("LIKE with ESCAPE, SIMILAR TO and REGEXP_REPLACE",
        "SELECT k, k SIMILAR TO '[a-c]%' AS sim, REGEXP_REPLACE(k, '[aeiouC]', '*') AS re, "
            + "CAST(v AS VARCHAR) || '%' LIKE '%!%' ESCAPE '!' AS pct FROM s WHERE k NOT LIKE '_'",
        r -> like(r.k(), x -> x.length() != 1),
        r -> row(r.k(), like(r.k(), x -> x.matches("[a-c].*")), strict(r.k(), () -> r.k().replaceAll("[aeiouC]", "*")),
            strict(r.v(), () -> true))));

    all.add(projection("filter on event-time expressions",
        "SELECT k, ts FROM s WHERE ts < FLOOR(ts TO SECOND) + INTERVAL '0.25' SECOND OR EXTRACT(SECOND FROM ts) = 59",
        r -> Math.floorMod(r.ts(), 1000) < 250 || extract("SECOND", r.ts()) == 59,
        r -> row(r.k(), time(r.ts()))));

    all.add(projection("IN, NOT IN, BETWEEN and NOT BETWEEN with NULLs",
        "SELECT k, k2, v FROM s WHERE k IN ('a', 'Cc') AND v BETWEEN -10 AND 10 OR k2 NOT IN (1, 2) AND v NOT BETWEEN 0 AND 50",
        r -> or(and(in(r.k(), "a", "Cc"), between(r.v(), -10, 10)), and(not(in(r.k2(), 1, 2)), not(between(r.v(), 0, 50)))),
        r -> row(r.k(), r.k2(), r.v())));

    all.add(projection("GREATEST and LEAST are NULL when an argument is",
        "SELECT GREATEST(v, k2, 0) AS g, LEAST(d, CAST(v AS DOUBLE)) AS l FROM s",
        r -> true,
        r -> row(strict(r.v(), r.k2(), () -> Math.max(Math.max(r.v(), (long) r.k2()), 0L)),
            strict(r.d(), r.v(), () -> Math.min(r.d(), (double) r.v())))));

    all.add(projection("nested functions in SELECT and WHERE",
        "SELECT COALESCE(UPPER(k), '?') || ':' || CASE WHEN COALESCE(v, 0) > 10 THEN 'big' ELSE LOWER(TRIM(k)) END AS label, "
            + "ABS(MOD(COALESCE(v, k2, 0), 5)) AS bucket FROM s WHERE NOT (k IS NULL AND v IS NULL) AND (d IS NULL OR ROUND(d) <> 0)",
        r -> and(not(r.k() == null && r.v() == null), or(r.d() == null, ne(round(r.d(), 0), 0))),
        r -> row(concat(concat(coalesce(strict(r.k(), () -> r.k().toUpperCase(Locale.ROOT)), "?"), ":"),
                coalesce(r.v(), 0L) > 10 ? "big" : strict(r.k(), () -> trim(r.k(), " ", true, true).toLowerCase(Locale.ROOT))),
            Math.abs((int) (coalesce(r.v(), strict(r.k2(), () -> (long) r.k2()), 0L) % 5)))));

    all.add(projection("DECIMAL comparisons and arithmetic with INT",
        "SELECT k, p, p * k2 AS pk FROM s WHERE p > 10.5 AND p < 500 OR p = 0",
        r -> or(and(gt(r.p(), new BigDecimal("10.5")), lt(r.p(), 500)), eq(r.p(), 0)),
        r -> row(r.k(), r.p(), strict(r.p(), r.k2(), () -> r.p().multiply(BigDecimal.valueOf(r.k2()))))));
  }

  // ---- TUMBLE aggregates ----

  private static void tumbling(List<QueryCase> all) {
    all.add(windowed("TUMBLE without keys: COUNT, SUM, MIN, MAX, AVG of BIGINT",
        "SELECT window_start, window_end, COUNT(*) AS n, COUNT(v) AS nv, SUM(v) AS sv, MIN(v) AS mnv, MAX(v) AS mxv, AVG(v) AS av "
            + "FROM " + TUMBLE_1S + " GROUP BY window_start, window_end",
        tumble(1000).select(g -> row(g.start(), g.end(), g.count(), g.count(StreamRow::v), g.sumLong(StreamRow::v),
            g.min(StreamRow::v), g.max(StreamRow::v), g.avg(StreamRow::v)))));

    all.add(windowed("TUMBLE by a nullable key: DOUBLE and DECIMAL aggregates",
        "SELECT k, window_start, COUNT(*) AS n, SUM(v) AS sv, MIN(d) AS mnd, MAX(d) AS mxd, AVG(d) AS ad, SUM(d) AS sd, "
            + "SUM(p) AS sp, MIN(p) AS mnp, MAX(p) AS mxp FROM " + TUMBLE_1S + " GROUP BY k, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(StreamRow::v),
            g.min(StreamRow::d), g.max(StreamRow::d), g.avg(StreamRow::d), g.sumDouble(StreamRow::d), g.sumDecimal(StreamRow::p),
            g.min(StreamRow::p), g.max(StreamRow::p)))));

    all.add(windowed("TUMBLE by two nullable keys: SUM and AVG of INT, MAX of VARCHAR",
        "SELECT k, k2, window_end, COUNT(*) AS n, COUNT(d) AS nd, SUM(k2) AS sk, AVG(k2) AS ak, MAX(k) AS mk "
            + "FROM " + TUMBLE_1S + " GROUP BY k, k2, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k, StreamRow::k2).select(g -> row(g.key(0), g.key(1), g.end(), g.count(),
            g.count(StreamRow::d), g.sumInt(StreamRow::k2), g.avg(StreamRow::k2), g.max(StreamRow::k)))));

    all.add(windowed("TUMBLE 2 s: COUNT(DISTINCT) of every type",
        "SELECT window_start, COUNT(DISTINCT k) AS dk, COUNT(DISTINCT k2) AS dk2, COUNT(DISTINCT v) AS dv, "
            + "COUNT(DISTINCT d) AS dd, COUNT(DISTINCT p) AS dp, COUNT(*) AS n "
            + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '2' SECOND)) GROUP BY window_start, window_end",
        tumble(2000).select(g -> row(g.start(), g.countDistinct(StreamRow::k), g.countDistinct(StreamRow::k2),
            g.countDistinct(StreamRow::v), g.countDistinct(StreamRow::d), g.countDistinct(StreamRow::p), g.count()))));

    all.add(windowed("TUMBLE: FIRST_VALUE and LAST_VALUE by event time, NULLs skipped, ties by arrival",
        "SELECT k, window_start, FIRST_VALUE(v) AS fv, LAST_VALUE(v) AS lv, FIRST_VALUE(d) AS fd, LAST_VALUE(d) AS ld, "
            + "FIRST_VALUE(p) AS fp, LAST_VALUE(p) AS lp, FIRST_VALUE(k2) AS fk, LAST_VALUE(k2) AS lk "
            + "FROM " + TUMBLE_1S + " GROUP BY k, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.first(StreamRow::v), g.last(StreamRow::v),
            g.first(StreamRow::d), g.last(StreamRow::d), g.first(StreamRow::p), g.last(StreamRow::p), g.first(StreamRow::k2),
            g.last(StreamRow::k2)))));

    all.add(windowed("TUMBLE: FIRST_VALUE and LAST_VALUE of VARCHAR and TIMESTAMP",
        "SELECT k2, window_end, FIRST_VALUE(k) AS fk, LAST_VALUE(k) AS lk, FIRST_VALUE(ts) AS ft, LAST_VALUE(ts) AS lt "
            + "FROM " + TUMBLE_1S + " GROUP BY k2, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k2).select(g -> row(g.key(0), g.end(), g.first(StreamRow::k), g.last(StreamRow::k),
            g.first(r -> time(r.ts())), g.last(r -> time(r.ts()))))));

    all.add(windowed("TUMBLE: STDDEV and VARIANCE, population and sample",
        "SELECT k, window_start, STDDEV_POP(d) AS sdp, STDDEV_SAMP(d) AS sds, VAR_POP(v) AS vp, VAR_SAMP(v) AS vs, "
            + "STDDEV(k2) AS s2, VARIANCE(p) AS vpp FROM " + TUMBLE_1S + " GROUP BY k, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.stddevPop(StreamRow::d),
            g.stddevSamp(StreamRow::d), g.varPop(StreamRow::v), g.varSamp(StreamRow::v), g.stddevSamp(StreamRow::k2),
            g.varSamp(StreamRow::p)))));

    all.add(windowed("TUMBLE: aggregates with FILTER (WHERE ...)",
        "SELECT k, window_start, COUNT(*) FILTER (WHERE v > 0) AS pos, SUM(v) FILTER (WHERE k2 = 1 OR k2 IS NULL) AS s1, "
            + "MAX(d) FILTER (WHERE v IS NOT NULL AND d < 0) AS mxneg, AVG(v) FILTER (WHERE d > 0) AS avp, "
            + "COUNT(DISTINCT k2) FILTER (WHERE v < 0) AS dneg, FIRST_VALUE(d) FILTER (WHERE v > 10) AS fbig, COUNT(*) AS n "
            + "FROM " + TUMBLE_1S + " GROUP BY k, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.filter(r -> gt(r.v(), 0)).count(),
            g.filter(r -> or(eq(r.k2(), 1), r.k2() == null)).sumLong(StreamRow::v),
            g.filter(r -> and(r.v() != null, lt(r.d(), 0))).max(StreamRow::d), g.filter(r -> gt(r.d(), 0)).avg(StreamRow::v),
            g.filter(r -> lt(r.v(), 0)).countDistinct(StreamRow::k2), g.filter(r -> gt(r.v(), 10)).first(StreamRow::d),
            g.count()))));

    all.add(windowed("TUMBLE: HAVING with AND/OR over aggregates that may be NULL",
        "SELECT k, window_start, COUNT(*) AS n, SUM(v) AS sv FROM " + TUMBLE_1S
            + " GROUP BY k, window_start, window_end HAVING COUNT(*) > 3 AND SUM(v) > 0 OR MAX(d) < 0",
        tumble(1000).groupBy(StreamRow::k)
            .having(g -> or(and(gt(g.count(), 3), gt(g.sumLong(StreamRow::v), 0)), lt(g.max(StreamRow::d), 0)))
            .select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(StreamRow::v)))));

    all.add(windowed("TUMBLE by INT key: AVG of DECIMAL keeps its scale",
        "SELECT k2, window_end, AVG(p) AS ap, SUM(p) AS sp, COUNT(p) AS np FROM " + TUMBLE_1S
            + " GROUP BY k2, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k2).select(g -> row(g.key(0), g.end(), g.avgDecimal(StreamRow::p, 2),
            g.sumDecimal(StreamRow::p), g.count(StreamRow::p)))));

    all.add(windowed("TUMBLE: aggregates of expressions",
        "SELECT window_start, SUM(v * 2 + k2) AS s, MAX(CASE WHEN d > 0 THEN d ELSE -d END) AS mabs, COUNT(NULLIF(k, '')) AS nk, "
            + "MIN(UPPER(k)) AS mu, SUM(CASE WHEN v IS NULL THEN 1 ELSE 0 END) AS nulls, AVG(CAST(k2 AS DOUBLE)) AS ak "
            + "FROM " + TUMBLE_1S + " GROUP BY window_start, window_end",
        tumble(1000).select(g -> row(g.start(), g.sumLong(r -> strict(r.v(), r.k2(), () -> r.v() * 2 + r.k2())),
            g.max(r -> isTrue(gt(r.d(), 0)) ? r.d() : strict(r.d(), () -> -r.d())), g.count(r -> nullif(r.k(), "")),
            g.min(r -> strict(r.k(), () -> r.k().toUpperCase(Locale.ROOT))), g.sumInt(r -> r.v() == null ? 1 : 0),
            g.avg(r -> strict(r.k2(), () -> (double) r.k2()))))));

    all.add(windowed("TUMBLE after WHERE: filtered rows are neither aggregated nor counted late",
        "SELECT k, window_start, COUNT(*) AS n, SUM(v) AS sv FROM " + TUMBLE_1S
            + " WHERE v IS NOT NULL AND k <> 'b' GROUP BY k, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k).where(r -> and(r.v() != null, ne(r.k(), "b")))
            .select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(StreamRow::v)))));

    all.add(windowed("TUMBLE 100 ms: many windows, many late rows",
        "SELECT k, window_start, window_end, COUNT(*) AS n, MAX(v) AS mv, LAST_VALUE(d) AS ld "
            + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY k, window_start, window_end",
        tumble(100).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.end(), g.count(), g.max(StreamRow::v),
            g.last(StreamRow::d)))));

    all.add(windowed("TUMBLE grouped by an expression of the key",
        "SELECT UPPER(k) AS uk, window_start, COUNT(*) AS n, MIN(v) AS mv FROM " + TUMBLE_1S
            + " GROUP BY UPPER(k), window_start, window_end",
        tumble(1000).groupBy(r -> strict(r.k(), () -> r.k().toUpperCase(Locale.ROOT)))
            .select(g -> row(g.key(0), g.start(), g.count(), g.min(StreamRow::v)))));

    all.add(windowed("TUMBLE with window columns first and keys after them in GROUP BY",
        "SELECT window_end, window_start, k2, COUNT(*) AS n, MIN(k) AS mk FROM " + TUMBLE_1S
            + " GROUP BY window_start, window_end, k2",
        tumble(1000).groupBy(StreamRow::k2).select(g -> row(g.end(), g.start(), g.key(0), g.count(), g.min(StreamRow::k)))));

    all.add(windowed("TUMBLE without window columns in the result",
        "SELECT k, COUNT(*) AS n, SUM(p) AS sp FROM " + TUMBLE_1S + " GROUP BY k, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.count(), g.sumDecimal(StreamRow::p)))));

    all.add(windowed("TUMBLE 0.3 s: windows aligned to the epoch, not to the first row",
        "SELECT k2, window_start, window_end, COUNT(*) AS n, SUM(v) AS sv "
            + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '0.3' SECOND)) GROUP BY k2, window_start, window_end",
        tumble(300).groupBy(StreamRow::k2).select(g -> row(g.key(0), g.start(), g.end(), g.count(), g.sumLong(StreamRow::v)))));

    all.add(windowed("expressions over aggregate results and window columns",
        "SELECT k, CAST(window_start AS VARCHAR) AS ws, EXTRACT(MILLISECOND FROM window_end) AS ems, SUM(v) * 2 + COUNT(*) AS x, "
            + "CASE WHEN COUNT(*) > 5 THEN 'busy' ELSE 'quiet' END AS load, AVG(v) > 10 AS high, COALESCE(MAX(d), -1.0) AS md "
            + "FROM " + TUMBLE_1S + " GROUP BY k, window_start, window_end",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), SQL_TIME.format(g.start()), extract("MILLISECOND",
            g.window().end()), strict(g.sumLong(StreamRow::v), () -> g.sumLong(StreamRow::v) * 2 + g.count()),
            g.count() > 5 ? "busy" : "quiet", gt(g.avg(StreamRow::v), 10), coalesce(g.max(StreamRow::d), -1.0)))));

    all.add(windowed("an outer query filtering and computing over a windowed aggregate",
        "SELECT k, window_start, n, sv / n AS mean FROM (SELECT k, window_start, COUNT(*) AS n, SUM(v) AS sv FROM " + TUMBLE_1S
            + " GROUP BY k, window_start, window_end) WHERE n > 2 AND sv IS NOT NULL",
        tumble(1000).groupBy(StreamRow::k).having(g -> g.count() > 2 && g.sumLong(StreamRow::v) != null)
            .select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(StreamRow::v) / g.count()))));
  }

  // ---- HOP and CUMULATE aggregates ----

  private static void hoppingAndCumulating(List<QueryCase> all) {
    all.add(windowed("HOP by a nullable key: COUNT, SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE",
        "SELECT k, window_start, window_end, COUNT(*) AS n, COUNT(v) AS nv, SUM(v) AS sv, MIN(v) AS mnv, MAX(d) AS mxd, "
            + "AVG(v) AS av, FIRST_VALUE(d) AS fd, LAST_VALUE(v) AS lv FROM " + HOP + " GROUP BY k, window_start, window_end",
        WindowedReference.hop(500, 1500, BOUND, StreamRow::ts).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.end(),
            g.count(), g.count(StreamRow::v), g.sumLong(StreamRow::v), g.min(StreamRow::v), g.max(StreamRow::d),
            g.avg(StreamRow::v), g.first(StreamRow::d), g.last(StreamRow::v)))));

    all.add(windowed("HOP without keys: COUNT(DISTINCT), STDDEV_POP, VAR_SAMP, SUM of DECIMAL",
        "SELECT window_start, COUNT(DISTINCT k) AS dk, COUNT(DISTINCT v) AS dv, STDDEV_POP(d) AS sd, VAR_SAMP(v) AS vs, "
            + "SUM(p) AS sp FROM " + HOP + " GROUP BY window_start, window_end",
        WindowedReference.hop(500, 1500, BOUND, StreamRow::ts).select(g -> row(g.start(), g.countDistinct(StreamRow::k),
            g.countDistinct(StreamRow::v), g.stddevPop(StreamRow::d), g.varSamp(StreamRow::v), g.sumDecimal(StreamRow::p)))));

    all.add(windowed("HOP by two keys with FILTER and HAVING",
        "SELECT k, k2, window_end, COUNT(*) FILTER (WHERE d > 0) AS pos, SUM(v) AS sv, COUNT(*) AS n FROM " + HOP
            + " GROUP BY k, k2, window_start, window_end HAVING COUNT(*) >= 2",
        WindowedReference.hop(500, 1500, BOUND, StreamRow::ts).groupBy(StreamRow::k, StreamRow::k2)
            .having(g -> ge(g.count(), 2))
            .select(g -> row(g.key(0), g.key(1), g.end(), g.filter(r -> gt(r.d(), 0)).count(), g.sumLong(StreamRow::v), g.count()))));

    all.add(windowed("HOP 1 s over 2 s by INT key: DECIMAL MIN/MAX, AVG of DOUBLE",
        "SELECT k2, window_start, COUNT(*) AS n, MIN(p) AS mnp, MAX(p) AS mxp, AVG(d) AS ad "
            + "FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY k2, window_start, window_end",
        WindowedReference.hop(1000, 2000, BOUND, StreamRow::ts).groupBy(StreamRow::k2).select(g -> row(g.key(0), g.start(),
            g.count(), g.min(StreamRow::p), g.max(StreamRow::p), g.avg(StreamRow::d)))));

    all.add(windowed("HOP with slide equal to size behaves as TUMBLE",
        "SELECT k, window_start, window_end, COUNT(*) AS n, LAST_VALUE(v) AS lv "
            + "FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '0.5' SECOND)) GROUP BY k, window_start, window_end",
        tumble(500).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.end(), g.count(), g.last(StreamRow::v)))));

    all.add(windowed("CUMULATE 0.3 s up to 1.2 s aligned to the epoch",
        "SELECT window_start, window_end, COUNT(*) AS n, MIN(p) AS mp, COUNT(DISTINCT k) AS dk "
            + "FROM TABLE(CUMULATE(TABLE s, DESCRIPTOR(ts), INTERVAL '0.3' SECOND, INTERVAL '1.2' SECOND)) GROUP BY window_start, window_end",
        WindowedReference.cumulate(300, 1200, BOUND, StreamRow::ts).select(g -> row(g.start(), g.end(), g.count(), g.min(StreamRow::p),
            g.countDistinct(StreamRow::k)))));

    all.add(windowed("CUMULATE by a nullable key: COUNT, SUM, MIN, MAX, FIRST_VALUE, LAST_VALUE",
        "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS sv, MAX(d) AS mxd, MIN(v) AS mnv, FIRST_VALUE(v) AS fv, "
            + "LAST_VALUE(d) AS ld FROM " + CUMULATE + " GROUP BY k, window_start, window_end",
        WindowedReference.cumulate(250, 1000, BOUND, StreamRow::ts).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(),
            g.end(), g.count(), g.sumLong(StreamRow::v), g.max(StreamRow::d), g.min(StreamRow::v), g.first(StreamRow::v),
            g.last(StreamRow::d)))));

    all.add(windowed("CUMULATE without keys: COUNT(DISTINCT), VAR_SAMP, AVG, COUNT(col)",
        "SELECT window_end, COUNT(DISTINCT v) AS dv, VAR_SAMP(d) AS vs, AVG(v) AS av, COUNT(k) AS nk FROM " + CUMULATE
            + " GROUP BY window_start, window_end",
        WindowedReference.cumulate(250, 1000, BOUND, StreamRow::ts).select(g -> row(g.end(), g.countDistinct(StreamRow::v),
            g.varSamp(StreamRow::d), g.avg(StreamRow::v), g.count(StreamRow::k)))));

    all.add(windowed("CUMULATE by INT key with HAVING on a DECIMAL sum",
        "SELECT k2, window_end, COUNT(*) AS n, SUM(p) AS sp FROM " + CUMULATE
            + " GROUP BY k2, window_start, window_end HAVING SUM(p) > 0 OR COUNT(*) = 1",
        WindowedReference.cumulate(250, 1000, BOUND, StreamRow::ts).groupBy(StreamRow::k2)
            .having(g -> or(gt(g.sumDecimal(StreamRow::p), 0), eq(g.count(), 1)))
            .select(g -> row(g.key(0), g.end(), g.count(), g.sumDecimal(StreamRow::p)))));

    all.add(windowed("CUMULATE 0.5 s up to 2 s with FILTER and STDDEV_SAMP",
        "SELECT k, window_start, window_end, COUNT(*) FILTER (WHERE k2 IS NULL) AS nk2, AVG(d) FILTER (WHERE v > 0) AS ad, "
            + "STDDEV_SAMP(v) AS sv FROM TABLE(CUMULATE(TABLE s, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)) "
            + "GROUP BY k, window_start, window_end",
        WindowedReference.cumulate(500, 2000, BOUND, StreamRow::ts).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(),
            g.end(), g.filter(r -> r.k2() == null).count(), g.filter(r -> gt(r.v(), 0)).avg(StreamRow::d),
            g.stddevSamp(StreamRow::v)))));
  }

  // ---- cascades: a windowed stream windowed again ----

  private static void cascades(List<QueryCase> all) {
    WindowedReference<StreamRow> bars = tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.end(), g.count(),
        g.sumLong(StreamRow::v), g.max(StreamRow::d), g.min(StreamRow::p), g.last(StreamRow::v)));
    WindowedReference<Emitted> rollup = WindowedReference.<Emitted>tumble(3000, NEVER_LATE, Emitted::eventTime)
        .groupBy(e -> e.row().get(0))
        .select(g -> row(g.key(0), g.start(), g.end(), g.sumLong(e -> (Long) e.row().get(2)), g.sumLong(e -> (Long) e.row().get(3)),
            g.max(e -> (Double) e.row().get(4)), g.min(e -> (BigDecimal) e.row().get(5)), g.count(), g.first(e -> e.row().get(1)),
            g.last(e -> e.row().get(6))));
    all.add(new QueryCase("cascade: 1 s TUMBLE rolled up by a 3 s TUMBLE over its window_end", List.of(
        "CREATE STREAM level1 AS SELECT k, window_end AS t, COUNT(*) AS n, SUM(v) AS sv, MAX(d) AS md, MIN(p) AS mp, "
            + "LAST_VALUE(v) AS lv FROM " + TUMBLE_1S + " GROUP BY k, window_start, window_end",
        "CREATE STREAM q AS SELECT k, window_start, window_end, SUM(n) AS n, SUM(sv) AS sv, MAX(md) AS md, MIN(mp) AS mp, "
            + "COUNT(*) AS bars, FIRST_VALUE(t) AS ft, LAST_VALUE(lv) AS lv "
            + "FROM TABLE(TUMBLE(TABLE level1, DESCRIPTOR(t), INTERVAL '3' SECOND)) GROUP BY k, window_start, window_end"),
        "q", Mode.MULTISET, null, UnaryOperator.identity(),
        input -> new Expected(rollup.windowClose(bars.emitted(input)), Map.of("level1", bars.evaluate(input).late(), "q", 0L))));

    all.add(halfSecondBarsHopped("window_end AS bar_end", "bar_end",
        "cascade: 0.5 s TUMBLE rolled up by a HOP over its window_end"));
    all.add(windowOverAFilteredStream());
  }

  /** A stream that filters and computes over s keeps ts as its event-time column and can be windowed. */
  private static QueryCase windowOverAFilteredStream() {
    WindowedReference<StreamRow> ref = tumble(1000).groupBy(r -> strict(r.k(), () -> r.k().toUpperCase(Locale.ROOT)))
        .where(r -> and(gt(r.v(), -20), ne(r.k(), "b")))
        .select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(r -> r.v() * 10), g.max(StreamRow::k2)));
    return new QueryCase("TUMBLE over a stream that filters and projects the source", List.of(
        "CREATE STREAM cleaned AS SELECT UPPER(k) AS uk, v * 10 AS v10, k2, ts FROM s WHERE v > -20 AND k <> 'b'",
        "CREATE STREAM q AS SELECT uk, window_start, COUNT(*) AS n, SUM(v10) AS sv, MAX(k2) AS mk "
            + "FROM TABLE(TUMBLE(TABLE cleaned, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY uk, window_start, window_end"),
        "q", Mode.MULTISET, null, UnaryOperator.identity(),
        input -> new Expected(ref.windowClose(input), Map.of("cleaned", 0L, "q", ref.evaluate(input).late())));
  }

  /**
   * A 0.5 s TUMBLE by k2 whose result keeps one window column under an alias, then a 1 s / 2 s HOP
   * over that column. Either column is the event-time column of the first stage (docs/SQL.md), and
   * the rows carry event time window_end - 1 ms either way.
   */
  static QueryCase halfSecondBarsHopped(String windowColumn, String alias, String name) {
    WindowedReference<StreamRow> halfSeconds = WindowedReference.tumble(500, BOUND, StreamRow::ts).groupBy(StreamRow::k2)
        .select(g -> row(g.key(0), g.count(), g.sumDecimal(StreamRow::p)));
    WindowedReference<Emitted> hopped = WindowedReference.<Emitted>hop(1000, 2000, NEVER_LATE, Emitted::eventTime)
        .groupBy(e -> e.row().get(0))
        .select(g -> row(g.key(0), g.start(), g.end(), g.sumLong(e -> (Long) e.row().get(1)),
            g.sumDecimal(e -> (BigDecimal) e.row().get(2)), g.count()));
    return new QueryCase(name, List.of(
        "CREATE STREAM level1 AS SELECT k2, " + windowColumn + ", COUNT(*) AS n, SUM(p) AS sp "
            + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) GROUP BY k2, window_start, window_end",
        "CREATE STREAM q AS SELECT k2, window_start, window_end, SUM(n) AS n, SUM(sp) AS sp, COUNT(*) AS bars "
            + "FROM TABLE(HOP(TABLE level1, DESCRIPTOR(" + alias + "), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) "
            + "GROUP BY k2, window_start, window_end"),
        "q", Mode.MULTISET, null, UnaryOperator.identity(),
        input -> new Expected(hopped.windowClose(halfSeconds.emitted(input)),
            Map.of("level1", halfSeconds.evaluate(input).late(), "q", 0L)));
  }

  // ---- SESSION windows, with and without ALLOW LATENESS ----

  private static String session(String gap) {
    return "TABLE(SESSION(TABLE s, DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '" + gap + "' SECOND))";
  }

  /** A SESSION query over k; {@code singleKey} rewrites every row to key 'a' (so the whole sequence is defined). */
  private static QueryCase sessionCase(String name, String sql, SessionReference ref, boolean changes, Mode mode, boolean singleKey,
      String lateStream) {
    UnaryOperator<List<StreamRow>> prepare = singleKey ? in -> in.stream().map(r -> r.withKey("a")).toList() : UnaryOperator.identity();
    return new QueryCase(name, List.of("CREATE STREAM q AS " + sql), "q", mode, new int[] {0}, prepare, input -> {
      SessionReference.Result result = ref.run(input, changes);
      return new Expected(result.changelog(), lateStream == null ? Map.of("q", result.late()) : Map.of("q", 0L, lateStream, 0L));
    });
  }

  private static void sessions(List<QueryCase> all) {
    Function<Group<StreamRow>, Object[]> wide = g -> row(g.key(0), g.start(), g.end(), g.count(), g.sumLong(StreamRow::v),
        g.min(StreamRow::d), g.max(StreamRow::p), g.first(StreamRow::v), g.last(StreamRow::d));
    all.add(sessionCase("SESSION 0.1 s by a nullable key: COUNT, SUM, MIN, MAX, FIRST_VALUE, LAST_VALUE",
        "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS sv, MIN(d) AS mnd, MAX(p) AS mxp, FIRST_VALUE(v) AS fv, "
            + "LAST_VALUE(d) AS ld FROM " + session("0.1") + " GROUP BY k, window_start, window_end",
        new SessionReference(100, BOUND, 0, StreamRow::k, wide), false, Mode.MULTISET, false, null));

    all.add(sessionCase("SESSION with ALLOW LATENESS: late rows extend and merge fired sessions (-U/+U, -D)",
        "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS sv, MIN(d) AS mnd, MAX(p) AS mxp, FIRST_VALUE(v) AS fv, "
            + "LAST_VALUE(d) AS ld FROM " + session("0.1") + " GROUP BY k, window_start, window_end ALLOW LATENESS INTERVAL '1' SECOND",
        new SessionReference(100, BOUND, 1000, StreamRow::k, wide), false, Mode.RETRACTIONS, false, null));

    all.add(sessionCase("SESSION with ALLOW LATENESS on a single key: exact changelog sequence",
        "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(p) AS sp, AVG(v) AS av, COUNT(*) FILTER (WHERE d > 0) AS pos FROM "
            + session("0.01") + " GROUP BY k, window_start, window_end EMIT ON WINDOW CLOSE ALLOW LATENESS INTERVAL '0.5' SECOND",
        new SessionReference(10, BOUND, 500, StreamRow::k, g -> row(g.key(0), g.start(), g.end(), g.count(), g.sumDecimal(StreamRow::p),
            g.avg(StreamRow::v), g.filter(r -> gt(r.d(), 0)).count())), false, Mode.SEQUENCE, true, null));

    all.add(sessionCase("SESSION EMIT CHANGES with ALLOW LATENESS and LATE DATA TO",
        "SELECT k, window_start, window_end, COUNT(*) AS n, MAX(v) AS mx, LAST_VALUE(p) AS lp FROM " + session("0.05")
            + " GROUP BY k, window_start, window_end EMIT CHANGES ALLOW LATENESS INTERVAL '0.5' SECOND LATE DATA TO too_late",
        new SessionReference(50, BOUND, 500, StreamRow::k, g -> row(g.key(0), g.start(), g.end(), g.count(), g.max(StreamRow::v),
            g.last(StreamRow::p))), true, Mode.RETRACTIONS, false, "too_late"));
  }

  // ---- EMIT modes on TUMBLE ----

  private static void emitModes(List<QueryCase> all) {
    all.add(changelog("EMIT ON UPDATE by a nullable key: final state per key",
        "SELECT k, window_start, COUNT(*) AS n, SUM(v) AS sv, MAX(p) AS mp FROM " + TUMBLE_1S
            + " GROUP BY k, window_start, window_end EMIT ON UPDATE",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(StreamRow::v),
            g.max(StreamRow::p))), false, new int[] {0, 1}, false));

    all.add(changelog("EMIT CHANGES by two keys: final state per key",
        "SELECT k2, k, window_end, SUM(v) AS sv, MIN(v) AS mn, COUNT(d) AS nd, LAST_VALUE(p) AS lp FROM " + TUMBLE_1S
            + " GROUP BY k2, k, window_start, window_end EMIT CHANGES",
        tumble(1000).groupBy(StreamRow::k2, StreamRow::k).select(g -> row(g.key(0), g.key(1), g.end(), g.sumLong(StreamRow::v),
            g.min(StreamRow::v), g.count(StreamRow::d), g.last(StreamRow::p))), true, new int[] {0, 1, 2}, false));

    all.add(changelog("EMIT ON UPDATE on a single key: exact +I/+U sequence",
        "SELECT k, window_start, COUNT(*) AS n, SUM(v) AS sv FROM " + TUMBLE_1S
            + " GROUP BY k, window_start, window_end EMIT ON UPDATE",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(StreamRow::v))),
        false, new int[] {0, 1}, true));

    all.add(changelog("EMIT CHANGES on a single key: exact +I/-U/+U sequence, nothing for unchanged results",
        "SELECT k, window_start, SUM(v) AS sv, MAX(v) AS mx, FIRST_VALUE(p) AS fp FROM " + TUMBLE_1S
            + " GROUP BY k, window_start, window_end EMIT CHANGES",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.sumLong(StreamRow::v), g.max(StreamRow::v),
            g.first(StreamRow::p))), true, new int[] {0, 1}, true));

    all.add(changelog("EMIT ON UPDATE without keys: MAX and MIN change rarely",
        "SELECT window_start, MAX(v) AS mx, MIN(d) AS mn FROM " + TUMBLE_1S + " GROUP BY window_start, window_end EMIT ON UPDATE",
        tumble(1000).select(g -> row(g.start(), g.max(StreamRow::v), g.min(StreamRow::d))), false, new int[] {0}, true));

    all.add(changelog("EMIT CHANGES on a single key with COUNT(DISTINCT), FILTER and LAST_VALUE of VARCHAR",
        "SELECT window_end, COUNT(DISTINCT k2) AS dk, COUNT(*) FILTER (WHERE v < 0) AS neg, LAST_VALUE(k) AS lk, MIN(p) AS mp "
            + "FROM " + TUMBLE_1S + " GROUP BY window_start, window_end EMIT CHANGES",
        tumble(1000).select(g -> row(g.end(), g.countDistinct(StreamRow::k2), g.filter(r -> lt(r.v(), 0)).count(),
            g.last(StreamRow::k), g.min(StreamRow::p))), true, new int[] {0}, true));

    all.add(windowed("EMIT FINAL equals ON WINDOW CLOSE",
        "SELECT k, window_start, COUNT(*) AS n, SUM(v) AS sv, AVG(d) AS ad FROM " + TUMBLE_1S
            + " GROUP BY k, window_start, window_end EMIT FINAL",
        tumble(1000).groupBy(StreamRow::k).select(g -> row(g.key(0), g.start(), g.count(), g.sumLong(StreamRow::v),
            g.avg(StreamRow::d)))));
  }
}
