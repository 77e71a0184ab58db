package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void ohlcExampleRuns() throws Exception {
    String sql = Files.readString(Path.of("../examples/ohlc.sql")).replace("'rows-per-second' = '5000'", "'rows-per-second' = '0'");
    sql = sql.substring(0, sql.indexOf("CREATE SINK"));
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.executeScript(sql);
      Subscription s = db.subscribe("bars");
      List<Row> rows = new ArrayList<>();
      while (!s.isFinished()) {
        rows.addAll(s.poll(Duration.ofSeconds(1)));
      }
      rows.forEach(System.out::println);
      assertThat(rows).hasSize(4 * 20 + 4);
      assertThat(db.failures()).isEmpty();
    }
  }
}
