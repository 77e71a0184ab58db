package dev.laminar.api;

import dev.laminar.sdk.row.RowBatch;

/**
 * Receives a subscription's rows on the subscription's own thread. The batch is valid only during
 * the call (copy rows with {@link RowBatch#toRow(int)} to keep them). Taking long slows the pipeline.
 */
@FunctionalInterface
public interface RowListener {
  void onRows(RowBatch rows);

  /** The stream ended (bounded input finished); no more calls follow. */
  default void onEnd() {}
}
