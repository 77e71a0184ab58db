package dev.laminar.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Shared pieces of the join tests: an engine, row writing, draining a subscription while writing. */
final class JoinTestSupport {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private JoinTestSupport() {}

  static Laminar open() {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).batchSize(16).build());
  }

  /** One input row: (key, value, event time offset from T0). A null key is written as NULL. */
  record In(String side, String k, Long v, long t) {
    static In l(String k, long v, long t) {
      return new In("l", k, v, t);
    }

    static In r(String k, long v, long t) {
      return new In("r", k, v, t);
    }
  }

  static LocalDateTime time(long offset) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(T0 + offset, 1000), (int) Math.floorMod(T0 + offset, 1000) * 1_000_000, ZoneOffset.UTC);
  }

  /** Subscribes to {@code query}, writes {@code rows} to sources l and r in the given order, and returns every output row. */
  static List<Row> run(Laminar db, String query, List<In> rows) {
    Subscription sub = db.subscribe(query);
    CompletableFuture<List<Row>> out = CompletableFuture.supplyAsync(() -> drain(sub));
    write(db, rows);
    return out.join();
  }

  static void write(Laminar db, List<In> rows) {
    try (SourceWriter l = db.writer("l"); SourceWriter r = db.writer("r")) {
      for (In in : rows) {
        SourceWriter w = in.side().equals("l") ? l : r;
        w.beginRow();
        if (in.k() == null) {
          w.setNull(0);
        } else {
          w.setString(0, in.k());
        }
        if (in.v() == null) {
          w.setNull(1);
        } else {
          w.setLong(1, in.v());
        }
        w.setTimestampMillis(2, T0 + in.t());
        w.endRow();
      }
    }
  }

  static List<Row> drain(Subscription s) {
    List<Row> rows = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!s.isFinished() && System.nanoTime() < deadline) {
      rows.addAll(s.poll(Duration.ofMillis(100)));
    }
    assertThat(s.isFinished()).as("stream finished within 60 s").isTrue();
    return rows;
  }

  static List<String> sortedStrings(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().toList();
  }

  static void createSources(Laminar db, long boundMillis) {
    for (String s : List.of("l", "r")) {
      db.execute("CREATE SOURCE " + s + " (k VARCHAR, v BIGINT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '"
          + java.math.BigDecimal.valueOf(boundMillis, 3).toPlainString() + "' SECOND) WITH ('connector' = 'memory')");
    }
  }
}
