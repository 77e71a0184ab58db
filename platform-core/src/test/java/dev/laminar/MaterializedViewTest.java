package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.StatementResult;
import dev.laminar.sdk.row.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cascading materialized views (1 s → 10 s → 1 min), point queries of their contents, DROP CASCADE. */
class MaterializedViewTest {
  private static final long T0 = 1_767_225_600_000L;

  @TempDir
  Path data;

  private Laminar db;

  @BeforeEach
  void open() {
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).build());
    db.execute("CREATE SOURCE trades (symbol VARCHAR NOT NULL, price BIGINT NOT NULL, ts TIMESTAMP(3) NOT NULL, "
        + "WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
    db.execute("CREATE MATERIALIZED VIEW bars_1s AS SELECT symbol, window_end AS t, MAX(price) AS high, COUNT(*) AS n "
        + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end");
    db.execute("CREATE MATERIALIZED VIEW bars_10s AS SELECT symbol, window_end AS t, MAX(high) AS high, SUM(n) AS n "
        + "FROM TABLE(TUMBLE(TABLE bars_1s, DESCRIPTOR(t), INTERVAL '10' SECOND)) GROUP BY symbol, window_start, window_end");
    db.execute("CREATE MATERIALIZED VIEW bars_1m AS SELECT symbol, window_end AS t, MAX(high) AS high, SUM(n) AS n "
        + "FROM TABLE(TUMBLE(TABLE bars_10s, DESCRIPTOR(t), INTERVAL '1' MINUTE)) GROUP BY symbol, window_start, window_end");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void push(long count) {
    try (SourceWriter w = db.writer("trades")) {
      for (long i = 0; i < count; i++) {
        w.beginRow();
        w.setString(0, i % 2 == 0 ? "AAPL" : "MSFT");
        w.setLong(1, i);
        w.setTimestampMillis(2, T0 + i * 100);
        w.endRow();
      }
    }
  }

  private void awaitViewRows(String view, long rows) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<Row> shown = db.execute("SHOW VIEWS").rows();
      if (shown.stream().anyMatch(r -> r.get(0).equals(view) && (Long) r.get(2) >= rows)) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError(view + " did not reach " + rows + " rows: " + db.execute("SHOW VIEWS").rows());
  }

  @Test
  void cascadingViewsHoldTheirRollupsAndAnswerPointQueries() {
    push(1_200); // 120 seconds of trades, 5 per second per symbol
    awaitViewRows("bars_1m", 4);
    StatementResult minute = db.execute("SELECT symbol, high, n FROM bars_1m WHERE symbol = 'AAPL'");
    assertThat(minute.kind()).isEqualTo(StatementResult.Kind.ROWS);
    assertThat(minute.rows()).containsExactly(Row.of("AAPL", 598L, 300L), Row.of("AAPL", 1198L, 300L));
  }

  @Test
  void aPointQueryCanAggregateOverTheViewContents() {
    push(1_200);
    awaitViewRows("bars_10s", 24);
    List<Row> perSymbol = db.execute("SELECT symbol, SUM(n) AS trades FROM TABLE(TUMBLE(TABLE bars_10s, DESCRIPTOR(t), "
        + "INTERVAL '1' HOUR)) GROUP BY symbol, window_start, window_end").rows();
    assertThat(OhlcReference.sorted(perSymbol)).containsExactly(Row.of("AAPL", 600L), Row.of("MSFT", 600L));
  }

  @Test
  void showViewsListsThemAndDropCascadeRemovesTheChain() {
    assertThat(db.execute("SHOW VIEWS").rows()).extracting(r -> r.get(0) + " reads " + r.get(3))
        .containsExactly("bars_1s reads trades", "bars_10s reads bars_1s", "bars_1m reads bars_10s");
    assertThat(db.execute("SHOW STREAMS").rows()).isEmpty();
    assertThatThrownBy(() -> db.execute("DROP VIEW bars_1s")).hasMessageContaining("view 'bars_10s'");
    assertThat(db.execute("DROP MATERIALIZED VIEW bars_1s CASCADE").message()).isEqualTo("Dropped bars_1m, bars_10s, bars_1s");
  }

  @Test
  void viewsAreRestoredFromTheDataDirectoryInCreationOrder() {
    db.close();
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).build());
    assertThat(db.execute("SHOW VIEWS").rows()).extracting(r -> r.get(0)).containsExactly("bars_1s", "bars_10s", "bars_1m");
  }
}
