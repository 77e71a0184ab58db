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
 * Events per second through the public embedded API for a SESSION aggregate (COUNT, SUM, MAX per user,
 * gap 1 s) with its sessions on the heap ({@code SessionWindowAggregateOperator},
 * {@code -Dlaminar.state.store=false}) and in the off-heap state store
 * ({@code StoredSessionWindowAggregateOperator}), each in a fresh engine, alternating, after a warm-up of
 * both. Prints one JSON object, with the result rows and their COUNT(*) sum, which must agree.
 *
 * <p>Workload: {@code USERS} users in 10 cohorts; cohort {@code c} is active during seconds
 * {@code [3c, 3c + 3)} of every 30 s of event time and idle the rest, so each user has one 3-second session
 * per cycle that closes 1 s after its last event. Event {@code i}: event time {@code i / 10} ms (10 events per
 * ms), user {@code cohort * users/10 + i mod (users/10)}: with the default 10,000 users each active user sends
 * an event every 100 ms (30 per session) and about 1,000 to 2,000 sessions are open at a time.
 *
 * <p>Usage: {@code bench/run-sessions.sh [EVENTS [USERS]]} (default 4,000,000 and 10,000).
 */
public final class SessionHarness {
  private SessionHarness() {}

  static final String CREATE_SOURCE = """
      CREATE SOURCE clicks (
        user_id BIGINT NOT NULL,
        amount  BIGINT NOT NULL,
        ts      TIMESTAMP(3) NOT NULL,
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
      ) WITH ('connector' = 'memory')""";

  static final String QUERY = "SELECT user_id, window_start, window_end, COUNT(*) AS n, SUM(amount) AS total, MAX(amount) AS hi "
      + "FROM TABLE(SESSION(TABLE clicks, DESCRIPTOR(ts), DESCRIPTOR(user_id), INTERVAL '1' SECOND)) "
      + "GROUP BY user_id, window_start, window_end";

  private static final long BASE_MILLIS = 1_767_225_600_000L;
  private static final int EVENTS_PER_MILLI = 10;
  private static final int COHORTS = 10;
  private static final long ACTIVE_MILLIS = 3_000;

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 4_000_000L;
    int users = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "session");
    result.put("events", events);
    result.put("users", users);
    result.put("query", QUERY);
    run(false, events / 4, users); // warm-up, both paths
    run(true, events / 4, users);
    double[] heap = new double[3];
    double[] offHeap = new double[3];
    long[] heapRows = new long[3];
    long[] offHeapRows = new long[3];
    double[] heapCpu = new double[3];
    double[] offHeapCpu = new double[3];
    for (int round = 0; round < 3; round++) {
      heap[round] = run(false, events, users, heapRows);
      heapCpu[round] = heapRows[2] / (double) events;
      offHeap[round] = run(true, events, users, offHeapRows);
      offHeapCpu[round] = offHeapRows[2] / (double) events;
    }
    if (heapRows[0] != offHeapRows[0] || heapRows[1] != offHeapRows[1] || heapRows[1] != events) {
      throw new IllegalStateException("heap and off-heap results differ: rows " + heapRows[0] + " / " + offHeapRows[0]
          + ", COUNT(*) sum " + heapRows[1] + " / " + offHeapRows[1] + " of " + events + " events");
    }
    result.put("sessions_emitted", heapRows[0]);
    result.put("heap_events_per_sec", rounded(heap));
    result.put("off_heap_events_per_sec", rounded(offHeap));
    result.put("heap_median_events_per_sec", Math.round(median(heap)));
    result.put("off_heap_median_events_per_sec", Math.round(median(offHeap)));
    result.put("off_heap_over_heap", Math.round(median(offHeap) / median(heap) * 1000) / 1000.0);
    result.put("heap_reactor_cpu_ns_per_event", rounded(heapCpu));
    result.put("off_heap_reactor_cpu_ns_per_event", rounded(offHeapCpu));
    result.put("reactor_cpu_off_heap_over_heap", Math.round(median(offHeapCpu) / median(heapCpu) * 1000) / 1000.0);
    result.put("cores", Runtime.getRuntime().availableProcessors());
    System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
  }

  /** CPU time so far of the engine's reactor threads. */
  private static long reactorCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("laminar-reactor-")) {
        sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
      }
    }
    return sum;
  }

  private static long[] rounded(double[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.round(values[i]);
    }
    return out;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double run(boolean offHeap, long events, int users) throws Exception {
    return run(offHeap, events, users, new long[3]);
  }

  /**
   * Events/s from the first push to the end of the result stream; {@code rows} gets the result rows, their COUNT(*) sum and
   * the reactor thread's CPU nanoseconds over the run (the steadier figure on a loaded machine).
   */
  private static double run(boolean offHeap, long events, int users, long[] rows) throws Exception {
    System.setProperty("laminar.state.store", Boolean.toString(offHeap));
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute(CREATE_SOURCE);
      db.execute("CREATE STREAM sessions AS " + QUERY);
      String plan = String.join(" ", db.execute("EXPLAIN " + QUERY).rows().stream().map(r -> (String) r.get(0)).toList());
      if (plan.contains("state=off-heap") != offHeap) {
        throw new IllegalStateException("expected " + (offHeap ? "the off-heap" : "the heap") + " operator: " + plan);
      }
      AtomicLong emitted = new AtomicLong();
      AtomicLong counted = new AtomicLong();
      Subscription sub = db.subscribe("sessions", batch -> {
        emitted.addAndGet(batch.size());
        for (int r = 0; r < batch.size(); r++) {
          counted.addAndGet(batch.getLong(r, 3));
        }
      });
      int cohortSize = Math.max(1, users / COHORTS);
      long cpuBefore = reactorCpuNanos();
      long start = System.nanoTime();
      try (SourceWriter w = db.writer("clicks")) {
        for (long i = 0; i < events; i++) {
          long offset = i / EVENTS_PER_MILLI;
          long cohort = (offset / ACTIVE_MILLIS) % COHORTS;
          w.beginRow();
          w.setLong(0, cohort * cohortSize + i % cohortSize);
          w.setLong(1, 1 + (i * 7919) % 1000);
          w.setTimestampMillis(2, BASE_MILLIS + offset);
          w.endRow();
        }
      }
      if (!sub.awaitFinished(Duration.ofMinutes(10))) {
        throw new IllegalStateException("session run did not finish");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      rows[2] = reactorCpuNanos() - cpuBefore;
      System.err.printf("%s: %d events, %d sessions, %.2f s, reactor %.0f ns/event%n", offHeap ? "off-heap" : "heap", events,
          emitted.get(), seconds, rows[2] / (double) events);
      rows[0] = emitted.get();
      rows[1] = counted.get();
      return events / seconds;
    } finally {
      System.clearProperty("laminar.state.store");
    }
  }
}
