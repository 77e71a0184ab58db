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
 * Exactly-once through crashes for rows the application pushes: {@link WalCrashTestChild} writes
 * deterministic rows through the public {@code SourceWriter} into a memory source (logged to the
 * write-ahead log, synced on every commit) feeding a TUMBLE aggregate and a filter/projection into
 * {@code filesystem} sinks, and is killed with SIGKILL at random moments 50 times — while rows are
 * pushed, while the writer waits for a log sync, mid-checkpoint, between pre-commit and commit. Each
 * run resumes at the row the writer reports durable. The committed output must equal that of a run
 * never interrupted: no row lost (durable rows are replayed from the log), none twice (rows a
 * checkpoint covers are not replayed, and the application does not push durable rows again).
 */
class WalCrashRecoveryTest {
  private static final long ROWS = 60_000;
  private static final long ROWS_PER_SECOND = 2_000; // ~30 s of pushing: 50 kills 0-700 ms after start (17.5 s on average) land while rows flow
  private static final int KILLS = 50;
  private static final String BARS = "k,window_start,n,total,lo,hi,first_id,last_id";
  private static final String RESULTS = "id,k,doubled,ts";

  @Test
  void killedRepeatedlyWhileTheApplicationPushesTheCommittedOutputEqualsAnUninterruptedRun(@TempDir Path dir) throws Exception {
    runToCompletion(dir.resolve("ref-data"), dir.resolve("ref-out"), null, 0);
    List<String> referenceBars = committedRows(dir.resolve("ref-out-bars"), BARS);
    List<String> referenceResults = committedRows(dir.resolve("ref-out"), RESULTS);
    assertThat(referenceBars).as("the reference run's windows").hasSizeGreaterThan(2_000);
    assertThat(referenceResults).as("the reference run's filtered rows").hasSize(expectedFilteredRows());
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path out = dir.resolve("out");
    long committedByKilledRuns = runToCompletion(dir.resolve("data"), out, random, KILLS);
    List<String> bars = committedRows(dir.resolve("out-bars"), BARS);
    // the killed runs must have committed part of the output, or the last run alone would pass the test
    assertThat(committedByKilledRuns).as("rows the killed runs committed (seed %d)", seed).isPositive().isLessThanOrEqualTo(bars.size());
    assertThat(bars).as("committed TUMBLE results after %d SIGKILLs (seed %d)", KILLS, seed).isEqualTo(referenceBars);
    assertThat(committedRows(out, RESULTS)).as("committed filtered rows after %d SIGKILLs (seed %d)", KILLS, seed)
        .isEqualTo(referenceResults);
  }

  private static int expectedFilteredRows() {
    int n = 0;
    for (long i = 0; i < ROWS; i++) {
      n += WalCrashTestChild.amount(i) % 3 != 0 ? 1 : 0;
    }
    return n;
  }

  /** Runs the child until it exits 0, killing it {@code kills} times first; returns the window rows committed before the last run. */
  private static long runToCompletion(Path data, Path out, Random random, int kills) throws Exception {
    int killed = 0;
    long committedBeforeLast = 0;
    Path bars = out.resolveSibling(out.getFileName() + "-bars");
    for (int attempt = 0; attempt < kills + 20; attempt++) {
      Process p = start(data, out, random == null ? 0 : ROWS_PER_SECOND); // the reference run pushes unpaced
      java.io.BufferedReader stdout = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      String first = stdout.readLine(); // the child says when its pipelines run
      if (killed < kills && "RUNNING".equals(first)) {
        long delay = random.nextInt(700);
        if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) { // the random kill point, not a synchronisation
          p.destroyForcibly(); // SIGKILL
          p.waitFor();
          killed++;
          if (Files.isDirectory(bars)) {
            committedBeforeLast = committedRows(bars, BARS).size();
          }
          continue;
        }
      } else {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the last run finishes").isTrue();
      }
      assertThat(p.exitValue()).as("child exit code (output in the test log)").isZero();
      if (killed >= kills) {
        return committedBeforeLast;
      }
    }
    throw new AssertionError("the child kept finishing before it could be killed " + kills + " times (killed " + killed + ")");
  }

  private static Process start(Path data, Path out, long rowsPerSecond) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Xmx256m", "-XX:+UseSerialGC",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", WalCrashTestChild.class.getName(), data.toString(),
        out.toString(), Long.toString(ROWS), Long.toString(rowsPerSecond)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Every row of the sink's committed (visible) files, sorted. */
  static List<String> committedRows(Path out, String header) throws IOException {
    List<String> rows = new ArrayList<>();
    if (!Files.isDirectory(out)) {
      return rows;
    }
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
