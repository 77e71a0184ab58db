package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.OhlcReference.Trade;
import dev.laminar.api.Laminar;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HOP and CUMULATE aggregates equal an independent computation over the same out-of-order input:
 * a row counts in a window when that window had not closed when the row arrived (watermark per row).
 */
class PaneWindowsDifferentialTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final long BOUND = 300;

  record Window(long start, long end) {}

  private static List<Trade> trades(long seed) {
    Random random = new Random(seed);
    List<Trade> trades = new ArrayList<>();
    long clock = T0;
    String[] symbols = {"AAPL", "MSFT", "NVDA"};
    for (int i = 0; i < 4_000; i++) {
      clock += random.nextInt(4);
      long disorder = random.nextInt(8) == 0 ? random.nextInt(2_500) : random.nextInt(250);
      trades.add(new Trade(symbols[random.nextInt(3)], BigDecimal.valueOf(10_000 + random.nextInt(1_000), 2),
          1 + random.nextInt(100), clock - disorder));
    }
    return trades;
  }

  /** Windows containing {@code ts}: HOP(slide, size) or CUMULATE(step, size). */
  private static List<Window> windows(boolean hop, long pane, long size, long ts) {
    List<Window> out = new ArrayList<>();
    if (hop) {
      long lastStart = Math.floorDiv(ts, pane) * pane;
      for (long start = lastStart; start > ts - size; start -= pane) {
        out.add(new Window(start, start + size));
      }
    } else {
      long cycle = Math.floorDiv(ts, size) * size;
      for (long end = Math.floorDiv(ts, pane) * pane + pane; end <= cycle + size; end += pane) {
        out.add(new Window(cycle, end));
      }
    }
    return out;
  }

  private static List<Row> reference(List<Trade> trades, boolean hop, long pane, long size, long[] late) {
    return reference(trades, hop, pane, size, late, 0);
  }

  /** With ALLOW LATENESS {@code lateness}: a row counts in each window that had not expired (end + lateness > watermark). */
  private static List<Row> reference(List<Trade> trades, boolean hop, long pane, long size, long[] late, long lateness) {
    long wm = Long.MIN_VALUE;
    Map<String, List<Trade>> groups = new LinkedHashMap<>();
    Map<String, Window> windowOf = new LinkedHashMap<>();
    for (Trade t : trades) {
      wm = Math.max(wm, t.ts() - BOUND);
      boolean counted = false;
      for (Window w : windows(hop, pane, size, t.ts())) {
        if (w.end() + lateness > wm) {
          String key = t.symbol() + "|" + w.start() + "|" + w.end();
          groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
          windowOf.put(key, w);
          counted = true;
        }
      }
      if (!counted) {
        late[0]++;
      }
    }
    List<Row> rows = new ArrayList<>();
    groups.forEach((key, g) -> {
      Window w = windowOf.get(key);
      Trade open = g.get(0);
      Trade close = g.get(0);
      BigDecimal high = open.price();
      long volume = 0;
      for (Trade t : g) {
        open = t.ts() < open.ts() ? t : open;
        close = t.ts() >= close.ts() ? t : close;
        high = high.max(t.price());
        volume += t.qty();
      }
      rows.add(Row.of(g.get(0).symbol(), OhlcReference.time(w.start()), OhlcReference.time(w.end()), open.price(), high,
          close.price(), volume, (long) g.size()));
    });
    return OhlcReference.sorted(rows);
  }

  @ParameterizedTest(name = "HOP seed {0}")
  @ValueSource(longs = {1, 7, 99})
  void hopMatchesTheReference(long seed) {
    check(seed, true, "HOP(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)", 1000, 3000);
  }

  @ParameterizedTest(name = "CUMULATE seed {0}")
  @ValueSource(longs = {1, 7, 99})
  void cumulateMatchesTheReference(long seed) {
    check(seed, false, "CUMULATE(TABLE trades, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)", 500, 2000);
  }

  private static void check(long seed, boolean hop, String tvf, long pane, long size) {
    List<Trade> trades = trades(seed);
    long[] late = new long[1];
    List<Row> expected = reference(trades, hop, pane, size, late);
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE trades (symbol VARCHAR NOT NULL, price DECIMAL(10, 2) NOT NULL, qty BIGINT NOT NULL, "
          + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.3' SECOND) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM bars AS SELECT symbol, window_start, window_end, FIRST_VALUE(price) AS open, MAX(price) AS high, "
          + "LAST_VALUE(price) AS close, SUM(qty) AS volume, COUNT(*) AS n FROM TABLE(" + tvf + ") "
          + "GROUP BY symbol, window_start, window_end");
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
      List<Row> actual = OhlcDifferentialTest.drain(bars);
      assertThat(OhlcReference.sorted(actual)).as("seed %d", seed).containsExactlyElementsOf(expected);
      assertThat(db.execute("SHOW STREAMS").rows().get(0).get(2)).as("late rows, seed %d", seed).isEqualTo(late[0]);
    }
  }

  /** EMIT CHANGES on HOP: applying the changelog per (key, window) ends in the ON WINDOW CLOSE results. */
  @ParameterizedTest(name = "HOP CHANGES seed {0}")
  @ValueSource(longs = {4, 9})
  void hopChangesEndInTheReference(long seed) {
    List<Trade> trades = trades(seed);
    long[] late = new long[1];
    List<Row> expected = reference(trades, true, 1000, 3000, late);
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE trades (symbol VARCHAR NOT NULL, price DECIMAL(10, 2) NOT NULL, qty BIGINT NOT NULL, "
          + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.3' SECOND) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM bars AS SELECT symbol, window_start, window_end, FIRST_VALUE(price) AS open, MAX(price) AS high, "
          + "LAST_VALUE(price) AS close, SUM(qty) AS volume, COUNT(*) AS n FROM TABLE(HOP(TABLE trades, DESCRIPTOR(ts), "
          + "INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY symbol, window_start, window_end EMIT CHANGES");
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
      java.util.Map<List<Object>, Row> state = new java.util.LinkedHashMap<>();
      for (Row r : OhlcDifferentialTest.drain(bars)) {
        List<Object> key = List.of(r.get(0), r.get(1), r.get(2));
        switch (r.kind()) {
          case INSERT, UPDATE_AFTER -> state.put(key, Row.of(r.values()));
          case UPDATE_BEFORE, DELETE -> assertThat(state.remove(key)).as("retracted row was current").isEqualTo(Row.of(r.values()));
        }
      }
      assertThat(OhlcReference.sorted(new ArrayList<>(state.values()))).as("seed %d", seed).containsExactlyElementsOf(expected);
    }
  }

  /** HOP with ALLOW LATENESS and LATE DATA TO: corrections applied per (key, window) end in the reference. */
  @ParameterizedTest(name = "HOP lateness seed {0}")
  @ValueSource(longs = {5, 13})
  void hopWithAllowedLatenessEndsInTheReference(long seed) {
    List<Trade> trades = trades(seed);
    long[] late = new long[1];
    List<Row> expected = reference(trades, true, 1000, 3000, late, 1000);
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE trades (symbol VARCHAR NOT NULL, price DECIMAL(10, 2) NOT NULL, qty BIGINT NOT NULL, "
          + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.3' SECOND) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM bars AS SELECT symbol, window_start, window_end, FIRST_VALUE(price) AS open, MAX(price) AS high, "
          + "LAST_VALUE(price) AS close, SUM(qty) AS volume, COUNT(*) AS n FROM TABLE(HOP(TABLE trades, DESCRIPTOR(ts), "
          + "INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY symbol, window_start, window_end "
          + "ALLOW LATENESS INTERVAL '1' SECOND LATE DATA TO too_late");
      Subscription bars = db.subscribe("bars");
      List<Row> lateRows = java.util.Collections.synchronizedList(new ArrayList<>());
      Subscription side = db.subscribe("too_late", batch -> {
        for (int r = 0; r < batch.size(); r++) {
          lateRows.add(batch.toRow(r));
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
      java.util.Map<List<Object>, Row> state = new java.util.LinkedHashMap<>();
      for (Row r : OhlcDifferentialTest.drain(bars)) {
        List<Object> key = List.of(r.get(0), r.get(1), r.get(2));
        switch (r.kind()) {
          case INSERT, UPDATE_AFTER -> state.put(key, Row.of(r.values()));
          case UPDATE_BEFORE, DELETE -> assertThat(state.remove(key)).as("retracted row was current").isEqualTo(Row.of(r.values()));
        }
      }
      assertThat(OhlcReference.sorted(new ArrayList<>(state.values()))).as("seed %d", seed).containsExactlyElementsOf(expected);
      assertThat(side.awaitFinished(java.time.Duration.ofSeconds(30))).isTrue();
      assertThat((long) lateRows.size()).as("rows later than the lateness, seed %d", seed).isEqualTo(late[0]);
      Row stats = db.execute("SHOW STREAMS").rows().stream().filter(r -> r.get(0).equals("bars")).findFirst().orElseThrow();
      assertThat(stats.get(5)).isEqualTo(late[0]);
    }
  }

  @org.junit.jupiter.api.Test
  void hopEmitEveryGivesEarlyResultsOfOpenWindows() {
    try (Laminar db = OhlcDifferentialTest.open()) {
      db.execute("CREATE SOURCE s (k VARCHAR, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM early AS SELECT k, window_start, COUNT(*) AS n FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), "
          + "INTERVAL '1' HOUR, INTERVAL '2' HOUR)) GROUP BY k, window_start, window_end EMIT EVERY INTERVAL '0.05' SECOND");
      Subscription out = db.subscribe("early");
      SourceWriter w = db.writer("s");
      w.beginRow();
      w.setString(0, "a");
      w.setTimestampMillis(1, T0);
      w.endRow();
      w.flush();
      List<Row> rows = new ArrayList<>();
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
      while (rows.size() < 2 && System.nanoTime() < deadline) {
        rows.addAll(out.poll(java.time.Duration.ofMillis(50)));
      }
      // both windows containing T0 are open for hours of event time: only the timer can report them
      assertThat(rows).containsExactlyInAnyOrder(
          Row.of("a", OhlcReference.time(T0), 1L), Row.of("a", OhlcReference.time(T0 - 3_600_000), 1L));
      w.close();
    }
  }
}
