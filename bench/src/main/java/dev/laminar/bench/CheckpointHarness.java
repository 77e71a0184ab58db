package dev.laminar.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.engine.CheckpointStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Checkpoints of keyed state through the engine and the public embedded API, per key count K:
 *
 * <ol>
 *   <li>A TUMBLE 1 h aggregate ({@code COUNT/SUM/MIN/MAX} by a BIGINT key, its groups in the off-heap
 *       state store) gets K rows with distinct keys, all in one window: K groups in state.
 *   <li>{@code CHECKPOINT}: the first capture of the window's store is full.
 *   <li>{@code --rounds} times: 1 % of the keys (random, distinct) get a row, then {@code CHECKPOINT}: an
 *       incremental capture of only those groups.
 *   <li>For each checkpoint: the reactor stall (what the reactor spent at the barrier: heap snapshot plus
 *       the copy of the store — its changed entries, or for the full capture one bulk copy of its table) and the background write (state files written and
 *       fsync'ed on the checkpoint thread), bytes written, and the total of the chain's files.
 *   <li>Hot-path latency: a second source feeds a filter whose rows go to a subscriber; one row every
 *       {@code --probe-interval-us}, push-to-subscriber latency (HdrHistogram) for {@code --probe-seconds}
 *       without checkpoints, then as long again while another thread updates 1 % of the keys and takes a
 *       checkpoint, over and over (one reactor runs both pipelines, so its stalls show up here).
 *   <li>Recovery: the engine is closed and opened again on the same data directory; {@code Laminar.open}
 *       returns once the catalog is rebuilt and the state restored from the chain: that time, the bytes read
 *       and their rate.
 * </ol>
 * Rows are known to have been processed when a marker row (key -1) reaches a subscriber of a second stream
 * of the same source (one reactor runs every chain of a batch in order).
 *
 * <p>Usage: {@code bench/run-checkpoint.sh [--keys 1000000,10000000] [--rounds 3] [--dir D]}. Output: JSON on
 * stdout and {@code bench/target/checkpoint-<timestamp>.json}.
 */
public final class CheckpointHarness {
  private static final long BASE = 1_700_000_000_000L;
  private static final String SOURCE = "CREATE SOURCE kv (k BIGINT NOT NULL, v BIGINT NOT NULL, ts TIMESTAMP(3) NOT NULL, "
      + "WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')";
  private static final String AGGREGATE = "CREATE STREAM per_key AS SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total, "
      + "MIN(v) AS lo, MAX(v) AS hi FROM TABLE(TUMBLE(TABLE kv, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY k, window_start, window_end";
  private static final String MARKER = "CREATE STREAM marker AS SELECT k FROM kv WHERE k < 0";
  private static final String PROBE_SOURCE = "CREATE SOURCE probe (sent BIGINT NOT NULL, ts TIMESTAMP(3) NOT NULL, "
      + "WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')";
  private static final String PROBE = "CREATE STREAM probed AS SELECT sent FROM probe WHERE sent > 0";

  private CheckpointHarness() {}

  public static void main(String[] args) throws Exception {
    long[] keyCounts = {1_000_000, 10_000_000};
    int rounds = 3;
    Path dir = Path.of("bench/target/checkpoint-bench");
    int probeSeconds = 5;
    int probeIntervalMicros = 200;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--keys" -> keyCounts = java.util.Arrays.stream(args[++i].split(",")).mapToLong(Long::parseLong).toArray();
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--probe-seconds" -> probeSeconds = Integer.parseInt(args[++i]);
        case "--probe-interval-us" -> probeIntervalMicros = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--keys K1,K2 --rounds N --dir D --probe-seconds S --probe-interval-us U)");
      }
    }
    ObjectNode root = HarnessSupport.json().createObjectNode();
    root.put("benchmark", "checkpoint");
    root.put("timestamp", Instant.now().toString());
    root.put("query", AGGREGATE);
    // unreported warm-up: the capture, write and restore code is compiled before the first measured checkpoint
    run(Math.max(10_000, keyCounts[0] / 10), 5, dir.resolve("warmup"), 1, probeIntervalMicros, HarnessSupport.json().createObjectNode());
    for (long keys : keyCounts) {
      ObjectNode node = root.putObject(keys + "_keys");
      run(keys, rounds, dir.resolve("k" + keys), probeSeconds, probeIntervalMicros, node);
    }
    HarnessSupport.putJvm(root);
    root.put("measured", "reactor_stall: time the reactor spent at the barrier (heap snapshot + copy of the store: its changed entries "
        + "when incremental, one bulk copy of its table when full); "
        + "background_write: state files written and fsync'ed on the checkpoint thread; recovery: Laminar.open on the data "
        + "directory until it returns (catalog rebuilt, state restored from the snapshot chain); recovery_mb_per_s: chain bytes / recovery time");
    Path file = HarnessSupport.writeReport(root, HarnessSupport.defaultOut(), "checkpoint");
    progress("written to %s", file);
  }

  private static Laminar open(Path data) {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).build());
  }

  private static void run(long keys, int rounds, Path data, int probeSeconds, int probeIntervalMicros, ObjectNode node) throws Exception {
    deleteTree(data);
    Random rnd = new Random(42);
    try (Laminar db = open(data)) {
      db.execute(SOURCE);
      db.execute(AGGREGATE);
      db.execute(MARKER);
      db.execute(PROBE_SOURCE);
      db.execute(PROBE);
      Subscription results = db.subscribe("per_key", rows -> {});
      AtomicLong markers = new AtomicLong();
      Subscription marker = db.subscribe("marker", rows -> markers.addAndGet(rows.size()));
      SourceWriter w = db.writer("kv");
      long start = System.nanoTime();
      for (long k = 0; k < keys; k++) {
        push(w, k, k);
      }
      pushMarker(w, markers);
      progress("%,d keys: loaded in %.1f s", keys, (System.nanoTime() - start) / 1e9);

      db.execute("CHECKPOINT");
      CheckpointStats full = db.engine().lastCheckpointStats();
      put(node.putObject("full"), full);
      progress("%,d keys: full checkpoint: stall %.1f ms, write %.1f ms, %,d bytes", keys, full.reactorStallNanos() / 1e6,
          full.writeNanos() / 1e6, full.stateBytes());
      Histogram stall = new Histogram(3);
      Histogram write = new Histogram(3);
      CheckpointStats last = full;
      for (int r = 0; r < rounds; r++) {
        changeOnePercent(w, keys, rnd);
        pushMarker(w, markers);
        db.execute("CHECKPOINT");
        last = db.engine().lastCheckpointStats();
        put(node.putObject("incremental_" + (r + 1)), last);
        stall.recordValue(last.reactorStallNanos());
        write.recordValue(last.writeNanos());
        progress("%,d keys: incremental checkpoint (1%% changed): stall %.2f ms, write %.1f ms, %,d bytes", keys,
            last.reactorStallNanos() / 1e6, last.writeNanos() / 1e6, last.stateBytes());
      }
      node.put("incremental_median_stall_ms", stall.getValueAtPercentile(50) / 1e6);
      node.put("incremental_median_write_ms", write.getValueAtPercentile(50) / 1e6);
      node.put("chain_bytes", last.chainBytes());

      SourceWriter probe = db.writer("probe");
      Histogram quiet = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      Histogram busy = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      java.util.concurrent.atomic.AtomicReference<Histogram> target = new java.util.concurrent.atomic.AtomicReference<>(quiet);
      Subscription probed = db.subscribe("probed", rows -> {
        long now = System.nanoTime();
        for (int i = 0; i < rows.size(); i++) {
          target.get().recordValue(Math.max(0, now - rows.getLong(i, 0)));
        }
      });
      probe(probe, probeSeconds, probeIntervalMicros);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong checkpoints = new AtomicLong();
      target.set(busy);
      Thread checkpointer = Thread.ofPlatform().name("checkpointer").start(() -> {
        Random r2 = new Random(7);
        while (!stop.get()) {
          changeOnePercent(w, keys, r2);
          db.execute("CHECKPOINT");
          checkpoints.incrementAndGet();
        }
      });
      probe(probe, probeSeconds, probeIntervalMicros);
      stop.set(true);
      checkpointer.join();
      pushMarker(w, markers);
      ObjectNode lat = node.putObject("probe_latency");
      lat.put("interval_us", probeIntervalMicros);
      HarnessSupport.percentiles(quiet, lat.putObject("without_checkpoints"));
      ObjectNode with = lat.putObject("with_checkpoints_running");
      HarnessSupport.percentiles(busy, with);
      with.put("checkpoints", checkpoints.get());
      progress("%,d keys: probe p99 %.1f us without checkpoints, %.1f us with %d checkpoints running", keys,
          HarnessSupport.micros(quiet, 99), HarnessSupport.micros(busy, 99), checkpoints.get());
      db.execute("CHECKPOINT");
      node.put("recovered_chain_bytes", db.engine().lastCheckpointStats().chainBytes());
      probe.close();
      w.close();
      probed.close();
      results.close();
      marker.close();
    }
    long t0 = System.nanoTime();
    try (Laminar db = open(data)) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      node.put("recovery_seconds", Math.round(seconds * 1000) / 1000.0);
      long chainBytes = node.get("recovered_chain_bytes").asLong();
      node.put("recovery_mb_per_s", Math.round(chainBytes / 1e6 / seconds * 10) / 10.0);
      if (!db.failures().isEmpty()) {
        throw new IllegalStateException("recovery failed: " + db.failures());
      }
      progress("%,d keys: recovered %,d bytes of state in %.2f s (%.0f MB/s)", keys, chainBytes, seconds, chainBytes / 1e6 / seconds);
    }
    deleteTree(data);
  }

  private static void changeOnePercent(SourceWriter w, long keys, Random rnd) {
    long n = Math.max(1, keys / 100);
    long stride = keys / n; // one key in each block of 100, at a random place in it: distinct keys
    for (long i = 0; i < n; i++) {
      push(w, i * stride + rnd.nextLong(stride), rnd.nextLong(1_000_000));
    }
    w.flush();
  }

  private static void probe(SourceWriter probe, int seconds, int intervalMicros) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long due = System.nanoTime();
    while (due < end) {
      due += TimeUnit.MICROSECONDS.toNanos(intervalMicros);
      long now = HarnessSupport.awaitDue(due);
      probe.beginRow();
      probe.setLong(0, now);
      probe.setTimestampMillis(1, BASE);
      probe.endRow();
      probe.flush();
    }
  }

  private static void push(SourceWriter w, long key, long value) {
    w.beginRow();
    w.setLong(0, key);
    w.setLong(1, value);
    w.setTimestampMillis(2, BASE);
    w.endRow();
  }

  /** Pushes a marker row and waits until it has gone through: every row before it has been processed. */
  private static void pushMarker(SourceWriter w, AtomicLong markers) throws InterruptedException {
    long seen = markers.get();
    push(w, -1, 0);
    w.flush();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (markers.get() == seen) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the marker row did not arrive");
      }
      Thread.sleep(1); // polls the condition above
    }
  }

  private static void put(ObjectNode n, CheckpointStats s) {
    n.put("epoch", s.epoch());
    n.put("reactor_stall_ms", s.reactorStallNanos() / 1e6);
    n.put("background_write_ms", s.writeNanos() / 1e6);
    n.put("bytes_written", s.stateBytes());
    n.put("full_captures", s.fullCaptures());
    n.put("incremental_captures", s.incrementalCaptures());
    n.put("chain_bytes", s.chainBytes());
    n.put("compaction_ms", s.compactionNanos() / 1e6);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static void progress(String format, Object... args) {
    System.err.println("[checkpoint] " + String.format(format, args));
  }
}
