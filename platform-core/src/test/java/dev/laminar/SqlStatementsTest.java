package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.LaminarException;
import dev.laminar.api.StatementResult;
import dev.laminar.sdk.row.Row;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each DDL statement and the catalog statements (SHOW, DESCRIBE, EXPLAIN, DROP). */
class SqlStatementsTest {
  static final String TRADES = "CREATE SOURCE trades (symbol VARCHAR, price DOUBLE, ts TIMESTAMP(3), "
      + "WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '10')";
  static final String BARS = "CREATE STREAM bars AS SELECT symbol, window_start, window_end, MAX(price) AS high "
      + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end";

  private Laminar db;

  @BeforeEach
  void open() {
    db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private List<Row> rows(String sql) {
    StatementResult r = db.execute(sql);
    assertThat(r.kind()).isEqualTo(StatementResult.Kind.ROWS);
    return r.rows();
  }

  @Test
  void createSourceRegistersColumnsAndWatermark() {
    assertThat(db.execute(TRADES).message()).isEqualTo("Created source trades");
    assertThat(rows("DESCRIBE trades")).containsExactly(
        Row.of("symbol", "VARCHAR", true, ""),
        Row.of("price", "DOUBLE", true, ""),
        Row.of("ts", "TIMESTAMP(3)", true, "WATERMARK ts - 2000 ms"),
        Row.of("(source)", "connector datagen", null, "CREATED, rows read 0"));
    assertThat(rows("SHOW SOURCES")).containsExactly(Row.of("trades", "datagen", "CREATED", 0L));
  }

  @Test
  void createSourceIfNotExistsKeepsTheFirstAndPlainCreateRefusesADuplicate() {
    db.execute(TRADES);
    assertThat(db.execute(TRADES.replace("CREATE SOURCE", "CREATE SOURCE IF NOT EXISTS")).message()).contains("already exists");
    assertThatThrownBy(() -> db.execute(TRADES)).hasMessageContaining("a source named 'trades' already exists");
  }

  @Test
  void createStreamAndSinkFromStreamAndSinkAsSelect() {
    db.execute(TRADES);
    db.execute(BARS);
    assertThat(rows("DESCRIBE STREAM bars")).extracting(r -> r.get(0) + " " + r.get(1)).containsExactly(
        "symbol VARCHAR", "window_start TIMESTAMP(3)", "window_end TIMESTAMP(3)", "high DOUBLE", "(stream) reads trades");
    db.execute("CREATE SINK s1 FROM bars WITH ('connector' = 'memory')");
    db.execute("CREATE SINK s2 WITH ('connector' = 'memory') AS SELECT symbol, price * 2 AS doubled FROM trades WHERE price > 500");
    assertThat(db.awaitCompletion(java.time.Duration.ofSeconds(30))).isTrue();
    assertThat(db.failures()).isEmpty();
    assertThat(db.sinkRows("s2")).allSatisfy(r -> assertThat((Double) r.get(1)).isGreaterThan(1000));
    assertThat(db.sinkRows("s1")).isNotEmpty();
    assertThat(rows("SHOW SINKS")).extracting(r -> r.get(0) + " " + r.get(2) + " " + r.get(3))
        .containsExactly("s1 bars FINISHED", "s2 trades FINISHED");
    assertThat(rows("SHOW STREAMS")).extracting(r -> r.get(0)).containsExactly("bars");
  }

  @Test
  void dropRefusesWhileDependentsExistAndCascadeDropsThem() {
    db.execute(TRADES);
    db.execute(BARS);
    db.execute("CREATE SINK bars_out FROM bars WITH ('connector' = 'memory')");
    assertThatThrownBy(() -> db.execute("DROP SOURCE trades"))
        .hasMessageContaining("cannot drop source 'trades'").hasMessageContaining("stream 'bars'").hasMessageContaining("CASCADE");
    assertThat(db.execute("DROP SINK bars_out").message()).isEqualTo("Dropped bars_out");
    assertThat(db.execute("DROP SOURCE trades CASCADE").message()).isEqualTo("Dropped bars, trades");
    assertThat(rows("SHOW SOURCES")).isEmpty();
    assertThat(rows("SHOW STREAMS")).isEmpty();
  }

  @Test
  void dropIfExistsIsQuietAndDropOfTheWrongKindIsAnError() {
    assertThat(db.execute("DROP STREAM IF EXISTS nothing").message()).isEqualTo("No stream named nothing");
    assertThatThrownBy(() -> db.execute("DROP STREAM nothing")).hasMessageContaining("no stream named 'nothing'");
    db.execute(TRADES);
    assertThatThrownBy(() -> db.execute("DROP STREAM trades")).hasMessageContaining("'trades' is a source, not a stream");
  }

  @Test
  void showConnectorsListsTheBuiltIns() {
    assertThat(rows("SHOW CONNECTORS")).extracting(r -> r.get(0) + " " + r.get(1))
        .containsExactly("console [SINK]", "datagen [SOURCE]", "filesystem [SINK]", "memory [LOOKUP, SINK, SOURCE]");
  }

  @Test
  void describeConnectorListsItsOptions() {
    assertThat(rows("DESCRIBE CONNECTOR console")).extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(3))
        .containsExactly("format ENUM table", "target ENUM stdout", "print-identifier STRING null");
  }

