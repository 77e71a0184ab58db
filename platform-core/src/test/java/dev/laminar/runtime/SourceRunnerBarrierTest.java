package dev.laminar.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.SpscArrayQueue;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint barrier enters a source's queue in band: the runner puts a marker behind the last row it
 * handed over, reports the position just after that row, and reads on without waiting for the checkpoint.
 */
class SourceRunnerBarrierTest {
  private static final Schema SCHEMA = Schema.builder().column("n", DataType.BIGINT, false).build();

  /** Rows 0, 1, 2, … a few per poll; its position is the next row's number. */
  private static final class Counting implements SourceReader {
    private volatile long next;

    @Override
    public void restore(byte[] position) {
      next = ByteBuffer.wrap(position).getLong();
    }

    @Override
    public PollStatus poll(BatchWriter out) {
      for (int i = 0; i < 3 && !out.isFull(); i++) {
        out.beginRow();
        out.setLong(0, next++);
        out.endRow();
      }
      return PollStatus.MORE_AVAILABLE;
    }

    @Override
    public byte[] position() {
      return ByteBuffer.allocate(8).putLong(next).array();
    }

    @Override
    public void close() { }
  }

  @Test
  void theMarkerFollowsTheLastRowBeforeThePositionAndTheRunnerReadsOn() throws Exception {
    BatchPool pool = new BatchPool(SCHEMA, 8, 16);
    SpscArrayQueue<ColumnarBatch> queue = new SpscArrayQueue<>(9);
    SourceRunner runner = new SourceRunner("counting/0", new Counting(), pool, queue, -1, null, 0, t -> { }, () -> { });
    runner.start(getClass().getClassLoader());
    try {
      long expected = 0;
      CompletableFuture<SourceRunner.BarrierPosition> reached = null;
      long rowsBeforeMarker = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // this thread plays the reactor: it takes batches and gives them back
      while (rowsBeforeMarker < 0 || expected < rowsBeforeMarker + 100) {
        assertThat(System.nanoTime()).as("rows keep coming").isLessThan(deadline);
        ColumnarBatch b = queue.relaxedPoll();
        if (b == null) {
          Thread.onSpinWait();
          continue;
        }
        if (b.barrierEpoch() >= 0) {
          assertThat(b.barrierEpoch()).isEqualTo(7);
          assertThat(b.size()).isZero();
          assertThat(rowsBeforeMarker).as("one marker").isNegative();
          rowsBeforeMarker = expected;
        }
        for (int r = 0; r < b.size(); r++) {
          assertThat(b.getLong(r, 0)).as("no row lost or repeated").isEqualTo(expected++);
        }
        BatchPool.release(b);
        if (reached == null && expected >= 50) {
          reached = runner.barrier(7);
        }
      }
      SourceRunner.BarrierPosition at = reached.get(10, TimeUnit.SECONDS);
      assertThat(ByteBuffer.wrap(at.position()).getLong()).as("the position just after the last row before the marker")
          .isEqualTo(rowsBeforeMarker);
      assertThat(at.finished()).isFalse();
      assertThat(rowsBeforeMarker).isGreaterThanOrEqualTo(50);
    } finally {
      runner.stop();
    }
  }

  /** Rows 0 .. n-1 in one poll, then finished; its position is the next row's number. */
  private static final class Finite implements SourceReader {
    private final long n;
    private volatile long next;

    Finite(long n) {
      this.n = n;
    }

    @Override
    public void restore(byte[] position) {
      next = ByteBuffer.wrap(position).getLong();
    }

    @Override
    public PollStatus poll(BatchWriter out) {
      while (next < n && !out.isFull()) {
        out.beginRow();
        out.setLong(0, next++);
        out.endRow();
      }
      return next == n ? PollStatus.FINISHED : PollStatus.MORE_AVAILABLE;
    }

    @Override
    public byte[] position() {
      return ByteBuffer.allocate(8).putLong(next).array();
    }

    @Override
    public void close() { }
  }

  @Test
  void theRunnerStandingForAFinishedSplitAfterAPauseAnswersBarriersWithItsFinalPosition() throws Exception {
    BatchPool pool = new BatchPool(SCHEMA, 8, 16);
    SpscArrayQueue<ColumnarBatch> queue = new SpscArrayQueue<>(9);
    SourceRunner runner = new SourceRunner("finite/0", new Finite(5), pool, queue, -1, null, 0, t -> { }, () -> { });
    runner.start(getClass().getClassLoader());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!runner.isFinished()) {
      assertThat(System.nanoTime()).as("the split finishes").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(runner.pause()).as("a finished split has no paused position").isNull();
    for (long epoch = 1; epoch <= 100; epoch++) {
      runner.checkpointComplete(epoch);
    }
    assertThat(runner.pendingCompletions()).as("its reader is closed: completed checkpoints are not kept for it").isZero();

    SourceRunner ended = runner.ended();
    assertThat(ended.pause()).isNull();
    SourceRunner again = ended.ended(); // a second swap
    for (SourceRunner r : new SourceRunner[] {ended, again}) {
      assertThat(r.isFinished()).isTrue();
      assertThat(r.rowsRead()).as("its rows were counted with the runner that read them").isZero();
      SourceRunner.BarrierPosition at = r.barrier(3).get(10, TimeUnit.SECONDS);
      assertThat(at.finished()).isTrue();
      assertThat(ByteBuffer.wrap(at.position()).getLong()).as("the position after the last row").isEqualTo(5);
      r.checkpointComplete(3);
      assertThat(r.pendingCompletions()).as("nothing queued for a reader that is gone (one per checkpoint, forever)").isZero();
      r.stop();
    }
  }
}
