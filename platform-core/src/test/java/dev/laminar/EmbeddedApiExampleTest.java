package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's embedded API example, verbatim between the markers. */
class EmbeddedApiExampleTest {
  @Test
  void readmeExampleRuns() {
    // README-EXAMPLE-START
    try (Laminar db = Laminar.open()) {
      db.execute("""
          CREATE SOURCE trades (symbol VARCHAR, price DOUBLE, ts TIMESTAMP(3),
                                WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
          WITH ('connector' = 'memory')""");
      Subscription bars = db.subscribe("""
          SELECT symbol, window_start, MAX(price) AS high, COUNT(*) AS trades
          FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
          GROUP BY symbol, window_start, window_end""");
      try (SourceWriter w = db.writer("trades")) {         // close() ends the input
        long t0 = 1_767_225_600_000L;                       // 2026-01-01T00:00:00Z
        for (int i = 0; i < 3_000; i++) {
          w.beginRow();
          w.setString(0, i % 2 == 0 ? "AAPL" : "MSFT");
          w.setDouble(1, 100 + i % 7);
          w.setTimestampMillis(2, t0 + i);
          w.endRow();
        }
      }
      List<Row> rows = new ArrayList<>();
      while (!bars.isFinished()) {                            // ends when the input has ended
        rows.addAll(bars.poll(Duration.ofMillis(100)));
      }                                                       // six bars: 2 symbols x 3 seconds
      rows.forEach(System.out::println);
      // README-EXAMPLE-END
      assertThat(rows).hasSize(6).contains(Row.of("AAPL", LocalDateTime.of(2026, 1, 1, 0, 0), 106.0, 500L));
    }
  }
}
