package dev.laminar.runtime.join;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.Counter;
import dev.laminar.runtime.Operator;
import dev.laminar.runtime.operator.BatchEmitter;
import dev.laminar.sdk.type.Schema;

/**
 * The frame of an operator with two inputs (joins). Each input has its own watermark, advanced per
 * row as the rows arrive; the output watermark is the minimum of both, held back further to the
 * earliest event time the operator may still emit (rows it keeps for later matches or padding), so
 * downstream windows never see a joined row as late. An input that ends stops holding anything back
 * (its watermark becomes +∞); the output ends when both have.
 *
 * <p>A row whose event time is below its own input's watermark when it arrives is late: it is
 * counted and dropped, because the other side's rows it might match may already be cleaned up.
 * Runs on one reactor thread; no locks.
 */
public abstract class TwoInputOperator implements dev.laminar.runtime.Checkpointable {
  protected final BatchEmitter emitter;
  private final Counter lateRowsDropped;
  protected long leftWatermark = ColumnarBatch.NO_TIME;
  protected long rightWatermark = ColumnarBatch.NO_TIME;
  private long outputWatermark = ColumnarBatch.NO_TIME;
  private boolean leftEnded;
  private boolean rightEnded;
  private final Operator left = new Input(true);
  private final Operator right = new Input(false);

  protected TwoInputOperator(Schema outputSchema, int batchCapacity, Operator downstream, Counter lateRowsDropped) {
    this.emitter = new BatchEmitter(outputSchema, batchCapacity, downstream);
    this.lateRowsDropped = lateRowsDropped;
  }

  /** Where the left input's chain delivers. */
  public final Operator left() {
    return left;
  }

  /** Where the right input's chain delivers. */
  public final Operator right() {
    return right;
  }

  /** Handles one on-time row of the left ({@code fromLeft}) or right input. */
  protected abstract void onRow(boolean fromLeft, ColumnarBatch in, int row);

  /** The watermark of one input advanced (fields already updated): expire state, emit what is final. */
  protected abstract void onWatermarkAdvanced(boolean left);

  /** The earliest event time of any row this operator may still emit from state, or {@link Long#MAX_VALUE}. */
  protected abstract long earliestPendingOutput();

  /** Rows held in state (for metrics and the state-size test). */
  public abstract long stateRows();

  /** Writes the watermarks, then the subclass's state. */
  @Override
  public final void snapshot(java.io.DataOutput out) throws java.io.IOException {
    out.writeLong(leftWatermark);
    out.writeLong(rightWatermark);
    out.writeLong(outputWatermark);
    snapshotState(out);
  }

  @Override
  public final void restore(java.io.DataInput in) throws java.io.IOException {
    leftWatermark = in.readLong();
    rightWatermark = in.readLong();
    outputWatermark = in.readLong();
    restoreState(in);
  }

  /** The rows held in state (for a checkpoint). */
  protected abstract void snapshotState(java.io.DataOutput out) throws java.io.IOException;

  protected abstract void restoreState(java.io.DataInput in) throws java.io.IOException;

  /** The watermark to stamp on rows emitted now. */
  protected final long outputWatermark() {
    return outputWatermark;
  }

  private void advance(boolean fromLeft, long wm) {
    if (fromLeft) {
      if (wm <= leftWatermark) {
        return;
      }
      leftWatermark = wm;
    } else {
      if (wm <= rightWatermark) {
        return;
      }
      rightWatermark = wm;
    }
    onWatermarkAdvanced(fromLeft);
  }

  private void forwardWatermark() {
    long wm = Math.min(Math.min(leftWatermark, rightWatermark), earliestPendingOutput());
    if (wm > outputWatermark) {
      outputWatermark = wm;
      emitter.flush();
      emitter.downstream().onWatermark(wm);
    }
  }

  private final class Input implements Operator {
    private final boolean isLeft;

    Input(boolean isLeft) {
      this.isLeft = isLeft;
    }

    @Override
    public void process(ColumnarBatch batch) {
      int n = batch.size();
      for (int r = 0; r < n; r++) {
        advance(isLeft, batch.watermark(r));
        long wm = isLeft ? leftWatermark : rightWatermark;
        if (batch.rowtime(r) < wm && wm != ColumnarBatch.NO_TIME) {
          lateRowsDropped.increment();
          continue;
        }
        onRow(isLeft, batch, r);
      }
      emitter.flush();
      forwardWatermark();
    }

    @Override
    public void onWatermark(long watermark) {
      advance(isLeft, watermark);
      emitter.flush();
      forwardWatermark();
    }

    /** A shard's side: the event's rows that went to other shards reached {@code watermark}; advance as if one came here. */
    @Override
    public void onRowWatermark(long watermark) {
      advance(isLeft, watermark);
      emitter.flush();
      forwardWatermark();
    }

    @Override
    public void onEndOfInput() {
      if (isLeft ? leftEnded : rightEnded) {
        return;
      }
      if (isLeft) {
        leftEnded = true;
      } else {
        rightEnded = true;
      }
      advance(isLeft, Long.MAX_VALUE);
      emitter.flush();
      forwardWatermark();
      if (leftEnded && rightEnded) {
        emitter.flush();
        emitter.downstream().onEndOfInput();
      }
    }
  }
}
