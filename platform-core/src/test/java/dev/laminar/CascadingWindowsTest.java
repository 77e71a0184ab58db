package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.OhlcReference.Trade;
import dev.laminar.api.Laminar;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Windowed streams can be windowed again: 1-second bars rolled up into 10-second bars equal
 * 10-second bars computed directly from the trades (a bar's event time is its window_end − 1 ms).
 */
class CascadingWindowsTest {
  @Test
  void oneSecondBarsRollUpIntoTheSameTenSecondBarsAsTheTradesGive() {
    Random random = new Random(5);
    long clock = 1_767_225_600_000L;
    List<Trade> trades = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      clock += random.nextInt(10);
      trades.add(new Trade(i % 3 == 0 ? "AAPL" : "MSFT", BigDecimal.valueOf(10_000 + random.nextInt(1_000), 2),
          1 + random.nextInt(50), clock - random.nextInt(200)));
    }
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE trades (symbol VARCHAR NOT NULL, price DECIMAL(10, 2) NOT NULL, qty BIGINT NOT NULL, "
          + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.5' SECOND) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM bars_1s AS SELECT symbol, window_end AS bar_time, FIRST_VALUE(price) AS open, MAX(price) AS high, "
          + "MIN(price) AS low, LAST_VALUE(price) AS close, SUM(qty) AS volume "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end");
      assertThat(db.execute("DESCRIBE bars_1s").rows()).extracting(r -> r.get(0) + " " + r.get(1)).contains("bar_time TIMESTAMP(3)");
      db.execute("CREATE STREAM bars_10s AS SELECT symbol, window_start, FIRST_VALUE(open) AS open, MAX(high) AS high, "
          + "MIN(low) AS low, LAST_VALUE(close) AS close, SUM(volume) AS volume "
          + "FROM TABLE(TUMBLE(TABLE bars_1s, DESCRIPTOR(bar_time), INTERVAL '10' SECOND)) GROUP BY symbol, window_start, window_end");
      db.execute("CREATE STREAM direct_10s AS SELECT symbol, window_start, FIRST_VALUE(price) AS open, MAX(price) AS high, "
          + "MIN(price) AS low, LAST_VALUE(price) AS close, SUM(qty) AS volume "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY symbol, window_start, window_end");
      Subscription cascaded = db.subscribe("bars_10s");
      List<Row> directRows = new ArrayList<>();
      Subscription directListener = db.subscribe("direct_10s", batch -> {
        for (int r = 0; r < batch.size(); r++) {
          synchronized (directRows) {
            directRows.add(batch.toRow(r));
          }
        }
      });
      try (SourceWriter w = db.writer("trades")) {
        for (Trade t : trades) {
          w.beginRow();
          w.setString(0, t.symbol());
          w.setDecimal(1, t.price());
          w.setLong(2, t.qty());
          w.setTimestampMillis(3, t.ts());
          w.endRow();
        }
      }
      List<Row> cascadedRows = OhlcDifferentialTest.drain(cascaded);
      assertThat(directListener.awaitFinished(java.time.Duration.ofSeconds(30))).isTrue();
      assertThat(cascadedRows).as("2 symbols x 3 or more windows").hasSizeGreaterThanOrEqualTo(6);
      assertThat(OhlcReference.sorted(cascadedRows)).containsExactlyElementsOf(OhlcReference.sorted(directRows));
      assertThat(db.execute("SHOW STREAMS").rows()).allSatisfy(r -> assertThat(r.get(2)).as("late rows of %s", r.get(0)).isEqualTo(0L));
    }
  }

  @Test
  void windowTimeIsWindowEndMinusOneMillisecondAndCascades() {
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE t (k VARCHAR, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM per_second AS SELECT k, window_time AS second_time, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE t, "
          + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end, window_time");
      assertThat(db.execute("DESCRIBE per_second").rows()).extracting(r -> r.get(0) + " " + r.get(1)).contains("second_time TIMESTAMP(3)");
      Subscription per10 = db.subscribe("SELECT k, window_start, window_time, SUM(n) AS n FROM TABLE(HOP(TABLE per_second, "
          + "DESCRIPTOR(second_time), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end, window_time");
      try (SourceWriter w = db.writer("t")) {
        for (int i = 0; i < 100; i++) {
          w.beginRow();
          w.setString(0, "a");
          w.setTimestampMillis(1, 1_767_225_600_000L + i * 200L); // 20 s of rows, 5 per second
          w.endRow();
        }
      }
      List<Row> rows = OhlcReference.sorted(OhlcDifferentialTest.drain(per10));
      long t0 = 1_767_225_600_000L;
      assertThat(rows).containsExactlyInAnyOrder(
          Row.of("a", OhlcReference.time(t0), OhlcReference.time(t0 + 9_999), 50L),
          Row.of("a", OhlcReference.time(t0 + 10_000), OhlcReference.time(t0 + 19_999), 50L),
          Row.of("a", OhlcReference.time(t0 + 15_000), OhlcReference.time(t0 + 24_999), 25L),
          Row.of("a", OhlcReference.time(t0 - 5_000), OhlcReference.time(t0 + 4_999), 25L),
          Row.of("a", OhlcReference.time(t0 + 5_000), OhlcReference.time(t0 + 14_999), 50L));
    }
  }
}
