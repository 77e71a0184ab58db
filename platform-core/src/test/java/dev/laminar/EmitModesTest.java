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
 * Exact output sequences of EMIT ON UPDATE, CHANGES, FINAL and ON WINDOW CLOSE on a tumbling aggregate: the whole sequence
 * at one reactor; at several, where the stream runs as shards merged on reactor 0, each key's sequence and the multiset
 * (the order across keys is the merge's).
 */
class EmitModesTest {
  private static final long T0 = 1_767_225_600_000L;

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

  private List<Row> run(String emit, Object[][] input) {
    db.execute("CREATE STREAM agg AS SELECT k, SUM(v) AS total, COUNT(*) AS n "
        + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end " + emit);
    Subscription out = db.subscribe("agg");
    try (SourceWriter w = db.writer("s")) {
      for (Object[] r : input) {
        w.beginRow();
        w.setString(0, (String) r[0]);
        w.setLong(1, (Long) r[1]);
        w.setTimestampMillis(2, T0 + (Long) r[2]);
        w.endRow();
      }
    }
    List<Row> rows = new ArrayList<>();
    while (!out.isFinished()) {
      rows.addAll(out.poll(Duration.ofMillis(100)));
    }
    return rows;
  }

  private static final Object[][] INPUT = {
    {"a", 1L, 0L}, {"a", 2L, 100L}, {"b", 5L, 200L}, {"a", 0L, 300L}, {"a", 4L, 1_200L}};

  /** {@code actual} is {@code expected}: in order at one reactor; per key (column 0) in order, and as a multiset, at several. */
  private static void assertEmitted(List<Row> actual, List<Row> expected) {
    if (LaminarConfig.defaults().reactors() == 1) {
      assertThat(actual).containsExactlyElementsOf(expected);
      return;
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    for (Object key : expected.stream().map(r -> r.get(0)).distinct().toList()) {
      assertThat(actual.stream().filter(r -> key.equals(r.get(0))).toList()).as("rows of key %s", key)
          .containsExactlyElementsOf(expected.stream().filter(r -> key.equals(r.get(0))).toList());
    }
  }

  private static Row row(RowKind kind, Object... values) {
    return Row.ofKind(kind, values);
  }

  @Test
  void changesEmitsInsertThenUpdateBeforeAndAfterPairs() {
    assertEmitted(run("EMIT CHANGES", INPUT), List.of(
        row(RowKind.INSERT, "a", 1L, 1L),
        row(RowKind.UPDATE_BEFORE, "a", 1L, 1L), row(RowKind.UPDATE_AFTER, "a", 3L, 2L),
        row(RowKind.INSERT, "b", 5L, 1L),
        row(RowKind.UPDATE_BEFORE, "a", 3L, 2L), row(RowKind.UPDATE_AFTER, "a", 3L, 3L),
        row(RowKind.INSERT, "a", 4L, 1L)));
  }

  @Test
  void onUpdateEmitsTheNewValuePerKey() {
    assertEmitted(run("EMIT ON UPDATE", INPUT), List.of(
        row(RowKind.INSERT, "a", 1L, 1L), row(RowKind.UPDATE_AFTER, "a", 3L, 2L), row(RowKind.INSERT, "b", 5L, 1L),
        row(RowKind.UPDATE_AFTER, "a", 3L, 3L), row(RowKind.INSERT, "a", 4L, 1L)));
  }

  @Test
  void windowCloseAndFinalEmitOncePerWindowInOrder() {
    List<Row> expected = List.of(row(RowKind.INSERT, "a", 3L, 3L), row(RowKind.INSERT, "b", 5L, 1L), row(RowKind.INSERT, "a", 4L, 1L));
    assertEmitted(run("EMIT ON WINDOW CLOSE", INPUT), expected);
    db.execute("DROP STREAM agg");
    db.execute("DROP SOURCE s");
    db.execute("CREATE SOURCE s (k VARCHAR, v BIGINT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
    assertEmitted(run("EMIT FINAL", INPUT), expected);
  }

  @Test
  void anUnchangedResultEmitsNothing() {
    db.execute("CREATE STREAM mx AS SELECT k, MAX(v) AS m FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY k, window_start, window_end EMIT ON UPDATE");
    Subscription out = db.subscribe("mx");
    try (SourceWriter w = db.writer("s")) {
      for (long v : new long[] {1, 1, 2, 2}) {
        w.beginRow();
        w.setString(0, "a");
        w.setLong(1, v);
        w.setTimestampMillis(2, T0);
        w.endRow();
      }
    }
    List<Row> rows = new ArrayList<>();
    while (!out.isFinished()) {
      rows.addAll(out.poll(Duration.ofMillis(100)));
    }
    assertThat(rows).containsExactly(row(RowKind.INSERT, "a", 1L), row(RowKind.UPDATE_AFTER, "a", 2L));
  }

  @Test
  void aChangelogIntoAnAppendOnlySinkIsAPlanningError() {
    db.execute("CREATE STREAM agg AS SELECT k, window_end AS t, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end EMIT CHANGES");
    assertThatThrownBy(() -> db.execute("CREATE SINK out_slow FROM agg WITH ('connector' = 'slow')"))
        .hasMessageContaining("sink 'out_slow' (connector 'slow') is append-only, but 'agg' is a changelog");
    db.execute("CREATE SINK out_mem FROM agg WITH ('connector' = 'memory')"); // accepts changelogs
    assertThatThrownBy(() -> db.execute("CREATE STREAM again AS SELECT window_start, COUNT(*) FROM "
        + "TABLE(TUMBLE(TABLE agg, DESCRIPTOR(t), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end"))
        .hasMessageContaining("over the changelog stream 'agg' is not supported yet");
  }

  @Test
  void everyIntervalEmitsEarlyResultsOfOpenWindowsAsChanges() {
    db.execute("CREATE STREAM early AS SELECT k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' HOUR)) "
        + "GROUP BY k, window_start, window_end EMIT EVERY INTERVAL '0.05' SECOND");
    Subscription out = db.subscribe("early");
    SourceWriter w = db.writer("s");
    for (int i = 0; i < 3; i++) {
      w.beginRow();
      w.setString(0, "a");
      w.setLong(1, i);
      w.setTimestampMillis(2, T0 + i);
      w.endRow();
    }
    w.flush();
    List<Row> rows = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (rows.isEmpty() && System.nanoTime() < deadline) {
      rows.addAll(out.poll(Duration.ofMillis(50)));
    }
    // the window is open for an hour of event time: only the timer can have produced this
    assertThat(rows).containsExactly(row(RowKind.INSERT, "a", 3L));
    w.beginRow();
    w.setString(0, "a");
    w.setLong(1, 9);
    w.setTimestampMillis(2, T0 + 10);
    w.endRow();
    w.flush();
    rows.clear();
    while (rows.size() < 2 && System.nanoTime() < deadline) {
      rows.addAll(out.poll(Duration.ofMillis(50)));
    }
    assertThat(rows).containsExactly(row(RowKind.UPDATE_BEFORE, "a", 3L), row(RowKind.UPDATE_AFTER, "a", 4L));
    w.close();
    rows.clear();
    while (!out.isFinished()) {
      rows.addAll(out.poll(Duration.ofMillis(50)));
    }
    assertThat(rows).as("nothing changed since the last early result").isEmpty();
  }
}
