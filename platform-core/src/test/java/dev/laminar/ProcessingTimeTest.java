package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PROCTIME() windows close by the wall clock, also while no rows arrive. */
class ProcessingTimeTest {
  @Test
  void processingTimeWindowsCloseByTheClockWithoutNewRows() {
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE clicks (page VARCHAR, pt AS PROCTIME()) WITH ('connector' = 'memory')");
      assertThat(db.execute("DESCRIBE clicks").rows()).extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(2))
          .contains("pt TIMESTAMP(3) false");
      Subscription counts = db.subscribe("SELECT page, window_start, window_end, COUNT(*) AS n FROM "
          + "TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(pt), INTERVAL '0.2' SECOND)) GROUP BY page, window_start, window_end");
      long before = System.currentTimeMillis();
      SourceWriter w = db.writer("clicks");
      for (int i = 0; i < 50; i++) {
        w.beginRow();
        w.setString(0, "home");
        w.endRow();
      }
      w.flush(); // the writer stays open: only the clock can close the windows
      List<Row> rows = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (rows.stream().mapToLong(r -> (Long) r.get(3)).sum() < 50 && System.nanoTime() < deadline) {
        rows.addAll(counts.poll(Duration.ofMillis(100)));
      }
      long after = System.currentTimeMillis();
      assertThat(rows.stream().mapToLong(r -> (Long) r.get(3)).sum()).isEqualTo(50);
      for (Row r : rows) {
        long start = ((LocalDateTime) r.get(1)).toInstant(ZoneOffset.UTC).toEpochMilli();
        assertThat(start).isBetween(before - 200, after);
      }
      w.close();
    }
  }

  @Test
  void proctimeAndAWatermarkTogetherAreRefused() {
    try (Laminar db = OhlcDifferentialTest.open()) {
      assertThatThrownBy(() -> db.execute("CREATE SOURCE s (ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts) "
          + "WITH ('connector' = 'memory')")).hasMessageContaining("either event time (WATERMARK FOR) or processing time");
    }
  }
}
