package dev.laminar.join;

import static dev.laminar.join.JoinTestSupport.In;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.sdk.row.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interval, semi and anti joins, differentially: over random streams (out-of-order rows within the
 * declared bound, late rows beyond it, NULL keys, duplicate keys and times), the engine's output
 * equals a nested-loop batch join of the same rows, minus the rows each input's watermark made late.
 */
class IntervalJoinDifferentialTest {
  private static final long BOUND = 300;
  private static final String ON = "l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '1' SECOND AND r.ts + INTERVAL '0.5' SECOND";

  /** A query and how the reference computes it: lower/upper on l.ts - r.ts, the residual, and the join type. */
  record Case(String name, String sql, String type, long lower, long upper, boolean keyed, java.util.function.BiPredicate<In, In> residual) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    String cols = "SELECT l.k, l.v, r.k AS rk, r.v AS rv, l.ts, r.ts AS rts FROM l ";
    return List.of(
        new Case("inner", cols + "JOIN r ON " + ON, "INNER", -1000, 500, true, (a, b) -> true),
        new Case("left", cols + "LEFT JOIN r ON " + ON, "LEFT", -1000, 500, true, (a, b) -> true),
        new Case("right", cols + "RIGHT JOIN r ON " + ON, "RIGHT", -1000, 500, true, (a, b) -> true),
        new Case("full", cols + "FULL JOIN r ON " + ON, "FULL", -1000, 500, true, (a, b) -> true),
        new Case("inner with residual", cols + "JOIN r ON " + ON + " AND l.v > r.v", "INNER", -1000, 500, true,
            (a, b) -> a.v() != null && b.v() != null && a.v() > b.v()),
        new Case("left with residual in ON", cols + "LEFT JOIN r ON " + ON + " AND l.v > r.v", "LEFT", -1000, 500, true,
            (a, b) -> a.v() != null && b.v() != null && a.v() > b.v()),
        new Case("strict bounds written backwards", cols + "JOIN r ON r.k = l.k AND r.ts < l.ts AND r.ts + INTERVAL '2' SECOND > l.ts",
            "INNER", 1, 1999, true, (a, b) -> true),
        new Case("no key", cols + "JOIN r ON l.ts BETWEEN r.ts AND r.ts + INTERVAL '0.05' SECOND", "INNER", 0, 50, false, (a, b) -> true),
        new Case("exists", "SELECT l.k, l.v, l.ts FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.ts BETWEEN l.ts - "
            + "INTERVAL '1' SECOND AND l.ts)", "SEMI", 0, 1000, true, (a, b) -> true),
        new Case("not exists", "SELECT l.k, l.v, l.ts FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.ts BETWEEN l.ts - "
            + "INTERVAL '1' SECOND AND l.ts)", "ANTI", 0, 1000, true, (a, b) -> true),
        new Case("not exists with another filter", "SELECT l.k, l.v, l.ts FROM l WHERE l.v > 50 AND NOT EXISTS (SELECT 1 FROM r WHERE "
            + "r.k = l.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL '0.7' SECOND)", "ANTI", -700, 0, true, (a, b) -> true));
  }

  static Stream<Arguments> casesAndSeeds() {
    return cases().stream().flatMap(c -> Stream.of(1L, 2L, 3L).map(seed -> Arguments.of(c, seed)));
  }

  /** Two interleaved streams: keys a/b/c or NULL, duplicate times, disorder within the bound, some late rows. */
  static List<In> generate(long seed, int n) {
    Random random = new Random(seed);
    List<In> rows = new ArrayList<>();
    long clock = 0;
    String[] keys = {"a", "b", "c", null};
    for (int i = 0; i < n; i++) {
      clock += random.nextInt(60);
      long disorder = random.nextInt(12) == 0 ? BOUND + random.nextInt(2_000) : random.nextInt((int) BOUND + 1);
      String side = random.nextBoolean() ? "l" : "r";
      String k = keys[random.nextInt(random.nextInt(10) == 0 ? 4 : 3)];
      Long v = random.nextInt(15) == 0 ? null : (long) random.nextInt(100);
      rows.add(new In(side, k, v, Math.max(0, clock - disorder) + 10_000));
    }
    return rows;
  }

  @ParameterizedTest(name = "{0} [seed {1}]")
  @MethodSource("casesAndSeeds")
  void engineEqualsNestedLoopReference(Case c, long seed) {
    List<In> input = generate(seed, 600);
    List<String> expected = reference(c, input);
    assertThat(expected).as("reference output").isNotEmpty();
    try (Laminar db = JoinTestSupport.open()) {
      JoinTestSupport.createSources(db, BOUND);
      List<Row> actual = JoinTestSupport.run(db, c.sql(), input);
      assertThat(JoinTestSupport.sortedStrings(actual)).as("%s, seed %d", c.name(), seed).isEqualTo(expected);
    }
  }

  /** The rows that are not late on their own input: time >= (max time so far on that input, this row included) - bound. */
  static List<In> onTime(List<In> input, String side) {
    List<In> out = new ArrayList<>();
    long max = Long.MIN_VALUE;
    for (In in : input) {
      if (in.side().equals(side)) {
        max = Math.max(max, in.t());
        if (in.t() >= max - BOUND) {
          out.add(in);
        }
      }
    }
    return out;
  }

  static List<String> reference(Case c, List<In> input) {
    List<In> ls = onTime(input, "l");
    List<In> rs = onTime(input, "r");
    List<String> out = new ArrayList<>();
    Map<In, Boolean> rightMatched = new HashMap<>();
    for (In l : ls) {
      boolean matched = false;
      for (In r : rs) {
        long d = l.t() - r.t();
        boolean keys = !c.keyed() || l.k() != null && Objects.equals(l.k(), r.k());
        if (keys && d >= c.lower() && d <= c.upper() && c.residual().test(l, r)) {
          matched = true;
          rightMatched.put(r, true);
          if (!c.type().equals("SEMI") && !c.type().equals("ANTI")) {
            out.add(joined(l, r));
          }
        }
      }
      switch (c.type()) {
        case "SEMI" -> {
          if (matched) {
            out.add(leftOnly(l, c));
          }
        }
        case "ANTI" -> {
          if (!matched && (!c.name().contains("another filter") || l.v() != null && l.v() > 50)) {
            out.add(leftOnly(l, c));
          }
        }
        case "LEFT", "FULL" -> {
          if (!matched) {
            out.add(joined(l, null));
          }
        }
        default -> { }
      }
    }
    if (c.type().equals("RIGHT") || c.type().equals("FULL")) {
      for (In r : rs) {
        if (!rightMatched.containsKey(r)) {
          out.add(joined(null, r));
        }
      }
    }
    return out.stream().sorted().toList();
  }

  private static String joined(In l, In r) {
    return Row.of(l == null ? null : l.k(), l == null ? null : l.v(), r == null ? null : r.k(), r == null ? null : r.v(),
        l == null ? null : JoinTestSupport.time(l.t()), r == null ? null : JoinTestSupport.time(r.t())).toString();
  }

  private static String leftOnly(In l, Case c) {
    return Row.of(l.k(), l.v(), JoinTestSupport.time(l.t())).toString();
  }
}
