package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.OhlcReference.Trade;
import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.StatementResult;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OHLC query's output equals an independent batch computation over the same input. */
class OhlcDifferentialTest {
  static final String BARS = """
      CREATE STREAM bars AS
      SELECT symbol, window_start, window_end,
             FIRST_VALUE(price) AS open, MAX(price) AS high, MIN(price) AS low, LAST_VALUE(price) AS close,
             SUM(qty) AS volume, COUNT(*) AS trades
      FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
      GROUP BY symbol, window_start, window_end
      EMIT ON WINDOW CLOSE
      """;

  static Laminar open() {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).batchSize(64).build());
  }

  static List<Row> drain(Subscription s) {
    List<Row> rows = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!s.isFinished() && System.nanoTime() < deadline) {
      rows.addAll(s.poll(Duration.ofMillis(200)));
    }
    assertThat(s.isFinished()).as("stream finished within 60 s").isTrue();
    return rows;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void randomOutOfOrderTradesMatchTheReference(long seed) {
    Random random = new Random(seed);
    long bound = 300;
    List<Trade> trades = new ArrayList<>();
    long clock = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    String[] symbols = {"AAPL", "MSFT", "NVDA"};
    for (int i = 0; i < 5_000; i++) {
      clock += random.nextInt(3);
      long disorder = random.nextInt(10) == 0 ? random.nextInt(1_500) : random.nextInt(200); // some rows are late
      BigDecimal price = BigDecimal.valueOf(10_000 + random.nextInt(1_000), 2);
      trades.add(new Trade(symbols[random.nextInt(symbols.length)], price, 1 + random.nextInt(100), clock - disorder));
    }
    OhlcReference.Result expected = OhlcReference.compute(trades, 1000, bound);
    assertThat(expected.late()).as("the input has late rows").isPositive();

    try (Laminar db = open()) {
      db.execute("CREATE SOURCE trades (symbol VARCHAR NOT NULL, price DECIMAL(10, 2) NOT NULL, qty BIGINT NOT NULL, "
          + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.3' SECOND) WITH ('connector' = 'memory')");
      db.execute(BARS);
      Subscription bars = db.subscribe("bars");
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
      List<Row> actual = drain(bars);
      assertThat(OhlcReference.sorted(actual)).as("seed %d", seed).containsExactlyElementsOf(expected.bars());
      StatementResult streams = db.execute("SHOW STREAMS");
      assertThat(streams.rows()).singleElement().satisfies(r -> assertThat(r.get(2)).as("late rows counted, seed %d", seed)
          .isEqualTo(expected.late()));
    }
  }

  @Test
  void readmeExampleQueryOverDatagenMatchesTheReference() throws Exception {
    String script = Files.readString(Path.of("../examples/ohlc.sql"))
        .replace("'rows-per-second' = '5000'", "'rows-per-second' = '0'");
    script = script.substring(0, script.indexOf("CREATE SINK"));
    try (Laminar db = open()) {
      db.executeScript(script);
      List<Row> rawRows = java.util.Collections.synchronizedList(new ArrayList<>());
      Subscription raw = db.subscribe("trades", batch -> {
        for (int r = 0; r < batch.size(); r++) {
          rawRows.add(batch.toRow(r));
        }
      });
      Subscription bars = db.subscribe("bars");
      List<Row> barRows = drain(bars);
      assertThat(raw.awaitFinished(Duration.ofSeconds(30))).isTrue();
      List<Trade> trades = rawRows.stream().map(r -> new Trade((String) r.get(0), (BigDecimal) r.get(1),
          ((Integer) r.get(2)).longValue(), OhlcReference.millis(r.get(3)))).toList();
      assertThat(trades).hasSize(20_000);
      OhlcReference.Result expected = OhlcReference.compute(trades, 1000, 1000);
      List<Row> normalised = barRows.stream().map(r -> Row.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6),
          ((Number) r.get(7)).longValue(), r.get(8))).toList();
      assertThat(expected.late()).isZero();
      assertThat(OhlcReference.sorted(normalised)).containsExactlyElementsOf(expected.bars());
    }
  }
}
