package dev.laminar.sdk.source;

import dev.laminar.sdk.annotation.Stable;
import dev.laminar.sdk.row.BatchWriter;

/**
 * Reads one {@link SourceSplit}. Created by {@link SourceConnector#createReader}.
 *
 * <p>Threads: every method of one reader is called from the same dedicated source thread (Ring 1),
 * never concurrently; a reader never sees the reactor thread. {@code poll} may block briefly (it
 * should return within about 100 ms, with {@link PollStatus#IDLE}, when nothing arrives) so the
 * engine can deliver control events such as checkpoints.
 *
 * <p>Lifecycle: {@link #restore} (only when resuming from a checkpoint) → {@link #open} →
 * {@link #poll} repeatedly, interleaved with {@link #position} → {@link #close}. After
 * {@link PollStatus#FINISHED} or an exception, only {@code close} is called.
 *
 * <p>Failure: an exception from {@code poll} fails the pipeline with the exception as cause (the
 * engine names source and split). A record that cannot be decoded is handled by the connector's
 * bad-record policy, never silently dropped.
 */
@Stable
public interface SourceReader extends AutoCloseable {
  /** Applies a position previously returned by {@link #position()}; called before {@link #open()}. */
  void restore(byte[] position) throws Exception;

  /** Opens connections or files. */
  default void open() throws Exception {}

  /**
   * Writes available rows into {@code out} (up to {@code out.capacity()}) and returns the status.
   * Rows handed over in this call are covered by the next {@link #position()}.
   */
  PollStatus poll(BatchWriter out) throws Exception;

  /**
   * The position just after the last row written by {@code poll}, as bytes the same connector
   * version can {@link #restore}. Called between polls when the engine takes a checkpoint.
   */
  byte[] position();

  /**
   * The checkpoint {@code epoch}, whose positions included this reader's, is durable: the reader may
   * now acknowledge upstream (e.g. commit consumer offsets). Default: nothing to do.
   */
  default void notifyCheckpointComplete(long epoch) throws Exception {}

  /** Releases every resource (threads, sockets, files). Idempotent. */
  @Override
  void close() throws Exception;
}
