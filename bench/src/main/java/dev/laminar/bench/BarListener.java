package dev.laminar.bench;

import dev.laminar.api.RowListener;
import dev.laminar.sdk.row.RowBatch;
import org.HdrHistogram.Histogram;

/**
 * Receives the bars on the subscription's thread: counts them and the trades they summarise, notes
 * when the last one arrived, and, in the latency phase, records for each bar the time from the
 * push of the event that closed its window to now.
 *
 * <p>Counters are plain fields written by the subscription thread only; the harness reads them
 * after the subscription finished (the finish latch orders the reads after the writes).
 */
final class BarListener implements RowListener {
  private final long[] windowClosedAtNanos;
  private final long[] windowDueAtNanos;
  private final Histogram fromPush;
  private final Histogram fromSchedule;
  private int windowEndColumn = -1;
  private int tradesColumn = -1;
  long bars;
  long trades;
  long barsMeasured;
  /** Read by the harness while running (progress); written once per batch. */
  volatile long lastBarNanos;

  /** Throughput phase: counts only. */
  BarListener() {
    this(null, null, null, null);
  }

  /**
   * Latency phase.
   *
   * @param windowClosedAtNanos per window index, when the event that closed it was pushed (0: closed by the end of input)
   * @param windowDueAtNanos per window index, when that event was scheduled to be pushed
   */
  BarListener(long[] windowClosedAtNanos, long[] windowDueAtNanos, Histogram fromPush, Histogram fromSchedule) {
    this.windowClosedAtNanos = windowClosedAtNanos;
    this.windowDueAtNanos = windowDueAtNanos;
    this.fromPush = fromPush;
    this.fromSchedule = fromSchedule;
  }

  @Override
  public void onRows(RowBatch batch) {
    final long now = System.nanoTime();
    if (tradesColumn < 0) {
      windowEndColumn = batch.schema().indexOf("window_end");
      tradesColumn = batch.schema().indexOf("trades");
    }
    final int n = batch.size();
    final long[] closedAt = windowClosedAtNanos;
    for (int r = 0; r < n; r++) {
      trades += batch.getLong(r, tradesColumn);
      if (closedAt != null) {
        int w = OhlcWorkload.windowIndex(batch.getTimestampMillis(r, windowEndColumn));
        long pushed = w >= 0 && w < closedAt.length ? closedAt[w] : 0;
        if (pushed != 0) {
          fromPush.recordValue(now - pushed);
          fromSchedule.recordValue(Math.max(0, now - windowDueAtNanos[w]));
          barsMeasured++;
        }
      }
    }
    bars += n;
    lastBarNanos = now;
  }
}
