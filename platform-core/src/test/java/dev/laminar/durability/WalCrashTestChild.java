package dev.laminar.durability;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.durability.wal.SyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine run by {@link WalCrashRecoveryTest} in a child JVM: the application pushes deterministic
 * rows through the public API ({@link SourceWriter}) into a {@code memory} source, which feeds a TUMBLE
 * aggregate and a filter/projection into two {@code filesystem} sinks, with a checkpoint every 20 ms
 * and the write-ahead log synced on every commit. Each run resumes pushing at the writer's
 * {@link SourceWriter#durableRows()} (what the crashed run had durably handed over), commits every
 * 500 rows (waiting for the log's sync, where many kills land), and closes the writer after the last
 * row; it exits 0 once the sinks have committed everything.
 *
 * <p>Arguments: data directory, output directory, rows, rows per second.
 */
public final class WalCrashTestChild {
  private WalCrashTestChild() {}

  /** Row {@code i}'s columns: a function of {@code i} only, so every run pushes the same rows. */
  static long ts(long i) {
    return 1_700_000_000_000L + i - Math.floorMod(i * 31, 150); // out of order within 150 ms
  }

  static int amount(long i) {
    return (int) Math.floorMod(i * 7919, 1000);
  }

  static String key(long i) {
    return "k" + Math.floorMod(i * 13, 5);
  }

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path out = Path.of(args[1]);
    long rows = Long.parseLong(args[2]);
    long perSecond = Long.parseLong(args[3]);
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).batchSize(64)
        .checkpointInterval(Duration.ofMillis(20)).walSyncPolicy(SyncPolicy.EVERY_COMMIT).walSegmentBytes(64 << 10).build())) {
      db.execute("CREATE SOURCE IF NOT EXISTS events (id BIGINT NOT NULL, k VARCHAR NOT NULL, amount INT NOT NULL, "
          + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND) WITH ('connector' = 'memory', 'chunk-rows' = '100')");
      db.execute("CREATE SINK IF NOT EXISTS bars WITH ('connector' = 'filesystem', 'path' = '" + out.resolveSibling(out.getFileName() + "-bars")
          + "', 'format' = 'csv', 'sink.delivery-guarantee' = 'exactly-once') AS SELECT k, window_start, COUNT(*) AS n, SUM(amount) AS total, "
          + "MIN(amount) AS lo, MAX(amount) AS hi, FIRST_VALUE(id) AS first_id, LAST_VALUE(id) AS last_id "
          + "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '0.1' SECOND)) GROUP BY k, window_start, window_end");
      db.execute("CREATE SINK IF NOT EXISTS results WITH ('connector' = 'filesystem', 'path' = '" + out + "', 'format' = 'csv') AS "
          + "SELECT id, k, amount * 2 AS doubled, ts FROM events WHERE MOD(amount, 3) <> 0");
      System.out.println("RUNNING"); // the parent kills at random moments after this line
      System.out.flush();
      SourceWriter w = null;
      try {
        w = db.writer("events");
      } catch (IllegalStateException ended) {
        // an earlier run closed the writer and the log recorded the end: only the sinks' last commits may be left
      }
      if (w != null) {
        long from = w.durableRows();
        System.err.println("resuming at row " + from);
        long start = System.nanoTime();
        for (long i = from; i < rows; i++) {
          w.beginRow();
          w.setLong(0, i);
          w.setString(1, key(i));
          w.setInt(2, amount(i));
          w.setTimestampMillis(3, ts(i));
          w.endRow();
          if (i % 500 == 499) {
            w.commit();
            long due = perSecond <= 0 ? 0 : start + (i - from) * 1_000_000_000L / perSecond; // 0: unpaced (the reference run)
            long early = due - System.nanoTime();
            if (perSecond > 0 && early > 0) {
              LockSupport.parkNanos(early); // pacing, so that the parent's kills land while rows flow
            }
          }
        }
        w.close();
      }
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
