package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Aggregate semantics, window boundaries and watermark-driven emission, on hand-written input. */
class WindowAggregationTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private Laminar db;

  @BeforeEach
  void open() {
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build());
    db.execute("CREATE SOURCE s (k VARCHAR, v INT, d DOUBLE, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) "
        + "WITH ('connector' = 'memory', 'chunk-rows' = '1')");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static void row(SourceWriter w, String k, Integer v, Double d, long ts) {
    w.beginRow();
    w.setString(0, k);
    if (v != null) {
      w.setInt(1, v);
    }
    if (d != null) {
      w.setDouble(2, d);
    }
    w.setTimestampMillis(3, ts);
    w.endRow();
  }

  private static List<Row> pollUntil(Subscription s, int count) {
    List<Row> rows = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (rows.size() < count && System.nanoTime() < deadline) {
      rows.addAll(s.poll(Duration.ofMillis(100)));
    }
    return rows;
  }

  @Test
  void everyAggregateFollowsSqlNullSemantics() {
    Subscription out = db.subscribe("SELECT k, COUNT(*) AS n, COUNT(v) AS nv, SUM(v) AS sv, MIN(v) AS mn, MAX(v) AS mx, AVG(v) AS av, "
        + "AVG(d) AS ad, FIRST_VALUE(v) AS fv, LAST_VALUE(v) AS lv FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end");
    try (SourceWriter w = db.writer("s")) {
      row(w, "a", 3, 1.5, T0 + 500);
      row(w, "a", null, null, T0 + 100);   // NULLs are skipped by every aggregate but COUNT(*)
      row(w, "a", 4, 2.5, T0 + 100);       // earliest event time: FIRST_VALUE even though it arrived later
      row(w, "a", 1, null, T0 + 900);      // latest event time: LAST_VALUE
      row(w, "b", null, null, T0 + 200);   // only NULLs: SUM/MIN/MAX/AVG/FIRST/LAST are NULL
    }
    List<Row> rows = pollUntil(out, 2);
    assertThat(OhlcReference.sorted(rows)).containsExactly(
        Row.of("a", 4L, 3L, 8, 1, 4, 8.0 / 3, 2.0, 4, 1),
        Row.of("b", 1L, 0L, null, null, null, null, null, null, null));
    assertThat(OhlcDifferentialTest.drain(out)).as("nothing after the end of input").isEmpty();
  }

  @Test
  void windowsAreHalfOpenAndEmitOnceWhenTheWatermarkPassesTheirEnd() {
    Subscription out = db.subscribe("SELECT window_start, window_end, COUNT(*) AS n "
        + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end");
    SourceWriter w = db.writer("s");
    row(w, "a", 1, null, T0);            // [T0, T0+1s)
    row(w, "a", 1, null, T0 + 999);      // same window
    row(w, "a", 1, null, T0 + 1000);     // next window: the end is exclusive
    w.flush();
    row(w, "a", 1, null, T0 + 1999);     // watermark T0+999: nothing closes yet
    w.flush();
    assertThat(out.poll(Duration.ofMillis(300))).isEmpty();
    row(w, "a", 1, null, T0 + 2000);     // watermark T0+1000 = end of the first window: it closes
    w.flush();
    List<Row> first = pollUntil(out, 1);
    assertThat(first).containsExactly(Row.of(OhlcReference.time(T0), OhlcReference.time(T0 + 1000), 2L));
    row(w, "a", 1, null, T0 + 500);      // its window has closed: late, counted and dropped
    row(w, "a", 1, null, T0 + 3500);     // watermark T0+2500 closes [T0+1s, T0+2s)
    w.flush();
    assertThat(pollUntil(out, 1)).containsExactly(Row.of(OhlcReference.time(T0 + 1000), OhlcReference.time(T0 + 2000), 2L));
    w.close();                           // end of input closes the rest
    List<Row> rest = pollUntil(out, 2);
    assertThat(rest).containsExactly(Row.of(OhlcReference.time(T0 + 2000), OhlcReference.time(T0 + 3000), 1L),
        Row.of(OhlcReference.time(T0 + 3000), OhlcReference.time(T0 + 4000), 1L));
    assertThat(OhlcDifferentialTest.drain(out)).as("nothing after the end of input").isEmpty();
  }

  @Test
  void filtersAndProjectionsEvaluateWithNullSemantics() {
    Subscription out = db.subscribe("SELECT UPPER(k) AS k, v + 1 AS v1, CASE WHEN v > 2 THEN 'big' ELSE 'small' END AS size, "
        + "COALESCE(d, -1.0) AS d FROM s WHERE v IS NULL OR v <> 3");
    try (SourceWriter w = db.writer("s")) {
      row(w, "a", 3, 1.0, T0);
      row(w, "b", 5, null, T0);
      row(w, "c", null, 2.0, T0);
      row(w, "d", 1, 4.0, T0);
    }
    List<Row> rows = pollUntil(out, 3);
    assertThat(rows).containsExactly(Row.of("B", 6, "big", -1.0), Row.of("C", null, "small", 2.0), Row.of("D", 2, "small", 4.0));
  }
}
