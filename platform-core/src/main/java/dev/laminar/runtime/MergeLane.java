package dev.laminar.runtime;

/**
 * The end of shard k of a sharded stream ({@code engine.ShardedStream}): the rows, watermarks and end the shard's chain
 * passes on go through an {@link ExchangeQueue} to reactor 0, where a {@link MergeInbox} merges the N lanes into the
 * stream. A batch is handed over at the end of each {@link #process} call (so rows do not wait for more), and a watermark
 * rides on a batch of its own or on the rows before it. A full lane makes the shard wait, helping its reactor
 * (reactor 0 drains the merge also while it waits, {@link Reactor#addCombinerInbox}). Shard's reactor only; allocates
 * nothing per batch.
 */
public final class MergeLane implements Operator {
  private final ExchangeQueue exchange;
  private final Counter rows = new Counter();
  private ColumnarBatch current;
  private long sentWatermark = ColumnarBatch.NO_TIME;

  public MergeLane(ExchangeQueue exchange) {
    this.exchange = exchange;
  }

  @Override
  public void process(ColumnarBatch in) {
    final int n = in.size();
    int r = 0;
    while (r < n) {
      if (current == null && (current = exchange.acquire()) == null) {
        return; // the stream is being dropped: nobody reads the rows
      }
      int take = Math.min(n - r, current.capacity() - current.size());
      current.appendRowsFrom(in, r, take);
      r += take;
      if (current.size() == current.capacity()) {
        send();
      }
    }
    rows.add(n);
    if (current != null && current.size() > 0) {
      send();
    }
  }

  @Override
  public void onWatermark(long watermark) {
    if (watermark <= sentWatermark) {
      return; // not news to reactor 0
    }
    sentWatermark = watermark;
    if (current == null && (current = exchange.acquire()) == null) {
      return;
    }
    current.setBatchWatermark(Math.max(current.batchWatermark(), watermark));
    send();
  }

  @Override
  public void onEndOfInput() {
    if (current == null && (current = exchange.acquire()) == null) {
      return;
    }
    current.markEndOfInput();
    send();
  }

  /** The shard took checkpoint barrier {@code id}: every row it passed on before comes before the marker. */
  public void barrier(long id) {
    if (current != null && current.size() > 0) {
      send();
    }
    if (current == null && (current = exchange.acquire()) == null) {
      return;
    }
    current.markBarrier(id);
    send();
  }

  private void send() {
    ColumnarBatch b = current;
    current = null;
    exchange.send(b);
  }

  /** Rows this shard passed to the stream. */
  public long rows() {
    return rows.get();
  }

  /** Batches queued towards reactor 0 (approximate). */
  public int depth() {
    return exchange.depth();
  }

  /** Nanoseconds the shard waited for reactor 0. */
  public long blockedNanos() {
    return exchange.blockedNanos();
  }
}