  @Test
  void explainShowsTheLogicalAndPhysicalPlans() {
    db.execute(TRADES);
    List<String> lines = rows("EXPLAIN " + BARS.substring(BARS.indexOf("SELECT"))).stream().map(r -> (String) r.get(0)).toList();
    assertThat(lines).contains("== Logical plan (Calcite) ==", "== Physical plan ==");
    assertThat(String.join("\n", lines)).contains("LogicalTableFunctionScan").contains("WindowAggregate(tumble=1000 ms")
        .contains("Tumble(time=ts, size=1000 ms)").contains("Scan(trades)");
  }

  @Test
  void explainSaysWhetherExpressionsAndAggregateUpdatesAreCompiled() {
    db.execute(TRADES);
    String plan = String.join("\n", rows("EXPLAIN SELECT symbol, window_start, COUNT(*) AS n, COUNT(DISTINCT price) AS dp "
        + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) WHERE price > 1 "
        + "GROUP BY symbol, window_start, window_end").stream().map(r -> (String) r.get(0)).toList());
    assertThat(plan).as("in the state store a distinct count is generated over its set").contains("update=compiled,")
        .contains("code=compiled");
    TestProperties.with(dev.laminar.sql.plan.WindowAggregateNode.STATE_STORE_PROPERTY, "false", () -> {
      String heap = String.join("\n", rows("EXPLAIN SELECT symbol, window_start, COUNT(*) AS n, COUNT(DISTINCT price) AS dp "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) WHERE price > 1 "
          + "GROUP BY symbol, window_start, window_end").stream().map(r -> (String) r.get(0)).toList());
      assertThat(heap).contains("update=compiled (interpreted: [COUNT(DISTINCT price)])");
    });
    TestProperties.with(dev.laminar.runtime.codegen.AggregateCompiler.ENABLED_PROPERTY, "false", () -> {
      String interpreted = String.join("\n", rows("EXPLAIN SELECT symbol, window_start, COUNT(*) AS n "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end")
          .stream().map(r -> (String) r.get(0)).toList());
      assertThat(interpreted).contains("update=interpreted");
    });
  }

  @Test
  void createOrReplaceIsRefusedNotIgnored() {
    assertThatThrownBy(() -> db.execute(TRADES.replace("CREATE SOURCE", "CREATE OR REPLACE SOURCE")))
        .hasMessageContaining("CREATE OR REPLACE is not supported yet");
  }

  @Test
  void unsupportedEmitModesAreRejectedWithTheirName() {
    db.execute(TRADES);
    assertThatThrownBy(() -> db.execute(BARS.replace("TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)",
        "SESSION(TABLE trades, DESCRIPTOR(ts), DESCRIPTOR(symbol), INTERVAL '1' SECOND)") + " EMIT FINAL ALLOW LATENESS INTERVAL '1' SECOND"))
        .isInstanceOf(LaminarException.class).hasMessageContaining("EMIT FINAL with ALLOW LATENESS");
  }

  @Test
  void dataDirectoryKeepsTheCatalogAcrossRestarts(@TempDir Path dir) {
    LaminarConfig config = LaminarConfig.builder().pluginsDirectory(null).dataDirectory(dir).build();
    try (Laminar first = Laminar.open(config)) {
      first.execute(TRADES);
      first.execute(BARS);
    }
    try (Laminar second = Laminar.open(config)) {
      assertThat(second.execute("SHOW STREAMS").rows()).extracting(r -> r.get(0)).containsExactly("bars");
      assertThat(second.execute("DESCRIBE trades").rows()).hasSize(4);
      second.execute("DROP SOURCE trades CASCADE");
    }
    try (Laminar third = Laminar.open(config)) {
      assertThat(third.execute("SHOW SOURCES").rows()).isEmpty();
    }
  }
}
