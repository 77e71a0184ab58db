package dev.laminar.runtime;

/**
 * The reactor-side end of a source: merges the per-split watermarks of its readers (minimum over
 * splits that have not finished) and forwards batches to the source's {@link StreamNode}, with
 * each row's watermark rewritten to the merged value. Reactor thread only.
 */
public final class SourceInput {
  private final StreamNode node;
  private final long[] splitWatermarks;
  private final boolean[] splitEnded;
  private final boolean[] splitIdle;
  private int splitsEnded;
  private long merged = ColumnarBatch.NO_TIME;

  public SourceInput(StreamNode node, int splits) {
    this.node = node;
    this.splitWatermarks = new long[splits];
    this.splitEnded = new boolean[splits];
    this.splitIdle = new boolean[splits];
    java.util.Arrays.fill(splitWatermarks, ColumnarBatch.NO_TIME);
  }

  public StreamNode node() {
    return node;
  }

  /** Minimum of the other live, non-idle splits' watermarks (MAX_VALUE when there are none). */
  private long othersMin(int split) {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < splitWatermarks.length; i++) {
      if (i != split && !splitEnded[i] && !splitIdle[i]) {
        min = Math.min(min, splitWatermarks[i]);
      }
    }
    return min;
  }

  /** Largest watermark among live idle splits, or MAX_VALUE when none has one. */
  private long idleMax() {
    long max = ColumnarBatch.NO_TIME;
    for (int i = 0; i < splitWatermarks.length; i++) {
      if (!splitEnded[i] && splitIdle[i]) {
        max = Math.max(max, splitWatermarks[i]);
      }
    }
    return max == ColumnarBatch.NO_TIME ? Long.MAX_VALUE : max;
  }

  /** Whether split {@code split} has delivered its end of input. */
  public boolean ended(int split) {
    return splitEnded[split];
  }

  /** Delivers one batch from split {@code split}. */
  public void deliver(ColumnarBatch batch, int split) {
    if (splitEnded[split]) {
      return;
    }
    final int n = batch.size();
    if (batch.isIdleMarker()) {
      splitIdle[split] = true;
    } else if (n > 0) {
      splitIdle[split] = false;
    }
    if (n > 0) {
      long others = othersMin(split);
      long floor = merged;
      for (int r = 0; r < n; r++) {
        long wm = Math.max(floor, Math.min(others, batch.watermark(r)));
        batch.setWatermark(r, wm);
        floor = wm;
      }
      node.process(batch);
    }
    if (batch.eventRowWatermark() != ColumnarBatch.NO_TIME) {
      node.onRowWatermark(Math.max(merged, batch.eventRowWatermark())); // rows of the event that went to other shards
    }
    if (batch.batchWatermark() != ColumnarBatch.NO_TIME) {
      splitWatermarks[split] = Math.max(splitWatermarks[split], batch.batchWatermark());
    }
    if (batch.isEndOfInput()) {
      splitEnded[split] = true;
      splitsEnded++;
    }
    if (splitsEnded == splitWatermarks.length) {
      node.onWatermark(Long.MAX_VALUE);
      node.onEndOfInput();
      return;
    }
    long now = othersMin(-1);
    if (now == Long.MAX_VALUE) {
      now = idleMax(); // every live split is idle: the most advanced one's data is all there is
    }
    if (now != Long.MAX_VALUE && now != ColumnarBatch.NO_TIME && now > merged) {
      merged = now;
      node.onWatermark(now);
    }
  }
}
