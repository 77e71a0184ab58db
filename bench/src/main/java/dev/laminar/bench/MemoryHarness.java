package dev.laminar.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory of the engine, measured through the public embedded API: heap in use after full collections
 * (so run it with a stop-the-world collector whose {@code System.gc()} is a full one: G1, the script's
 * default), direct and mapped buffers, and the process's resident set.
 *
 * <ol>
 *   <li><b>State bytes per group</b>: one engine with {@code COUNT(*), SUM, MIN, MAX, AVG} over TUMBLE 10 s
 *       grouped by a BIGINT key; {@code G} rows with distinct keys, all in one window, so {@code G} groups
 *       are open and none has been emitted. Heap plus the off-heap state stores' file bytes after, minus before
 *       the rows, divided by {@code G} (the groups are off-heap when their state is fixed-size);
 *       done for two group counts, and the slope between them (which cancels fixed costs such as the
 *       first batches) is the figure. Knowing the rows were all processed: a marker row read by a second
 *       stream of the same source is delivered after them (one reactor processes a batch through every
 *       chain in order).
 *   <li><b>Footprint</b>: the JVM alone; an engine at rest (opened, nothing declared); the Nexmark
 *       catalogue deployed (every query, each with a subscriber) and idle; the same after 1 M bids
 *       pushed through all of it (open windows and join state held).
 * </ol>
 * Usage: {@code bench/run-memory.sh [--groups G1,G2]} (default 200000,1000000). Output: JSON on stdout
 * and {@code bench/target/memory-<timestamp>.json}.
 */
public final class MemoryHarness {
  static final String TUMBLE_BY_AUCTION = """
      CREATE STREAM per_auction AS SELECT auction, window_start, window_end,
        COUNT(*) AS bids, SUM(price) AS total, MIN(price) AS low, MAX(price) AS high, AVG(price) AS mean
      FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY auction, window_start, window_end""";
  static final String MARKER_STREAM = "CREATE STREAM marker AS SELECT auction FROM bids WHERE auction < 0";

  private MemoryHarness() {}

