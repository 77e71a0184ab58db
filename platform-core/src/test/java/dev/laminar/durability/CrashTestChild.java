package dev.laminar.durability;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The engine run by {@link CrashRecoveryTest} in a child JVM: a generated source (out of order within
 * 200 ms) through a filter and projection into one {@code filesystem} sink, and a second one like it
 * through a TUMBLE aggregate into another,, two more through HOP and SESSION aggregates, and
 * two pairs through an interval and an ASOF join (one source each: a source starts with its first reader,
 * so a second sink created later would see it from wherever it then is), with a checkpoint every 20 ms, until the source ends.
 * Killed at random moments and started again on the same data directory, it must leave the same
 * committed output as a run that was never interrupted. Exits 0 when the pipeline has finished.
 *
 * <p>Arguments: data directory, output directory, rows.
 */
public final class CrashTestChild {
  private CrashTestChild() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path out = Path.of(args[1]);
    long rows = Long.parseLong(args[2]);
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).batchSize(64)
        .checkpointInterval(Duration.ofMillis(20)).build())) {
      // every pipeline reads its own source (a sink attached to a running source misses what it read before)
      for (String source : List.of("events", "events2", "events3", "events4", "events9", "events5", "events6", "events7", "events8", "events11", "events10", "events12", "events13", "events14", "events15", "events16", "events17")) {
        db.execute("CREATE SOURCE IF NOT EXISTS " + source + " (id BIGINT NOT NULL, k VARCHAR NOT NULL, amount INT NOT NULL, "
            + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', "
            + "'number-of-rows' = '" + rows + "', 'rows-per-second' = '5000', 'fields.id.kind' = 'sequence', "
            + "'fields.k.values' = 'a,b,c,d', 'fields.amount.min' = '0', 'fields.amount.max' = '1000', 'event-time.step' = '1ms', "
            + "'event-time.max-out-of-orderness' = '200ms')");
      }
      db.execute("CREATE SINK IF NOT EXISTS results WITH ('connector' = 'filesystem', 'path' = '" + out + "', 'format' = 'csv') AS "
          + "SELECT id, k, amount * 2 AS doubled, ts FROM events WHERE MOD(amount, 3) <> 0");
      db.execute("CREATE SINK IF NOT EXISTS bars WITH ('connector' = 'filesystem', 'path' = '" + out.resolveSibling(out.getFileName() + "-bars")
          + "', 'format' = 'csv') AS SELECT k, window_start, COUNT(*) AS n, SUM(amount) AS total, MIN(amount) AS lo, MAX(amount) AS hi, "
          + "FIRST_VALUE(id) AS first_id, LAST_VALUE(id) AS last_id, MIN(CAST(amount AS VARCHAR)) AS lo_text, " // strings in the slots
          + "LAST_VALUE(CAST(amount AS VARCHAR)) AS last_text FROM TABLE(TUMBLE(TABLE events2, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY k, window_start, window_end");
      // two keyed stages (both in shards at N reactors): HOP cells by k and id bucket, then per k per second
      db.execute("CREATE SINK IF NOT EXISTS hops WITH ('connector' = 'filesystem', 'path' = '" + out.resolveSibling(out.getFileName() + "-hops")
          + "', 'format' = 'csv') AS WITH h AS (SELECT k, MOD(id, 8) AS g, window_time AS wt, COUNT(*) AS n, SUM(amount) AS total, "
          + "APPROX_COUNT_DISTINCT(amount) AS distinct_amounts, ROUND(STDDEV_POP(amount), 6) AS sd FROM TABLE(HOP(TABLE events3, "
          + "DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY k, MOD(id, 8), window_start, window_end, window_time) "
          + "SELECT k, window_start, window_end, SUM(n) AS n, SUM(total) AS total, SUM(distinct_amounts) AS distinct_amounts, MAX(sd) AS sd "
          + "FROM TABLE(TUMBLE(TABLE h, DESCRIPTOR(wt), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end");
      // COUNT(DISTINCT): the sets in the operators' stores (of numbers, and of strings as dictionary ids)
      // (each sink reads its own source: a sink attached to a running source misses what it read before)
      db.execute("CREATE SINK IF NOT EXISTS distinct_bars WITH ('connector' = 'filesystem', 'path' = '"
          + out.resolveSibling(out.getFileName() + "-distinct-bars") + "', 'format' = 'csv') AS SELECT k, window_start, "
          + "COUNT(DISTINCT amount) AS d, MAX(id) AS last_id, COUNT(DISTINCT CAST(MOD(amount, 7) AS VARCHAR)) AS ds "
          + "FROM TABLE(TUMBLE(TABLE events11, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY k, window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS distinct_hops WITH ('connector' = 'filesystem', 'path' = '"
          + out.resolveSibling(out.getFileName() + "-distinct-hops") + "', 'format' = 'csv') AS SELECT k, window_start, window_end, "
          + "COUNT(DISTINCT amount) AS d, MIN(id) AS first_id FROM TABLE(HOP(TABLE events10, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
          + "INTERVAL '3' SECOND)) GROUP BY k, window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS sessions WITH ('connector' = 'filesystem', 'path' = '"
          + out.resolveSibling(out.getFileName() + "-sessions") + "', 'format' = 'csv') AS SELECT k, window_start, window_end, COUNT(*) AS n, "
          + "MAX(id) AS last_id, COUNT(DISTINCT amount) AS amounts FROM TABLE(SESSION(TABLE events4, DESCRIPTOR(ts), DESCRIPTOR(k), "
          + "INTERVAL '0.008' SECOND)) GROUP BY k, window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS stored_sessions WITH ('connector' = 'filesystem', 'path' = '" // the off-heap SESSION operator
          + out.resolveSibling(out.getFileName() + "-stored-sessions") + "', 'format' = 'csv') AS SELECT k, window_start, window_end, "
          + "COUNT(*) AS n, SUM(amount) AS total, MIN(amount) AS lo, FIRST_VALUE(id) AS first_id, LAST_VALUE(id) AS last_id "
          + "FROM TABLE(SESSION(TABLE events9, DESCRIPTOR(ts), DESCRIPTOR(k), INTERVAL '0.008' SECOND)) GROUP BY k, window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS pairs WITH ('connector' = 'filesystem', 'path' = '" + out.resolveSibling(out.getFileName() + "-pairs")
          + "', 'format' = 'csv') AS SELECT a.id, b.id AS other, a.k FROM events5 a LEFT JOIN events6 b ON a.k = b.k "
          + "AND a.ts BETWEEN b.ts - INTERVAL '0.002' SECOND AND b.ts + INTERVAL '0.001' SECOND AND b.amount > 500");
      db.execute("CREATE SINK IF NOT EXISTS quoted WITH ('connector' = 'filesystem', 'path' = '" // the store-backed ASOF join
          + out.resolveSibling(out.getFileName() + "-asof")
          + "', 'format' = 'csv') AS SELECT a.id, b.id AS quote, b.amount FROM events7 a ASOF JOIN events8 b "
          + "MATCH_CONDITION(a.ts >= b.ts) ON a.k = b.k");
      db.execute("CREATE SINK IF NOT EXISTS totals WITH ('connector' = 'filesystem', 'path' = '" // a global aggregate: two-phase at N reactors
          + out.resolveSibling(out.getFileName() + "-totals") + "', 'format' = 'csv') AS SELECT window_start, COUNT(*) AS n, SUM(amount) AS total, "
          + "MIN(amount) AS lo, MAX(amount) AS hi, FIRST_VALUE(id) AS first_id, LAST_VALUE(id) AS last_id, LAST_VALUE(k) AS last_k "
          + "FROM TABLE(TUMBLE(TABLE events12, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS global_hops WITH ('connector' = 'filesystem', 'path' = '" // global HOP: partial panes at N reactors
          + out.resolveSibling(out.getFileName() + "-global-hops") + "', 'format' = 'csv') AS SELECT window_start, window_end, COUNT(*) AS n, "
          + "SUM(amount) AS total, FIRST_VALUE(id) AS first_id, LAST_VALUE(id) AS last_id "
          + "FROM TABLE(HOP(TABLE events13, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS hot WITH ('connector' = 'filesystem', 'path' = '" // hot items: keyed HOP on the shards, global TUMBLE combined
          + out.resolveSibling(out.getFileName() + "-hot") + "', 'format' = 'csv') AS WITH ab AS (SELECT MOD(id, 16) AS g, window_time AS wt, "
          + "COUNT(*) AS n, SUM(amount) AS total FROM TABLE(HOP(TABLE events14, DESCRIPTOR(ts), INTERVAL '0.5' SECOND, INTERVAL '2' SECOND)) "
          + "GROUP BY MOD(id, 16), window_start, window_end, window_time) SELECT window_start, MAX(n) AS hot, SUM(n) AS n, MAX(total) AS top, "
          + "COUNT(*) AS cells FROM TABLE(TUMBLE(TABLE ab, DESCRIPTOR(wt), INTERVAL '0.5' SECOND)) GROUP BY window_start, window_end");
      // a keyed stream (sharded at N reactors, merged back on reactor 0) and a global aggregate over it on reactor 0
      db.execute("CREATE STREAM IF NOT EXISTS keyed_bars AS SELECT MOD(id, 16) AS g, window_start AS ws, window_time AS wt, COUNT(*) AS n, "
          + "SUM(amount) AS total, LAST_VALUE(id) AS last_id FROM TABLE(TUMBLE(TABLE events15, DESCRIPTOR(ts), INTERVAL '0.5' SECOND)) "
          + "GROUP BY MOD(id, 16), window_start, window_end, window_time");
      // a global aggregate over it as a stream of its own (both sharded at N reactors: its barrier follows keyed_bars' merge)
      db.execute("CREATE STREAM IF NOT EXISTS bars_hot AS SELECT window_start, MAX(n) AS hot, SUM(n) AS n, MAX(last_id) AS last_id, "
          + "SUM(total) AS total FROM TABLE(TUMBLE(TABLE keyed_bars, DESCRIPTOR(wt), INTERVAL '1' SECOND)) GROUP BY window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS stream_hot WITH ('connector' = 'filesystem', 'path' = '" + out.resolveSibling(out.getFileName()
          + "-stream-hot") + "', 'format' = 'csv') AS SELECT window_start, hot, n, last_id, total FROM bars_hot");
      // a join of two aggregates: at N reactors each aggregate runs as a hidden sharded stream, the join over their merges
      db.execute("CREATE SINK IF NOT EXISTS joined WITH ('connector' = 'filesystem', 'path' = '" + out.resolveSibling(out.getFileName()
          + "-joined") + "', 'format' = 'csv') AS WITH a AS (SELECT k, window_time AS wt, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events16, "
          + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end, window_time), b AS (SELECT k, window_time AS wt, "
          + "SUM(amount) AS total FROM TABLE(TUMBLE(TABLE events17, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, "
          + "window_end, window_time) SELECT a.k, a.wt, a.n, b.total FROM a JOIN b ON a.k = b.k AND a.wt BETWEEN b.wt AND b.wt");
      System.out.println("RUNNING"); // the parent kills at random moments after this line
      System.out.flush();
      if (!db.awaitCompletion(Duration.ofMinutes(5))) {
        System.exit(3);
      }
      if (!db.failures().isEmpty()) {
        System.err.println(db.failures());
        System.exit(4);
      }
    }
    System.exit(0);
  }
}
