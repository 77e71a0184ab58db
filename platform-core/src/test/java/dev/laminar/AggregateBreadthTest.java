package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** COUNT(DISTINCT), APPROX_COUNT_DISTINCT, FILTER (WHERE ...) and HAVING over windows. */
class AggregateBreadthTest {
  private static final long T0 = 1_767_225_600_000L;

  private Laminar db;

  @BeforeEach
  void open() {
    db = OhlcDifferentialTest.open();
    db.execute("CREATE SOURCE s (k VARCHAR, v BIGINT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private List<Row> run(String query, long[][] rows) {
    Subscription out = db.subscribe(query);
    try (SourceWriter w = db.writer("s")) {
      for (long[] r : rows) {
        w.beginRow();
        w.setString(0, r[0] == 0 ? "a" : "b");
        if (r[1] != Long.MIN_VALUE) {
          w.setLong(1, r[1]);
        }
        w.setTimestampMillis(2, T0 + r[2]);
        w.endRow();
      }
    }
    return OhlcReference.sorted(OhlcDifferentialTest.drain(out));
  }

  private static final long NULL = Long.MIN_VALUE;

  @Test
  void countDistinctSkipsNullsAndDuplicates() {
    List<Row> rows = run("SELECT k, COUNT(DISTINCT v) AS d, COUNT(v) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end", new long[][] {{0, 1, 0}, {0, 1, 10}, {0, 2, 20}, {0, NULL, 30}, {1, 5, 40}});
    assertThat(rows).containsExactly(Row.of("a", 2L, 3L), Row.of("b", 1L, 1L));
  }

  @Test
  void countDistinctOverHoppingWindowsUnitesThePanes() {
    List<Row> rows = run("SELECT window_start, COUNT(DISTINCT v) AS d FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
        + "INTERVAL '2' SECOND)) GROUP BY window_start, window_end",
        new long[][] {{0, 1, 100}, {0, 2, 200}, {0, 2, 1100}, {0, 3, 1200}});
    assertThat(rows).containsExactly(
        Row.of(OhlcReference.time(T0 - 1000), 2L), Row.of(OhlcReference.time(T0), 3L), Row.of(OhlcReference.time(T0 + 1000), 2L));
  }

  @Test
  void approxCountDistinctIsWithinTwoPercentOfTheExactCount() {
    long[][] input = new long[60_000][];
    for (int i = 0; i < input.length; i++) {
      input[i] = new long[] {0, i % 20_000, i / 100};
    }
    List<Row> rows = run("SELECT APPROX_COUNT_DISTINCT(v) AS approx, COUNT(DISTINCT v) AS exact "
        + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end", input);
    assertThat(rows).singleElement().satisfies(r -> {
      assertThat(r.get(1)).isEqualTo(20_000L);
      assertThat((Long) r.get(0)).isBetween(19_600L, 20_400L);
    });
  }

  @Test
  void filterOnAnAggregateCountsOnlyMatchingRows() {
    List<Row> rows = run("SELECT k, COUNT(*) FILTER (WHERE v > 1) AS big, SUM(v) FILTER (WHERE v < 3) AS small_sum, COUNT(*) AS n "
        + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end",
        new long[][] {{0, 1, 0}, {0, 2, 10}, {0, 5, 20}, {0, NULL, 30}});
    assertThat(rows).containsExactly(Row.of("a", 2L, 3L, 4L));
  }

  @Test
  void havingFiltersTheAggregatedRows() {
    List<Row> rows = run("SELECT k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end HAVING COUNT(*) > 1", new long[][] {{0, 1, 0}, {0, 2, 10}, {1, 5, 20}});
    assertThat(rows).containsExactly(Row.of("a", 2L));
  }

  @Test
  void sumDistinctIsRefusedNotRunAsSum() {
    assertThatThrownBy(() -> db.subscribe("SELECT SUM(DISTINCT v) FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY window_start, window_end")).hasMessageContaining("SUM(DISTINCT ...) is not supported yet");
  }

  @Test
  void varianceAndStandardDeviationOverTumblingAndHoppingWindows() {
    List<Row> rows = run("SELECT VAR_POP(v) AS vp, VARIANCE(v) AS vs, STDDEV_POP(v) AS sp, STDDEV(v) AS ss "
        + "FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end",
        new long[][] {{0, 2, 100}, {0, 4, 200}, {0, 4, 1100}, {0, NULL, 1150}, {0, 6, 1200}});
    // windows: [-1s,1s): 2,4   [0s,2s): 2,4,4,6   [1s,3s): 4,6
    assertThat(rows).hasSize(3);
    Row all = rows.stream().filter(r -> Math.abs((Double) r.get(0) - 2.0) < 1e-12).findFirst().orElseThrow();
    assertThat((Double) all.get(1)).isCloseTo(8.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat((Double) all.get(2)).isCloseTo(Math.sqrt(2.0), org.assertj.core.data.Offset.offset(1e-12));
    assertThat((Double) all.get(3)).isCloseTo(Math.sqrt(8.0 / 3), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(rows).filteredOn(r -> r.get(0).equals(1.0)).hasSize(2);
  }

  @Test
  void sampleVarianceOfOneValueIsNull() {
    List<Row> rows = run("SELECT VAR_SAMP(v) AS vs, VAR_POP(v) AS vp FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY window_start, window_end", new long[][] {{0, 7, 0}});
    assertThat(rows).containsExactly(Row.of(null, 0.0));
  }
}
