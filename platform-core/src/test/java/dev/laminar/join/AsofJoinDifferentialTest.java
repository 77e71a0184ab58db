package dev.laminar.join;

import static dev.laminar.join.JoinTestSupport.In;
import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.sdk.row.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ASOF joins, differentially: backward, forward, strict, nearest, with and without tolerance, INNER and
 * LEFT, and temporal joins (FOR SYSTEM_TIME AS OF, an append-only versioned stream), over random out-of-order streams with late rows, NULL keys and duplicate times, against a
 * batch evaluation that picks each left row's match from the whole (on-time) right input.
 */
class AsofJoinDifferentialTest {
  /** direction: B, F or N; strict; tolerance in ms or -1; LEFT or INNER. */
  record Case(String name, String match, char direction, boolean strict, long tolerance, boolean left) {
    String sql() {
      if (match.equals("TEMPORAL")) {
        return "SELECT l.k, l.v, r.v AS rv, l.ts, r.ts AS rts FROM l " + (left ? "LEFT " : "") + "JOIN r FOR SYSTEM_TIME AS OF l.ts AS r "
            + "ON l.k = r.k";
      }
      return "SELECT l.k, l.v, r.v AS rv, l.ts, r.ts AS rts FROM l " + (left ? "LEFT " : "") + "ASOF JOIN r MATCH_CONDITION(" + match
          + ") ON l.k = r.k";
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("backward", "l.ts >= r.ts", 'B', false, -1, false),
        new Case("backward left", "l.ts >= r.ts", 'B', false, -1, true),
        new Case("backward strict, written reversed", "r.ts < l.ts", 'B', true, -1, false),
        new Case("backward with tolerance", "l.ts >= r.ts AND l.ts - r.ts <= INTERVAL '0.2' SECOND", 'B', false, 200, true),
        new Case("forward", "l.ts <= r.ts", 'F', false, -1, false),
        new Case("forward left with tolerance", "l.ts <= r.ts AND r.ts - l.ts <= INTERVAL '0.3' SECOND", 'F', false, 300, true),
        new Case("forward strict", "l.ts < r.ts", 'F', true, -1, true),
        new Case("nearest", "NEAREST(l.ts, r.ts)", 'N', false, -1, true),
        new Case("temporal join (the version in force)", "TEMPORAL", 'B', false, -1, false),
        new Case("temporal left join", "TEMPORAL", 'B', false, -1, true),
        new Case("nearest with tolerance", "NEAREST(l.ts, r.ts) AND l.ts - r.ts < INTERVAL '0.1' SECOND", 'N', false, 99, true));
  }

  static Stream<Arguments> casesAndSeeds() {
    return cases().stream().flatMap(c -> Stream.of(1L, 2L, 3L).map(seed -> Arguments.of(c, seed)));
  }

  @ParameterizedTest(name = "{0} [seed {1}]")
  @MethodSource("casesAndSeeds")
  void engineEqualsBatchReference(Case c, long seed) {
    List<In> input = IntervalJoinDifferentialTest.generate(seed, 600);
    List<String> expected = reference(c, input);
    try (Laminar db = JoinTestSupport.open()) {
      JoinTestSupport.createSources(db, 300);
      List<Row> actual = JoinTestSupport.run(db, c.sql(), input);
      assertThat(JoinTestSupport.sortedStrings(actual)).as("%s, seed %d", c.name(), seed).isEqualTo(expected);
    }
  }

  static List<String> reference(Case c, List<In> input) {
    List<In> ls = IntervalJoinDifferentialTest.onTime(input, "l");
    List<In> rs = IntervalJoinDifferentialTest.onTime(input, "r");
    List<String> out = new ArrayList<>();
    for (In l : ls) {
      In back = null;
      In fwd = null;
      for (In r : rs) { // later arrivals win ties on time
        if (l.k() == null || !Objects.equals(l.k(), r.k())) {
          continue;
        }
        boolean isBack = c.strict() ? r.t() < l.t() : r.t() <= l.t();
        boolean isFwd = c.strict() ? r.t() > l.t() : r.t() >= l.t();
        if (isBack && (back == null || r.t() >= back.t())) {
          back = r;
        }
        if (isFwd && (fwd == null || r.t() < fwd.t() || r.t() == fwd.t())) {
          fwd = r;
        }
      }
      In match = switch (c.direction()) {
        case 'B' -> back;
        case 'F' -> fwd;
        default -> back != null && fwd != null ? (l.t() - back.t() <= fwd.t() - l.t() ? back : fwd) : back != null ? back : fwd;
      };
      if (match != null && c.tolerance() >= 0 && Math.abs(l.t() - match.t()) > c.tolerance()) {
        match = null;
      }
      if (match != null || c.left()) {
        out.add(Row.of(l.k(), l.v(), match == null ? null : match.v(), JoinTestSupport.time(l.t()),
            match == null ? null : JoinTestSupport.time(match.t())).toString());
      }
    }
    return out.stream().sorted().toList();
  }
}
