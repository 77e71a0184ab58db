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
 * Events per second through the public embedded API for the same aggregate (COUNT, SUM, MAX per
 * symbol, 100 symbols, the OHLC harness's trade stream) over TUMBLE 10 s and over HOP with a 10 s
 * size and a 100 ms slide (100 overlapping windows per event, sharing per-pane partials), each in a
 * fresh engine, in the same run so the two figures compare; then a filter and projection with compiled
 * and with interpreted expressions ({@code laminar.codegen}); then a ten-call TUMBLE aggregate with
 * interpreted and with compiled aggregate updates ({@code laminar.codegen.aggregates}), each path
 * warmed up first; then forms newly in the state store (a changelog, allowed lateness, string aggregates)
 * with their groups on the heap and in the store. Prints one JSON object.
 *
 * <p>Usage: {@code bench/run-windows.sh [EVENTS]} (default 2,000,000).
 */
public final class WindowShapesHarness {
  private WindowShapesHarness() {}

  static final String QUERY = "SELECT symbol, window_start, COUNT(*) AS n, SUM(qty) AS volume, MAX(price) AS high FROM TABLE(%s) "
      + "GROUP BY symbol, window_start, window_end";

  /** Ten aggregate calls per row over TUMBLE 10 s: where the per-row update is most of the operator's work. */
  static final String AGGREGATES = "SELECT symbol, window_start, COUNT(*) AS n, COUNT(price) AS np, SUM(qty) AS volume, "
      + "MIN(price) AS low, MAX(price) AS high, FIRST_VALUE(price) AS open, LAST_VALUE(price) AS close, AVG(qty) AS aq, "
      + "STDDEV_POP(price) AS sd, COUNT(*) FILTER (WHERE qty > 250) AS big "
      + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY symbol, window_start, window_end";

  /**
   * Forms that moved into the off-heap state store, each run with its groups on the heap
   * ({@code laminar.state.store=false}) and in the store: a changelog, allowed lateness, string aggregates
   * (MIN/MAX/LAST_VALUE of a VARCHAR: the values as reference-counted dictionary ids), and distinct counts
   * (COUNT(DISTINCT) and APPROX_COUNT_DISTINCT: sets and HyperLogLog registers in the operator's stores).
   */
  static final String[][] STORE_FORMS = {
      {"changes", QUERY.formatted("TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)") + " EMIT CHANGES"},
      {"lateness", QUERY.formatted("TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)") + " ALLOW LATENESS INTERVAL '1' SECOND"},
      {"string_aggregates", "SELECT qty, window_start, COUNT(*) AS n, MIN(symbol) AS lo, MAX(symbol) AS hi, LAST_VALUE(symbol) AS last "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY qty, window_start, window_end"},
      {"distinct_counts", "SELECT symbol, window_start, COUNT(DISTINCT qty) AS quantities, APPROX_COUNT_DISTINCT(price) AS prices "
          + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY symbol, window_start, window_end"}};

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "window-shapes");
    result.put("events", events);
    run("tumble_10s", "TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)", events / 4); // warm-up
    double tumble = run("tumble_10s", "TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)", events);
    double hop = run("hop_10s_100ms", "HOP(TABLE trades, DESCRIPTOR(ts), INTERVAL '0.1' SECOND, INTERVAL '10' SECOND)", events);
    result.put("tumble_10s_events_per_sec", Math.round(tumble));
    result.put("hop_10s_slide_100ms_events_per_sec", Math.round(hop));
    result.put("hop_over_tumble", Math.round(hop / tumble * 1000) / 1000.0);
    // the same filter and projection, compiled (default) and interpreted, end to end
    String calc = "SELECT symbol, price * 1.1 AS marked, qty + 1 AS q FROM trades WHERE price * qty > 1000 AND symbol IS NOT NULL";
    System.setProperty(dev.laminar.runtime.codegen.CalcCompiler.ENABLED_PROPERTY, "false");
    double interpreted = runQuery("calc_interpreted", calc, events);
    System.setProperty(dev.laminar.runtime.codegen.CalcCompiler.ENABLED_PROPERTY, "true");
    double compiled = runQuery("calc_compiled", calc, events);
    result.put("calc_interpreted_events_per_sec", Math.round(interpreted));
    result.put("calc_compiled_events_per_sec", Math.round(compiled));
    result.put("compiled_over_interpreted", Math.round(compiled / interpreted * 1000) / 1000.0);
    // the same windowed aggregate with interpreted and with compiled per-row aggregate updates (calcs compiled in both)
    String property = dev.laminar.runtime.codegen.AggregateCompiler.ENABLED_PROPERTY;
    for (String mode : new String[] {"false", "true"}) { // warm-up, both paths
      System.setProperty(property, mode);
      runQuery("aggregates_warmup", AGGREGATES, events / 4);
    }
    System.setProperty(property, "false");
    double aggInterpreted = runQuery("aggregates_interpreted", AGGREGATES, events);
    System.setProperty(property, "true");
    double aggCompiled = runQuery("aggregates_compiled", AGGREGATES, events);
    result.put("aggregates_interpreted_events_per_sec", Math.round(aggInterpreted));
    result.put("aggregates_compiled_events_per_sec", Math.round(aggCompiled));
    result.put("aggregates_compiled_over_interpreted", Math.round(aggCompiled / aggInterpreted * 1000) / 1000.0);
    // forms newly in the state store: heap and store alternated, twice each, best of two
    String store = dev.laminar.sql.plan.WindowAggregateNode.STATE_STORE_PROPERTY;
    for (String[] form : STORE_FORMS) {
      double heap = 0;
      double stored = 0;
      for (int round = 0; round < 2; round++) {
        System.setProperty(store, "false");
        heap = Math.max(heap, runQuery(form[0] + "_heap", form[1], events));
        System.clearProperty(store);
        stored = Math.max(stored, runQuery(form[0] + "_store", form[1], events));
      }
      result.put(form[0] + "_heap_events_per_sec", Math.round(heap));
      result.put(form[0] + "_store_events_per_sec", Math.round(stored));
      result.put(form[0] + "_store_over_heap", Math.round(stored / heap * 1000) / 1000.0);
    }
    result.put("cores", Runtime.getRuntime().availableProcessors());
    System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
  }

  private static double run(String name, String window, long events) throws Exception {
    return runQuery(name, String.format(QUERY, window), events);
  }

  /** Events/s from the first push to the end of the result stream. */
  private static double runQuery(String name, String query, long events) throws Exception {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute(OhlcWorkload.CREATE_SOURCE);
      db.execute("CREATE STREAM shaped AS " + query);
      AtomicLong rows = new AtomicLong();
      Subscription sub = db.subscribe("shaped", batch -> rows.addAndGet(batch.size()));
      long start = System.nanoTime();
      try (SourceWriter w = db.writer("trades")) {
        for (long i = 0; i < events; i++) {
          OhlcWorkload.push(w, i);
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
}
