package dev.laminar.differential;


import org.junit.jupiter.api.Test;

/**
 * Cases {@link StreamingSqlDifferentialTest} raised that were settled by a decision rather than a fix:
 * each pins the behaviour chosen (and documented in docs/SQL.md).
 */
class DifferentialBugReproductionsTest {
  /**
   * Found as a mismatch with an earlier docs/SQL.md, which also made window_start an event-time
   * column. Decided: only window_end carries a windowed result's event time (window_end - 1 ms), so
   * a stream keeping only window_start cannot be windowed again, and the planner says why.
   */
  @Test
  void aWindowedStreamKeepingOnlyWindowStartHasNoEventTimeColumn() {
    try (dev.laminar.api.Laminar db = dev.laminar.api.Laminar.open(
        dev.laminar.api.LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute("CREATE SOURCE s (k2 INT, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM level1 AS SELECT k2, window_start AS bar, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), "
          + "INTERVAL '0.5' SECOND)) GROUP BY k2, window_start, window_end");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.execute("CREATE STREAM level2 AS SELECT window_start, COUNT(*) AS n "
          + "FROM TABLE(HOP(TABLE level1, DESCRIPTOR(bar), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end"))
          .hasMessageContaining("HOP needs an event-time column with a watermark, but 'level1' has none");
    }
  }
}
