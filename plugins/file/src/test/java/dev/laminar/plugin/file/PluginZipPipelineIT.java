package dev.laminar.plugin.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.sdk.row.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the packaged plugin zip from a plugins directory into a real engine and runs a pipeline
 * through it: file source (CSV) → windowed SQL → file sink (JSON lines).
 */
class PluginZipPipelineIT {
  @Test
  void pipelineRunsThroughThePluginLoadedFromItsZip(@TempDir Path dir) throws Exception {
    Path zip = Path.of(System.getProperty("plugin.zip"));
    assertThat(zip).exists();
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    Path input = dir.resolve("trades.csv");
    Files.writeString(input, """
        symbol,price,ts
        AAPL,10,2026-01-01T00:00:00.100
        AAPL,12,2026-01-01T00:00:00.900
        MSFT,20,2026-01-01T00:00:00.500
        AAPL,11,2026-01-01T00:00:01.200
        """);
    Path output = dir.resolve("bars.jsonl");
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).build())) {
      List<Row> connectors = db.execute("SHOW CONNECTORS").rows();
      assertThat(connectors).anySatisfy(r -> {
        assertThat(r.get(0)).isEqualTo("file");
        assertThat((String) r.get(2)).startsWith("plugin file ");
      });
      db.executeScript("""
          CREATE SOURCE trades (symbol VARCHAR, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
            WITH ('connector' = 'file', 'path' = '%s', 'format' = 'csv');
          CREATE SINK bars WITH ('connector' = 'file', 'path' = '%s', 'format' = 'json') AS
            SELECT symbol, window_start, SUM(price) AS total, COUNT(*) AS n
            FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
            GROUP BY symbol, window_start, window_end;
          """.formatted(input, output));
      assertThat(db.awaitCompletion(Duration.ofSeconds(30))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    List<String> lines = Files.readAllLines(output);
    assertThat(lines).hasSize(3);
    assertThat(String.join("\n", lines)).contains("\"symbol\":\"AAPL\"").contains("\"total\":22").contains("\"total\":11")
        .contains("\"symbol\":\"MSFT\"");
  }
}
