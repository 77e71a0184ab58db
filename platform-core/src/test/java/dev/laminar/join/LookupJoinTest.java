package dev.laminar.join;

import static dev.laminar.join.JoinTestSupport.In;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lookup joins: the built-in memory lookup table, caching, retries and failure policies, and a reactor that never waits on a lookup. */
class LookupJoinTest {
  /** A lookup table for tests: {@code fail-first} calls fail, then it answers from {@code ('k', n)} rows k→n; counts calls and keys. */
  static final class TestLookupFactory implements ConnectorFactory {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger keysAsked = new AtomicInteger();
    volatile int failFirst;
    volatile CountDownLatch gate;
    /** When set, every answer comes from this executor (a client with one I/O thread, say). */
    volatile java.util.concurrent.Executor answerOn;

    @Override
    public String id() {
      return "test-lookup";
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.LOOKUP);
    }

    @Override
    public List<OptionSpec> options() {
      return List.of();
    }

    @Override
    public LookupTable createLookupTable(ConnectorContext context) {
      Schema schema = context.schema();
      return new LookupTable() {
        @Override
        public Schema keySchema() {
          return Schema.of(schema.column(0));
        }

        @Override
        public Schema rowSchema() {
          return schema;
        }

        @Override
        public CompletionStage<List<List<Row>>> lookup(List<Row> keys) {
          calls.incrementAndGet();
          keysAsked.addAndGet(keys.size());
          if (failFirst > 0) {
            failFirst--;
            return CompletableFuture.failedFuture(new java.io.IOException("backend unavailable"));
          }
          List<List<Row>> out = new ArrayList<>();
          for (Row k : keys) {
            String key = (String) k.get(0);
            out.add(key.startsWith("x") ? List.of() : List.of(Row.of(key, (long) key.length())));
          }
          java.util.concurrent.Executor client = answerOn;
          if (client != null) {
            return CompletableFuture.supplyAsync(() -> out, client); // answered on the client's own thread
          }
          CountDownLatch g = gate;
          if (g == null) {
            return CompletableFuture.completedFuture(out);
          }
          return CompletableFuture.supplyAsync(() -> {
            try {
              g.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return out;
          });
        }
      };
    }
  }

