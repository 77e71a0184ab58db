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

/**
 * ALLOW LATENESS re-emits corrected windows as changes; LATE DATA TO collects rows later than that.
 * On SESSION windows (gap 1 s) a fired session is kept for the lateness, and a late row that extends
 * or merges sessions corrects what was emitted (-U/+U, -D for a session a merge absorbs). The
 * watermark is the largest event time so far.
 */
class LatenessTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final String SESSIONS = "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total FROM TABLE(SESSION(TABLE s, "
      + "DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end ";
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
    push(INPUT);
  }

  /** Rows of key "a": {v, event time offset}. */
  private void push(long[]... rows) {
    try (SourceWriter w = db.writer("s")) {
      for (long[] r : rows) {
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
  void aSinkCannotDeclareASideStreamAndSaysWhereToDeclareIt() {
    assertThatThrownBy(() -> db.execute("CREATE SINK totals WITH ('connector' = 'slow') AS SELECT k, SUM(v) AS total\n"
        + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end LATE DATA TO late_rows"))
        .hasMessageContaining("line 2, column").hasMessageContaining("LATE DATA TO creates a side stream, which only CREATE STREAM ... AS declares")
        .hasMessageContaining("CREATE SINK totals FROM that stream");
    assertThat(db.execute("SHOW STREAMS").rows()).isEmpty();
    assertThat(db.execute("SHOW SINKS").rows()).isEmpty();
  }

  @Test
  void lateCorrectionsAreAChangelogThatAnAppendOnlySinkRefuses() {
    db.execute("CREATE STREAM totals AS SELECT k, SUM(v) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end ALLOW LATENESS INTERVAL '1' SECOND");
    assertThatThrownBy(() -> db.execute("CREATE SINK out_slow FROM totals WITH ('connector' = 'slow')"))
        .hasMessageContaining("is append-only, but 'totals' is a changelog");
  }

  private static Row session(RowKind kind, long start, long end, long n, long total) {
    return Row.ofKind(kind, "a", OhlcReference.time(T0 + start), OhlcReference.time(T0 + end), n, total);
  }

  private List<Object> counters(String stream) {
    Row stats = db.execute("SHOW STREAMS").rows().stream().filter(r -> r.get(0).equals(stream)).findFirst().orElseThrow();
    return List.of(stats.get(2), stats.get(4), stats.get(5));
  }

  @Test
  void sessionLateRowsExtendFiredSessionsAsChangesAndLaterOnesGoToTheSideStream() {
    db.execute("CREATE STREAM sessions AS " + SESSIONS + "ALLOW LATENESS INTERVAL '2' SECOND LATE DATA TO too_late");
    Subscription out = db.subscribe("sessions");
    Subscription late = db.subscribe("SELECT k, v FROM too_late");
    push(new long[] {1, 0}, // [0, 1000)
        new long[] {2, 1_500}, // watermark 1500: [0, 1000) fires; [1500, 2500) opens
        new long[] {3, 900}, // late, bridges both: [0, 2500), corrected
        new long[] {4, 4_000}, // watermark 4000: [0, 2500) is kept until 4500; [4000, 5000) opens
        new long[] {5, 2_000}, // late, extends the fired [0, 2500) to [0, 3000)
        new long[] {6, 7_000}, // watermark 7000: [4000, 5000) fires; [0, 3000) and [4000, 5000) expire
        new long[] {7, 2_900}, // its session would end at 3900, 2 s before the watermark: too late
        new long[] {8, 5_500}); // [5500, 6500) ended before the watermark but within the lateness: out at once
    assertThat(drain(out)).containsExactly(
        session(RowKind.INSERT, 0, 1_000, 1, 1),
        session(RowKind.UPDATE_BEFORE, 0, 1_000, 1, 1), session(RowKind.UPDATE_AFTER, 0, 2_500, 3, 6),
        session(RowKind.UPDATE_BEFORE, 0, 2_500, 3, 6), session(RowKind.UPDATE_AFTER, 0, 3_000, 4, 11),
        session(RowKind.INSERT, 4_000, 5_000, 1, 4),
        session(RowKind.INSERT, 5_500, 6_500, 1, 8),
        session(RowKind.INSERT, 7_000, 8_000, 1, 6));
    assertThat(drain(late)).containsExactly(Row.of("a", 7L));
    assertThat(counters("sessions")).as("dropped, accepted, redirected").containsExactly(0L, 3L, 1L);
    assertThat(db.execute("DROP STREAM sessions").message()).isEqualTo("Dropped too_late, sessions");
  }

  @Test
  void sessionLateRowMergingTwoFiredSessionsRetractsTheAbsorbedOne() {
    db.execute("CREATE STREAM sessions AS " + SESSIONS + "EMIT ON WINDOW CLOSE ALLOW LATENESS INTERVAL '3' SECOND");
    Subscription out = db.subscribe("sessions");
    push(new long[] {1, 0}, new long[] {2, 1_500}, new long[] {3, 3_000}, new long[] {4, 900});
    assertThat(drain(out)).containsExactly(
        session(RowKind.INSERT, 0, 1_000, 1, 1),
        session(RowKind.INSERT, 1_500, 2_500, 1, 2),
        session(RowKind.DELETE, 1_500, 2_500, 1, 2),
        session(RowKind.UPDATE_BEFORE, 0, 1_000, 1, 1), session(RowKind.UPDATE_AFTER, 0, 2_500, 3, 7),
        session(RowKind.INSERT, 3_000, 4_000, 1, 3));
    assertThat(counters("sessions")).as("dropped, accepted, redirected").containsExactly(0L, 1L, 0L);
  }

  @Test
  void sessionRowsLaterThanTheLatenessAreDroppedAndCountedWithoutLateDataTo() {
    db.execute("CREATE STREAM sessions AS " + SESSIONS + "EMIT CHANGES ALLOW LATENESS INTERVAL '2' SECOND");
    Subscription out = db.subscribe("sessions");
    push(new long[] {1, 0}, // +I at once (EMIT CHANGES)
        new long[] {2, 2_500}, // watermark 2500: [0, 1000) has ended but is kept until 3000
        new long[] {3, 800}, // extends it to [0, 1800)
        new long[] {4, 4_000}, // watermark 4000: [0, 1800) expires at 3800; 4000 is past [2500, 3500): a new session
        new long[] {5, 1_000}); // would join [0, 1800): too late, dropped
    assertThat(drain(out)).containsExactly(
        session(RowKind.INSERT, 0, 1_000, 1, 1),
        session(RowKind.INSERT, 2_500, 3_500, 1, 2),
        session(RowKind.UPDATE_BEFORE, 0, 1_000, 1, 1), session(RowKind.UPDATE_AFTER, 0, 1_800, 2, 4),
        session(RowKind.INSERT, 4_000, 5_000, 1, 4));
    assertThat(counters("sessions")).as("dropped, accepted, redirected").containsExactly(1L, 1L, 0L);
  }

  @Test
  void explainShowsTheLatenessOfASessionAggregate() {
    List<String> plan = db.execute("EXPLAIN CREATE STREAM x AS " + SESSIONS + "ALLOW LATENESS INTERVAL '2' SECOND LATE DATA TO too_late")
        .rows().stream().map(r -> (String) r.get(0)).toList();
    assertThat(String.join("\n", plan)).contains("SessionWindowAggregate(gap=1000 ms").contains("lateness=2000 ms, late data to too_late");
  }
}
