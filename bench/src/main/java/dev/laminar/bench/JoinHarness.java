package dev.laminar.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events per second through the public embedded API for joins, next to a plain filter in the same
 * run: a trade stream and a quote stream (100 symbols, interleaved one to one, event time 1 ms per
 * 10 events of each stream, watermarks 100 ms behind), each query in a fresh engine:
 * <ul>
 *   <li>filter: {@code WHERE price > 0} over the same number of events on one stream (the baseline);</li>
 *   <li>interval join: trades with the quotes of their symbol from the 10 ms before them;</li>
 *   <li>ASOF join: each trade with its symbol's latest quote at or before it (backward);</li>
 *   <li>lookup join: each trade with its symbol's row of a memory lookup table (all keys cached).</li>
 * </ul>
 * Events/s counts the rows pushed into both inputs. Prints one JSON object.
 *
 * <p>Usage: {@code bench/run-joins.sh [EVENTS]} (default 2,000,000 events in all).
 */
public final class JoinHarness {
  private static final String SOURCE = "CREATE SOURCE %s (symbol VARCHAR NOT NULL, price DOUBLE NOT NULL, ts TIMESTAMP(3) NOT NULL, "
      + "WATERMARK FOR ts AS ts - INTERVAL '0.1' SECOND) WITH ('connector' = 'memory')";

  private JoinHarness() {}

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "joins");
    result.put("events", events);
    String filter = "SELECT symbol, price FROM trades WHERE price > 0";
    String interval = "SELECT t.symbol, t.price, q.price AS quote FROM trades t JOIN quotes q ON t.symbol = q.symbol "
        + "AND t.ts BETWEEN q.ts AND q.ts + INTERVAL '0.01' SECOND";
    String asof = "SELECT t.symbol, t.price, q.price AS quote FROM trades t ASOF JOIN quotes q MATCH_CONDITION(t.ts >= q.ts) "
        + "ON t.symbol = q.symbol";
    String lookup = "SELECT t.symbol, t.price, r.name FROM trades t JOIN refdata FOR SYSTEM_TIME AS OF t.ts AS r ON t.symbol = r.symbol";
    run("warmup_asof", asof, events / 4, true);
    double f = run("filter", filter, events, false);
    double i = run("interval_join", interval, events, true);
    double a = run("asof_join", asof, events, true);
    double l = run("lookup_join", lookup, events, false);
    result.put("filter_events_per_sec", Math.round(f));
    result.put("interval_join_events_per_sec", Math.round(i));
    result.put("asof_join_events_per_sec", Math.round(a));
    result.put("lookup_join_events_per_sec", Math.round(l));
    result.put("interval_over_filter", Math.round(i / f * 1000) / 1000.0);
    result.put("asof_over_filter", Math.round(a / f * 1000) / 1000.0);
    result.put("lookup_over_filter", Math.round(l / f * 1000) / 1000.0);
    result.put("cores", Runtime.getRuntime().availableProcessors());
    System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
  }

  /** Events/s from the first push to the end of the result stream; {@code twoInputs} splits the events over trades and quotes. */
  private static double run(String name, String query, long events, boolean twoInputs) throws Exception {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute(String.format(SOURCE, "trades"));
      db.execute(String.format(SOURCE, "quotes"));
      db.execute("CREATE LOOKUP TABLE refdata (symbol VARCHAR NOT NULL, name VARCHAR) WITH ('connector' = 'memory', 'lookup.key' = 'symbol')");
      StringBuilder values = new StringBuilder();
      for (int s = 0; s < OhlcWorkload.SYMBOLS; s++) {
        values.append(s == 0 ? "" : ", ").append("('").append(OhlcWorkload.symbol(s)).append("', 'Company ").append(s).append("')");
      }
      db.execute("INSERT INTO refdata VALUES " + values);
      db.execute("CREATE STREAM joined AS " + query);
      AtomicLong rows = new AtomicLong();
      Subscription sub = db.subscribe("joined", batch -> rows.addAndGet(batch.size()));
      long start = System.nanoTime();
      if (twoInputs) {
        try (SourceWriter t = db.writer("trades"); SourceWriter q = db.writer("quotes")) {
          for (long e = 0; e < events / 2; e++) {
            push(q, e, 0.01);
            push(t, e, 0);
          }
        }
      } else {
        try (SourceWriter t = db.writer("trades")) {
          for (long e = 0; e < events; e++) {
            push(t, e, 0);
          }
        }
      }
      if (!sub.awaitFinished(Duration.ofMinutes(10))) {
        throw new IllegalStateException(name + " did not finish");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.err.printf("%s: %d events, %d result rows, %.2f s%n", name, events, rows.get(), seconds);
      return events / seconds;
    }
  }

  /** Event {@code e} of a stream: symbol e % 100, a price, event time 1 ms per 10 events. */
  private static void push(SourceWriter w, long e, double spread) {
    w.beginRow();
    w.setString(0, OhlcWorkload.symbol((int) (e % OhlcWorkload.SYMBOLS)));
    w.setDouble(1, 100 + (e * 7919 % 1000) / 100.0 + spread);
    w.setTimestampMillis(2, OhlcWorkload.BASE_MILLIS + e / 10);
    w.endRow();
  }
}
