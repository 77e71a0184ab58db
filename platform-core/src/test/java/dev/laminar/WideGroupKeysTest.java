package dev.laminar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.api.Subscription;
import dev.laminar.sdk.row.Row;
import dev.laminar.sql.plan.WindowAggregateNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Windowed aggregates grouped by BYTES (equal by content, whatever the array) and wide DECIMAL columns keep their
 * groups in the off-heap state store (the values by dictionary id) and give the heap operators' results.
 */
class WideGroupKeysTest {
  private static final long T0 = 1_767_225_600_000L;
  private static final String[] QUERIES = {
      "SELECT b, d, window_start, COUNT(*) AS n, SUM(v) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
          + "GROUP BY b, d, window_start, window_end",
      "SELECT b, d, window_end, COUNT(*) AS n, MAX(v) AS hi FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
          + "INTERVAL '2' SECOND)) GROUP BY b, d, window_start, window_end",
      "SELECT b, d, window_start, window_end, COUNT(*) AS n FROM TABLE(SESSION(TABLE s, DESCRIPTOR(ts), INTERVAL '0.3' SECOND)) "
          + "GROUP BY b, d, window_start, window_end"};

  @Test
  void bytesAndWideDecimalGroupsLiveOffHeapWithTheHeapResults() {
    // at several reactors the stream runs as shards merged on reactor 0: the order across groups is the merge's
    boolean oneReactor = LaminarConfig.defaults().reactors() == 1;
    for (String query : QUERIES) {
      List<String> offHeap = run(query, true);
      List<String> heap = run(query, false);
      assertThat(offHeap).as(query).isNotEmpty();
      if (oneReactor) {
        assertThat(offHeap).as(query).isEqualTo(heap);
      } else {
        assertThat(offHeap).as(query).containsExactlyInAnyOrderElementsOf(heap);
      }
    }
    List<String> tumble = run(QUERIES[0], true);
    List<String> expected = List.of(
        "[[1, 2], 1.5000, 2026-01-01T00:00, 3, 6]",
        "[[1, 2], 12345678901234567890.1234, 2026-01-01T00:00, 1, 4]",
        "[[3], 1.5000, 2026-01-01T00:00, 1, 5]",
        "[null, null, 2026-01-01T00:00, 1, 7]",
        "[[1, 2], 1.5000, 2026-01-01T00:00:01, 1, 8]");
    if (oneReactor) {
      assertThat(tumble).as("groups by content of the BYTES value and by the decimal").containsExactlyElementsOf(expected);
    } else {
      assertThat(tumble).as("groups by content of the BYTES value and by the decimal").containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static List<String> run(String query, boolean stateStore) {
    if (!stateStore) {
      System.setProperty(WindowAggregateNode.STATE_STORE_PROPERTY, "false");
    }
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute("CREATE SOURCE s (b BYTES, d DECIMAL(30, 4), v BIGINT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) "
          + "WITH ('connector' = 'memory')");
      String plan = String.join("\n", db.execute("EXPLAIN " + query).rows().stream().map(r -> (String) r.get(0)).toList());
      assertThat(plan.contains("state=off-heap")).as("%s\n%s", query, plan).isEqualTo(stateStore);
      db.execute("CREATE STREAM grouped AS " + query);
      Subscription sub = db.subscribe("grouped");
      Object[][] rows = {
          {new byte[] {1, 2}, new BigDecimal("1.5"), 1L, 0L},
          {new byte[] {1, 2}, new BigDecimal("1.5000"), 2L, 100L}, // another array, the same content: the same group
          {new byte[] {1, 2}, new BigDecimal("12345678901234567890.1234"), 4L, 200L},
          {new byte[] {3}, new BigDecimal("1.5"), 5L, 300L},
          {new byte[] {1, 2}, new BigDecimal("1.50"), 3L, 400L},
          {null, null, 7L, 500L},
          {new byte[] {1, 2}, new BigDecimal("1.5"), 8L, 1_200L}};
      try (SourceWriter w = db.writer("s")) {
        for (Object[] r : rows) {
          w.beginRow();
          if (r[0] == null) {
            w.setNull(0);
            w.setNull(1);
          } else {
            w.setBytes(0, (byte[]) r[0]);
            w.setDecimal(1, (BigDecimal) r[1]);
          }
          w.setLong(2, (Long) r[2]);
          w.setTimestampMillis(3, T0 + (Long) r[3]);
          w.endRow();
        }
      }
      List<String> out = new ArrayList<>();
      while (!sub.isFinished()) {
        for (Row row : sub.poll(Duration.ofMillis(100))) {
          Object[] cells = new Object[row.arity()];
          for (int c = 0; c < cells.length; c++) {
            Object v = row.get(c);
            cells[c] = v instanceof byte[] b ? Arrays.toString(b) : v;
          }
          out.add(row.kind().shortName().equals("+I") ? Arrays.toString(cells) : row.kind().shortName() + Arrays.toString(cells));
        }
      }
      return out;
    } finally {
      System.clearProperty(WindowAggregateNode.STATE_STORE_PROPERTY);
    }
  }
}
