package dev.laminar.bench;

import dev.laminar.api.RowListener;
import dev.laminar.sdk.row.RowBatch;
import org.HdrHistogram.Histogram;

/**
 * Receives a Nexmark query's rows on the subscription's thread: counts them (and sums a count
 * column, to check the result), notes when the last one arrived and, in the latency phase, records
 * for each row the time from the push of the bid it is due from to now — the bid itself for per-row
 * queries, the first bid whose watermark reached the row's {@code window_end} for windowed ones
 * (the approach of {@link BarListener}).
 *
 * <p>Counters are plain fields written by the subscription thread only; the harness reads them after
 * the subscription finished.
 */
final class NexmarkListener implements RowListener {
  private final NexmarkWorkload.Timing timing;
  private final String countColumnName;
  private final long[] pushedAtNanos;
  private final int[] kept;
  private final Histogram fromPush;
  private final Histogram fromSchedule;
  private final long latencyEvents;
  private int windowEndColumn = -2;
  private int countColumn = -2;
  /** Set by the harness before the first push of the latency phase; read here after the rows it causes. */
  volatile long scheduleStartNanos;
  volatile double nanosPerEvent;
  long rows;
  long counted;
  long rowsMeasured;
  volatile long lastRowNanos;

  /** Throughput phase: counts only. */
  NexmarkListener(NexmarkWorkload.Query query) {
    this(query, null, null, null, null, 0);
  }

  /**
   * Latency phase.
   *
   * @param pushedAtNanos per bid, nanoTime just before it was written (0: not pushed in this phase)
   * @param kept for the selection, the bids it keeps in order (row k is bid kept[k]); null: row k is bid k
   */
  NexmarkListener(NexmarkWorkload.Query query, long[] pushedAtNanos, int[] kept, Histogram fromPush, Histogram fromSchedule,
      long latencyEvents) {
    this.timing = query.timing();
    this.countColumnName = query.countColumn();
    this.pushedAtNanos = pushedAtNanos;
    this.kept = kept;
    this.fromPush = fromPush;
    this.fromSchedule = fromSchedule;
    this.latencyEvents = latencyEvents;
  }

  @Override
  public void onRows(RowBatch batch) {
    final long now = System.nanoTime();
    if (countColumn == -2) {
      windowEndColumn = batch.schema().indexOf("window_end");
      countColumn = countColumnName == null ? -1 : batch.schema().indexOf(countColumnName);
    }
    final int n = batch.size();
    if (countColumn >= 0) {
      for (int r = 0; r < n; r++) {
        counted += batch.getLong(r, countColumn);
      }
    }
    if (pushedAtNanos != null) {
      final long start = scheduleStartNanos;
      final double perEvent = nanosPerEvent;
      for (int r = 0; r < n; r++) {
        long event;
        if (timing == NexmarkWorkload.Timing.PER_ROW) {
          long k = rows + r;
          event = kept == null ? k : (k < kept.length ? kept[(int) k] : Long.MAX_VALUE);
        } else {
          event = NexmarkWorkload.firstEventWithWatermark(batch.getTimestampMillis(r, windowEndColumn));
        }
        if (event < latencyEvents) {
          long pushed = pushedAtNanos[(int) event];
          if (pushed != 0) {
            fromPush.recordValue(Math.max(0, now - pushed));
            fromSchedule.recordValue(Math.max(0, now - (start + (long) (event * perEvent))));
            rowsMeasured++;
          }
        }
      }
    }
    rows += n;
    lastRowNanos = now;
  }
}
