package dev.laminar.bench;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.durability.wal.SyncPolicy;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The write-ahead log through the engine: rows pushed through the public API ({@link SourceWriter}) into a
 * {@code memory} source, read by a subscription, in an engine without a data directory (no log: the
 * baseline) and with one per sync policy (every chunk appended to the source's log before the engine sees
 * it), each in a fresh engine, in the same run, after an unreported warm-up of every configuration.
 *
 * <ul>
 *   <li><b>throughput</b>: push {@code --rows} rows (BIGINT, VARCHAR of 8 chars, DOUBLE, TIMESTAMP) as fast as
 *   the writer goes, then {@code commit()}; rows/s from the first row until the last is durable and the
 *   subscriber has seen every row; bytes allocated by the pushing thread per row
 *   ({@code ThreadMXBean.getThreadAllocatedBytes});</li>
 *   <li><b>push call</b>: p50/p99/p99.9/max of each {@code beginRow…endRow} over another {@code --rows / 4} rows
 *   (a chunk's log append and backpressure land on the row that fills the chunk);</li>
 *   <li><b>commit</b>: {@code --commits} times, push {@code --commit-rows} rows and {@code commit()}:
 *   push-to-durable latency p50/p99/p99.9/max (EVERY_COMMIT: a write and an fdatasync; INTERVAL: up to the
 *   interval; NONE and no data directory: a hand-over).</li>
 * </ul>
 *
 * <p>Run: {@code bench/run-engine-wal.sh [--dir DIR] [--rows N] [--commits N] [--commit-rows N] [--interval-ms N]}.
 */
public final class EngineWalHarness {
  private EngineWalHarness() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(WalHarness.arg(args, "--dir", "bench/target/engine-wal"));
    long rows = Long.parseLong(WalHarness.arg(args, "--rows", "5000000"));
    int commits = Integer.parseInt(WalHarness.arg(args, "--commits", "1000"));
    int commitRows = Integer.parseInt(WalHarness.arg(args, "--commit-rows", "100"));
    long intervalMs = Long.parseLong(WalHarness.arg(args, "--interval-ms", "10"));
    List<SyncPolicy> configs = new ArrayList<>();
    configs.add(null); // no data directory
    configs.addAll(List.of(SyncPolicy.values()));
    for (SyncPolicy policy : configs) {
      run(dir, policy, Math.min(rows, 1_000_000), Math.min(commits, 100), commitRows, intervalMs, false);
    }
    List<String> reports = new ArrayList<>();
    for (SyncPolicy policy : configs) {
      reports.add(run(dir, policy, rows, commits, commitRows, intervalMs, true));
    }
    String json = "[\n" + String.join(",\n", reports) + "\n]\n";
    System.out.print(json);
    Path out = Path.of("bench/target");
    Files.createDirectories(out);
    Files.writeString(out.resolve("engine-wal-" + Instant.now().toString().replace(':', '-') + ".json"), json);
  }

  private static String run(Path root, SyncPolicy policy, long rows, int commits, int commitRows, long intervalMs, boolean report)
      throws Exception {
    String name = policy == null ? "no-data-directory" : policy.name();
    Path data = root.resolve(name.toLowerCase());
    WalHarness.delete(data);
    LaminarConfig.Builder config = LaminarConfig.builder().pluginsDirectory(null);
    if (policy != null) {
      config.dataDirectory(data).walSyncPolicy(policy).walSyncInterval(Duration.ofMillis(intervalMs));
    }
    AtomicLong seen = new AtomicLong();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().threadId();
    String[] keys = new String[100];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = String.format("sym-%04d", i);
    }
    try (Laminar db = Laminar.open(config.build())) {
      db.execute("CREATE SOURCE s (id BIGINT NOT NULL, k VARCHAR, price DOUBLE, ts TIMESTAMP(3) NOT NULL, "
          + "WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      Subscription sub = db.subscribe("s", batch -> seen.addAndGet(batch.size()));
      SourceWriter w = db.writer("s");
      // throughput
      long allocatedBefore = threads.getThreadAllocatedBytes(self);
      long start = System.nanoTime();
      long next = push(w, 0, rows, keys, null);
      w.commit();
      long allocated = threads.getThreadAllocatedBytes(self) - allocatedBefore;
      awaitSeen(seen, next);
      long elapsed = System.nanoTime() - start;
      // each push call
      Histogram push = new Histogram(3_600_000_000_000L, 3);
      next = push(w, next, next + rows / 4, keys, push);
      w.commit();
      // push-to-durable
      Histogram commit = new Histogram(3_600_000_000_000L, 3);
      for (int c = 0; c < commits; c++) {
        long t0 = System.nanoTime();
        next = push(w, next, next + commitRows, keys, null);
        w.commit();
        commit.recordValue(System.nanoTime() - t0);
      }
      awaitSeen(seen, next);
      long logBytes = policy == null ? 0 : ((dev.laminar.connector.memory.MemorySource) db.engine().sourceConnector("s")).logBytes();
      sub.close();
      if (!report) {
        return null;
      }
      return String.format(java.util.Locale.ROOT, "{\"config\":\"%s\",\"rows\":%d,\"rows_per_s\":%.0f,\"pusher_bytes_per_row\":%.3f,"
              + "\"push_call_ns\":{\"p50\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d},"
              + "\"commit_of_%d_rows_us\":{\"n\":%d,\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f},\"log_bytes_at_end\":%d}",
          name, rows, rows / (elapsed / 1e9), allocated / (double) rows,
          push.getValueAtPercentile(50), push.getValueAtPercentile(99), push.getValueAtPercentile(99.9), push.getMaxValue(),
          commitRows, commits, commit.getValueAtPercentile(50) / 1e3, commit.getValueAtPercentile(99) / 1e3,
          commit.getValueAtPercentile(99.9) / 1e3, commit.getMaxValue() / 1e3, logBytes);
    } finally {
      WalHarness.delete(data);
    }
  }

  /** Pushes rows [from, to); times each row into {@code calls} when not null. Returns {@code to}. */
  private static long push(SourceWriter w, long from, long to, String[] keys, Histogram calls) {
    for (long i = from; i < to; i++) {
      long t0 = calls == null ? 0 : System.nanoTime();
      w.beginRow();
      w.setLong(0, i);
      w.setString(1, keys[(int) (i % keys.length)]);
      w.setDouble(2, i * 0.5);
      w.setTimestampMillis(3, i);
      w.endRow();
      if (calls != null) {
        calls.recordValue(System.nanoTime() - t0);
      }
    }
    return to;
  }

  /** Waits (polling the subscriber's count) until it has seen {@code rows} rows. */
  private static void awaitSeen(AtomicLong seen, long rows) {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (seen.get() < rows) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the subscriber saw " + seen.get() + " of " + rows + " rows in 5 minutes");
      }
      Thread.onSpinWait();
    }
  }
}
