package dev.laminar.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.HdrHistogram.Histogram;

/**
 * End-to-end OHLC benchmark through the public embedded API only ({@link Laminar}, a {@code memory}
 * source's {@link SourceWriter}, a {@link Subscription} with a listener). The query is the main
 * example's: 1-second tumbling windows, FIRST_VALUE/MAX/MIN/LAST_VALUE of the price, SUM of the
 * quantity and COUNT per symbol, emitted when the watermark (1 s behind the newest event) passes
 * the window's end. The workload is {@link OhlcWorkload}: 100 symbols, event time advancing 1 ms
 * per 10 events, so a window closes every 10,000 events with 100 bars.
 *
 * <p>What is measured:
 * <ol>
 *   <li><b>Warm-up</b> ({@code --warmup-events}, default 1,000,000): phase 1 on its own engine, not
 *       reported, so that the measured phases run JIT-compiled code.
 *   <li><b>Throughput</b> ({@code --events}, default 10,000,000): a fresh engine; the events are
 *       pushed as fast as the writer accepts them (it blocks when the engine is behind: backpressure),
 *       then the writer is closed (end of input: the last windows close).
 *       {@code events_per_sec} = events / (time the last bar reached the subscriber - time of the
 *       first push). {@code gc_count}/{@code gc_time_ms}: collections of all collectors during that
 *       span (GarbageCollectorMXBeans). The run is checked: the bars' trade counts sum to the events
 *       and the number of bars is as expected.
 *   <li><b>Latency</b>: a fresh engine; events pushed at a fixed rate ({@code --rate}, default half
 *       the measured throughput) for at most {@code --latency-seconds} (default 20) or
 *       {@code --events} events, with {@code flush()} after every event so it is handed over
 *       at once. For every bar: {@code now - t}, where {@code t} is {@link System#nanoTime()} taken
 *       just before writing the event whose watermark closed the bar's window (the first event with
 *       {@code event time - 1 s >= window end}), and {@code now} is taken when the batch holding the
 *       bar reaches the listener. Recorded in an HdrHistogram (ns), reported in µs. Bars of the
 *       windows that only the end of input closes are not measured. {@code from_schedule} measures
 *       from the time the closing event was <em>due</em> by the schedule instead, which also counts
 *       the time the pusher was behind (coordinated omission); {@code achieved_rate} shows whether it was.
 * </ol>
 *
 * <p>Output: one JSON object on stdout, also written to {@code <out>/ohlc-<timestamp>.json} (default
 * {@code bench/target}, or {@code target} when run from {@code bench/}). Progress goes to stderr.
 */
public final class OhlcHarness {
  private final HarnessOptions options;

  private OhlcHarness(HarnessOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws IOException {
    HarnessOptions options;
    try {
      options = HarnessOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("OhlcHarness: " + e.getMessage());
      System.err.println(HarnessOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(HarnessOptions.USAGE);
      return;
    }
    new OhlcHarness(options).run();
  }

  private void run() throws IOException {
    if (options.warmupEvents() > 0) {
      progress("warm-up: %,d events", options.warmupEvents());
      throughput(options.warmupEvents());
    }
    progress("throughput: %,d events", options.events());
    ThroughputResult t = throughput(options.events());
    progress("throughput: %,.0f events/s, %d GCs (%d ms)", t.eventsPerSecond(), t.gc().count(), t.gc().timeMillis());
    double rate = options.rate() > 0 ? options.rate() : Math.max(1, Math.floor(t.eventsPerSecond() / 2));
    long latencyEvents = Math.min(options.events(), Math.max(1, (long) (rate * options.latencySeconds())));
    progress("latency: %,d events at %,.0f events/s", latencyEvents, rate);
    LatencyResult l = latency(latencyEvents, rate);
    progress("latency: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us", HarnessSupport.micros(l.fromPush(), 50),
        HarnessSupport.micros(l.fromPush(), 99), HarnessSupport.micros(l.fromPush(), 99.9), l.fromPush().getMaxValue() / 1e3);
    report(t, l);
  }

  private Laminar openEngine() {
    Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).batchSize(options.batchSize())
        .queueBatches(options.queueBatches()).build());
    db.execute(OhlcWorkload.CREATE_SOURCE);
    db.execute(OhlcWorkload.CREATE_STREAM);
    return db;
  }

  record ThroughputResult(long events, long bars, double elapsedSeconds, double eventsPerSecond, GcSnapshot gc) {}

