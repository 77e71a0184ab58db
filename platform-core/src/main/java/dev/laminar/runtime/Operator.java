package dev.laminar.runtime;

/**
 * A step of a compiled pipeline, run on a reactor thread. An operator receives batches and
 * watermark advances from upstream and pushes its results to its downstream operator
 * synchronously. It must not block (except an edge towards another thread, which waits for a free
 * batch: that is backpressure), must not retain the batches it receives, and runs on exactly one
 * thread, so it needs no locks.
 */
public interface Operator {
  /** Processes the rows of {@code batch}; each row carries its event time and the watermark after it. */
  void process(ColumnarBatch batch);

  /** The watermark advanced to {@code watermark} (monotonic). */
  void onWatermark(long watermark);

  /** No more input will come (bounded sources finished). Flush everything still held. */
  void onEndOfInput();

  /**
   * A shard's input (its rows are the part of a stream whose keys it holds): the event just processed had rows, routed to
   * other shards, whose watermarks reached {@code watermark}. An operator that advances on its rows' watermarks advances
   * as if one of them had come here, so it fires in the same event as one operator fed the whole stream would; nothing is
   * passed on downstream. By default nothing happens.
   */
  default void onRowWatermark(long watermark) {
  }
}
