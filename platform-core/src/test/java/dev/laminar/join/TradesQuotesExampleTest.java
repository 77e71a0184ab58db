package dev.laminar.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.sdk.row.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's trade-and-quote example ({@code examples/trades-quotes.sql}) runs and gives what it promises. */
class TradesQuotesExampleTest {
  @Test
  void everyTradeGetsTheQuoteInForceAndItsCompanyName() throws Exception {
    String script = Files.readString(Path.of("..", "examples", "trades-quotes.sql"));
    String withoutConsole = script.substring(0, script.indexOf("CREATE SINK enriched_out"));
    try (Laminar db = JoinTestSupport.open()) {
      db.executeScript(withoutConsole);
      List<Row> quotes = JoinTestSupport.drain(db.subscribe("SELECT symbol, bid, ts FROM quotes"));
      List<Row> rows = JoinTestSupport.drain(db.subscribe("enriched"));
      assertThat(rows).hasSize(12);
      for (Row r : rows) {
        LocalDateTime ts = (LocalDateTime) r.get(0);
        assertThat(r.get(2)).isEqualTo(r.get(1).equals("AAPL") ? "Apple" : "Microsoft");
        // the latest quote of the symbol at or before the trade, at most 1 s older (the quotes stream, read on its own)
        Row expected = quotes.stream().filter(q -> q.get(0).equals(r.get(1)) && !((LocalDateTime) q.get(2)).isAfter(ts)
            && !((LocalDateTime) q.get(2)).isBefore(ts.minus(Duration.ofSeconds(1))))
            .reduce((a, b) -> ((LocalDateTime) b.get(2)).isBefore((LocalDateTime) a.get(2)) ? a : b).orElse(null);
        assertThat(r.get(5)).as("bid of %s", r).isEqualTo(expected == null ? null : expected.get(1));
        assertThat(r.get(7)).isEqualTo(expected == null ? null : expected.get(2));
      }
      assertThat(rows).anyMatch(r -> r.get(5) != null);
    }
  }
}
