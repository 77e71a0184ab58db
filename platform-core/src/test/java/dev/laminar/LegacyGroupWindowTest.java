package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The legacy {@code GROUP BY TUMBLE(ts, size)} form gives what the TUMBLE table function gives. */
class LegacyGroupWindowTest {
  private static final long T0 = 1_767_225_600_000L;

  @Test
  void legacyTumbleEqualsTheTableFunction() {
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE s (k VARCHAR, v BIGINT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND) "
          + "WITH ('connector' = 'memory')");
      List<Row> legacyRows = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      Subscription legacy = db.subscribe("SELECT k, TUMBLE_START(ts, INTERVAL '1' SECOND) AS ws, TUMBLE_END(ts, INTERVAL '1' SECOND) AS we, "
          + "COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)", batch -> {
            for (int r = 0; r < batch.size(); r++) {
              legacyRows.add(batch.toRow(r));
            }
          });
      Subscription tvf = db.subscribe("SELECT k, window_start AS ws, window_end AS we, COUNT(*) AS n, SUM(v) AS total "
          + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end");
      Random random = new Random(11);
      try (SourceWriter w = db.writer("s")) {
        for (int i = 0; i < 3_000; i++) {
          w.beginRow();
          w.setString(0, "k" + random.nextInt(3));
          w.setLong(1, random.nextInt(100));
          w.setTimestampMillis(2, T0 + i * 3L - random.nextInt(300));
          w.endRow();
        }
      }
      List<Row> expected = OhlcReference.sorted(OhlcDifferentialTest.drain(tvf));
      assertThat(expected).hasSizeGreaterThan(20);
      assertThat(legacy.awaitFinished(java.time.Duration.ofSeconds(30))).isTrue();
      assertThat(OhlcReference.sorted(legacyRows)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void legacyHopAndANonTimeColumnAreRefusedWithAPointer() {
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE s (k VARCHAR, other TIMESTAMP(3), ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) "
          + "WITH ('connector' = 'memory')");
      assertThatThrownBy(() -> db.subscribe("SELECT COUNT(*) FROM s GROUP BY HOP(ts, INTERVAL '1' SECOND, INTERVAL '2' SECOND)"))
          .hasMessageContaining("GROUP BY HOP(...) is not supported; use the table function");
      assertThatThrownBy(() -> db.subscribe("SELECT COUNT(*) FROM s GROUP BY TUMBLE(other, INTERVAL '1' SECOND)"))
          .hasMessageContaining("must use the event-time column 'ts'");
    }
  }
}
