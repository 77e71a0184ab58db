package dev.laminar.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command-line options of {@link OhlcHarness}.
 *
 * @param events events of the throughput phase (and most of the latency phase)
 * @param warmupEvents events of the unreported warm-up run
 * @param rate events per second of the latency phase; 0 for half the measured throughput
 * @param latencySeconds longest duration of the latency phase
 * @param batchSize the engine's batch size
 * @param queueBatches the engine's batches in flight per queue
 * @param outDirectory where the JSON report is written
 * @param help print usage only
 */
record HarnessOptions(long events, long warmupEvents, double rate, double latencySeconds, int batchSize, int queueBatches,
    Path outDirectory, boolean help) {

  static final String USAGE = """
      Usage: OhlcHarness [--events N] [--warmup-events N] [--rate EVENTS_PER_SEC] [--latency-seconds S]
                         [--batch-size N] [--queue-batches N] [--out DIR]
        --events N            throughput-phase events (default 10000000)
        --warmup-events N     unreported warm-up events (default 1000000; 0 for none)
        --rate R              latency-phase rate in events/s (default: half the measured throughput)
        --latency-seconds S   latency phase lasts at most S seconds (default 20)
        --batch-size N        engine batch size (default 1024)
        --queue-batches N     engine batches in flight per queue (default 8)
        --out DIR             folder of the JSON report (default bench/target, or target inside bench/)""";

  static HarnessOptions parse(String[] args) {
    long events = 10_000_000;
    long warmup = 1_000_000;
    double rate = 0;
    double latencySeconds = 20;
    int batchSize = 1024;
    int queueBatches = 8;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        return new HarnessOptions(events, warmup, rate, latencySeconds, batchSize, queueBatches, defaultOut(), true);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--events" -> events = positive(a, Long.parseLong(v.replace("_", "")));
          case "--warmup-events" -> warmup = Long.parseLong(v.replace("_", ""));
          case "--rate" -> rate = Double.parseDouble(v);
          case "--latency-seconds" -> latencySeconds = Double.parseDouble(v);
          case "--batch-size" -> batchSize = (int) positive(a, Integer.parseInt(v));
          case "--queue-batches" -> queueBatches = (int) positive(a, Integer.parseInt(v));
          case "--out" -> out = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("option " + a + ": '" + v + "' is not a number");
      }
    }
    return new HarnessOptions(events, warmup, rate, latencySeconds, batchSize, queueBatches, out != null ? out : defaultOut(), false);
  }

  private static long positive(String option, long v) {
    if (v < 1) {
      throw new IllegalArgumentException("option " + option + " must be >= 1, was " + v);
    }
    return v;
  }

  static Path defaultOut() {
    if (Files.isDirectory(Path.of("bench"))) {
      return Path.of("bench", "target");
    }
    return Path.of("target");
  }
}
