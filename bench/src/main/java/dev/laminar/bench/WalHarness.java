package dev.laminar.bench;

import dev.laminar.durability.wal.SyncPolicy;
import dev.laminar.durability.wal.WalConfig;
import dev.laminar.durability.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Write-ahead log throughput and latency per sync policy, on the disk holding {@code --dir}.
 *
 * <ul>
 *   <li><b>append</b>: the owner appends {@code --records} records of {@code --bytes} bytes as fast as it
 *   can; reported: records/s and MB/s until the last one is durable, and the latency of the
 *   {@code append} call itself (p50/p99/p99.9/max — what the reactor pays).</li>
 *   <li><b>commit</b>: {@code --commits} times, append one record and wait until it is durable
 *   (the latency a single record's durability takes: for EVERY_COMMIT one write + fdatasync).</li>
 * </ul>
 *
 * <p>Run: {@code java -cp bench/target/laminar-bench.jar dev.laminar.bench.WalHarness --dir /path/on/disk}
 */
public final class WalHarness {
  private WalHarness() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(arg(args, "--dir", "bench/target/wal-bench"));
    int records = Integer.parseInt(arg(args, "--records", "2000000"));
    int bytes = Integer.parseInt(arg(args, "--bytes", "128"));
    int commits = Integer.parseInt(arg(args, "--commits", "2000"));
    for (SyncPolicy policy : SyncPolicy.values()) {
      run(dir, policy, Math.min(records, 200_000), bytes, Math.min(commits, 200), false); // warm-up
      run(dir, policy, records, bytes, commits, true);
    }
  }

  private static void run(Path root, SyncPolicy policy, int records, int bytes, int commits, boolean report)
      throws Exception {
    Path dir = root.resolve(policy.name().toLowerCase());
    delete(dir);
    ByteBuffer payload = ByteBuffer.allocateDirect(bytes);
    Histogram append = new Histogram(3_600_000_000_000L, 3);
    WalConfig config = WalConfig.defaults(dir).withSyncPolicy(policy).withSyncIntervalMillis(10);
    long start;
    long end;
    try (WriteAheadLog wal = WriteAheadLog.open(config)) {
      start = System.nanoTime();
      long last = 0;
      for (int i = 0; i < records; i++) {
        payload.putLong(0, i);
        long t0 = System.nanoTime();
        last = wal.append(payload);
        append.recordValue(System.nanoTime() - t0);
      }
      wal.requestSync();
      wal.awaitDurable(last);
      end = System.nanoTime();
    }
    Histogram commit = new Histogram(3_600_000_000_000L, 3);
    delete(dir);
    try (WriteAheadLog wal = WriteAheadLog.open(config)) {
      for (int i = 0; i < commits; i++) {
        long t0 = System.nanoTime();
        long lsn = wal.append(payload);
        wal.awaitDurable(lsn);
        commit.recordValue(System.nanoTime() - t0);
      }
    }
    delete(dir);
    if (report) {
      double seconds = (end - start) / 1e9;
      System.out.printf("{\"policy\":\"%s\",\"records\":%d,\"record_bytes\":%d,\"records_per_s\":%.0f,\"mb_per_s\":%.1f,"
              + "\"append_ns\":{\"p50\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d},"
              + "\"append_to_durable_us\":{\"n\":%d,\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f}}%n",
          policy, records, bytes, records / seconds, records * (double) (bytes + 16) / seconds / 1e6,
          append.getValueAtPercentile(50), append.getValueAtPercentile(99), append.getValueAtPercentile(99.9),
          append.getMaxValue(), commits, commit.getValueAtPercentile(50) / 1e3, commit.getValueAtPercentile(99) / 1e3,
          commit.getMaxValue() / 1e3);
    }
  }

  static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
