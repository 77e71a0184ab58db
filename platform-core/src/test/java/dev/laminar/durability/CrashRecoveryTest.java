package dev.laminar.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once through crashes, for real: the engine runs in a child JVM ({@link CrashTestChild})
 * (a filter/projection pipeline, TUMBLE, HOP and SESSION aggregates, global TUMBLE and HOP aggregates, an interval and an ASOF join) with a data directory and a checkpoint every 20 ms, is killed with SIGKILL at random moments (50
 * times: mid-batch, mid-checkpoint, between pre-commit and commit — wherever the kill lands), and
 * is started again each time on the same directory until it finishes. Its committed output (the
 * filesystem sink's visible files) must equal that of a run that was never interrupted: no row lost,
 * none twice. A failure prints the seed.
 */
class CrashRecoveryTest {
  private static final long ROWS = 150_000;
  private static final int KILLS = 40; // each run recovers from a later checkpoint than the last (CI time: 40, not 50)
  private static final String TOTALS = "window_start,n,total,lo,hi,first_id,last_id,last_k";
  private static final String BARS = "k,window_start,n,total,lo,hi,first_id,last_id,lo_text,last_text";
  private static final String STORED_SESSIONS = "k,window_start,window_end,n,total,lo,first_id,last_id";
  private static final String GLOBAL_HOPS = "window_start,window_end,n,total,first_id,last_id";
  private static final String HOT = "window_start,hot,n,top,cells";
  private static final String STREAM_HOT = "window_start,hot,n,last_id,total";
  private static final String JOINED = "k,wt,n,total";
  private static final java.util.concurrent.atomic.AtomicLong committedBeforeLast = new java.util.concurrent.atomic.AtomicLong();

  @Test
  void killedFortyTimesTheCommittedOutputEqualsAnUninterruptedRun(@TempDir Path dir) throws Exception {
    List<String> reference = runToCompletion(dir.resolve("ref-data"), dir.resolve("ref-out"), null, 0);
    assertThat(reference).as("the reference run's output").isNotEmpty();
    List<String> referenceBars = committedRows(dir.resolve("ref-out-bars"), BARS);
    assertThat(referenceBars).as("the reference run's windows").hasSizeGreaterThan(400);
    List<String> referenceHops = committedRows(dir.resolve("ref-out-hops"), "k,window_start,window_end,n,total,distinct_amounts,sd");
    List<String> referenceSessions = committedRows(dir.resolve("ref-out-sessions"), "k,window_start,window_end,n,last_id,amounts");
    assertThat(referenceHops).hasSizeGreaterThan(400);
    assertThat(referenceSessions).hasSizeGreaterThan(1_000);
    List<String> referenceDistinctBars = committedRows(dir.resolve("ref-out-distinct-bars"), "k,window_start,d,last_id,ds");
    List<String> referenceDistinctHops = committedRows(dir.resolve("ref-out-distinct-hops"), "k,window_start,window_end,d,first_id");
    assertThat(referenceDistinctBars).hasSizeGreaterThan(400);
    assertThat(referenceDistinctHops).hasSizeGreaterThan(400);
    List<String> referenceStoredSessions = committedRows(dir.resolve("ref-out-stored-sessions"), STORED_SESSIONS);
    assertThat(firstColumns(referenceStoredSessions, 4)).as("the same sessions (k, window_start, window_end, n) off-heap as on the heap")
        .isEqualTo(firstColumns(referenceSessions, 4));
    List<String> referencePairs = committedRows(dir.resolve("ref-out-pairs"), "id,other,k");
    List<String> referenceAsof = committedRows(dir.resolve("ref-out-asof"), "id,quote,amount");
    assertThat(referencePairs).hasSizeGreaterThan(100_000);
    assertThat(referenceAsof).hasSizeGreaterThan(100_000);
    List<String> referenceTotals = committedRows(dir.resolve("ref-out-totals"), TOTALS);
    assertThat(referenceTotals).hasSizeGreaterThan(100);
    List<String> referenceGlobalHops = committedRows(dir.resolve("ref-out-global-hops"), GLOBAL_HOPS);
    assertThat(referenceGlobalHops).hasSizeGreaterThan(200);
    List<String> referenceHot = committedRows(dir.resolve("ref-out-hot"), HOT);
    assertThat(referenceHot).hasSizeGreaterThan(200);
    List<String> referenceStreamHot = committedRows(dir.resolve("ref-out-stream-hot"), STREAM_HOT);
    assertThat(referenceStreamHot).hasSizeGreaterThan(100);
    List<String> referenceJoined = committedRows(dir.resolve("ref-out-joined"), JOINED);
    assertThat(referenceJoined).hasSizeGreaterThan(400);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    Path out = dir.resolve("out");
    List<String> crashed = runToCompletion(data, out, random, KILLS);
    assertSameRows(crashed, reference, "committed output", seed);
    assertSameRows(committedRows(dir.resolve("out-bars"), BARS), referenceBars, "committed TUMBLE results", seed);
    assertSameRows(committedRows(dir.resolve("out-hops"), "k,window_start,window_end,n,total,distinct_amounts,sd"), referenceHops, "committed two-stage results (keyed HOP, then TUMBLE by another key)", seed);
    assertSameRows(committedRows(dir.resolve("out-distinct-bars"), "k,window_start,d,last_id,ds"), referenceDistinctBars, "committed TUMBLE COUNT(DISTINCT) results", seed);
    assertSameRows(committedRows(dir.resolve("out-distinct-hops"), "k,window_start,window_end,d,first_id"), referenceDistinctHops, "committed HOP COUNT(DISTINCT) results", seed);
    assertSameRows(committedRows(dir.resolve("out-sessions"), "k,window_start,window_end,n,last_id,amounts"), referenceSessions, "committed SESSION results", seed);
    assertSameRows(committedRows(dir.resolve("out-stored-sessions"), STORED_SESSIONS), referenceStoredSessions, "committed off-heap SESSION results", seed);
    assertSameRows(committedRows(dir.resolve("out-pairs"), "id,other,k"), referencePairs, "committed interval join results", seed);
    assertSameRows(committedRows(dir.resolve("out-asof"), "id,quote,amount"), referenceAsof, "committed ASOF join results", seed);
    assertSameRows(committedRows(dir.resolve("out-totals"), TOTALS), referenceTotals, "committed global TUMBLE results", seed);
    assertSameRows(committedRows(dir.resolve("out-global-hops"), GLOBAL_HOPS), referenceGlobalHops, "committed global HOP results", seed);
    assertSameRows(committedRows(dir.resolve("out-hot"), HOT), referenceHot, "committed hot items results (keyed HOP, then global TUMBLE)", seed);
    assertSameRows(committedRows(dir.resolve("out-stream-hot"), STREAM_HOT), referenceStreamHot,
        "committed results of a global TUMBLE over a keyed stream, itself a stream", seed);
    assertSameRows(committedRows(dir.resolve("out-joined"), JOINED), referenceJoined,
        "committed results of a join of two aggregates (split into hidden streams at N reactors)", seed);
  }

  /** The committed rows equal the reference's; on failure the message names the rows extra and missing (not two lists of 150,000). */
  private static void assertSameRows(List<String> actual, List<String> reference, String what, long seed) {
    if (actual.equals(reference)) {
      return;
    }
    java.util.Map<String, Integer> count = new java.util.TreeMap<>();
    actual.forEach(r -> count.merge(r, 1, Integer::sum));
    reference.forEach(r -> count.merge(r, -1, Integer::sum));
    List<String> extra = new java.util.ArrayList<>();
    List<String> missing = new java.util.ArrayList<>();
    count.forEach((row, n) -> {
      for (int i = 0; i < Math.abs(n); i++) {
        (n > 0 ? extra : missing).add(row);
      }
    });
    throw new AssertionError(String.format("%s after %d SIGKILLs (seed %d): %d rows against %d; %d extra (first: %s); %d missing (first: %s)",
        what, KILLS, seed, actual.size(), reference.size(), extra.size(), extra.subList(0, Math.min(40, extra.size())), missing.size(),
        missing.subList(0, Math.min(40, missing.size()))));
  }

  /** Runs the child until it exits 0, first killing it {@code kills} times after random delays; returns the sorted committed rows. */
  private static List<String> runToCompletion(Path data, Path out, Random random, int kills) throws Exception {
    int killed = 0;
    long checkpointAtLastKill = -1;
    for (int attempt = 0; attempt < kills + 20; attempt++) {
      Process p = start(data, out);
      java.io.BufferedReader stdout = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      String first = stdout.readLine(); // the child says when its pipeline runs (or ends without saying it)
      if (killed < kills && "RUNNING".equals(first)) {
        // a run that starts from the checkpoint the last one recovered from first completes one of its own, so that
        // the killed runs move the committed output on (with 16 pipelines on 2 cores a checkpoint can take longer
        // than the random delay); the kill point is then as random as before
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (latestCheckpoint(data) <= checkpointAtLastKill && p.isAlive() && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // polling the child's data directory for its progress
        }
        long delay = random.nextInt(800);
        if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) { // the random kill point, not a synchronisation
          p.destroyForcibly(); // SIGKILL
          p.waitFor();
          killed++;
          checkpointAtLastKill = latestCheckpoint(data);
          if (Files.isDirectory(out)) {
            committedBeforeLast.set(committedRows(out).size());
          }
          continue;
        }
      } else {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the last run finishes").isTrue();
      }
      if (kills > 0 && killed >= kills) {
        // the killed runs must have committed part of the output, or the last run alone would pass the test
        long before = committedBeforeLast.get();
        assertThat(before).as("rows committed by the killed runs (of %d in all)", committedRows(out).size()).isPositive();
        assertThat(before).isLessThan(committedRows(out).size());
      }
      int code = p.exitValue();
      assertThat(code).as("child exit code (output in the test log)").isZero();
      if (killed >= kills) {
        return committedRows(out);
      }
    }
    throw new AssertionError("the child kept finishing before it could be killed " + kills + " times (killed " + killed + ")");
  }

  /** The newest checkpoint manifest in {@code data}, -1 when there is none. */
  private static long latestCheckpoint(Path data) throws IOException {
    Path manifests = data.resolve("checkpoints").resolve("manifests");
    if (!Files.isDirectory(manifests)) {
      return -1;
    }
    try (java.util.stream.Stream<Path> files = Files.list(manifests)) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".manifest"))
          .mapToLong(f -> Long.parseLong(f.substring(0, f.indexOf('.')))).max().orElse(-1);
    }
  }

  private static Process start(Path data, Path out) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // the child runs as many reactors as this JVM's engines (the suite runs once with 1 and once with 2)
    String reactors = "-D" + dev.laminar.api.LaminarConfig.REACTORS_PROPERTY + "="
        + System.getProperty(dev.laminar.api.LaminarConfig.REACTORS_PROPERTY, "1");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx256m", "-XX:+UseSerialGC", reactors,
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", CrashTestChild.class.getName(), data.toString(),
        out.toString(), Long.toString(ROWS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static List<String> committedRows(Path out) throws IOException {
    return committedRows(out, "id,k,doubled,ts");
  }

  /** The first {@code n} CSV columns of each row, sorted. */
  private static List<String> firstColumns(List<String> rows, int n) {
    return rows.stream().map(r -> String.join(",", java.util.Arrays.asList(r.split(",")).subList(0, n))).sorted().toList();
  }

  /** Every row of the sink's committed (visible) files, sorted. */
  private static List<String> committedRows(Path out, String header) throws IOException {
    List<String> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) {
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.get(0)).as("the CSV header of %s", f).isEqualTo(header);
        rows.addAll(lines.subList(1, lines.size()));
      }
    }
    return rows.stream().sorted().toList();
  }
}
