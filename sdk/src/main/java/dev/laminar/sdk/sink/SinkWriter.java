package dev.laminar.sdk.sink;

import dev.laminar.sdk.annotation.Stable;
import dev.laminar.sdk.row.RowBatch;

/**
 * Writes the rows of one sink. Rows arrive in epochs: the engine calls {@link #write} for the rows
 * of an epoch, then {@link #preCommit(long)} at the epoch's checkpoint barrier, then, once the
 * checkpoint is durable, {@link #commit(long, byte[])} with the handle {@code preCommit} returned.
 * On recovery the engine re-drives {@code commit} for epochs recorded as committed-in-progress and
 * calls {@link #abort(long, byte[])} for pre-committed epochs not in a checkpoint (presumed abort).
 * {@code commit} and {@code abort} must be idempotent: they may be called again for the same epoch.
 *
 * <p>Threads: all methods of one writer are called from one dedicated sink thread (Ring 1), never
 * concurrently. {@code write} may block: that is backpressure, and it slows the pipeline rather
 * than dropping rows. The {@link RowBatch} is valid only during the {@code write} call.
 *
 * <p>Failure: an exception from any method fails the pipeline; the engine names the sink.
 */
@Stable
public interface SinkWriter extends AutoCloseable {
  /** Opens connections or files; called once before the first {@code write}. */
  default void open() throws Exception {}

  /** Writes (or buffers) a batch of rows. */
  void write(RowBatch batch) throws Exception;

  /** Makes buffered rows visible or durable as far as the sink's capabilities promise. Called on quiet periods and shutdown. */
  default void flush() throws Exception {}

  /**
   * Ends epoch {@code epoch}: every row written so far belongs to it. Returns a handle (for example
   * a transaction id) that the engine stores in the checkpoint and passes back to {@code commit}
   * or {@code abort}. The default flushes and returns an empty handle.
   */
  default byte[] preCommit(long epoch) throws Exception {
    flush();
    return new byte[0];
  }

  /** Publishes epoch {@code epoch}. Idempotent. Default: nothing to do. */
  default void commit(long epoch, byte[] handle) throws Exception {}

  /** Discards epoch {@code epoch}. Idempotent. Default: nothing to do. */
  default void abort(long epoch, byte[] handle) throws Exception {}

  /** Flushes what can be flushed and releases every resource. Idempotent. */
  @Override
  void close() throws Exception;
}
