package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyed aggregates run as one shard per reactor: the same input gives the same rows with 1, 2 and 3
 * reactors (as multisets, and in the same order per key), the rows are really spread over the shards,
 * and a checkpoint records each shard's state under its shard.
 */
class ReactorShardingTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final String SOURCE = "CREATE SOURCE bids (auction BIGINT NOT NULL, bidder VARCHAR NOT NULL, price BIGINT NOT NULL, "
      + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.05' SECOND) WITH ('connector' = 'memory')";

  /** 100,000 rows of a sequence {@code k} at 20,000 a second, in time order (for the checkpoint tests). */
  private static final String DATAGEN = "CREATE SOURCE s (k BIGINT NOT NULL, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ("
      + "'connector' = 'datagen', 'number-of-rows' = '100000', 'rows-per-second' = '20000', 'fields.k.kind' = 'sequence')";

  /** The same bids with a watermark that trails the largest time seen by only 10 ms (the disorder is up to 40 ms). */
  private static final String TIGHT = SOURCE.replace("bids", "tight").replace("'0.05'", "'0.01'");

  private static LaminarConfig.Builder config(int reactors) {
    return LaminarConfig.builder().pluginsDirectory(null).batchSize(64).queueBatches(4).reactors(reactors);
  }

  /** Pushes a deterministic, slightly out-of-order bid stream (seeded). */
  private static void push(Laminar db, long seed, int rows) {
    push(db, "bids", seed, rows);
  }

  private static void push(Laminar db, String source, long seed, int rows) {
    Random random = new Random(seed);
    try (SourceWriter w = db.writer(source)) {
      for (int i = 0; i < rows; i++) {
        w.beginRow();
        w.setLong(0, random.nextInt(200));
        w.setString(1, "bidder-" + random.nextInt(50));
        w.setLong(2, 1 + random.nextInt(1000));
        w.setTimestampMillis(3, T0 + i - random.nextInt(40));
        w.endRow();
      }
    }
  }

  private static List<Row> run(int reactors, String query, long seed) {
    return run(reactors, SOURCE, query, seed);
  }

  private static List<Row> run(int reactors, String source, String query, long seed) {
    String name = source.contains("tight") ? "tight" : "bids";
    try (Laminar db = Laminar.open(config(reactors).build())) {
      db.execute(source);
      return collect(db, query, () -> push(db, name, seed, 20_000));
    }
  }

  /** Subscribes {@code query}, runs {@code push} (which ends the input) and returns every row the subscription got. */
  private static List<Row> collect(Laminar db, String query, Runnable push) {
    return collectAll(db, List.of(query), push).get(0);
  }

  /** Subscribes each query, runs {@code push} (which ends the input) and returns every row each subscription got. */
  private static List<List<Row>> collectAll(Laminar db, List<String> queries, Runnable push) {
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(queries.size());
    List<List<Row>> all = new ArrayList<>();
    List<Subscription> subs = new ArrayList<>();
    for (String query : queries) {
      List<Row> rows = java.util.Collections.synchronizedList(new ArrayList<>());
      all.add(rows);
      subs.add(db.subscribe(query, new dev.laminar.api.RowListener() {
        @Override
        public void onRows(dev.laminar.sdk.row.RowBatch batch) {
          for (int r = 0; r < batch.size(); r++) {
            rows.add(batch.toRow(r));
          }
        }

        @Override
        public void onEnd() {
          ended.countDown();
        }
      }));
    }
    push.run();
    try {
      assertThat(ended.await(1, java.util.concurrent.TimeUnit.MINUTES)).as("subscriptions ended in time").isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    for (Subscription sub : subs) {
      assertThat(sub.failure()).isNull();
    }
    return all.stream().map(List::copyOf).toList();
  }

  /** Rows grouped by the value of column {@code keyColumn}, each group in arrival order. */
  private static Map<Object, List<Row>> perKey(List<Row> rows, int keyColumn) {
    Map<Object, List<Row>> out = new LinkedHashMap<>();
    for (Row r : rows) {
      out.computeIfAbsent(r.get(keyColumn), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static void assertSameAcrossReactorCounts(String query, int keyColumn) {
    long seed = 42;
    List<Row> one = run(1, query, seed);
    assertThat(one).as("seed %d", seed).isNotEmpty();
    for (int reactors : new int[] {2, 3}) {
      List<Row> many = run(reactors, query, seed);
      assertThat(many).as("%d reactors, seed %d", reactors, seed).containsExactlyInAnyOrderElementsOf(one);
      assertThat(perKey(many, keyColumn)).as("per-key order with %d reactors, seed %d", reactors, seed).isEqualTo(perKey(one, keyColumn));
    }
  }

  @Test
  void tumblingAggregateByKeyGivesTheSameRowsInTheSameOrderPerKey() {
    assertSameAcrossReactorCounts("SELECT auction, window_start, COUNT(*) AS n, SUM(price) AS total, MAX(price) AS hi "
        + "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) WHERE price > 10 GROUP BY auction, window_start, window_end", 0);
  }

  @Test
  void hopAggregateByStringKeyGivesTheSameRowsPerKey() {
    assertSameAcrossReactorCounts("SELECT bidder, window_start, COUNT(*) AS n, MIN(price) AS lo FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), "
        + "INTERVAL '0.25' SECOND, INTERVAL '1' SECOND)) GROUP BY bidder, window_start, window_end", 0);
  }

  @Test
  void sessionAggregateByKeyGivesTheSameRows() {
    assertSameAcrossReactorCounts("SELECT auction, window_start, window_end, COUNT(*) AS n FROM TABLE(SESSION(TABLE bids, DESCRIPTOR(ts), "
        + "DESCRIPTOR(auction), INTERVAL '0.2' SECOND)) GROUP BY auction, window_start, window_end", 0);
  }

  @Test
  void firstAndLastValueByAComputedKeySeeEachKeysRowsInSourceOrder() {
    // FIRST_VALUE/LAST_VALUE depend on the order a key's rows arrive in; the key is computed by the head's
    // projection, which runs on every reactor: the shards still see each key's rows in source order
    assertSameAcrossReactorCounts("SELECT MOD(auction, 37) AS a, window_start, FIRST_VALUE(price) AS first_price, "
        + "LAST_VALUE(price) AS last_price, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) "
        + "GROUP BY MOD(auction, 37), window_start, window_end", 0);
  }

  @Test
  void rowsLateAtOneReactorAreLateAtEveryReactorCount() {
    // a watermark bound of 10 ms against up to 40 ms of disorder: many rows are late and dropped; which
    // ones depends only on the watermark each row meets, the same at every reactor count
    String query = "SELECT auction, window_start, COUNT(*) AS n, SUM(price) AS total FROM TABLE(TUMBLE(TABLE tight, "
        + "DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end";
    List<Row> one = run(1, TIGHT, query, 11);
    long counted = one.stream().mapToLong(r -> (Long) r.get(2)).sum();
    assertThat(counted).as("rows counted at 1 reactor (the rest were late)").isBetween(1L, 19_999L);
    for (int reactors : new int[] {2, 3}) {
      List<Row> many = run(reactors, TIGHT, query, 11);
      assertThat(many).as("%d reactors", reactors).containsExactlyInAnyOrderElementsOf(one);
      assertThat(perKey(many, 0)).as("per-key order with %d reactors", reactors).isEqualTo(perKey(one, 0));
    }
  }

  private static final String ASKS = SOURCE.replace("bids", "asks");

  /** A join of bids (seed 42) and asks (seed 43) at {@code reactors}; the subscription's rows. */
  private static List<Row> runJoin(int reactors, String query) {
    try (Laminar db = Laminar.open(config(reactors).build())) {
      db.execute(SOURCE);
      db.execute(ASKS);
      return collect(db, query, () -> {
        push(db, "bids", 42, 20_000);
        push(db, "asks", 43, 20_000);
      });
    }
  }

  /**
   * A join's output depends on neither the interleaving of its inputs nor the reactor count (no row is late
   * here: the watermark bound exceeds the disorder), so the multisets must be equal.
   */
  private static void assertJoinSameAcrossReactorCounts(String query) {
    List<Row> one = runJoin(1, query);
    assertThat(one).isNotEmpty();
    for (int reactors : new int[] {2, 3}) {
      assertThat(runJoin(reactors, query)).as("%d reactors", reactors).containsExactlyInAnyOrderElementsOf(one);
    }
  }

  @Test
  void anIntervalJoinByKeyGivesTheSameRows() {
    assertJoinSameAcrossReactorCounts("SELECT a.auction, a.bidder, a.price, b.price AS ask, b.bidder AS asker FROM bids a JOIN asks b "
        + "ON a.auction = b.auction AND a.ts BETWEEN b.ts - INTERVAL '0.05' SECOND AND b.ts + INTERVAL '0.05' SECOND");
  }

  @Test
  void aLeftIntervalJoinGivesTheSameMatchesAndUnmatchedRows() {
    assertJoinSameAcrossReactorCounts("SELECT a.auction, a.price, b.price AS ask FROM bids a LEFT JOIN asks b "
        + "ON a.auction = b.auction AND a.ts BETWEEN b.ts - INTERVAL '0.02' SECOND AND b.ts + INTERVAL '0.02' SECOND WHERE a.price > 100");
  }

  @Test
  void anAsofJoinGivesTheSameRows() { // sharded by its equality keys: each shard holds its keys' versions
    assertJoinSameAcrossReactorCounts("SELECT a.auction, a.price, b.price AS ask FROM bids a LEFT ASOF JOIN asks b "
        + "MATCH_CONDITION(a.ts >= b.ts) ON a.auction = b.auction");
  }

  @Test
  void aJoinSinkIsShardedByItsKeyAndCountsEveryMatch() {
    assertJoinSinkShardedByKey("SELECT a.auction, a.price, b.price AS ask FROM bids a JOIN asks b "
        + "ON a.auction = b.auction AND a.ts BETWEEN b.ts - INTERVAL '0.05' SECOND AND b.ts + INTERVAL '0.05' SECOND");
  }

  @Test
  void anAsofJoinSinkIsShardedByItsKeyAndMatchesEveryLeftRow() {
    assertJoinSinkShardedByKey("SELECT a.auction, a.price, b.price AS ask FROM bids a LEFT ASOF JOIN asks b "
        + "MATCH_CONDITION(a.ts >= b.ts) ON a.auction = b.auction");
  }

  @Test
  void aJoinOnKeysOfDifferentTypesIsShardedOnTheKeyCastToOneType() {
    // asks.auction is an INT here: the planner casts both keys to BIGINT below the join, so they hash alike
    assertJoinSinkShardedByKey("SELECT a.auction, a.price, b.price AS ask FROM bids a JOIN asks b "
        + "ON a.auction = b.auction AND a.ts BETWEEN b.ts - INTERVAL '0.05' SECOND AND b.ts + INTERVAL '0.05' SECOND",
        ASKS.replace("(auction BIGINT", "(auction INT"));
  }

  private static void assertJoinSinkShardedByKey(String select) {
    assertJoinSinkShardedByKey(select, ASKS);
  }

  /** A sink of {@code select} (a join of bids and asks by auction) routes both inputs over the two shards and commits as many rows as at 1 reactor. */
  private static void assertJoinSinkShardedByKey(String select, String asks) {
    String sink = "CREATE SINK pairs WITH ('connector' = 'memory') AS " + select;
    int[] counts = new int[2];
    for (int reactors : new int[] {1, 2}) {
      try (Laminar db = Laminar.open(config(reactors).build())) {
        db.execute(SOURCE);
        db.execute(asks);
        db.execute(sink);
        push(db, "bids", 5, 5_000);
        push(db, "asks", 6, 5_000);
        assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
        counts[reactors - 1] = db.sinkRows("pairs").size();
        if (reactors == 2) {
          String queues = db.execute("DESCRIBE SINK pairs").rows().stream().map(r -> String.valueOf(r.get(3)))
              .filter(e -> e.contains("routed by key")).findFirst().orElseThrow();
          // 10,000 rows of both inputs routed by auction over the two shards
          assertThat(queues).containsPattern("shard 0: rows [1-9]\\d*").containsPattern("shard 1: rows [1-9]\\d*");
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("shard (\\d): rows (\\d+)").matcher(queues);
          long routed = 0;
          while (m.find()) {
            routed += Long.parseLong(m.group(2));
          }
          assertThat(routed).isEqualTo(10_000);
        }
      }
    }
    assertThat(counts[0]).isPositive();
    assertThat(counts[1]).isEqualTo(counts[0]);
  }

  @Test
  void aGlobalAggregateCombinesPartialStatesIntoTheSameRows() {
    // no GROUP BY column: every head copy folds partial states, one combiner merges them in the dealt order,
    // so even FIRST_VALUE and LAST_VALUE come out as one reactor computes them
    assertSameAcrossReactorCounts("SELECT window_start, COUNT(*) AS n, SUM(price) AS total, MIN(price) AS lo, MAX(price) AS hi, "
        + "AVG(price) AS mean, FIRST_VALUE(bidder) AS first_bidder, LAST_VALUE(price) AS last_price, COUNT(DISTINCT auction) AS auctions "
        + "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) WHERE price > 10 GROUP BY window_start, window_end", 0);
  }

  @Test
  void aGlobalAggregateDropsTheSameLateRows() {
    // as for keyed plans: a row is late at N reactors exactly when it is late at one, whether the head copy
    // or the combiner finds it so
    String query = "SELECT window_start, COUNT(*) AS n, SUM(price) AS total FROM TABLE(TUMBLE(TABLE tight, DESCRIPTOR(ts), "
        + "INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end";
    List<Row> one = run(1, TIGHT, query, 11);
    long counted = one.stream().mapToLong(r -> (Long) r.get(1)).sum();
    assertThat(counted).as("rows counted at 1 reactor (the rest were late)").isBetween(1L, 19_999L);
    for (int reactors : new int[] {2, 3}) {
      assertThat(run(reactors, TIGHT, query, 11)).as("%d reactors", reactors).containsExactlyElementsOf(one);
    }
  }

  private static final List<String> PANE_WINDOWS = List.of(
      "HOP(TABLE %s, DESCRIPTOR(ts), INTERVAL '0.25' SECOND, INTERVAL '1' SECOND)",
      "CUMULATE(TABLE %s, DESCRIPTOR(ts), INTERVAL '0.25' SECOND, INTERVAL '1' SECOND)");

  @Test
  void aGlobalHopOrCumulateAggregateCombinesPartialPanesIntoTheSameRows() {
    // the head copies fold partial states per pane, the combiner merges them into the pane operator in the
    // dealt order: every window's result, FIRST_VALUE and LAST_VALUE included, and the output order are one reactor's
    for (String window : PANE_WINDOWS) {
      String query = "SELECT window_start, window_end, COUNT(*) AS n, SUM(price) AS total, MIN(price) AS lo, MAX(price) AS hi, "
          + "AVG(price) AS mean, FIRST_VALUE(bidder) AS first_bidder, LAST_VALUE(price) AS last_price, COUNT(DISTINCT auction) AS auctions "
          + "FROM TABLE(" + window.formatted("bids") + ") WHERE price > 10 GROUP BY window_start, window_end";
      List<Row> one = run(1, query, 42);
      assertThat(one).as(window).hasSizeGreaterThan(10);
      for (int reactors : new int[] {2, 3}) {
        assertThat(run(reactors, query, 42)).as("%s at %d reactors", window, reactors).containsExactlyElementsOf(one);
      }
    }
  }

  @Test
  void aGlobalHopOrCumulateAggregateDropsTheSameLateRows() {
    for (String window : PANE_WINDOWS) {
      String query = "SELECT window_start, window_end, COUNT(*) AS n, SUM(price) AS total FROM TABLE(" + window.formatted("tight")
          + ") GROUP BY window_start, window_end";
      List<Row> one = run(1, TIGHT, query, 11);
      assertThat(one).as(window).isNotEmpty();
      for (int reactors : new int[] {2, 3}) {
        assertThat(run(reactors, TIGHT, query, 11)).as("%s at %d reactors", window, reactors).containsExactlyElementsOf(one);
      }
    }
  }

  @Test
  void aGlobalHopSinkIsCombinedOnTheLastReactor() {
    String sink = "CREATE SINK hops WITH ('connector' = 'memory') AS SELECT window_start, window_end, COUNT(*) AS n "
        + "FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '1' SECOND)) GROUP BY window_start, window_end";
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute(sink);
      push(db, 7, 5_000);
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      // every row is in two windows of 1 s sliding by 0.5 s
      assertThat(db.sinkRows("hops").stream().mapToLong(r -> (Long) r.get(2)).sum()).isEqualTo(10_000);
      String figures = db.execute("DESCRIBE SINK hops").rows().stream().map(r -> String.valueOf(r.get(3)))
          .filter(e -> e.contains("partial aggregates combined")).findFirst().orElseThrow();
      assertThat(figures).containsPattern("combined on reactor 1: events [1-9]\\d*").contains("partial stage 0", "partial stage 1");
    }
  }

  @Test
  void aGlobalAggregateSinkIsCombinedOnTheLastReactorAndCheckpointsItsCombiner(@TempDir Path dir) {
    Path data = dir.resolve("data");
    String sink = "CREATE SINK totals WITH ('connector' = 'memory') AS SELECT window_start, COUNT(*) AS n "
        + "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end";
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute(sink);
      push(db, 7, 5_000);
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      assertThat(db.sinkRows("totals").stream().mapToLong(r -> (Long) r.get(1)).sum()).isEqualTo(5_000);
      String figures = db.execute("DESCRIBE SINK totals").rows().stream().map(r -> String.valueOf(r.get(3)))
          .filter(e -> e.contains("partial aggregates combined")).findFirst().orElseThrow();
      assertThat(figures).containsPattern("combined on reactor 1: events [1-9]\\d*").contains("partial stage 0", "partial stage 1");
    }
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(DATAGEN);
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS SELECT window_start, COUNT(*) AS n "
          + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end");
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
    assertThatThrownBy(() -> Laminar.open(config(1).dataDirectory(data).build()).close())
        .hasMessageContaining("reactor count").hasMessageContaining("'f'").hasMessageContaining("~shard0");
  }

  /** Bids per auction per HOP window (the keyed first stage of hot items), with the window's event time as {@code ht}. */
  private static final String AUCTION_HOPS = "SELECT auction, window_start AS hs, window_end AS he, window_time AS ht, COUNT(*) AS num, "
      + "MAX(price) AS top FROM TABLE(HOP(TABLE %s, DESCRIPTOR(ts), INTERVAL '0.1' SECOND, INTERVAL '0.5' SECOND)) "
      + "GROUP BY auction, window_start, window_end, window_time";

  @Test
  void aGlobalAggregateOverAKeyedStageCombinesTheShardsPartialStatesIntoTheSameRows() {
    // hot items and its kin: the keyed stage runs on the shards, each shard folds what it emits per event into partial
    // states of the global aggregate, one combiner merges them in the order one reactor would have fed them
    String[] queries = {
        "WITH ab AS (" + AUCTION_HOPS.formatted("bids") + ") SELECT window_start, window_end, MAX(num) AS hot, COUNT(*) AS auctions, "
            + "SUM(num) AS counted, MIN(top) AS lo, AVG(num) AS mean, COUNT(DISTINCT auction) AS distinct_auctions "
            + "FROM TABLE(TUMBLE(TABLE ab, DESCRIPTOR(ht), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end",
        "WITH t AS (SELECT auction, window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) "
            + "WHERE price > 10 GROUP BY auction, window_start, window_end, window_time) SELECT window_start, window_end, MAX(num) AS hot, "
            + "SUM(num) AS counted FROM TABLE(HOP(TABLE t, DESCRIPTOR(wt), INTERVAL '0.2' SECOND, INTERVAL '0.6' SECOND)) "
            + "GROUP BY window_start, window_end",
        "WITH c AS (SELECT MOD(auction, 7) AS bucket, window_end AS we, COUNT(*) AS num, SUM(price) AS total FROM TABLE(CUMULATE(TABLE bids, "
            + "DESCRIPTOR(ts), INTERVAL '0.1' SECOND, INTERVAL '0.4' SECOND)) GROUP BY MOD(auction, 7), window_start, window_end) "
            + "SELECT window_start, COUNT(*) AS buckets, SUM(num) AS counted, MAX(total) AS top FROM TABLE(TUMBLE(TABLE c, DESCRIPTOR(we), "
            + "INTERVAL '0.4' SECOND)) GROUP BY window_start, window_end",
        // sessions per auction and bidder, then per 2 ms: a session row behind another shard's later one would be late
        "WITH s AS (SELECT auction, bidder, window_time AS wt, COUNT(*) AS num FROM TABLE(SESSION(TABLE bids, DESCRIPTOR(ts), "
            + "DESCRIPTOR(auction, bidder), INTERVAL '0.01' SECOND)) GROUP BY auction, bidder, window_start, window_end, window_time) "
            + "SELECT window_start, COUNT(*) AS sessions, SUM(num) AS counted, MAX(num) AS longest FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(wt), "
            + "INTERVAL '0.002' SECOND)) GROUP BY window_start, window_end"};
    for (String query : queries) {
      List<Row> one = run(1, query, 42);
      assertThat(one).as(query).hasSizeGreaterThan(5);
      for (int reactors : new int[] {2, 3}) {
        assertThat(run(reactors, query, 42)).as("%s at %d reactors", query, reactors).containsExactlyElementsOf(one);
      }
    }
  }

  @Test
  void aHotItemsSinkRunsItsKeyedStageOnEveryShardAndCombinesOnTheLastReactor(@TempDir Path dir) {
    String select = "WITH ab AS (" + AUCTION_HOPS.formatted("bids") + ") SELECT window_start, MAX(num) AS hot, SUM(num) AS counted "
        + "FROM TABLE(TUMBLE(TABLE ab, DESCRIPTOR(ht), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end";
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute("CREATE SINK hot WITH ('connector' = 'memory') AS " + select);
      push(db, 7, 5_000);
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      // every bid is in five HOP windows of 0.5 s sliding by 0.1 s
      assertThat(db.sinkRows("hot").stream().mapToLong(r -> (Long) r.get(2)).sum()).isEqualTo(25_000);
      String figures = db.execute("DESCRIBE SINK hot").rows().stream().map(r -> String.valueOf(r.get(3)))
          .filter(e -> e.contains("routed by key")).findFirst().orElseThrow();
      assertThat(figures).containsPattern("shard 0: rows [1-9]\\d*").containsPattern("shard 1: rows [1-9]\\d*")
          .containsPattern("partial aggregates combined on reactor 1: events [1-9]\\d*").contains("partial stage of shard 1");
    }
    // FIRST_VALUE over rows of different keys depends on the order they meet in: that plan runs whole on reactor 0; a
    // SESSION stage fires its sessions by end, each shard in the same event as one reactor (Operator.onRowWatermark)
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute("CREATE SINK first WITH ('connector' = 'memory') AS WITH ab AS (" + AUCTION_HOPS.formatted("bids") + ") SELECT "
          + "window_start, FIRST_VALUE(auction) AS a FROM TABLE(TUMBLE(TABLE ab, DESCRIPTOR(ht), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end");
      db.execute("CREATE SINK sessions WITH ('connector' = 'memory') AS WITH s AS (SELECT auction, window_time AS wt, COUNT(*) AS num "
          + "FROM TABLE(SESSION(TABLE bids, DESCRIPTOR(ts), DESCRIPTOR(auction), INTERVAL '0.05' SECOND)) GROUP BY auction, window_start, "
          + "window_end, window_time) SELECT window_start, COUNT(*) AS sessions FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(wt), INTERVAL '0.5' SECOND)) "
          + "GROUP BY window_start, window_end");
      assertThat(db.execute("DESCRIBE SINK first").rows()).noneMatch(r -> String.valueOf(r.get(3)).contains("routed by key"));
      assertThat(db.execute("DESCRIBE SINK sessions").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("partial aggregates combined"));
    }
    Path data = dir.resolve("data");
    String hot = "CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS WITH ab AS (SELECT k, "
        + "window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY k, window_start, "
        + "window_end, window_time) SELECT window_start, MAX(num) AS hot FROM TABLE(TUMBLE(TABLE ab, DESCRIPTOR(wt), INTERVAL '1' HOUR)) "
        + "GROUP BY window_start, window_end";
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(DATAGEN);
      db.execute(hot);
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
    // the shards' keyed state is parts 0 and 1, the combiner's part 2
    assertThatThrownBy(() -> Laminar.open(config(1).dataDirectory(data).build()).close())
        .hasMessageContaining("reactor count").hasMessageContaining("'f'").hasMessageContaining("~shard1").hasMessageContaining("~shard2");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
    }
  }

  @Test
  void aKeyedAggregateOverAnotherKeyedStageGivesTheSameRowsPerKey() {
    // both stages keep their state in shards: the first stage's shards route what they emit by the second stage's key,
    // and each second-stage shard merges an event's rows from every first-stage shard by row watermark
    String[] queries = {
        // auctions per 0.1 s, then per count bucket per 0.5 s; the bucket is the route
        "WITH t AS (SELECT auction, window_time AS wt, COUNT(*) AS num, MAX(price) AS top FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
            + "INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end, window_time) SELECT MOD(num, 5) AS bucket, window_start, "
            + "COUNT(*) AS auctions, SUM(num) AS counted, MAX(top) AS hi, MIN(top) AS lo, AVG(num) AS mean FROM TABLE(TUMBLE(TABLE t, "
            + "DESCRIPTOR(wt), INTERVAL '0.5' SECOND)) GROUP BY MOD(num, 5), window_start, window_end",
        // HOP windows fire several per event: a row behind another shard's later window would be late at 0.1 s
        "WITH ab AS (" + AUCTION_HOPS.formatted("bids") + ") SELECT MOD(auction, 7) AS bucket, window_start, COUNT(*) AS auctions, "
            + "SUM(num) AS counted, MAX(top) AS top, COUNT(DISTINCT auction) AS distinct_auctions FROM TABLE(TUMBLE(TABLE ab, DESCRIPTOR(ht), "
            + "INTERVAL '0.1' SECOND)) GROUP BY MOD(auction, 7), window_start, window_end",
        // CUMULATE, then HOP by another key
        "WITH c AS (SELECT auction, window_end AS we, COUNT(*) AS num, SUM(price) AS total FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), "
            + "INTERVAL '0.1' SECOND, INTERVAL '0.4' SECOND)) GROUP BY auction, window_start, window_end) SELECT MOD(auction, 3) AS bucket, "
            + "window_start, SUM(num) AS counted, MAX(total) AS top FROM TABLE(HOP(TABLE c, DESCRIPTOR(we), INTERVAL '0.2' SECOND, "
            + "INTERVAL '0.6' SECOND)) GROUP BY MOD(auction, 3), window_start, window_end",
        // the same key in both stages: every row stays on its shard
        "WITH t AS (SELECT auction, window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) "
            + "GROUP BY auction, window_start, window_end, window_time) SELECT auction, window_start, SUM(num) AS counted, MAX(num) AS peak "
            + "FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(wt), INTERVAL '0.5' SECOND)) GROUP BY auction, window_start, window_end",
        // a SESSION second stage
        "WITH t AS (SELECT auction, MOD(auction, 11) AS bucket, window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE bids, "
            + "DESCRIPTOR(ts), INTERVAL '0.05' SECOND)) GROUP BY auction, window_start, window_end, window_time) SELECT bucket, window_start, "
            + "window_end, SUM(num) AS counted, COUNT(*) AS windows FROM TABLE(SESSION(TABLE t, DESCRIPTOR(wt), DESCRIPTOR(bucket), "
            + "INTERVAL '0.02' SECOND)) GROUP BY bucket, window_start, window_end",
        // a SESSION first stage, then TUMBLE by another key
        "WITH s AS (SELECT auction, bidder, window_time AS wt, COUNT(*) AS num FROM TABLE(SESSION(TABLE bids, DESCRIPTOR(ts), "
            + "DESCRIPTOR(auction, bidder), INTERVAL '0.03' SECOND)) GROUP BY auction, bidder, window_start, window_end, window_time) "
            + "SELECT bidder, window_start, COUNT(*) AS sessions, SUM(num) AS counted FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(wt), "
            + "INTERVAL '0.05' SECOND)) GROUP BY bidder, window_start, window_end"};
    for (String query : queries) {
      try (Laminar db = Laminar.open(config(2).build())) { // really both stages in shards
        db.execute(SOURCE);
        db.execute("CREATE SINK s WITH ('connector' = 'memory') AS " + query);
        assertThat(db.execute("DESCRIBE SINK s").rows()).as(query).anyMatch(r -> String.valueOf(r.get(3)).contains("stage 2 (re-keyed): consumer 0"));
      }
      List<Row> one = run(1, query, 42);
      assertThat(one).as(query).hasSizeGreaterThan(5);
      for (int reactors : new int[] {2, 3}) {
        List<Row> many = run(reactors, query, 42);
        assertThat(many).as("%s at %d reactors", query, reactors).containsExactlyInAnyOrderElementsOf(one);
        assertThat(perKey(many, 0)).as("per-key order of %s at %d reactors", query, reactors).isEqualTo(perKey(one, 0));
      }
    }
  }

  @Test
  void anAggregateOverAJoinByAnotherKeyGivesTheSameRows() {
    // the join is sharded by auction, the aggregate over its matches by bidder: each row takes the join's watermark as one
    // reactor's join would have stamped it (the smallest of the shards'), so the same rows are late
    String[] queries = {
        "WITH j AS (SELECT a.auction, a.bidder, a.price, b.price AS ask, a.ts FROM bids a JOIN asks b ON a.auction = b.auction "
            + "AND a.ts BETWEEN b.ts - INTERVAL '0.05' SECOND AND b.ts + INTERVAL '0.05' SECOND) SELECT bidder, window_start, "
            + "COUNT(*) AS pairs, SUM(ask) AS asked, MAX(price) AS top FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) "
            + "GROUP BY bidder, window_start, window_end",
        "WITH j AS (SELECT a.auction, a.bidder, a.price, b.price AS ask, a.ts FROM bids a LEFT JOIN asks b ON a.auction = b.auction "
            + "AND a.ts BETWEEN b.ts - INTERVAL '0.02' SECOND AND b.ts + INTERVAL '0.02' SECOND WHERE a.price > 100) SELECT bidder, "
            + "window_start, COUNT(*) AS n, COUNT(ask) AS matched, MIN(ask) AS lo FROM TABLE(HOP(TABLE j, DESCRIPTOR(ts), "
            + "INTERVAL '0.05' SECOND, INTERVAL '0.2' SECOND)) GROUP BY bidder, window_start, window_end",
        // a wide interval holds rows long, so the shards' join watermarks (held back by their oldest pending row) differ:
        // a row stamped with its own shard's would find 10 ms windows closed that one reactor's join kept open
        "WITH j AS (SELECT a.auction, a.bidder, b.price AS ask, a.ts FROM bids a JOIN asks b ON a.auction = b.auction "
            + "AND a.ts BETWEEN b.ts - INTERVAL '0.5' SECOND AND b.ts + INTERVAL '0.5' SECOND WHERE a.price < 30) SELECT bidder, "
            + "window_start, COUNT(*) AS pairs, SUM(ask) AS asked FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), INTERVAL '0.01' SECOND)) "
            + "GROUP BY bidder, window_start, window_end",
        // an ASOF join (each bid with the latest ask of its auction), then per bidder
        "WITH j AS (SELECT a.auction, a.bidder, a.price, b.price AS ask, a.ts FROM bids a LEFT ASOF JOIN asks b MATCH_CONDITION(a.ts >= b.ts) "
            + "ON a.auction = b.auction) SELECT bidder, window_start, COUNT(*) AS n, COUNT(ask) AS quoted, SUM(price - ask) AS spread "
            + "FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), INTERVAL '0.05' SECOND)) GROUP BY bidder, window_start, window_end"};
    for (String query : queries) {
      try (Laminar db = Laminar.open(config(2).build())) { // really both stages in shards
        db.execute(SOURCE);
        db.execute(ASKS);
        db.execute("CREATE SINK s WITH ('connector' = 'memory') AS " + query);
        assertThat(db.execute("DESCRIBE SINK s").rows()).as(query).anyMatch(r -> String.valueOf(r.get(3)).contains("stage 2 (re-keyed): consumer 0"));
      }
      List<Row> one = runJoin(1, query);
      assertThat(one).as(query).hasSizeGreaterThan(5);
      for (int reactors : new int[] {2, 3}) {
        List<Row> many = runJoin(reactors, query);
        assertThat(many).as("%s at %d reactors", query, reactors).containsExactlyInAnyOrderElementsOf(one);
        assertThat(perKey(many, 0)).as("per-key order of %s at %d reactors", query, reactors).isEqualTo(perKey(one, 0));
      }
    }
  }

  /** Asserts DESCRIBE shows sink {@code s} (of {@code query}) split: its part above sharded, the parts below as hidden streams. */
  private static void assertSplit(String query, int parts) {
    try (Laminar db = Laminar.open(config(2).connector(new AsyncItems()).build())) {
      db.execute(SOURCE);
      db.execute(ASKS);
      db.execute(ITEMS);
      db.execute("CREATE SINK s WITH ('connector' = 'memory') AS " + query);
      String figures = db.execute("DESCRIBE SINK s").rows().stream().map(r -> String.valueOf(r.get(3))).filter(e -> e.contains("; queue:"))
          .findFirst().orElseThrow();
      for (int i = 1; i <= parts; i++) {
        assertThat(figures).as(query).contains("below, as hidden stream s@" + i + ": ");
      }
      assertThat(figures).as(query).doesNotContain("hidden stream s@" + (parts + 1));
      assertThat(db.execute("SHOW STREAMS").rows()).as("hidden streams are no catalogue objects").isEmpty();
    }
  }

  @Test
  void aJoinOfTwoAggregatesRunsEachAggregateAsAHiddenShardedStreamAndGivesTheSameRows() {
    // no one shape covers a join of two aggregates: each aggregate runs sharded as a hidden stream merged on reactor 0, and
    // the join over the two merges is sharded by auction again
    String query = "WITH a AS (SELECT auction, window_time AS wt, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
        + "INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end, window_time), b AS (SELECT auction, window_time AS wt, "
        + "MAX(price) AS hi FROM TABLE(TUMBLE(TABLE asks, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, "
        + "window_end, window_time) SELECT a.auction, a.wt, a.n, b.hi FROM a JOIN b ON a.auction = b.auction AND a.wt BETWEEN "
        + "b.wt - INTERVAL '0.1' SECOND AND b.wt + INTERVAL '0.1' SECOND";
    assertSplit(query, 2);
    try (Laminar db = Laminar.open(config(2).build())) { // a subscription's hidden streams go with it
      db.execute(SOURCE);
      db.execute(ASKS);
      Subscription first = db.subscribe(query);
      first.close();
      List<Row> rows = collect(db, query, () -> {
        push(db, "bids", 42, 2_000);
        push(db, "asks", 43, 2_000);
      });
      assertThat(rows).isNotEmpty();
      assertThat(db.failures()).isEmpty();
    }
    List<Row> one = runJoin(1, query);
    assertThat(one).hasSizeGreaterThan(1_000);
    for (int reactors : new int[] {2, 3}) {
      List<Row> many = runJoin(reactors, query);
      assertThat(many).as("%d reactors", reactors).containsExactlyInAnyOrderElementsOf(one);
    }
  }

  @Test
  void joinsOverJoinsAndAggregatesOverJoinsOfAggregatesRunSplitAndGiveTheSameRows() {
    // a join's rows are never below its output watermark, and the merge caps each row's watermark by the other lanes': the
    // part above a join finds the same rows late as with one reactor (here on the tight bids and asks, many rows are late)
    String perAuction = "SELECT auction, window_time AS wt, COUNT(*) AS n, MAX(price) AS hi FROM TABLE(TUMBLE(TABLE tight, DESCRIPTOR(ts), "
        + "INTERVAL '0.02' SECOND)) GROUP BY auction, window_start, window_end, window_time";
    String overJoin = "SELECT window_start, COUNT(*) AS pairs, SUM(n) AS counted, MAX(hi) AS top FROM TABLE(TUMBLE((SELECT a.auction, a.wt, "
        + "a.n, b.hi FROM (" + perAuction + ") a JOIN (" + perAuction.replace("tight", "tight_asks") + ") b ON a.auction = b.auction "
        + "AND a.wt BETWEEN b.wt - INTERVAL '0.1' SECOND AND b.wt), DESCRIPTOR(wt), INTERVAL '0.05' SECOND)) GROUP BY window_start, window_end";
    String threeWay = "SELECT b.auction, b.price, a.price AS ask, c.price AS ask2, b.ts FROM tight b JOIN tight_asks a ON b.auction = a.auction "
        + "AND b.ts BETWEEN a.ts - INTERVAL '0.02' SECOND AND a.ts + INTERVAL '0.02' SECOND JOIN tight_asks c ON b.auction = c.auction "
        + "AND b.ts BETWEEN c.ts - INTERVAL '0.01' SECOND AND c.ts AND c.price > 500";
    for (String query : List.of(overJoin, threeWay)) {
      java.util.function.IntFunction<List<Row>> run = reactors -> {
        try (Laminar db = Laminar.open(config(reactors).build())) {
          db.execute(TIGHT);
          db.execute(TIGHT.replace("tight", "tight_asks"));
          if (reactors == 2) {
            db.execute("CREATE SINK s WITH ('connector' = 'memory') AS " + query);
            assertThat(db.execute("DESCRIBE SINK s").rows()).as(query).anyMatch(r -> String.valueOf(r.get(3)).contains("hidden stream s@1"));
          }
          return collect(db, query, () -> {
            push(db, "tight", 11, 20_000);
            push(db, "tight_asks", 12, 20_000);
          });
        }
      };
      List<Row> one = run.apply(1);
      assertThat(one).as(query).hasSizeGreaterThan(50);
      for (int reactors : new int[] {2, 3}) {
        assertThat(run.apply(reactors)).as("%d reactors: %s", reactors, query).containsExactlyInAnyOrderElementsOf(one);
      }
    }
  }

  @Test
  void anAggregateOverAGlobalOneOrOverALookupJoinBetweenStagesRunsSplit() {
    String global = "SELECT window_time AS wt, MAX(price) AS hi, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
        + "INTERVAL '0.01' SECOND)) GROUP BY window_start, window_end, window_time";
    String overGlobal = "SELECT MOD(hi, 7) AS b, window_start, COUNT(*) AS windows, SUM(n) AS counted FROM TABLE(TUMBLE((" + global
        + "), DESCRIPTOR(wt), INTERVAL '0.2' SECOND)) GROUP BY MOD(hi, 7), window_start, window_end";
    String amid = "SELECT window_start, MAX(n) AS hot, SUM(n) AS counted, COUNT(name) AS named FROM TABLE(TUMBLE((SELECT a.auction, a.wt, "
        + "a.n, i.name FROM (SELECT auction, window_time AS wt, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
        + "INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end, window_time) a LEFT JOIN items i ON a.auction = i.auction), "
        + "DESCRIPTOR(wt), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end";
    for (String query : List.of(overGlobal, amid)) {
      assertSplit(query, 1);
      List<Row> one = runLookup(1, query);
      assertThat(one.stream().mapToLong(r -> ((Number) r.get(3)).longValue()).sum()).as(query).isGreaterThan(0);
      for (int reactors : new int[] {2, 3}) {
        List<Row> many = runLookup(reactors, query);
        assertThat(many).as("%d reactors: %s", reactors, query).containsExactlyInAnyOrderElementsOf(one);
        assertThat(perKey(many, 0)).as("per-key order, %d reactors: %s", reactors, query).isEqualTo(perKey(one, 0));
      }
    }
    assertThat(runLookup(1, overGlobal).stream().mapToLong(r -> (Long) r.get(3)).sum()).isEqualTo(20_000);
  }

  @Test
  void noSplitWhereTheMergeWouldChangeTheRows() {
    String perAuction = "SELECT auction, window_time AS wt, COUNT(*) AS n, MAX(price) AS hi FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
        + "INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end, window_time";
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute(ASKS);
      // updates per row of a group fed by several lanes would follow the merge's order
      db.execute("CREATE SINK updates WITH ('connector' = 'memory') AS SELECT MOD(hi, 7) AS b, MAX(n) AS top FROM TABLE(TUMBLE((" + perAuction
          + "), DESCRIPTOR(wt), INTERVAL '1' SECOND)) GROUP BY MOD(hi, 7), window_start, window_end EMIT ON UPDATE");
      // so would FIRST_VALUE
      db.execute("CREATE SINK firsts WITH ('connector' = 'memory') AS SELECT MOD(hi, 7) AS b, FIRST_VALUE(auction) AS a FROM TABLE(TUMBLE(("
          + perAuction + "), DESCRIPTOR(wt), INTERVAL '1' SECOND)) GROUP BY MOD(hi, 7), window_start, window_end");
      for (String sink : List.of("updates", "firsts")) {
        assertThat(db.execute("DESCRIBE SINK " + sink).rows()).as(sink).noneMatch(r -> String.valueOf(r.get(3)).contains("hidden stream"));
      }
    }
  }

  @Test
  void aSplitSinkCheckpointsItsHiddenStreamsAndAnotherReactorCountIsRefused(@TempDir Path dir) {
    Path data = dir.resolve("data");
    String source = DATAGEN;
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(source);
      db.execute(source.replace(" s ", " s2 "));
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS WITH a AS (SELECT MOD(k, 100) AS g, "
          + "window_time AS wt, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY MOD(k, 100), "
          + "window_start, window_end, window_time), b AS (SELECT MOD(k, 100) AS g, window_time AS wt, MAX(k) AS hi FROM TABLE(TUMBLE(TABLE s2, "
          + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY MOD(k, 100), window_start, window_end, window_time) SELECT a.g, a.n, b.hi "
          + "FROM a JOIN b ON a.g = b.g AND a.wt BETWEEN b.wt - INTERVAL '1' MINUTE AND b.wt");
      db.execute("CREATE STREAM split AS SELECT MOD(hi, 7) AS b, COUNT(*) AS windows FROM TABLE(TUMBLE((SELECT window_time AS wt, "
          + "MAX(k) AS hi FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, window_time), "
          + "DESCRIPTOR(wt), INTERVAL '1' HOUR)) GROUP BY MOD(hi, 7), window_start, window_end");
      db.execute("CREATE SINK g WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out2") + "') AS SELECT b, windows FROM split");
      assertThat(db.execute("DESCRIBE SINK f").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("below, as hidden stream f@2"));
      assertThat(db.execute("DESCRIBE STREAM split").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("below, as hidden stream split@1"));
      for (int i = 0; i < 3; i++) { // each hidden stream's shards snapshot and mark their lanes; the part above after their merges
        assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
      }
    }
    assertThatThrownBy(() -> Laminar.open(config(1).dataDirectory(data).build()).close()).hasMessageContaining("reactor count");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
      assertThat(db.execute("DROP SINK f").message()).isEqualTo("Dropped f");
      assertThat(db.execute("DROP STREAM split CASCADE").message()).contains("split");
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
  }

  @Test
  void chainsOfStagesAndGlobalStagesGiveTheSameRows() {
    // three keyed stages; a keyed stage into a global SESSION stage (no partial states: one consumer on the last reactor);
    // a join into a global TUMBLE
    String perAuction = "SELECT auction, window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
        + "INTERVAL '0.05' SECOND)) GROUP BY auction, window_start, window_end, window_time";
    String[][] queries = {
        {"WITH t AS (" + perAuction + "), u AS (SELECT MOD(auction, 10) AS b, window_time AS ut, SUM(num) AS num FROM TABLE(TUMBLE(TABLE t, "
            + "DESCRIPTOR(wt), INTERVAL '0.1' SECOND)) GROUP BY MOD(auction, 10), window_start, window_end, window_time) SELECT MOD(num, 3) AS m, "
            + "window_start, COUNT(*) AS buckets, SUM(num) AS counted FROM TABLE(TUMBLE(TABLE u, DESCRIPTOR(ut), INTERVAL '0.5' SECOND)) "
            + "GROUP BY MOD(num, 3), window_start, window_end", "stage 3 (re-keyed)"},
        {"WITH t AS (" + perAuction + ") SELECT window_start, window_end, COUNT(*) AS cells, SUM(num) AS counted FROM TABLE(SESSION(TABLE t, "
            + "DESCRIPTOR(wt), INTERVAL '0.02' SECOND)) GROUP BY window_start, window_end", "stage 2 (global, on reactor 1)"}};
    for (String[] q : queries) {
      try (Laminar db = Laminar.open(config(2).build())) {
        db.execute(SOURCE);
        db.execute("CREATE SINK s WITH ('connector' = 'memory') AS " + q[0]);
        assertThat(db.execute("DESCRIBE SINK s").rows()).as(q[0]).anyMatch(r -> String.valueOf(r.get(3)).contains(q[1]));
      }
      List<Row> one = run(1, q[0], 42);
      assertThat(one).as(q[0]).hasSizeGreaterThan(5);
      for (int reactors : new int[] {2, 3}) {
        List<Row> many = run(reactors, q[0], 42);
        assertThat(many).as("%s at %d reactors", q[0], reactors).containsExactlyInAnyOrderElementsOf(one);
        assertThat(perKey(many, 0)).as("per-key order of %s at %d reactors", q[0], reactors).isEqualTo(perKey(one, 0));
      }
    }
    String joined = "WITH j AS (SELECT a.auction, a.price, b.price AS ask, a.ts FROM bids a JOIN asks b ON a.auction = b.auction "
        + "AND a.ts BETWEEN b.ts - INTERVAL '0.05' SECOND AND b.ts + INTERVAL '0.05' SECOND) SELECT window_start, COUNT(*) AS pairs, "
        + "SUM(ask) AS asked, MAX(price) AS top FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), INTERVAL '0.02' SECOND)) GROUP BY window_start, window_end";
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute(ASKS);
      db.execute("CREATE SINK s WITH ('connector' = 'memory') AS " + joined);
      assertThat(db.execute("DESCRIBE SINK s").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("stage 2 (global, on reactor 1)"));
    }
    List<Row> one = runJoin(1, joined);
    assertThat(one).hasSizeGreaterThan(5);
    for (int reactors : new int[] {2, 3}) {
      assertThat(runJoin(reactors, joined)).as("a global TUMBLE over a join at %d reactors", reactors).containsExactlyElementsOf(one);
    }
  }

  @Test
  void lateRowsOfASessionStageFeedingAGlobalOneAreTheSameAtEveryReactorCount() {
    // sessions close when a row's watermark passes their end; every shard closes them in the event one reactor would
    // (Operator.onRowWatermark), so the global stage finds the same session rows late
    String query = "WITH s AS (SELECT auction, window_time AS wt, COUNT(*) AS num FROM TABLE(SESSION(TABLE tight, DESCRIPTOR(ts), "
        + "DESCRIPTOR(auction), INTERVAL '0.005' SECOND)) GROUP BY auction, window_start, window_end, window_time) SELECT window_start, "
        + "COUNT(*) AS sessions, SUM(num) AS counted FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(wt), INTERVAL '0.005' SECOND)) "
        + "GROUP BY window_start, window_end";
    List<Row> one = run(1, TIGHT, query, 11);
    long counted = one.stream().mapToLong(r -> ((Number) r.get(2)).longValue()).sum();
    assertThat(counted).as("bids counted at 1 reactor (the rest were late)").isBetween(1L, 19_999L);
    for (int reactors : new int[] {2, 3}) {
      assertThat(run(reactors, TIGHT, query, 11)).as("%d reactors", reactors).containsExactlyElementsOf(one);
    }
  }

  @Test
  void lateRowsOfATwoStagePlanAreTheSameAtEveryReactorCount() {
    // the first stage drops late bids (10 ms bound, 40 ms disorder); the second stage's windows are as long as the first's, so
    // a first-stage row merged behind a later window's rows would be late there too
    String query = "WITH t AS (SELECT auction, window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE tight, DESCRIPTOR(ts), "
        + "INTERVAL '0.02' SECOND)) GROUP BY auction, window_start, window_end, window_time) SELECT MOD(auction, 13) AS bucket, window_start, "
        + "SUM(num) AS counted, COUNT(*) AS auctions FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(wt), INTERVAL '0.02' SECOND)) "
        + "GROUP BY MOD(auction, 13), window_start, window_end";
    List<Row> one = run(1, TIGHT, query, 11);
    long counted = one.stream().mapToLong(r -> ((Number) r.get(2)).longValue()).sum();
    assertThat(counted).as("bids counted at 1 reactor (the rest were late)").isBetween(1L, 19_999L);
    for (int reactors : new int[] {2, 3}) {
      List<Row> many = run(reactors, TIGHT, query, 11);
      assertThat(many).as("%d reactors", reactors).containsExactlyInAnyOrderElementsOf(one);
      assertThat(perKey(many, 0)).as("per-key order with %d reactors", reactors).isEqualTo(perKey(one, 0));
    }
  }

  @Test
  void aTwoStageSinkKeepsBothStagesStateInShardsAndCheckpointsEach(@TempDir Path dir) {
    String select = "WITH t AS (SELECT auction, window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
        + "INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end, window_time) SELECT MOD(num, 4) AS bucket, window_start, "
        + "SUM(num) AS counted FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(wt), INTERVAL '0.5' SECOND)) GROUP BY MOD(num, 4), window_start, window_end";
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute("CREATE SINK buckets WITH ('connector' = 'memory') AS " + select);
      push(db, 7, 5_000);
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      assertThat(db.sinkRows("buckets").stream().mapToLong(r -> ((Number) r.get(2)).longValue()).sum()).isEqualTo(5_000);
      String figures = db.execute("DESCRIBE SINK buckets").rows().stream().map(r -> String.valueOf(r.get(3)))
          .filter(e -> e.contains("routed by key")).findFirst().orElseThrow();
      assertThat(figures).containsPattern("shard 0: rows [1-9]\\d*").containsPattern("shard 1: rows [1-9]\\d*")
          .containsPattern("stage 2 \\(re-keyed\\): consumer 0: rows [1-9]\\d*").containsPattern("consumer 1: rows [1-9]\\d*");
    }
    // LAST_VALUE in the second stage depends on the order rows of different first-stage keys meet in: not sharded
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute("CREATE SINK last WITH ('connector' = 'memory') AS " + select.replace("SUM(num)", "LAST_VALUE(auction)"));
      assertThat(db.execute("DESCRIBE SINK last").rows()).noneMatch(r -> String.valueOf(r.get(3)).contains("routed by key"));
    }
    Path data = dir.resolve("data");
    String sink = "CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS WITH t AS (SELECT k, "
        + "window_time AS wt, COUNT(*) AS num FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY k, window_start, "
        + "window_end, window_time) SELECT MOD(k, 10) AS bucket, SUM(num) AS n FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(wt), INTERVAL '1' HOUR)) "
        + "GROUP BY MOD(k, 10), window_start, window_end";
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(DATAGEN);
      db.execute(sink);
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
    // the first stage's state is parts 0 and 1, the second's parts 2 and 3
    assertThatThrownBy(() -> Laminar.open(config(1).dataDirectory(data).build()).close())
        .hasMessageContaining("reactor count").hasMessageContaining("'f'").hasMessageContaining("~shard1").hasMessageContaining("~shard3");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
    }
  }

  /** Runs {@code statements} (streams), then subscribes {@code query} and pushes the bids. */
  private static List<Row> runWithStreams(int reactors, List<String> statements, String query, long seed) {
    try (Laminar db = Laminar.open(config(reactors).build())) {
      db.execute(SOURCE);
      statements.forEach(db::execute);
      return collect(db, query, () -> push(db, "bids", seed, 20_000));
    }
  }

  private static final String KEYED_STREAM = "CREATE STREAM per_auction AS SELECT auction, window_start AS ws, window_end AS we, window_time AS wt, "
      + "COUNT(*) AS n, SUM(price) AS total, LAST_VALUE(bidder) AS last_bidder FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), "
      + "INTERVAL '0.2' SECOND)) GROUP BY auction, window_start, window_end, window_time";

  @Test
  void aKeyedStreamRunsAsShardsMergedOnReactorZeroAndGivesTheSameRows() {
    // the stream's shards hand their rows back to reactor 0, where its readers run: a plain reader, and a second
    // aggregate over it (hot items as two streams), see the same rows as with one reactor
    List<Row> one = runWithStreams(1, List.of(KEYED_STREAM), "SELECT * FROM per_auction", 42);
    assertThat(one).hasSizeGreaterThan(1_000);
    String hot = "SELECT window_start, MAX(n) AS hot, SUM(n) AS counted, COUNT(*) AS auctions FROM TABLE(TUMBLE(TABLE per_auction, "
        + "DESCRIPTOR(wt), INTERVAL '0.2' SECOND)) GROUP BY window_start, window_end";
    List<Row> hotOne = runWithStreams(1, List.of(KEYED_STREAM), hot, 42);
    assertThat(hotOne.stream().mapToLong(r -> (Long) r.get(2)).sum()).isEqualTo(20_000);
    for (int reactors : new int[] {2, 3}) {
      List<Row> many = runWithStreams(reactors, List.of(KEYED_STREAM), "SELECT * FROM per_auction", 42);
      assertThat(many).as("%d reactors", reactors).containsExactlyInAnyOrderElementsOf(one);
      assertThat(perKey(many, 0)).as("per-key order, %d reactors", reactors).isEqualTo(perKey(one, 0));
      assertThat(runWithStreams(reactors, List.of(KEYED_STREAM), hot, 42)).as("hot items over the stream, %d reactors", reactors)
          .containsExactlyElementsOf(hotOne);
    }
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute(KEYED_STREAM);
      db.execute("CREATE SINK counts WITH ('connector' = 'memory') AS SELECT auction, n FROM per_auction");
      // a sink reading a sharded stream is sharded itself: its dealer runs in the stream's merge on reactor 0
      db.execute("CREATE SINK hot WITH ('connector' = 'memory') AS SELECT window_start, MAX(n) AS hot, SUM(n) AS counted "
          + "FROM TABLE(TUMBLE(TABLE per_auction, DESCRIPTOR(wt), INTERVAL '0.2' SECOND)) GROUP BY window_start, window_end");
      db.execute("CREATE SINK per_bidder WITH ('connector' = 'memory') AS SELECT last_bidder, SUM(n) AS counted "
          + "FROM TABLE(TUMBLE(TABLE per_auction, DESCRIPTOR(wt), INTERVAL '0.2' SECOND)) GROUP BY last_bidder, window_start, window_end");
      push(db, 7, 5_000);
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      assertThat(db.sinkRows("counts").stream().mapToLong(r -> (Long) r.get(1)).sum()).isEqualTo(5_000);
      assertThat(db.sinkRows("hot").stream().mapToLong(r -> (Long) r.get(2)).sum()).isEqualTo(5_000);
      assertThat(db.sinkRows("per_bidder").stream().mapToLong(r -> (Long) r.get(1)).sum()).isEqualTo(5_000);
      assertThat(db.execute("DESCRIBE SINK counts").rows()).noneMatch(r -> String.valueOf(r.get(3)).contains("routed by key")); // stateless
      assertThat(db.execute("DESCRIBE SINK hot").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("partial aggregates combined"));
      assertThat(db.execute("DESCRIBE SINK per_bidder").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("shard 1: rows"));
      String figures = db.execute("DESCRIBE STREAM per_auction").rows().stream().map(r -> String.valueOf(r.get(3)))
          .filter(e -> e.contains("routed by key")).findFirst().orElseThrow();
      assertThat(figures).containsPattern("shard 0: rows [1-9]\\d*").containsPattern("shard 1: rows [1-9]\\d*")
          .containsPattern("merged on reactor 0: lane 0 to reactor 0: rows [1-9]\\d*");
    }
  }

  /** A stream's rows, its side stream's rows and the rows SHOW STREAMS counts as redirected, at one reactor count. */
  private record LateRun(List<Row> rows, List<Row> late, Object redirected) {
  }

  /** Stream {@code totals} ({@code stream}, with LATE DATA TO late_rows) over the tight bids, read with its side stream. */
  private static LateRun runLate(int reactors, String stream) {
    try (Laminar db = Laminar.open(config(reactors).build())) {
      db.execute(TIGHT);
      db.execute(stream);
      List<List<Row>> rows = collectAll(db, List.of("SELECT * FROM totals", "SELECT * FROM late_rows"), () -> push(db, "tight", 11, 20_000));
      Row stats = db.execute("SHOW STREAMS").rows().stream().filter(r -> r.get(0).equals("totals")).findFirst().orElseThrow();
      if (reactors > 1) {
        assertThat(db.execute("DESCRIBE STREAM totals").rows()).as("%d reactors: %s", reactors, stream)
            .anyMatch(r -> String.valueOf(r.get(3)).matches(".*late rows merged on reactor 0: lane 0 to reactor 0: rows [1-9].*"));
      }
      return new LateRun(rows.get(0), rows.get(1), stats.get(5));
    }
  }

  @Test
  void aKeyedStreamsShardsSendTheSameLateRowsToItsSideStream() {
    // each shard sends the rows later than the lateness through a lane of its own, merged into the side stream on reactor 0;
    // which rows are late depends only on the watermark each meets, so both streams are one reactor's (per-key order kept)
    // the side stream has the aggregate's input columns, the grouping key first
    for (String stream : List.of("CREATE STREAM totals AS SELECT auction, window_start, COUNT(*) AS n, SUM(price) AS total FROM TABLE(TUMBLE(TABLE tight, "
        + "DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end LATE DATA TO late_rows",
        "CREATE STREAM totals AS SELECT bidder, window_start, COUNT(*) AS n, MAX(price) AS hi FROM TABLE(HOP(TABLE tight, "
        + "DESCRIPTOR(ts), INTERVAL '0.01' SECOND, INTERVAL '0.02' SECOND)) GROUP BY bidder, window_start, window_end "
        + "ALLOW LATENESS INTERVAL '0.005' SECOND LATE DATA TO late_rows",
        "CREATE STREAM totals AS SELECT auction, window_start, window_end, COUNT(*) AS n FROM TABLE(SESSION(TABLE tight, "
        + "DESCRIPTOR(ts), DESCRIPTOR(auction), INTERVAL '0.01' SECOND)) GROUP BY auction, window_start, window_end "
        + "ALLOW LATENESS INTERVAL '0.002' SECOND LATE DATA TO late_rows")) {
      LateRun one = runLate(1, stream);
      assertThat(one.late()).as("late rows at 1 reactor: %s", stream).hasSizeGreaterThan(10);
      assertThat(one.redirected()).isEqualTo((long) one.late().size());
      for (int reactors : new int[] {2, 3}) {
        LateRun many = runLate(reactors, stream);
        String as = reactors + " reactors: " + stream;
        assertThat(many.rows()).as(as).containsExactlyInAnyOrderElementsOf(one.rows());
        assertThat(perKey(many.rows(), 0)).as("per-key order, %s", as).isEqualTo(perKey(one.rows(), 0));
        assertThat(many.late()).as("late rows, %s", as).containsExactlyInAnyOrderElementsOf(one.late());
        assertThat(perKey(many.late(), 0)).as("per-key order of the late rows, %s", as).isEqualTo(perKey(one.late(), 0));
        assertThat(many.redirected()).as(as).isEqualTo(one.redirected());
      }
    }
  }

  @Test
  void aCheckpointWaitsForTheLateLanesOfAShardedStream(@TempDir Path dir) {
    Path data = dir.resolve("data");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(DATAGEN);
      db.execute("CREATE STREAM per_key AS SELECT MOD(k, 100) AS g, window_start AS ws, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, "
          + "DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY MOD(k, 100), window_start, window_end LATE DATA TO late_keys");
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS SELECT g, n FROM per_key");
      // reads the side stream on reactor 0, which snapshots once both of per_key's merges have aligned the barrier
      db.execute("CREATE SINK late WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("late") + "') AS SELECT g, ws FROM late_keys");
      assertThat(db.execute("DESCRIBE STREAM per_key").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("late rows merged on reactor 0"));
      for (int i = 0; i < 3; i++) { // the source channels stay held until both merges have every shard's marker
        assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
      }
    }
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
  }

  /** A lookup table answering on another thread, a little later: auction a gives ("item-" + a), multiples of 3 give nothing. */
  static final class AsyncItems implements dev.laminar.sdk.connector.ConnectorFactory {
    final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String id() {
      return "async-items";
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public java.util.Set<dev.laminar.sdk.connector.ConnectorKind> provides() {
      return java.util.Set.of(dev.laminar.sdk.connector.ConnectorKind.LOOKUP);
    }

    @Override
    public List<dev.laminar.sdk.connector.OptionSpec> options() {
      return List.of();
    }

    @Override
    public dev.laminar.sdk.lookup.LookupTable createLookupTable(dev.laminar.sdk.connector.ConnectorContext context) {
      dev.laminar.sdk.type.Schema schema = context.schema();
      return new dev.laminar.sdk.lookup.LookupTable() {
        @Override
        public dev.laminar.sdk.type.Schema keySchema() {
          return dev.laminar.sdk.type.Schema.of(schema.column(0));
        }

        @Override
        public dev.laminar.sdk.type.Schema rowSchema() {
          return schema;
        }

        @Override
        public java.util.concurrent.CompletionStage<List<List<Row>>> lookup(List<Row> keys) {
          calls.incrementAndGet();
          return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            List<List<Row>> out = new ArrayList<>();
            for (Row k : keys) {
              long a = (Long) k.get(0);
              out.add(a % 3 == 0 ? List.of() : List.of(Row.of(a, "item-" + a)));
            }
            return out;
          }, java.util.concurrent.CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MICROSECONDS));
        }
      };
    }
  }

  private static final String ITEMS = "CREATE LOOKUP TABLE items (auction BIGINT NOT NULL, name VARCHAR) WITH ('connector' = 'async-items')";

  private static List<Row> runLookup(int reactors, String query) {
    AsyncItems items = new AsyncItems();
    try (Laminar db = Laminar.open(config(reactors).connector(items).build())) {
      db.execute(SOURCE);
      db.execute(ITEMS);
      List<Row> rows = collect(db, query, () -> push(db, "bids", 42, 20_000));
      if (query.contains(" items ")) {
        assertThat(items.calls.get()).as("lookups made").isPositive();
      }
      return rows;
    }
  }

  @Test
  void aLookupJoinAfterAKeyedAggregateRunsInEveryShardAndGivesTheSameRows() {
    // each shard's lookup join answers on its own reactor, with the rows and watermarks behind a lookup held until it returns
    for (String join : List.of("JOIN", "LEFT JOIN")) {
      String query = "SELECT a.auction, a.ws, a.n, a.total, i.name FROM (SELECT auction, window_start AS ws, COUNT(*) AS n, "
          + "SUM(price) AS total FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.2' SECOND)) GROUP BY auction, window_start, "
          + "window_end) a " + join + " items i ON a.auction = i.auction";
      List<Row> one = runLookup(1, query);
      assertThat(one).as(join).hasSizeGreaterThan(1_000);
      assertThat(one).as(join).allMatch(r -> join.equals("LEFT JOIN") || r.get(4) != null)
          .anyMatch(r -> r.get(4) != null && r.get(4).equals("item-" + r.get(0)));
      for (int reactors : new int[] {2, 3}) {
        List<Row> many = runLookup(reactors, query);
        assertThat(many).as("%s at %d reactors", join, reactors).containsExactlyInAnyOrderElementsOf(one);
        assertThat(perKey(many, 0)).as("per-key order, %s at %d reactors", join, reactors).isEqualTo(perKey(one, 0));
      }
    }
  }

  @Test
  void aSinkAndAStreamWithALookupJoinAfterTheirKeyedStageAreShardedAndCheckpoint(@TempDir Path dir) {
    Path data = dir.resolve("data");
    String enriched = "SELECT a.g, a.n, i.name FROM (SELECT MOD(k, 100) AS g, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), "
        + "INTERVAL '1' HOUR)) GROUP BY MOD(k, 100), window_start, window_end) a LEFT JOIN items i ON a.g = i.auction";
    for (int run = 0; run < 2; run++) {
      try (Laminar db = Laminar.open(config(2).connector(new AsyncItems()).dataDirectory(data).build())) {
        if (run == 0) {
          db.execute(DATAGEN);
          db.execute(ITEMS);
          db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS " + enriched);
          db.execute("CREATE STREAM named AS " + enriched.replace("AS n FROM", "AS n, MAX(k) AS hi FROM").replace("a.n,", "a.n, a.hi,"));
          db.execute("CREATE SINK g WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out2") + "') AS SELECT g, name FROM named");
          // the lookups before the keyed stage run on reactor 0: a barrier is dealt once those in flight are back
          db.execute("CREATE SINK h WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out3") + "') AS SELECT name, COUNT(*) AS n "
              + "FROM TABLE(TUMBLE((SELECT s.k, s.ts, i.name FROM s LEFT JOIN items i ON MOD(s.k, 100) = i.auction), DESCRIPTOR(ts), "
              + "INTERVAL '1' HOUR)) GROUP BY name, window_start, window_end");
          assertThat(db.execute("DESCRIBE SINK h").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("shard 1: rows"));
          assertThat(db.execute("DESCRIBE SINK f").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("shard 1: rows"));
          assertThat(db.execute("DESCRIBE STREAM named").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("merged on reactor 0"));
        }
        assertThat(db.failures()).isEmpty();
        for (int i = 0; i < 2; i++) { // each shard's lookups in flight are finished before it marks its lane
          assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
        }
      }
    }
  }

  @Test
  void aLookupJoinBeforeTheKeyedStageRunsOnReactorZeroAndFeedsTheShards() {
    // the part of the plan up to the lookup join runs on reactor 0 and feeds the dealer as the lookups come back; the shards
    // group by the looked-up name (NULL for the auctions the table lacks), alone or before a global stage
    String enriched = "(SELECT b.auction, b.price, b.ts, i.name FROM bids b LEFT JOIN items i ON b.auction = i.auction WHERE b.price > 5)";
    String keyed = "SELECT name, window_start AS ws, window_time AS wt, COUNT(*) AS n, SUM(price) AS total FROM TABLE(TUMBLE(" + enriched
        + ", DESCRIPTOR(ts), INTERVAL '0.2' SECOND)) GROUP BY name, window_start, window_end, window_time";
    String global = "SELECT window_start, MAX(n) AS hot, SUM(n) AS counted FROM TABLE(TUMBLE((" + keyed + "), DESCRIPTOR(wt), "
        + "INTERVAL '0.2' SECOND)) GROUP BY window_start, window_end";
    String direct = "SELECT window_start, COUNT(*) AS n, COUNT(name) AS named, MAX(price) AS top FROM TABLE(TUMBLE(" + enriched
        + ", DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end";
    for (String query : List.of(keyed, global, direct)) {
      List<Row> one = runLookup(1, query);
      assertThat(one).hasSizeGreaterThan(20);
      for (int reactors : new int[] {2, 3}) {
        List<Row> many = runLookup(reactors, query);
        assertThat(many).as("%d reactors: %s", reactors, query).containsExactlyInAnyOrderElementsOf(one);
        assertThat(perKey(many, 0)).as("per-key order, %d reactors: %s", reactors, query).isEqualTo(perKey(one, 0));
      }
    }
    assertThat(runLookup(1, keyed).stream().mapToLong(r -> (Long) r.get(3)).sum()).as("bids above 5 counted").isGreaterThan(19_000);
    try (Laminar db = Laminar.open(config(2).connector(new AsyncItems()).build())) {
      db.execute(SOURCE);
      db.execute(ITEMS);
      db.execute("CREATE SINK ahead WITH ('connector' = 'memory') AS " + keyed);
      db.execute("CREATE SINK hot WITH ('connector' = 'memory') AS " + global);
      db.execute("CREATE SINK direct WITH ('connector' = 'memory') AS " + direct);
      assertThat(db.execute("DESCRIBE SINK direct").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("partial aggregates combined"));
      assertThat(db.execute("DESCRIBE SINK ahead").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("shard 1: rows"));
      assertThat(db.execute("DESCRIBE SINK hot").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("partial aggregates combined"));
      push(db, 7, 5_000);
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      assertThat(db.sinkRows("ahead")).isNotEmpty();
    }
  }

  private static final String HOT_STREAM = "CREATE STREAM hot AS WITH ab AS (" + AUCTION_HOPS.formatted("bids") + ") SELECT window_start, "
      + "MAX(num) AS hot, SUM(num) AS counted FROM TABLE(TUMBLE(TABLE ab, DESCRIPTOR(ht), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end";
  private static final String BUCKET_STREAM = "CREATE STREAM buckets AS WITH t AS (SELECT auction, window_time AS wt, COUNT(*) AS num "
      + "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY auction, window_start, window_end, window_time) "
      + "SELECT MOD(num, 5) AS bucket, window_start, COUNT(*) AS auctions, SUM(num) AS counted FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(wt), "
      + "INTERVAL '0.5' SECOND)) GROUP BY MOD(num, 5), window_start, window_end";
  private static final String HIGHEST_STREAM = "CREATE STREAM highest AS SELECT window_start, MAX(price) AS top, COUNT(*) AS n "
      + "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end";

  @Test
  void streamsOfTwoStagesOrAGlobalAggregateRunOverEveryReactorAndGiveTheSameRows() {
    // hot items and a global aggregate end in one combiner, whose lane keeps one reactor's order; two keyed stages end in
    // one lane per second-stage shard
    for (String stream : List.of(HOT_STREAM, HIGHEST_STREAM, BUCKET_STREAM)) {
      String name = stream.split(" ")[2];
      try (Laminar db = Laminar.open(config(2).build())) {
        db.execute(SOURCE);
        db.execute(stream);
        assertThat(db.execute("DESCRIBE STREAM " + name).rows()).as(name)
            .anyMatch(r -> String.valueOf(r.get(3)).contains("merged on reactor 0: lane 0 to reactor 0"));
      }
      List<Row> one = runWithStreams(1, List.of(stream), "SELECT * FROM " + name, 42);
      assertThat(one).as(name).hasSizeGreaterThan(20);
      for (int reactors : new int[] {2, 3}) {
        List<Row> many = runWithStreams(reactors, List.of(stream), "SELECT * FROM " + name, 42);
        if (stream == BUCKET_STREAM) {
          assertThat(many).as("%s at %d reactors", name, reactors).containsExactlyInAnyOrderElementsOf(one);
          assertThat(perKey(many, 0)).as("per-key order of %s at %d reactors", name, reactors).isEqualTo(perKey(one, 0));
        } else {
          assertThat(many).as("%s at %d reactors", name, reactors).containsExactlyElementsOf(one);
        }
      }
    }
  }

  @Test
  void aCheckpointWaitsForTheLanesOfTwoStageAndCombinedStreams(@TempDir Path dir) {
    Path data = dir.resolve("data");
    String source = DATAGEN;
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(source);
      db.execute(source.replace(" s ", " s2 "));
      db.execute("CREATE STREAM per_bucket AS WITH t AS (SELECT MOD(k, 100) AS g, window_time AS wt, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, "
          + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY MOD(k, 100), window_start, window_end, window_time) SELECT MOD(g, 7) AS b, "
          + "SUM(n) AS n FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(wt), INTERVAL '1' HOUR)) GROUP BY MOD(g, 7), window_start, window_end");
      db.execute("CREATE STREAM hottest AS WITH t AS (SELECT MOD(k, 100) AS g, window_time AS wt, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s2, "
          + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY MOD(k, 100), window_start, window_end, window_time) SELECT MAX(n) AS hot "
          + "FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(wt), INTERVAL '1' HOUR)) GROUP BY window_start, window_end");
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS SELECT b, n FROM per_bucket");
      db.execute("CREATE SINK g WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out2") + "') AS SELECT hot FROM hottest");
      for (int i = 0; i < 3; i++) { // the source channels stay held until each stream's merge has every lane's marker
        assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
      }
    }
    // per_bucket: the first stage is parts 0 and 1, the second 2 and 3; hottest: shards 0 and 1, the combiner 2
    assertThatThrownBy(() -> Laminar.open(config(1).dataDirectory(data).build()).close())
        .hasMessageContaining("reactor count").hasMessageContaining("~shard3");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
  }

  @Test
  void aStreamReadingAShardedStreamIsShardedAndACheckpointDealsItsBarrierAfterItsInputsMerge(@TempDir Path dir) {
    // per_auction is sharded; a keyed stream over it (by bidder) and a global one are sharded too, their dealers running in
    // per_auction's merge on reactor 0
    String byBidder = "CREATE STREAM per_bidder AS SELECT last_bidder, window_start, SUM(n) AS counted, COUNT(*) AS auctions "
        + "FROM TABLE(TUMBLE(TABLE per_auction, DESCRIPTOR(wt), INTERVAL '0.4' SECOND)) GROUP BY last_bidder, window_start, window_end";
    List<Row> one = runWithStreams(1, List.of(KEYED_STREAM, byBidder), "SELECT * FROM per_bidder", 42);
    assertThat(one.stream().mapToLong(r -> (Long) r.get(2)).sum()).isEqualTo(20_000);
    for (int reactors : new int[] {2, 3}) {
      List<Row> many = runWithStreams(reactors, List.of(KEYED_STREAM, byBidder), "SELECT * FROM per_bidder", 42);
      assertThat(many).as("%d reactors", reactors).containsExactlyInAnyOrderElementsOf(one);
      assertThat(perKey(many, 0)).as("per-key order, %d reactors", reactors).isEqualTo(perKey(one, 0));
    }
    Path data = dir.resolve("data");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(DATAGEN);
      db.execute("CREATE STREAM per_key AS SELECT MOD(k, 100) AS g, window_time AS wt, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, "
          + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY MOD(k, 100), window_start, window_end, window_time");
      db.execute("CREATE STREAM per_bucket AS SELECT MOD(g, 7) AS b, SUM(n) AS n FROM TABLE(TUMBLE(TABLE per_key, DESCRIPTOR(wt), "
          + "INTERVAL '1' HOUR)) GROUP BY MOD(g, 7), window_start, window_end");
      db.execute("CREATE STREAM top AS SELECT MAX(n) AS top FROM TABLE(TUMBLE(TABLE per_key, DESCRIPTOR(wt), INTERVAL '1' HOUR)) "
          + "GROUP BY window_start, window_end");
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS SELECT b, n FROM per_bucket");
      db.execute("CREATE SINK g WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out2") + "') AS SELECT top FROM top");
      for (String stream : List.of("per_bucket", "top")) {
        assertThat(db.execute("DESCRIBE STREAM " + stream).rows()).as(stream)
            .anyMatch(r -> String.valueOf(r.get(3)).contains("merged on reactor 0"));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
      }
    }
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
  }

  @Test
  void aJoinOfASourceWithAShardedStreamIsShardedAndGivesTheSameRows() {
    // Nexmark q7: the highest price per window (a global aggregate, sharded as a stream), then the bids at that price
    String maxPrice = "CREATE STREAM max_price AS SELECT window_start, window_end, MAX(price) AS maxprice FROM TABLE(TUMBLE(TABLE bids, "
        + "DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end";
    String highest = "SELECT b.auction, b.bidder, b.price, m.window_end FROM bids b JOIN max_price m ON b.price = m.maxprice "
        + "AND b.ts >= m.window_end - INTERVAL '0.1' SECOND AND b.ts < m.window_end";
    List<Row> one = runWithStreams(1, List.of(maxPrice), highest, 42);
    assertThat(one).hasSizeGreaterThan(100);
    for (int reactors : new int[] {2, 3}) {
      assertThat(runWithStreams(reactors, List.of(maxPrice), highest, 42)).as("%d reactors", reactors).containsExactlyInAnyOrderElementsOf(one);
    }
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute(maxPrice);
      db.execute("CREATE SINK highest WITH ('connector' = 'memory') AS " + highest);
      assertThat(db.execute("DESCRIBE SINK highest").rows()).anyMatch(r -> String.valueOf(r.get(3)).contains("shard 1: rows"));
    }
  }

  @Test
  void aCheckpointWaitsForAShardedStreamsShardsAndKeepsTheirStatePerShard(@TempDir Path dir) {
    Path data = dir.resolve("data");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(DATAGEN);
      db.execute("CREATE STREAM per_key AS SELECT MOD(k, 100) AS g, window_start AS ws, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, "
          + "DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY MOD(k, 100), window_start, window_end");
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS SELECT g, n FROM per_key");
      for (int i = 0; i < 3; i++) { // the source channels stay held until the stream's merge has every shard's marker
        assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
      }
    }
    assertThatThrownBy(() -> Laminar.open(config(1).dataDirectory(data).build()).close())
        .hasMessageContaining("reactor count").hasMessageContaining("'per_key'").hasMessageContaining("~shard1");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
  }

  @Test
  void describeShowsRowsRoutedToEveryShardAndTheQueueFigures() {
    try (Laminar db = Laminar.open(config(2).build())) {
      db.execute(SOURCE);
      db.execute("CREATE SINK counts WITH ('connector' = 'memory') AS SELECT auction, window_start, COUNT(*) AS n "
          + "FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY auction, window_start, window_end");
      push(db, 7, 5_000);
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      long counted = db.sinkRows("counts").stream().mapToLong(r -> (Long) r.get(2)).sum();
      assertThat(counted).isEqualTo(5_000);
      List<String> extra = db.execute("DESCRIBE SINK counts").rows().stream().map(r -> String.valueOf(r.get(3))).toList();
      String queues = extra.stream().filter(e -> e.contains("routed by key")).findFirst().orElseThrow();
      assertThat(queues).containsPattern("shard 0: rows [1-9]\\d*").containsPattern("shard 1: rows [1-9]\\d*");
      List<String> source = db.execute("DESCRIBE SOURCE bids").rows().stream().map(r -> String.valueOf(r.get(3))).toList();
      assertThat(source).anyMatch(e -> e.matches(".*; split 0: batches queued \\d+, blocked \\d+ ms"));
      assertThat(queues).containsPattern("queue: 2 lane\\(s\\), batches queued \\d+, reactors blocked \\d+ ms");
    }
  }

  @Test
  void aCheckpointKeepsEachShardsStateAndAnotherReactorCountIsRefusedByName(@TempDir Path dir) {
    Path data = dir.resolve("data");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      db.execute(DATAGEN);
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS SELECT k, COUNT(*) AS n "
          + "FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY k, window_start, window_end");
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
    assertThatThrownBy(() -> Laminar.open(config(1).dataDirectory(data).build()).close())
        .hasMessageContaining("reactor count").hasMessageContaining("'f'").hasMessageContaining("~shard1");
    try (Laminar db = Laminar.open(config(2).dataDirectory(data).build())) {
      assertThat(db.failures()).isEmpty();
    }
  }
}
