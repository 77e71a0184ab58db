package dev.laminar.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laminar.api.Laminar;
import dev.laminar.api.Subscription;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** What the end-to-end harnesses share: pacing, waiting for the end, percentiles and the JSON report file. */
final class HarnessSupport {
  static final Duration COMPLETION_TIMEOUT = Duration.ofMinutes(10);
  private static final long PARK_THRESHOLD_NANOS = 200_000;

  private HarnessSupport() {}

  /** Waits until {@code due} (parks when far, spins when near); returns the time it is then. */
  static long awaitDue(long due) {
    long now = System.nanoTime();
    while (now < due) {
      long left = due - now;
      if (left > PARK_THRESHOLD_NANOS) {
        LockSupport.parkNanos(left - PARK_THRESHOLD_NANOS / 2);
      } else {
        Thread.onSpinWait();
      }
      now = System.nanoTime();
    }
    return now;
  }

  /** Waits for the end of every pipeline; throws when one failed. */
  static void awaitEnd(Laminar db, Subscription sub) {
    if (!db.awaitCompletion(COMPLETION_TIMEOUT)) {
      throw new IllegalStateException("the pipeline did not finish within " + COMPLETION_TIMEOUT);
    }
    if (!sub.awaitFinished(COMPLETION_TIMEOUT)) {
      throw new IllegalStateException("the subscription did not finish within " + COMPLETION_TIMEOUT);
    }
    List<String> failures = db.failures();
    if (!failures.isEmpty() || sub.failure() != null) {
      throw new IllegalStateException("the pipeline failed: " + failures + (sub.failure() != null ? " " + sub.failure() : ""));
    }
  }

  /** p50, p99, p99.9 and max of a nanosecond histogram, in µs, with the count. */
  static void percentiles(Histogram h, ObjectNode node) {
    node.put("p50_us", micros(h, 50));
    node.put("p99_us", micros(h, 99));
    node.put("p999_us", micros(h, 99.9));
    node.put("max_us", round1(h.getMaxValue() / 1e3));
    node.put("count", h.getTotalCount());
  }

  static double micros(Histogram h, double percentile) {
    return round1(h.getValueAtPercentile(percentile) / 1e3);
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** bench/target from the repository root, else target (run from bench/). */
  static Path defaultOut() {
    return HarnessOptions.defaultOut();
  }

  static ObjectMapper json() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** The JVM's name, version and options, and the machine's cores. */
  static void putJvm(ObjectNode root) {
    root.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
        + System.getProperty("java.vm.vendor") + ")");
    root.putPOJO("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("load_average_1m", Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0);
  }

  /** Prints {@code root} on stdout and writes it to {@code <dir>/<name>-<timestamp>.json}; returns the file. */
  static Path writeReport(ObjectNode root, Path dir, String name) throws IOException {
    String text = json().writeValueAsString(root);
    System.out.println(text);
    Files.createDirectories(dir);
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    Path file = dir.resolve(name + "-" + stamp + ".json");
    Files.writeString(file, text + System.lineSeparator());
    return file;
  }
}