  private static Laminar open(TestLookupFactory factory) {
    Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).batchSize(16).connector(factory).build());
    JoinTestSupport.createSources(db, 0);
    return db;
  }

  @Test
  void memoryLookupTableFromInsertedValuesInnerAndLeft() {
    try (Laminar db = open(new TestLookupFactory())) {
      db.execute("CREATE LOOKUP TABLE names (k VARCHAR NOT NULL, name VARCHAR, lvl INT) WITH ('connector' = 'memory', 'lookup.key' = 'k')");
      assertThat(db.execute("INSERT INTO names VALUES ('a', 'Ann', 1), ('b', 'Bob', 2), ('b', 'Bea', -3)").message())
          .isEqualTo("Inserted 3 rows into names");
      List<In> rows = List.of(In.l("a", 1, 0), In.l("b", 2, 10), In.l("c", 3, 20), new In("l", null, 4L, 30), In.r("a", 5, 0));
      List<Row> inner = JoinTestSupport.run(db, "SELECT l.v, n.name, n.lvl FROM l JOIN names FOR SYSTEM_TIME AS OF l.ts AS n ON l.k = n.k",
          rows);
      assertThat(JoinTestSupport.sortedStrings(inner)).containsExactly("[1, Ann, 1]", "[2, Bea, -3]", "[2, Bob, 2]");
    }
    try (Laminar db = open(new TestLookupFactory())) {
      db.execute("CREATE LOOKUP TABLE names (k VARCHAR NOT NULL, name VARCHAR) WITH ('connector' = 'memory', 'lookup.key' = 'k')");
      db.execute("INSERT INTO names VALUES ('a', 'Ann')");
      List<Row> left = JoinTestSupport.run(db, "SELECT l.v, n.name FROM l LEFT JOIN names n ON n.k = l.k",
          List.of(In.l("a", 1, 0), In.l("c", 3, 20), new In("l", null, 4L, 30)));
      assertThat(left).extracting(Row::toString).containsExactly("[1, Ann]", "[3, null]", "[4, null]");
      assertThat(db.execute("SHOW LOOKUP TABLES").rows()).extracting(Row::toString)
          .containsExactly("[names, memory, k, READY, 10000, fail]");
    }
  }

  @Test
  void aClientAnsweringOnOneThreadNeverWaitsForTheReactorThatWaitsForIt() {
    // the reactor waits for the oldest lookup when too many rows wait (here: more than one); the client's one thread
    // completes a lookup and runs its callbacks: they must not wait for the reactor, or the next lookup never runs
    TestLookupFactory factory = new TestLookupFactory();
    java.util.concurrent.ExecutorService client = java.util.concurrent.Executors.newSingleThreadExecutor();
    factory.answerOn = client;
    try (Laminar db = open(factory)) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, n BIGINT) WITH ('connector' = 'test-lookup', 'lookup.max-pending-rows' = '1', "
          + "'lookup.cache.max-rows' = '0', 'lookup.max-retries' = '0', 'lookup.timeout' = '1 s')");
      List<In> rows = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        rows.add(In.l("k" + (i % 500), i, i));
      }
      List<Row> out = JoinTestSupport.run(db, "SELECT l.v, t.n FROM l JOIN t ON l.k = t.k", rows);
      assertThat(out).hasSize(2_000);
      assertThat(factory.calls.get()).as("lookup calls").isGreaterThan(100);
    } finally {
      client.shutdownNow();
    }
  }

  @Test
  void memoryLookupTableLoadsCsvAndJsonFiles(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("rates.csv"), "cur,rate\nEUR,1.25\nUSD,1.0\n");
    Path json = Files.writeString(dir.resolve("rates.jsonl"), "{\"cur\": \"EUR\", \"rate\": 1.5}\n\n{\"cur\": \"GBP\", \"rate\": 2}\n");
    for (Path file : List.of(csv, json)) {
      try (Laminar db = open(new TestLookupFactory())) {
        db.execute("CREATE LOOKUP TABLE rates (cur VARCHAR, rate DECIMAL(10, 2)) WITH ('connector' = 'memory', 'lookup.key' = 'cur', "
            + "'path' = '" + file + "')");
        List<Row> out = JoinTestSupport.run(db, "SELECT l.k, l.v * r.rate AS amount FROM l JOIN rates r ON l.k = r.cur",
            List.of(In.l("EUR", 4, 0), In.l("USD", 2, 1), In.l("GBP", 1, 2)));
        assertThat(JoinTestSupport.sortedStrings(out)).containsExactly(file == csv ? new String[] {"[EUR, 5.00]", "[USD, 2.00]"}
            : new String[] {"[EUR, 6.00]", "[GBP, 2.00]"});
      }
    }
  }

  @Test
  void randomStreamMatchesABatchJoin() {
    Random random = new Random(7);
    try (Laminar db = open(new TestLookupFactory())) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, w BIGINT) WITH ('connector' = 'memory', 'lookup.key' = 'k', 'lookup.cache.max-rows' = '3')");
      Map<String, List<Long>> table = new HashMap<>();
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        String k = "k" + random.nextInt(25);
        long w = random.nextInt(1000);
        table.computeIfAbsent(k, x -> new ArrayList<>()).add(w);
        values.append(values.isEmpty() ? "" : ", ").append("('").append(k).append("', ").append(w).append(")");
      }
      values.append(", (NULL, 5)");
      db.execute("INSERT INTO t VALUES " + values);
      List<In> input = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        String k = random.nextInt(20) == 0 ? null : "k" + random.nextInt(30);
        input.add(new In("l", k, (long) i, i));
        List<Long> ws = k == null ? List.of() : table.getOrDefault(k, List.of());
        if (ws.isEmpty()) {
          expected.add(Row.of(k, (long) i, null).toString());
        }
        for (long w : ws) {
          expected.add(Row.of(k, (long) i, w).toString());
        }
      }
      List<Row> out = JoinTestSupport.run(db, "SELECT l.k, l.v, t.w FROM l LEFT JOIN t FOR SYSTEM_TIME AS OF l.ts ON l.k = t.k", input);
      assertThat(JoinTestSupport.sortedStrings(out)).isEqualTo(expected.stream().sorted().toList());
    }
  }

  @Test
  void theCacheAnswersRepeatedKeysAndBatchesTheRest() {
    TestLookupFactory factory = new TestLookupFactory();
    try (Laminar db = open(factory)) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, n BIGINT) WITH ('connector' = 'test-lookup')");
      List<In> input = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        input.add(In.l("key" + (i % 10), i, i));
      }
      List<Row> out = JoinTestSupport.run(db, "SELECT l.v, t.n FROM l JOIN t ON l.k = t.k", input);
      assertThat(out).hasSize(1_000);
      assertThat(factory.keysAsked.get()).as("each of the 10 keys is looked up once, then cached").isEqualTo(10);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"60 s", "0 ms"})
  void aCachedKeyIsLookedUpAgainOnlyAfterItsTtl(String ttl) {
    TestLookupFactory factory = new TestLookupFactory();
    try (Laminar db = open(factory)) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, n BIGINT) WITH ('connector' = 'test-lookup', 'lookup.cache.ttl' = '" + ttl + "')");
      Subscription sub = db.subscribe("SELECT l.v, t.n FROM l JOIN t ON l.k = t.k");
      try (var l = db.writer("l")) {
        for (int i = 0; i < 2; i++) {
          l.beginRow();
          l.setString(0, "key");
          l.setLong(1, i);
          l.setTimestampMillis(2, JoinTestSupport.T0 + i);
          l.endRow();
          l.flush();
          assertThat(sub.poll(Duration.ofSeconds(30))).extracting(Row::toString).containsExactly("[" + i + ", 3]"); // answered and cached
        }
      }
      assertThat(factory.keysAsked.get()).isEqualTo(ttl.equals("0 ms") ? 2 : 1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"fail", "skip", "null"})
  void aLookupThatKeepsFailingFollowsThePolicy(String policy) {
    TestLookupFactory factory = new TestLookupFactory();
    factory.failFirst = Integer.MAX_VALUE;
    try (Laminar db = open(factory)) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, n BIGINT) WITH ('connector' = 'test-lookup', 'lookup.max-retries' = '2', "
          + "'lookup.on-failure' = '" + policy + "')");
      Subscription sub = db.subscribe("SELECT l.v, t.n FROM l LEFT JOIN t ON l.k = t.k");
      CompletableFuture<List<Row>> out = CompletableFuture.supplyAsync(() -> JoinTestSupport.drain(sub));
      JoinTestSupport.write(db, List.of(In.l("a", 1, 0), In.l("b", 2, 1)));
      List<Row> rows = out.join();
      assertThat(factory.calls.get()).as("the first call and 2 retries").isEqualTo(3);
      switch (policy) {
        case "fail" -> {
          assertThat(sub.failure()).hasMessageContaining("lookup in table 't' failed for keys [[a], [b]] after every retry")
              .hasMessageContaining("backend unavailable");
          assertThat(db.failures()).anyMatch(f -> f.contains("lookup in table 't' failed"));
        }
        case "skip" -> assertThat(rows).isEmpty();
        default -> assertThat(rows).extracting(Row::toString).containsExactly("[1, null]", "[2, null]");
      }
    }
  }

  @Test
  void aLookupThatFailsThenRecoversIsRetried() {
    TestLookupFactory factory = new TestLookupFactory();
    factory.failFirst = 2;
    try (Laminar db = open(factory)) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, n BIGINT) WITH ('connector' = 'test-lookup')");
      List<Row> out = JoinTestSupport.run(db, "SELECT l.v, t.n FROM l JOIN t ON l.k = t.k", List.of(In.l("abc", 1, 0)));
      assertThat(out).extracting(Row::toString).containsExactly("[1, 3]");
      assertThat(factory.calls.get()).isEqualTo(3);
    }
  }

  @Test
  void aSlowLookupDoesNotStallTheReactor() throws Exception {
    TestLookupFactory factory = new TestLookupFactory();
    factory.gate = new CountDownLatch(1);
    try (Laminar db = open(factory)) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, n BIGINT) WITH ('connector' = 'test-lookup')");
      Subscription enriched = db.subscribe("SELECT l.v, t.n FROM l JOIN t ON l.k = t.k");
      Subscription other = db.subscribe("SELECT v FROM r");
      try (var l = db.writer("l"); var r = db.writer("r")) {
        l.beginRow();
        l.setString(0, "abcd");
        l.setLong(1, 1);
        l.setTimestampMillis(2, JoinTestSupport.T0);
        l.endRow();
        l.flush();
        r.beginRow();
        r.setString(0, "z");
        r.setLong(1, 42);
        r.setTimestampMillis(2, JoinTestSupport.T0);
        r.endRow();
        r.flush();
        // the lookup is still blocked, yet the other query runs on the same reactor
        assertThat(other.poll(Duration.ofSeconds(30))).extracting(Row::toString).containsExactly("[42]");
        assertThat(enriched.poll(Duration.ofMillis(50))).isEmpty();
        factory.gate.countDown();
      }
      assertThat(JoinTestSupport.drain(enriched)).extracting(Row::toString).containsExactly("[1, 4]");
    }
  }

  @Test
  void lookupMistakesAreRefusedWithAMessage() {
    try (Laminar db = open(new TestLookupFactory())) {
      db.execute("CREATE LOOKUP TABLE t (k VARCHAR, w BIGINT) WITH ('connector' = 'memory', 'lookup.key' = 'k')");
      assertThatThrownBy(() -> db.execute("SELECT * FROM t")).hasMessageContaining("'t' is a lookup table: it can only be joined");
      assertThatThrownBy(() -> db.execute("SELECT * FROM l JOIN t ON l.v = t.w")).hasMessageContaining("is looked up by [k], not by 'w'");
      assertThatThrownBy(() -> db.execute("SELECT * FROM l JOIN t ON l.k = t.k AND l.v > t.w"))
          .hasMessageContaining("takes only equalities of stream columns with the key columns [k]");
      assertThatThrownBy(() -> db.execute("SELECT * FROM l JOIN t ON l.v = t.k")).hasMessageContaining("CAST the stream's column");
      assertThatThrownBy(() -> db.execute("INSERT INTO l VALUES ('a', 1, TIMESTAMP '2026-01-01 00:00:00')"))
          .hasMessageContaining("INSERT INTO takes a lookup table of the 'memory' connector; 'l' is a source");
      assertThatThrownBy(() -> db.execute("CREATE LOOKUP TABLE u (k VARCHAR) WITH ('connector' = 'memory')"))
          .hasMessageContaining("needs option 'lookup.key'");
      assertThatThrownBy(() -> db.execute("CREATE LOOKUP TABLE u (k VARCHAR) WITH ('connector' = 'memory', 'lookup.key' = 'k', "
          + "'lookup.on-failure' = 'retry')")).hasMessageContaining("lookup.on-failure").hasMessageContaining("fail, skip, null");
      assertThatThrownBy(() -> db.execute("CREATE LOOKUP TABLE u (k VARCHAR) WITH ('connector' = 'datagen')"))
          .hasMessageContaining("datagen");
      db.execute("CREATE STREAM enriched AS SELECT l.v, t.w FROM l JOIN t ON l.k = t.k");
      // a sink's plan names the lookup table before the stream it reads: the sink still reads the stream
      db.execute("CREATE SINK enriched_out WITH ('connector' = 'memory') AS SELECT l.v, t.w FROM l LEFT JOIN t ON l.k = t.k");
      assertThat(db.execute("SHOW SINKS").rows().toString()).contains("enriched_out");
      db.execute("DROP SINK enriched_out");
      assertThatThrownBy(() -> db.execute("DROP LOOKUP TABLE t")).hasMessageContaining("[stream 'enriched'] read(s) it");
      assertThat(db.execute("DROP LOOKUP TABLE t CASCADE").message()).isEqualTo("Dropped enriched, t");
    }
  }
}