  public static void main(String[] args) throws Exception {
    long[] groupCounts = {200_000, 1_000_000};
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--groups")) {
        groupCounts = java.util.Arrays.stream(args[++i].split(",")).mapToLong(Long::parseLong).toArray();
      }
    }
    ObjectNode root = HarnessSupport.json().createObjectNode();
    root.put("benchmark", "memory");
    root.put("timestamp", Instant.now().toString());
    ObjectNode perGroup = root.putObject("tumbling_state_bytes_per_group");
    perGroup.put("query", TUMBLE_BY_AUCTION.replaceAll("\\s+", " ").trim());
    List<long[]> points = new ArrayList<>();
    for (long g : groupCounts) {
      long bytes = groupState(g);
      points.add(new long[] {g, bytes});
      perGroup.put("heap_delta_bytes_at_" + g + "_groups", bytes);
      perGroup.put("bytes_per_group_at_" + g + "_groups", Math.round((double) bytes / g * 10) / 10.0);
      progress("%,d groups: %,d bytes, %.1f B/group", g, bytes, (double) bytes / g);
    }
    if (points.size() >= 2) {
      long[] a = points.get(0);
      long[] b = points.get(points.size() - 1);
      double slope = (double) (b[1] - a[1]) / (b[0] - a[0]);
      perGroup.put("bytes_per_group", Math.round(slope * 10) / 10.0);
      progress("slope: %.1f B/group", slope);
    }
    perGroup.put("aim_bytes_per_group", 64);
    ObjectNode footprint = root.putObject("footprint");
    footprint(footprint);
    HarnessSupport.putJvm(root);
    root.put("measured", "heap: used heap after System.gc() (full, G1) x3; direct/mapped: BufferPoolMXBeans; rss: VmRSS "
        + "of /proc/self/status; bytes_per_group: slope of the delta of (heap + off-heap state files) between the group counts");
    Path file = HarnessSupport.writeReport(root, HarnessSupport.defaultOut(), "memory");
    progress("written to %s", file);
  }

  private static Laminar open() {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build());
  }

  /**
   * Bytes of the off-heap state stores' memory-mapped files (the TUMBLE groups live there when their state is
   * fixed-size): the files' lengths, i.e. the tables' full size whether or not every page has been touched.
   */
  static long scratchBytes() throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(dev.laminar.state.ScratchSpace.folder())) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // a store closed meanwhile
        }
      }).sum();
    }
  }

  /** Heap plus off-heap state bytes held by {@code groups} open groups of the tumbling aggregate (plus the engine's fixed costs of data). */
  private static long groupState(long groups) throws Exception {
    try (Laminar db = open()) {
      db.execute(NexmarkWorkload.CREATE_SOURCE);
      db.execute(TUMBLE_BY_AUCTION);
      db.execute(MARKER_STREAM);
      Subscription results = db.subscribe("per_auction", batch -> {});
      AtomicLong markers = new AtomicLong();
      Subscription marker = db.subscribe("marker", batch -> markers.addAndGet(batch.size()));
      SourceWriter w = db.writer("bids");
      // one row first, so that every batch, chain and pool exists before the baseline
      pushGroup(w, 1_000_000_000L);
      pushMarker(w);
      awaitMarkers(markers, 1);
      long before = usedHeapAfterGc() + scratchBytes();
      for (long k = 0; k < groups; k++) {
        pushGroup(w, k);
      }
      pushMarker(w);
      awaitMarkers(markers, 2);
      long after = usedHeapAfterGc() + scratchBytes();
      w.close();
      results.close();
      marker.close();
      return after - before;
    }
  }

  private static void pushGroup(SourceWriter w, long key) {
    w.beginRow();
    w.setLong(0, key);
    w.setLong(1, key % 100_000);
    w.setLong(2, 1 + key % 100_000);
    w.setTimestampMillis(3, NexmarkWorkload.BASE_MILLIS);
    w.endRow();
  }

  private static void pushMarker(SourceWriter w) {
    pushGroup(w, -1);
    w.flush();
  }

  private static void awaitMarkers(AtomicLong markers, long n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (markers.get() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the marker row did not arrive");
      }
      Thread.sleep(5);
    }
  }

  /** Waits until SHOW SOURCES reports {@code rows} rows read by {@code source}. */
  private static void awaitRowsRead(Laminar db, String source, long rows) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      long read = db.execute("SHOW SOURCES").rows().stream().filter(r -> source.equalsIgnoreCase((String) r.get(0)))
          .mapToLong(r -> ((Number) r.get(3)).longValue()).sum();
      if (read >= rows) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("source " + source + " read " + read + " of " + rows + " rows");
      }
      Thread.sleep(10); // polls the condition above
    }
  }

  private static void footprint(ObjectNode node) throws Exception {
    snapshot(node.putObject("jvm_only"));
    try (Laminar db = open()) {
      snapshot(node.putObject("engine_at_rest"));
      db.execute(NexmarkWorkload.CREATE_SOURCE);
      List<Subscription> subs = new ArrayList<>();
      for (NexmarkWorkload.Query q : NexmarkWorkload.QUERIES) {
        for (String s : q.statements()) {
          db.execute(s);
        }
        subs.add(db.subscribe(q.output(), batch -> {}));
      }
      Thread.sleep(200);
      snapshot(node.putObject("catalogue_deployed_idle"));
      NexmarkWorkload bids = new NexmarkWorkload(1_000_000);
      SourceWriter w = db.writer("bids");
      for (int i = 0; i < bids.size(); i++) {
        bids.push(w, i);
      }
      w.flush();
      awaitRowsRead(db, "bids", bids.size()); // the source has handed every bid on (rows stay in open windows and join state)
      ObjectNode loaded = node.putObject("catalogue_after_1m_bids");
      snapshot(loaded);
      loaded.put("note", "includes the harness's 24 MB of pre-generated bids");
      w.close();
      subs.forEach(Subscription::close);
    }
  }

  private static void snapshot(ObjectNode node) throws IOException, InterruptedException {
    long heap = usedHeapAfterGc();
    MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    node.put("heap_used_mb", mb(heap));
    node.put("non_heap_used_mb", mb(nonHeap.getUsed()));
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      node.put(pool.getName().replace(' ', '_').replace("'", "") + "_buffers_mb", mb(pool.getMemoryUsed()));
    }
    node.put("threads", Thread.activeCount());
    node.put("rss_mb", mb(rssBytes()));
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private static double mb(long bytes) {
    return Math.round(bytes / 1048576.0 * 10) / 10.0;
  }

  private static void progress(String format, Object... args) {
    System.err.printf("[memory] " + format + "%n", args);
  }
}