  /** Phase 1: push as fast as possible, end the input, wait for the last bar. */
  private ThroughputResult throughput(long events) {
    try (Laminar db = openEngine()) {
      BarListener bars = new BarListener();
      Subscription sub = db.subscribe("bars", bars);
      SourceWriter writer = db.writer("trades");
      GcSnapshot gcBefore = GcSnapshot.now();
      long start = System.nanoTime();
      for (long i = 0; i < events; i++) {
        OhlcWorkload.push(writer, i);
      }
      writer.close();
      HarnessSupport.awaitEnd(db, sub);
      GcSnapshot gc = GcSnapshot.now().since(gcBefore);
      double seconds = (bars.lastBarNanos - start) / 1e9;
      check(events, bars);
      return new ThroughputResult(events, bars.bars, seconds, events / seconds, gc);
    }
  }

  record LatencyResult(double rate, double achievedRate, long events, long bars, Histogram fromPush, Histogram fromSchedule) {}

  /** Phase 2: push at a fixed rate, flushing every event; per bar, push-to-subscriber latency. */
  private LatencyResult latency(long events, double rate) {
    int windows = OhlcWorkload.windows(events) + 1;
    long[] closedAt = new long[windows];
    long[] dueAt = new long[windows];
    Histogram fromPush = new Histogram(3);
    Histogram fromSchedule = new Histogram(3);
    try (Laminar db = openEngine()) {
      BarListener bars = new BarListener(closedAt, dueAt, fromPush, fromSchedule);
      Subscription sub = db.subscribe("bars", bars);
      SourceWriter writer = db.writer("trades");
      final double nanosPerEvent = 1e9 / rate;
      int nextWindow = 0;
      long nextWindowEnd = OhlcWorkload.BASE_MILLIS + OhlcWorkload.WINDOW_MILLIS;
      long start = System.nanoTime();
      for (long i = 0; i < events; i++) {
        long due = start + (long) (i * nanosPerEvent);
        long now = HarnessSupport.awaitDue(due);
        // the windows this event closes: their bars are timed from now
        long watermark = OhlcWorkload.watermarkAfter(i);
        while (nextWindowEnd <= watermark && nextWindow < windows) {
          closedAt[nextWindow] = now;
          dueAt[nextWindow] = due;
          nextWindow++;
          nextWindowEnd += OhlcWorkload.WINDOW_MILLIS;
        }
        OhlcWorkload.push(writer, i);
        writer.flush();
      }
      double achieved = events / ((System.nanoTime() - start) / 1e9);
      writer.close();
      HarnessSupport.awaitEnd(db, sub);
      check(events, bars);
      return new LatencyResult(rate, achieved, events, bars.barsMeasured, fromPush, fromSchedule);
    }
  }

  private static void check(long events, BarListener bars) {
    if (bars.trades != events || bars.bars != OhlcWorkload.expectedBars(events)) {
      throw new IllegalStateException("wrong result: " + bars.bars + " bars counting " + bars.trades + " trades; expected "
          + OhlcWorkload.expectedBars(events) + " bars counting " + events + " trades");
    }
  }

  private void report(ThroughputResult t, LatencyResult l) throws IOException {
    ObjectNode root = HarnessSupport.json().createObjectNode();
    root.put("benchmark", "ohlc");
    root.put("timestamp", Instant.now().toString());
    root.put("events", t.events());
    root.put("events_per_sec", Math.round(t.eventsPerSecond()));
    root.put("elapsed_ms", Math.round(t.elapsedSeconds() * 1e3));
    root.put("bars", t.bars());
    root.put("gc_count", t.gc().count());
    root.put("gc_time_ms", t.gc().timeMillis());
    ObjectNode latency = root.putObject("latency");
    latency.put("rate", Math.round(l.rate()));
    latency.put("achieved_rate", Math.round(l.achievedRate()));
    latency.put("events", l.events());
    latency.put("bars_measured", l.bars());
    HarnessSupport.percentiles(l.fromPush(), latency);
    HarnessSupport.percentiles(l.fromSchedule(), latency.putObject("from_schedule"));
    latency.put("measured", "per bar: nanoTime when the bar reached the subscriber minus nanoTime just before "
        + "writing the event whose watermark closed its window (flush after every event)");
    HarnessSupport.putJvm(root);
    ObjectNode config = root.putObject("config");
    config.put("batch_size", options.batchSize());
    config.put("queue_batches", options.queueBatches());
    config.put("warmup_events", options.warmupEvents());
    config.put("symbols", OhlcWorkload.SYMBOLS);
    config.put("events_per_window", OhlcWorkload.EVENTS_PER_WINDOW);
    root.put("measured", "events_per_sec: events / (last bar received - first push), pushing as fast as possible "
        + "without flush; gc_*: all collectors over that span");
    Path file = HarnessSupport.writeReport(root, options.outDirectory(), "ohlc");
    progress("written to %s", file);
  }
  private static void progress(String format, Object... args) {
    System.err.printf("[ohlc] " + format + "%n", args);
  }
}
