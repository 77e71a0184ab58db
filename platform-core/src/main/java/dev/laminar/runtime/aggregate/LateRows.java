package dev.laminar.runtime.aggregate;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.type.Schema;

/**
 * ALLOW LATENESS and LATE DATA TO of a window operator: how long windows stay open after their end,
 * where rows later than that go (the side stream, or nowhere), and the counters SHOW STREAMS reports
 * (late rows dropped, accepted within the lateness, redirected). Shared by the tumbling, pane and
 * session operators; reactor thread only.
 */
final class LateRows {
  private final Counter dropped;
  private long lateness;
  private BatchEmitter sideOutput;
  private Counter accepted = new Counter();
  private Counter redirected = new Counter();

  /** No lateness allowed, no side stream: late rows are dropped and counted in {@code dropped}. */
  LateRows(Counter dropped) {
    this.dropped = dropped;
  }

  /** ALLOW LATENESS {@code millis}; rows later than that go to {@code sideOutput} (LATE DATA TO) when it is not null. */
  void configure(long millis, Operator sideOutput, Schema inputSchema, int batchCapacity, Counter accepted, Counter redirected) {
    if (millis < 0) {
      throw new IllegalArgumentException("ALLOW LATENESS must not be negative, was " + millis + " ms");
    }
    this.lateness = millis;
    this.sideOutput = sideOutput == null ? null : new BatchEmitter(inputSchema, batchCapacity, sideOutput);
    this.accepted = accepted;
    this.redirected = redirected;
  }

  /** The allowed lateness in milliseconds (0 when none). */
  long lateness() {
    return lateness;
  }

  /** Row {@code row} is later than the allowed lateness: to the side stream, or dropped; counted either way. */
  void reject(ColumnarBatch in, int row) {
    if (sideOutput != null) {
      sideOutput.copyRow(in, row);
      redirected.increment();
    } else {
      dropped.increment();
    }
  }

  /** {@code rows} rows were too late and were folded nowhere (two-phase aggregation: no side stream then). */
  void dropped(int rows) {
    dropped.add(rows);
  }

  /** A row arrived after its window had fired but within the lateness, and updated it. */
  void accept() {
    accepted.increment();
  }

  /** Pushes the side stream's pending rows downstream. */
  void flush() {
    if (sideOutput != null) {
      sideOutput.flush();
    }
  }

  void onWatermark(long wm) {
    if (sideOutput != null) {
      sideOutput.flush();
      sideOutput.downstream().onWatermark(wm);
    }
  }

  void onEndOfInput() {
    if (sideOutput != null) {
      sideOutput.flush();
      sideOutput.downstream().onEndOfInput();
    }
  }
}
