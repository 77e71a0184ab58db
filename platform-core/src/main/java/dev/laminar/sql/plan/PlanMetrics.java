package dev.laminar.sql.plan;

import dev.laminar.runtime.Counter;

/** Counters a deployed plan updates, shown by DESCRIBE and SHOW STREAMS. */
public final class PlanMetrics {
  private final Counter lateRowsDropped = new Counter();

  /** Rows that arrived after their window had closed and were dropped. */
  public Counter lateRowsDropped() {
    return lateRowsDropped;
  }
}
