package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SESSION windows: per key, merging when an event bridges two sessions, emitted when they close. */
class SessionWindowTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final String QUERY = "SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total, FIRST_VALUE(v) AS first_v "
      + "FROM TABLE(SESSION(TABLE s, DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end";

  private Laminar db;

  @BeforeEach
  void open() {
    db = OhlcDifferentialTest.open();
    db.execute("CREATE SOURCE s (k VARCHAR, v BIGINT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.5' SECOND) "
        + "WITH ('connector' = 'memory')");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private List<Row> run(long[][] rows) {
    Subscription out = db.subscribe(QUERY);
    try (SourceWriter w = db.writer("s")) {
      for (long[] r : rows) {
        w.beginRow();
        w.setString(0, r[0] == 0 ? "a" : "b");
        w.setLong(1, r[1]);
        w.setTimestampMillis(2, T0 + r[2]);
        w.endRow();
      }
    }
    return OhlcReference.sorted(OhlcDifferentialTest.drain(out));
  }

  private static Row session(String k, long start, long end, long n, long total, long first) {
    return Row.of(k, OhlcReference.time(T0 + start), OhlcReference.time(T0 + end), n, total, first);
  }

  @Test
  void aBridgingEventMergesTwoSessionsAndClosedSessionsAreNotReopened() {
    // a@0 and a@1400 are separate sessions until a@700 bridges them; b@100 is its own session;
    // after a@5000 (watermark 4500) every earlier session has closed, so a@2000 cannot join one and is late
    List<Row> rows = run(new long[][] {{0, 1, 0}, {0, 2, 1_400}, {0, 3, 700}, {1, 10, 100}, {0, 4, 5_000}, {0, 5, 2_000}});
    assertThat(rows).containsExactly(
        session("a", 0, 2_400, 3, 6, 1),
        session("a", 5_000, 6_000, 1, 4, 4),
        session("b", 100, 1_100, 1, 10, 10));
    assertThat(db.execute("SHOW STREAMS").rows()).isEmpty();
  }

  @Test
  void emitChangesRetractsSessionsThatAMergeAbsorbs() {
    db.execute("CREATE STREAM sessions AS SELECT k, window_start, window_end, COUNT(*) AS n FROM TABLE(SESSION(TABLE s, "
        + "DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end EMIT CHANGES");
    Subscription changes = db.subscribe("sessions");
    try (SourceWriter w = db.writer("s")) {
      for (long[] r : new long[][] {{0, 1, 0}, {0, 2, 1_400}, {0, 3, 700}}) {
        w.beginRow();
        w.setString(0, "a");
        w.setLong(1, r[1]);
        w.setTimestampMillis(2, T0 + r[2]);
        w.endRow();
      }
    }
    List<Row> rows = OhlcDifferentialTest.drain(changes);
    assertThat(rows).containsExactly(
        Row.ofKind(dev.laminar.sdk.row.RowKind.INSERT, "a", OhlcReference.time(T0), OhlcReference.time(T0 + 1_000), 1L),
        Row.ofKind(dev.laminar.sdk.row.RowKind.INSERT, "a", OhlcReference.time(T0 + 1_400), OhlcReference.time(T0 + 2_400), 1L),
        // a@700 bridges both: the later session is retracted, the earlier one grows to [0, 2400)
        Row.ofKind(dev.laminar.sdk.row.RowKind.DELETE, "a", OhlcReference.time(T0 + 1_400), OhlcReference.time(T0 + 2_400), 1L),
        Row.ofKind(dev.laminar.sdk.row.RowKind.UPDATE_BEFORE, "a", OhlcReference.time(T0), OhlcReference.time(T0 + 1_000), 1L),
        Row.ofKind(dev.laminar.sdk.row.RowKind.UPDATE_AFTER, "a", OhlcReference.time(T0), OhlcReference.time(T0 + 2_400), 3L));
  }

  @Test
  void emitEveryReportsAnOpenSessionBeforeItCloses() {
    db.execute("CREATE STREAM early AS SELECT k, window_start, COUNT(*) AS n FROM TABLE(SESSION(TABLE s, DESCRIPTOR(ts), "
        + "DESCRIPTOR(k), INTERVAL '1' HOUR)) GROUP BY k, window_start, window_end EMIT EVERY INTERVAL '0.05' SECOND");
    Subscription out = db.subscribe("early");
    SourceWriter w = db.writer("s");
    for (int i = 0; i < 2; i++) {
      w.beginRow();
      w.setString(0, "a");
      w.setLong(1, i);
      w.setTimestampMillis(2, T0 + i);
      w.endRow();
    }
    w.flush();
    List<Row> rows = new ArrayList<>();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (rows.isEmpty() && System.nanoTime() < deadline) {
      rows.addAll(out.poll(java.time.Duration.ofMillis(50)));
    }
    assertThat(rows).containsExactly(Row.of("a", OhlcReference.time(T0), 2L)); // the session is open for an hour
    w.close();
  }

  @Test
  void aSessionKeyThatIsNotGroupedIsRefused() {
    assertThatThrownBy(() -> db.subscribe("SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE s, DESCRIPTOR(ts), DESCRIPTOR(k), "
        + "INTERVAL '1' SECOND)) GROUP BY window_start, window_end")).hasMessageContaining("SESSION key 'k' must be in the GROUP BY");
  }

  /** A reference: per key, sessions of the rows in arrival order, closed when the watermark reaches their end. */
  private static List<Row> reference(List<long[]> input, long gap, long bound, long[] late) {
    long wm = Long.MIN_VALUE;
    Map<Long, List<long[]>> open = new LinkedHashMap<>(); // key -> sessions {start, end, n, sum, firstTs, firstV}
    List<Row> out = new ArrayList<>();
    for (long[] r : input) {
      wm = Math.max(wm, r[2] - bound);
      emitClosed(open, wm, out);
      List<long[]> sessions = open.computeIfAbsent(r[0], k -> new ArrayList<>());
      long start = r[2];
      long end = r[2] + gap;
      List<long[]> touching = new ArrayList<>();
      for (long[] s : sessions) {
        if (r[2] <= s[1] && r[2] + gap >= s[0]) {
          touching.add(s);
          start = Math.min(start, s[0]);
          end = Math.max(end, s[1]);
        }
      }
      if (end <= wm) {
        late[0]++;
        continue;
      }
      long[] merged = {start, end, 1, r[1], r[2], r[1]};
      for (long[] s : touching) {
        merged[2] += s[2];
        merged[3] += s[3];
        if (s[4] <= merged[4]) {
          merged[4] = s[4];
          merged[5] = s[5];
        }
      }
      sessions.removeAll(touching);
      sessions.add(merged);
    }
    emitClosed(open, Long.MAX_VALUE, out);
    return OhlcReference.sorted(out);
  }

  private static void emitClosed(Map<Long, List<long[]>> open, long wm, List<Row> out) {
    for (Map.Entry<Long, List<long[]>> e : open.entrySet()) {
      e.getValue().removeIf(s -> {
        if (s[1] <= wm) {
          out.add(session(e.getKey() == 0 ? "a" : "b", s[0], s[1], s[2], s[3], s[5]));
          return true;
        }
        return false;
      });
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {3, 8, 21})
  void randomStreamsMatchTheReference(long seed) {
    Random random = new Random(seed);
    List<long[]> input = new ArrayList<>();
    long clock = 0;
    for (int i = 0; i < 800; i++) {
      clock += random.nextInt(400);
      long disorder = random.nextInt(10) == 0 ? random.nextInt(3_000) : random.nextInt(400);
      input.add(new long[] {random.nextInt(2), random.nextInt(100), Math.max(0, clock - disorder)});
    }
    long[] late = new long[1];
    List<Row> expected = reference(input, 1_000, 500, late);
    assertThat(run(input.toArray(long[][]::new))).as("seed %d", seed).containsExactlyElementsOf(expected);
  }
}
