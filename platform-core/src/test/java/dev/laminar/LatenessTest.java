package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ALLOW LATENESS re-emits corrected windows as changes; LATE DATA TO collects rows later than that. */
class LatenessTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final long[][] INPUT = {{1, 100}, {2, 1_100}, {5, 200}, {7, 2_500}, {9, 300}};

  private Laminar db;

  @BeforeEach
  void open() {
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).connector(new BackpressureTest.SlowSinkFactory()).build());
    db.execute("CREATE SOURCE s (k VARCHAR, v BIGINT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) "
        + "WITH ('connector' = 'memory', 'chunk-rows' = '1')");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static List<Row> drain(Subscription s) {
    List<Row> rows = new ArrayList<>();
    while (!s.isFinished()) {
      rows.addAll(s.poll(Duration.ofMillis(100)));
    }
    return rows;
  }

  private void push() {
    try (SourceWriter w = db.writer("s")) {
      for (long[] r : INPUT) {
        w.beginRow();
        w.setString(0, "a");
        w.setLong(1, r[0]);
        w.setTimestampMillis(2, T0 + r[1]);
        w.endRow();
      }
    }
  }

  private static Row row(RowKind kind, Object... values) {
    return Row.ofKind(kind, values);
  }

  @Test
  void lateRowsWithinTheLatenessCorrectTheWindowAndLaterOnesGoToTheSideStream() {
    db.execute("CREATE STREAM totals AS SELECT k, SUM(v) AS total, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end ALLOW LATENESS INTERVAL '1' SECOND LATE DATA TO too_late");
    Subscription totals = db.subscribe("totals");
    Subscription late = db.subscribe("SELECT k, v FROM too_late");
    push();
    assertThat(drain(totals)).containsExactly(
        row(RowKind.INSERT, "a", 1L, 1L),
        row(RowKind.UPDATE_BEFORE, "a", 1L, 1L), row(RowKind.UPDATE_AFTER, "a", 6L, 2L),
        row(RowKind.INSERT, "a", 2L, 1L),
        row(RowKind.INSERT, "a", 7L, 1L));
    assertThat(drain(late)).containsExactly(Row.of("a", 9L));
    Row stats = db.execute("SHOW STREAMS").rows().stream().filter(r -> r.get(0).equals("totals")).findFirst().orElseThrow();
    assertThat(List.of(stats.get(2), stats.get(4), stats.get(5))).as("dropped, accepted, redirected").containsExactly(0L, 1L, 1L);
    assertThat(db.execute("SHOW STREAMS").rows()).extracting(r -> r.get(0)).containsExactly("totals", "too_late");
    assertThat(db.execute("DROP STREAM totals").message()).isEqualTo("Dropped too_late, totals");
  }

  @Test
  void withoutASideStreamRowsLaterThanTheLatenessAreCountedAndDropped() {
    db.execute("CREATE STREAM totals AS SELECT k, SUM(v) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end EMIT ON WINDOW CLOSE ALLOW LATENESS INTERVAL '1' SECOND");
    Subscription totals = db.subscribe("totals");
    push();
    assertThat(drain(totals)).hasSize(5);
    Row stats = db.execute("SHOW STREAMS").rows().get(0);
    assertThat(List.of(stats.get(2), stats.get(4), stats.get(5))).containsExactly(1L, 1L, 0L);
  }

  @Test
  void lateDataToWithoutLatenessCollectsEveryLateRowAndKeepsTheOutputAppendOnly() {
    db.execute("CREATE STREAM totals AS SELECT k, SUM(v) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end LATE DATA TO late_rows");
    Subscription totals = db.subscribe("totals");
    Subscription late = db.subscribe("SELECT v FROM late_rows");
    push();
    assertThat(drain(totals)).containsExactly(Row.of("a", 1L), Row.of("a", 2L), Row.of("a", 7L));
    assertThat(drain(late)).containsExactly(Row.of(5L), Row.of(9L));
    db.execute("CREATE SINK append_only FROM totals WITH ('connector' = 'slow')"); // still append-only
  }

  @Test
  void lateCorrectionsAreAChangelogThatAnAppendOnlySinkRefuses() {
    db.execute("CREATE STREAM totals AS SELECT k, SUM(v) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end ALLOW LATENESS INTERVAL '1' SECOND");
    assertThatThrownBy(() -> db.execute("CREATE SINK out_slow FROM totals WITH ('connector' = 'slow')"))
        .hasMessageContaining("is append-only, but 'totals' is a changelog");
  }
}
