package dev.laminar.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Nexmark-shaped end-to-end benchmark through the public embedded API only ({@link Laminar}, a
 * {@code memory} source's {@link SourceWriter} pushed by one thread, a {@link Subscription} with a
 * listener). The bids are {@link NexmarkWorkload}'s, generated before anything is measured; the
 * queries are its catalogue (pass-through, projection, selection, tumbling aggregate, hot items,
 * highest bid, OHLC).
 *
 * <p>Per query, each phase in a fresh engine (the {@link OhlcHarness} method, whose options this
 * harness takes):
 * <ol>
 *   <li><b>Warm-up</b> ({@code --warmup-events}): the throughput phase, not reported.
 *   <li><b>Throughput</b>, {@code --runs} times (median reported): the bids are pushed as fast as the
 *       writer accepts them, then the writer is closed. {@code events_per_sec} = bids / (time the
 *       last row reached the subscriber − time of the first push). GC count and time (all
 *       collectors) scaled to 10 M bids; CPU time of the process and per thread over the same span,
 *       as cores used.
 *   <li><b>Latency</b> at a fixed rate ({@code --rate}, default half the median throughput), flushing
 *       after every bid, for at most {@code --latency-seconds}: per output row, nanoTime when its
 *       batch reached the listener minus nanoTime just before writing the bid it is due from (the
 *       bid itself for per-row queries; for windowed ones the first bid whose watermark reached the
 *       row's {@code window_end}, as OhlcHarness times bars). {@code from_schedule} times from when
 *       that bid was due instead (coordinated omission included). The writer is flushed whenever the
 *       pusher is ahead of the schedule (before it waits for the next bid's time), so no bid waits in
 *       the writer while the pusher idles, and a rate the pusher can sustain with batched hand-offs is
 *       not turned into one hand-off per bid; {@code -Dnexmark.flush=every-bid} flushes after every
 *       bid instead (the OhlcHarness method; at high rates the pusher then cannot keep the rate).
 * </ol>
 * Reactors: {@code --reactors 1,2} measures throughput at each count (runs alternating) and reports the
 * ratio under {@code scaling}; else {@code -Dlaminar.reactors=N} (bench/run-java.sh sets 1; the engine's own default
 * is one per core). With N &gt; 1 only plans with state run sharded (docs/ARCHITECTURE.md).
 */
public final class NexmarkHarness {
  /** Reactor threads of the engines the harness opens (system property {@code laminar.reactors}: bench/run-java.sh sets 1). */
  static final int REACTORS = LaminarConfig.builder().pluginsDirectory(null).build().reactors();
  /**
   * What the subscriber reads: {@code stream} (default) the last statement's stream; {@code query} the last
   * statement's query subscribed directly (no stream), which is what the engine shards over reactors.
   */
  static final String SUBSCRIBE = subscribeMode(System.getProperty("nexmark.subscribe", "stream"));

  private static String subscribeMode(String mode) {
    if (!mode.equals("stream") && !mode.equals("query")) {
      throw new IllegalArgumentException("-Dnexmark.subscribe must be 'stream' or 'query', was '" + mode + "'");
    }
    return mode;
  }

  /** Subscribes the query's output the way {@link #SUBSCRIBE} says. */
  private static Subscription subscribe(Laminar db, NexmarkWorkload.Query q, dev.laminar.api.RowListener listener) {
    return SUBSCRIBE.equals("query") ? db.subscribe(q.lastQuery(), listener) : db.subscribe(q.output(), listener);
  }
  static final String USAGE = """
      Usage: NexmarkHarness [--query NAME[,NAME...]|all] [--runs N] [OhlcHarness options]
        --query Q   queries to run (default all): %s
        --runs N    throughput runs per query, the median is reported (default 1)
        --low-rate R  also measure latency at R bids/s (default 100000; 0: not)
        --reactors N[,N...]  measure throughput at each reactor count, runs alternating (default: laminar.reactors,
                    else 1); the first count is reported at the top level and used for latency, the others under
                    "scaling" with their ratio to it (only plans the engine shards scale: -Dnexmark.subscribe=query)
        --events defaults to 5000000 here; --latency-seconds 0 skips the latency phase
      System properties: -Dlaminar.reactors=N (reactor threads; bench/run-java.sh sets 1); -Dnexmark.subscribe=stream|query
        (subscribe the last CREATE STREAM's stream, the default, or its query itself: only the latter is sharded)
      """.formatted(String.join(", ", Arrays.stream(NexmarkWorkload.QUERIES).map(NexmarkWorkload.Query::name).toList()));

  private final HarnessOptions options;
  private final List<NexmarkWorkload.Query> queries;
  private final int runs;
  private final double lowRate;
  private final NexmarkWorkload bids;
  /** Reactor counts to measure throughput at (--reactors); the first is also the latency phase's. */
  private final int[] reactorCounts;

  private NexmarkHarness(HarnessOptions options, List<NexmarkWorkload.Query> queries, int runs, double lowRate, int[] reactorCounts) {
    this.options = options;
    this.reactorCounts = reactorCounts;
    this.lowRate = lowRate;
    this.queries = queries;
    this.runs = runs;
    if (options.events() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--events must fit an int");
    }
    this.bids = new NexmarkWorkload((int) Math.max(options.events(), options.warmupEvents()));
  }

  public static void main(String[] args) throws IOException {
    List<String> rest = new ArrayList<>();
    String query = "all";
    int runs = 1;
    double lowRate = 100_000;
    String reactors = Integer.toString(REACTORS);
    boolean eventsGiven = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--query" -> query = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--low-rate" -> lowRate = Double.parseDouble(args[++i]);
        case "--reactors" -> reactors = args[++i];
        default -> {
          eventsGiven |= args[i].equals("--events");
          rest.add(args[i]);
        }
      }
    }
    if (!eventsGiven) {
      rest.add("--events");
      rest.add("5000000");
    }
    HarnessOptions options;
    List<NexmarkWorkload.Query> queries = new ArrayList<>();
    int[] reactorCounts;
    try {
      reactorCounts = parseReactors(reactors);
      options = HarnessOptions.parse(rest.toArray(String[]::new));
      for (String q : query.split(",")) {
        if (q.equals("all")) {
          queries.addAll(Arrays.asList(NexmarkWorkload.QUERIES));
        } else {
          queries.add(NexmarkWorkload.query(q.trim()));
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("NexmarkHarness: " + e.getMessage());
      System.err.println(USAGE + HarnessOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(USAGE + HarnessOptions.USAGE);
      return;
    }
    progress("generating %,d bids", Math.max(options.events(), options.warmupEvents()));
    new NexmarkHarness(options, queries, Math.max(1, runs), lowRate, reactorCounts).run();
  }

  /** "1,2": distinct reactor counts of at least 1, in the order given. */
  static int[] parseReactors(String list) {
    int[] counts = Arrays.stream(list.split(",")).map(String::trim).mapToInt(v -> {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--reactors takes reactor counts separated by commas (e.g. 1,2), was '" + list + "'");
      }
    }).toArray();
    if (counts.length == 0 || Arrays.stream(counts).anyMatch(c -> c < 1) || Arrays.stream(counts).distinct().count() != counts.length) {
      throw new IllegalArgumentException("--reactors takes distinct reactor counts of at least 1 (e.g. 1,2), was '" + list + "'");
    }
    return counts;
  }

  private void run() throws IOException {
    ObjectNode root = HarnessSupport.json().createObjectNode();
    root.put("benchmark", "nexmark");
    root.put("timestamp", Instant.now().toString());
    root.put("events", options.events());
    root.put("reactors", reactorCounts[0]);
    ArrayNode counts = root.putArray("reactor_counts");
    Arrays.stream(reactorCounts).forEach(counts::add);
    root.put("subscribe", SUBSCRIBE);
    ObjectNode results = root.putObject("queries");
    for (NexmarkWorkload.Query q : queries) {
      if (options.warmupEvents() > 0) {
        progress("%s: warm-up, %,d bids", q.name(), options.warmupEvents());
        for (int reactors : reactorCounts) {
          throughput(q, (int) options.warmupEvents(), reactors);
        }
      }
      // the reactor counts alternate run by run, so a change of load on the machine hits them alike
      Map<Integer, List<ThroughputResult>> byCount = new java.util.LinkedHashMap<>();
      for (int r = 0; r < runs; r++) {
        for (int reactors : reactorCounts) {
          ThroughputResult t = throughput(q, (int) options.events(), reactors);
          progress("%s: %d reactor(s): %,.0f bids/s, %d rows, %d GCs (%d ms), %.2f cores", q.name(), reactors, t.eventsPerSecond(),
              t.rows(), t.gc().count(), t.gc().timeMillis(), t.cpuSeconds() / t.elapsedSeconds());
          byCount.computeIfAbsent(reactors, k -> new ArrayList<>()).add(t);
        }
      }
      ObjectNode node = results.putObject(q.name());
      node.put("description", q.description());
      ThroughputResult median = null;
      ObjectNode scaling = reactorCounts.length > 1 ? node.putObject("scaling") : null;
      for (int reactors : reactorCounts) {
        List<ThroughputResult> measured = byCount.get(reactors);
        ThroughputResult m = measured.stream()
            .sorted((a, b) -> Double.compare(a.eventsPerSecond(), b.eventsPerSecond())).toList().get(measured.size() / 2);
        if (median == null) {
          median = m;
          putThroughput(node, m, measured, reactors);
        } else {
          putThroughput(scaling.putObject(reactors + "_reactors"), m, measured, reactors);
          scaling.put("ratio_" + reactors + "_vs_" + reactorCounts[0], Math.round(m.eventsPerSecond() / median.eventsPerSecond() * 100) / 100.0);
        }
      }
      if (options.latencySeconds() > 0) {
        double rate = options.rate() > 0 ? options.rate() : Math.max(1, Math.floor(median.eventsPerSecond() / 2));
        long events = Math.min(options.events(), Math.max(1, (long) (rate * options.latencySeconds())));
        progress("%s: latency, %,d bids at %,.0f bids/s", q.name(), events, rate);
        LatencyResult l = latency(q, (int) events, rate, reactorCounts[0]);
        progress("%s: latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us (%d rows, achieved %,.0f/s)", q.name(),
            HarnessSupport.micros(l.fromPush(), 50), HarnessSupport.micros(l.fromPush(), 99),
            HarnessSupport.micros(l.fromPush(), 99.9), l.fromPush().getMaxValue() / 1e3, l.rows(), l.achievedRate());
        putLatency(node.putObject("latency"), rate, l);
        if (lowRate > 0 && lowRate < rate) {
          long lowEvents = Math.min(options.events(), Math.max(1, (long) (lowRate * options.latencySeconds())));
          LatencyResult low = latency(q, (int) lowEvents, lowRate, reactorCounts[0]);
          progress("%s: latency at %,.0f/s: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us", q.name(), lowRate,
              HarnessSupport.micros(low.fromPush(), 50), HarnessSupport.micros(low.fromPush(), 99),
              HarnessSupport.micros(low.fromPush(), 99.9), low.fromPush().getMaxValue() / 1e3);
          putLatency(node.putObject("latency_low_rate"), lowRate, low);
        }
      }
    }
    root.put("measured", "events_per_sec: bids / (last row received - first push), one thread pushing as fast as the "
        + "writer accepts, no flush; median of runs. gc_*_per_10m_events: all collectors over that span, scaled to 10 M "
        + "bids. cpu_cores_used: process CPU time / elapsed; thread_cpu_cores: per thread (name), CPU time / elapsed. "
        + "latency: per output row, nanoTime at the listener minus nanoTime before writing the bid it is due from "
        + "(per-row queries: the bid; windowed: the first bid whose watermark reached window_end); the writer is flushed "
        + "whenever the pusher is ahead of the schedule (latency.flush)");
    HarnessSupport.putJvm(root);
    ObjectNode config = root.putObject("config");
    config.put("batch_size", options.batchSize());
    config.put("queue_batches", options.queueBatches());
    config.put("warmup_events", options.warmupEvents());
    config.put("runs", runs);
    config.put("low_rate", lowRate);
    config.put("events_per_milli", NexmarkWorkload.EVENTS_PER_MILLI);
    config.put("seed", NexmarkWorkload.SEED);
    Path file = HarnessSupport.writeReport(root, options.outDirectory(), "nexmark");
    progress("written to %s", file);
  }

  private static void putLatency(ObjectNode latency, double rate, LatencyResult l) {
    latency.put("rate", Math.round(rate));
    latency.put("achieved_rate", Math.round(l.achievedRate()));
    latency.put("events", l.events());
    latency.put("flush", flushEveryBid() ? "every-bid" : "when-idle");
    latency.put("rows_measured", l.rows());
    HarnessSupport.percentiles(l.fromPush(), latency);
    HarnessSupport.percentiles(l.fromSchedule(), latency.putObject("from_schedule"));
  }

  private static void putThroughput(ObjectNode node, ThroughputResult t, List<ThroughputResult> all, int reactors) {
    double perTenMillion = 1e7 / t.events();
    node.put("events_per_sec", Math.round(t.eventsPerSecond()));
    node.put("events_per_sec_per_reactor", Math.round(t.eventsPerSecond() / reactors));
    node.put("cpu_cores_used", Math.round(t.cpuSeconds() / t.elapsedSeconds() * 100) / 100.0);
    node.put("events_per_cpu_second", Math.round(t.events() / t.cpuSeconds()));
    ObjectNode threads = node.putObject("thread_cpu_cores");
    t.threadCpuSeconds().forEach((name, s) -> threads.put(name, Math.round(s / t.elapsedSeconds() * 100) / 100.0));
    node.put("rows", t.rows());
    node.put("elapsed_ms", Math.round(t.elapsedSeconds() * 1e3));
    node.put("gc_count", t.gc().count());
    node.put("gc_time_ms", t.gc().timeMillis());
    node.put("gc_count_per_10m_events", Math.round(t.gc().count() * perTenMillion * 10) / 10.0);
    node.put("gc_time_ms_per_10m_events", Math.round(t.gc().timeMillis() * perTenMillion * 10) / 10.0);
    ArrayNode runs = node.putArray("runs_events_per_sec");
    all.forEach(r -> runs.add(Math.round(r.eventsPerSecond())));
  }

  private Laminar openEngine(NexmarkWorkload.Query q, int reactors) {
    Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).batchSize(options.batchSize())
        .queueBatches(options.queueBatches()).reactors(reactors).build());
    db.execute(NexmarkWorkload.CREATE_SOURCE);
    String[] statements = q.statements();
    int deployed = SUBSCRIBE.equals("query") ? statements.length - 1 : statements.length; // the last one is subscribed as a query
    for (int i = 0; i < deployed; i++) {
      db.execute(statements[i]);
    }
    return db;
  }

  record ThroughputResult(long events, long rows, double elapsedSeconds, double eventsPerSecond, GcSnapshot gc,
      double cpuSeconds, Map<String, Double> threadCpuSeconds) {}

  private ThroughputResult throughput(NexmarkWorkload.Query q, int events, int reactors) {
    try (Laminar db = openEngine(q, reactors)) {
      NexmarkListener listener = new NexmarkListener(q);
      Subscription sub = subscribe(db, q, listener);
      SourceWriter writer = db.writer("bids");
      Map<Long, Long> threadsBefore = threadCpu();
      Map<Long, Map.Entry<String, Long>> threadsNow = new HashMap<>();
      long cpuBefore = processCpuNanos();
      GcSnapshot gcBefore = GcSnapshot.now();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        bids.push(writer, i);
        if ((i & 0xFFFFF) == 0) {
          sampleThreadCpu(threadsNow); // the source thread ends with the input: sample it while it lives
        }
      }
      writer.close();
      while (!sub.isFinished() && db.failures().isEmpty()) {
        sampleThreadCpu(threadsNow);
        sleepMillis(2);
      }
      HarnessSupport.awaitEnd(db, sub);
      GcSnapshot gc = GcSnapshot.now().since(gcBefore);
      double cpu = (processCpuNanos() - cpuBefore) / 1e9;
      sampleThreadCpu(threadsNow);
      Map<String, Double> threads = threadCpuSince(threadsBefore, threadsNow);
      double seconds = (listener.lastRowNanos - start) / 1e9;
      check(q, events, listener);
      return new ThroughputResult(events, listener.rows, seconds, events / seconds, gc, cpu, threads);
    }
  }

  record LatencyResult(double achievedRate, long events, long rows, Histogram fromPush, Histogram fromSchedule) {}

  private LatencyResult latency(NexmarkWorkload.Query q, int events, double rate, int reactors) {
    long[] pushedAt = new long[events];
    Histogram fromPush = new Histogram(3);
    Histogram fromSchedule = new Histogram(3);
    int[] kept = q.name().equals("selection") ? bids.selected(events) : null;
    try (Laminar db = openEngine(q, reactors)) {
      NexmarkListener listener = new NexmarkListener(q, pushedAt, kept, fromPush, fromSchedule, events);
      Subscription sub = subscribe(db, q, listener);
      SourceWriter writer = db.writer("bids");
      final double nanosPerEvent = 1e9 / rate;
      long start = System.nanoTime();
      long deadline = start + (long) (options.latencySeconds() * 1e9);
      listener.nanosPerEvent = nanosPerEvent;
      listener.scheduleStartNanos = start;
      final boolean flushEveryBid = flushEveryBid();
      boolean unflushed = false;
      int pushed = 0;
      while (pushed < events) {
        long due = start + (long) (pushed * nanosPerEvent);
        if (unflushed && System.nanoTime() < due) {
          writer.flush(); // caught up with the schedule: hand over what was written before waiting
          unflushed = false;
        }
        long now = HarnessSupport.awaitDue(due);
        if (now > deadline) {
          break; // the pusher fell behind the rate: stop at the time limit, rows of unpushed bids are not timed
        }
        pushedAt[pushed] = now;
        bids.push(writer, pushed);
        if (flushEveryBid) {
          writer.flush();
        } else {
          unflushed = true;
        }
        pushed++;
      }
      double achieved = pushed / ((System.nanoTime() - start) / 1e9);
      writer.close();
      HarnessSupport.awaitEnd(db, sub);
      return new LatencyResult(achieved, pushed, listener.rowsMeasured, fromPush, fromSchedule);
    }
  }

  /** {@code -Dnexmark.flush=every-bid}: flush after every bid, as OhlcHarness does; default: when caught up. */
  private static boolean flushEveryBid() {
    return "every-bid".equals(System.getProperty("nexmark.flush", "when-idle"));
  }

  private void check(NexmarkWorkload.Query q, int events, NexmarkListener l) {
    long expectedRows = switch (q.name()) {
      case "passthrough", "projection" -> events;
      case "selection" -> bids.selected(events).length;
      default -> -1;
    };
    if (expectedRows >= 0 && l.rows != expectedRows) {
      throw new IllegalStateException(q.name() + ": " + l.rows + " rows, expected " + expectedRows);
    }
    if (q.countColumn() != null && l.counted != events) {
      throw new IllegalStateException(q.name() + ": counts sum to " + l.counted + ", expected " + events);
    }
    if (l.rows == 0) {
      throw new IllegalStateException(q.name() + ": no rows");
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** CPU time so far per live thread id. */
  private static Map<Long, Long> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      cpu.put(id, Math.max(0, mx.getThreadCpuTime(id)));
    }
    return cpu;
  }

  /** Notes the CPU time so far of every live thread, with its name (a thread that ends keeps its last sample). */
  private static void sampleThreadCpu(Map<Long, Map.Entry<String, Long>> samples) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = mx.getThreadCpuTime(info.getThreadId());
      if (cpu >= 0) {
        samples.put(info.getThreadId(), Map.entry(info.getThreadName(), cpu));
      }
    }
  }

  /** CPU seconds between the samples per thread name, threads above 0.01 s only. */
  private static Map<String, Double> threadCpuSince(Map<Long, Long> before, Map<Long, Map.Entry<String, Long>> after) {
    Map<String, Double> byName = new TreeMap<>();
    after.forEach((id, sample) -> {
      double s = (sample.getValue() - before.getOrDefault(id, 0L)) / 1e9;
      if (s >= 0.01) {
        byName.merge(sample.getKey().equals("main") ? "main (pusher)" : sample.getKey(), s, Double::sum);
      }
    });
    return byName;
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void progress(String format, Object... args) {
    System.err.printf("[nexmark] " + format + "%n", args);
  }
}
