package dev.laminar.join;

import static dev.laminar.join.JoinTestSupport.In;
import static dev.laminar.join.JoinTestSupport.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Joins on exact inputs: output rows, when outer rows are emitted, composition with windows, and the planning errors. */
class JoinTest {
  private Laminar db;

  @BeforeEach
  void open() {
    db = JoinTestSupport.open();
    JoinTestSupport.createSources(db, 0);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void intervalJoinMatchesWithinTheBoundInclusive() {
    List<Row> out = JoinTestSupport.run(db, "SELECT l.k, l.v, r.v AS rv FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND",
        List.of(In.r("a", 1, 0), In.l("a", 10, 0), In.l("b", 13, 500), In.l("a", 11, 1_000), In.l("a", 12, 1_001), In.r("b", 3, 400),
            In.r("b", 2, 600), In.r("b", 4, 450))); // b@450 is late (the watermark is at 600, bound 0): dropped
    assertThat(JoinTestSupport.sortedStrings(out)).containsExactly("[a, 10, 1]", "[a, 11, 1]", "[b, 13, 3]");
  }

  @Test
  void leftJoinEmitsTheUnmatchedRowWhenTheOtherSidesWatermarkPassesItsBound() {
    Subscription sub = db.subscribe("SELECT l.k, l.v, r.v AS rv FROM l LEFT JOIN r ON l.k = r.k AND r.ts BETWEEN l.ts AND l.ts + INTERVAL '1' SECOND");
    try (var l = db.writer("l"); var r = db.writer("r")) {
      l.beginRow();
      l.setString(0, "a");
      l.setLong(1, 1);
      l.setTimestampMillis(2, JoinTestSupport.T0);
      l.endRow();
      l.flush();
      r.beginRow();
      r.setString(0, "z");
      r.setLong(1, 9);
      r.setTimestampMillis(2, JoinTestSupport.T0 + 1_001); // the right watermark passes a@0 + 1 s: no match can come
      r.endRow();
      r.flush();
      // both inputs are still open, yet the padded row is out
      List<Row> first = sub.poll(java.time.Duration.ofSeconds(30));
      assertThat(first).extracting(Row::toString).containsExactly("[a, 1, null]");
    }
    assertThat(JoinTestSupport.drain(sub)).isEmpty();
  }

  @Test
  void temporalJoinPicksTheVersionInForceAtEachRowsTime() {
    List<Row> out = JoinTestSupport.run(db, "SELECT l.k, l.v, rate.v AS rate FROM l JOIN r FOR SYSTEM_TIME AS OF l.ts AS rate ON l.k = rate.k",
        List.of(In.r("eur", 100, 0), In.r("eur", 110, 1_000), In.l("eur", 1, 999), In.l("eur", 2, 1_000), In.l("usd", 3, 1_500),
            In.r("eur", 120, 2_000), In.l("eur", 4, 5_000)));
    assertThat(JoinTestSupport.sortedStrings(out)).containsExactly("[eur, 1, 100]", "[eur, 2, 110]", "[eur, 4, 120]");
  }

  @Test
  void temporalJoinOverAChangelogUsesTheLatestUpdateOfEachVersion() {
    db.execute("CREATE STREAM totals AS SELECT k, window_start, window_end, SUM(v) AS total FROM TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end EMIT ON UPDATE");
    List<Row> out = JoinTestSupport.run(db, "SELECT l.k, l.v, t.total FROM l LEFT JOIN totals FOR SYSTEM_TIME AS OF l.ts AS t ON l.k = t.k",
        List.of(In.r("a", 1, 0), In.r("a", 2, 500), In.l("a", 10, 998), In.l("a", 11, 999), In.r("a", 5, 1_200), In.l("a", 12, 2_500)));
    // window [0, 1 s) is the version from 999 ms (its window_time); [1 s, 2 s) from 1999 ms
    assertThat(JoinTestSupport.sortedStrings(out)).containsExactly("[a, 10, null]", "[a, 11, 3]", "[a, 12, 5]");
  }

  @Test
  void asofJoinFeedsAWindowedAggregateAndAnAggregateFeedsAJoin() {
    db.execute("CREATE STREAM enriched AS SELECT l.k, l.v, r.v AS quote, l.ts FROM l ASOF JOIN r MATCH_CONDITION(l.ts >= r.ts) ON l.k = r.k");
    db.execute("CREATE STREAM per_second AS SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v * quote) AS notional "
        + "FROM TABLE(TUMBLE(TABLE enriched, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end");
    Subscription joined = db.subscribe("SELECT p.k, p.n, p.notional, l.v FROM per_second p JOIN l ON p.k = l.k "
        + "AND l.ts BETWEEN p.window_end AND p.window_end + INTERVAL '0.5' SECOND");
    CompletableFuture<List<Row>> out = CompletableFuture.supplyAsync(() -> JoinTestSupport.drain(joined));
    JoinTestSupport.write(db, List.of(In.r("a", 10, 0), In.l("a", 1, 100), In.l("a", 2, 600), In.r("a", 20, 700), In.l("a", 3, 900),
        In.l("a", 4, 1_200), In.l("a", 5, 2_600)));
    // second [0, 1 s): 1×10 + 2×10 + 3×20 = 90 over 3 rows; it joins l rows in [1 s, 1.5 s] (a@1200)
    assertThat(JoinTestSupport.sortedStrings(out.join())).containsExactly("[a, 3, 90, 4]");
  }

  @Test
  void aMaterializedViewOverAJoinAnswersPointQueries() {
    db.execute("CREATE MATERIALIZED VIEW pairs AS SELECT l.k, l.v, r.v AS rv FROM l JOIN r ON l.k = r.k "
        + "AND l.ts BETWEEN r.ts AND r.ts + INTERVAL '1' SECOND");
    Subscription feed = db.subscribe("pairs");
    CompletableFuture<List<Row>> streamed = CompletableFuture.supplyAsync(() -> JoinTestSupport.drain(feed));
    JoinTestSupport.write(db, List.of(In.r("a", 1, 0), In.l("a", 10, 500), In.l("b", 11, 600), In.r("b", 2, 700), In.l("a", 12, 900)));
    assertThat(streamed.join()).hasSize(2);
    assertThat(db.execute("DESCRIBE pairs").rows().toString()).contains("join state rows 0"); // the inputs ended: nothing is kept
    assertThat(JoinTestSupport.sortedStrings(db.execute("SELECT k, v, rv FROM pairs WHERE v > 10").rows())).containsExactly("[a, 12, 1]");
  }

  @Test
  void explainShowsEachJoin() {
    // state=off-heap unless the run keeps join state on the heap (-Dlaminar.state.store=false)
    String state = "false".equalsIgnoreCase(System.getProperty(dev.laminar.sql.plan.WindowAggregateNode.STATE_STORE_PROPERTY)) ? ""
        : ", state=off-heap";
    String plan = db.execute("EXPLAIN SELECT * FROM l LEFT ASOF JOIN r MATCH_CONDITION(NEAREST(l.ts, r.ts) AND l.ts - r.ts <= INTERVAL '2' SECOND) "
        + "ON l.k = r.k").rows().toString();
    assertThat(plan).contains("AsofJoin(LEFT, keys=[k = k], match=nearest ts to ts, tolerance=2000 ms" + state + ")");
    assertThat(db.execute("EXPLAIN SELECT * FROM l FULL JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '1' SECOND AND r.ts")
        .rows().toString()).contains("IntervalJoin(FULL, keys=[k = k], ts - 1000 ms <= ts <= ts + 0 ms" + state + ")");
    assertThat(db.execute("EXPLAIN SELECT * FROM l JOIN r FOR SYSTEM_TIME AS OF l.ts AS v ON l.k = v.k").rows().toString())
        .contains("TemporalJoin(INNER, keys=[k = k], version of r as of ts" + state + ")");
  }

  /** BYTES and DECIMAL(30, 4) keys and cells: the matching rows, values as written (scale included), state in the stores. */
  @Test
  void joinsOnBytesAndWideDecimalKeysGiveTheMatchingRowsWithStateOffHeap() {
    for (String s : List.of("pl", "pr")) {
      db.execute("CREATE SOURCE " + s + " (id BYTES, amount DECIMAL(30, 4), note VARCHAR, ts TIMESTAMP(3) NOT NULL, "
          + "WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
    }
    String interval = "SELECT pl.id, pl.amount, pl.note, pr.note AS rnote FROM pl JOIN pr ON pl.id = pr.id AND pl.amount = pr.amount "
        + "AND pl.ts BETWEEN pr.ts AND pr.ts + INTERVAL '1' SECOND";
    String asof = "SELECT pl.note, pr.note AS rnote, pr.amount FROM pl LEFT ASOF JOIN pr MATCH_CONDITION(pl.ts >= pr.ts) "
        + "ON pl.id = pr.id AND pl.amount = pr.amount";
    String state = "false".equalsIgnoreCase(System.getProperty(dev.laminar.sql.plan.WindowAggregateNode.STATE_STORE_PROPERTY)) ? ""
        : ", state=off-heap";
    assertThat(db.execute("EXPLAIN " + interval).rows().toString())
        .contains("IntervalJoin(INNER, keys=[id = id, amount = amount], ts + 0 ms <= ts <= ts + 1000 ms" + state + ")");
    assertThat(db.execute("EXPLAIN " + asof).rows().toString()).contains("AsofJoin(LEFT, keys=[id = id, amount = amount], match=ts >= ts"
        + state + ")");
    Subscription joined = db.subscribe(interval);
    Subscription matched = db.subscribe(asof);
    CompletableFuture<List<Row>> joinedRows = CompletableFuture.supplyAsync(() -> JoinTestSupport.drain(joined));
    CompletableFuture<List<Row>> matchedRows = CompletableFuture.supplyAsync(() -> JoinTestSupport.drain(matched));
    BigDecimal big = new BigDecimal("12345678901234567890.1234");
    try (var l = db.writer("pl"); var r = db.writer("pr")) {
      payment(r, new byte[] {1, 2}, big, "r1", 0);
      payment(l, new byte[] {1, 2}, big, "l1", 0);
      payment(l, new byte[] {1, 2}, big.add(new BigDecimal("0.0001")), "l2", 100);
      payment(r, new byte[] {3}, new BigDecimal("1.50"), "r2", 100); // stored as 1.5000
      payment(r, new byte[] {3, 0}, new BigDecimal("1.5"), "r3", 150);
      payment(l, new byte[] {3}, new BigDecimal("1.5"), "l3", 200);
      payment(l, null, new BigDecimal("1.5"), "l4", 300); // a NULL key matches nothing
    }
    assertThat(JoinTestSupport.sortedStrings(joinedRows.join())).containsExactly("[[1, 2], 12345678901234567890.1234, l1, r1]",
        "[[3], 1.5000, l3, r2]");
    assertThat(JoinTestSupport.sortedStrings(matchedRows.join())).containsExactly("[l1, r1, 12345678901234567890.1234]", "[l2, null, null]",
        "[l3, r2, 1.5000]", "[l4, null, null]");
  }

  private static void payment(dev.laminar.api.SourceWriter w, byte[] id, BigDecimal amount, String note, long t) {
    w.beginRow();
    if (id == null) {
      w.setNull(0);
    } else {
      w.setBytes(0, id);
    }
    w.setDecimal(1, amount);
    w.setString(2, note);
    w.setTimestampMillis(3, JoinTestSupport.T0 + t);
    w.endRow();
  }

  @Test
  void unsupportedJoinsAreRefusedWithAMessage() {
    assertThatThrownBy(() -> db.execute("SELECT * FROM l JOIN r ON l.k = r.k"))
        .hasMessageContaining("must bound the event times from both sides")
        .hasMessageContaining("ts BETWEEN ts - INTERVAL '10' SECOND AND ts + INTERVAL '10' SECOND");
    assertThatThrownBy(() -> db.execute("SELECT * FROM l JOIN r ON l.k = r.k AND l.ts >= r.ts"))
        .hasMessageContaining("must bound the event times from both sides");
    assertThatThrownBy(() -> db.execute("SELECT * FROM l ASOF JOIN r MATCH_CONDITION(l.v >= r.v) ON l.k = r.k"))
        .hasMessageContaining("must compare the inputs' event-time columns");
    assertThatThrownBy(() -> db.execute("SELECT * FROM l ASOF JOIN r MATCH_CONDITION(l.ts >= r.ts AND l.v > 3) ON l.k = r.k"))
        .hasMessageContaining("MATCH_CONDITION takes").hasMessageContaining("line 1");
    assertThatThrownBy(() -> db.execute("SELECT * FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k)"))
        .hasMessageContaining("EXISTS must bound the event times");
    db.execute("CREATE STREAM sums AS SELECT k, window_start, window_end, SUM(v) AS s FROM TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end EMIT CHANGES");
    assertThatThrownBy(() -> db.execute("SELECT * FROM l JOIN sums ON l.k = sums.k AND l.ts BETWEEN sums.window_end AND sums.window_end"))
        .hasMessageContaining("over the changelog 'sums' is not supported").hasMessageContaining("FOR SYSTEM_TIME AS OF");
    assertThatThrownBy(() -> db.execute("SELECT * FROM l JOIN r FOR SYSTEM_TIME AS OF l.ts AS v ON l.k = v.k AND l.v > v.v"))
        .hasMessageContaining("ON takes only equalities");
  }
}
