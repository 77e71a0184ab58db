package dev.laminar.api;

import dev.laminar.sdk.row.RowWriter;

/**
 * Pushes rows into a {@code memory} source from application code: {@code beginRow()}, typed
 * setters, {@code endRow()}. Rows are handed to the engine in chunks: when a chunk fills, on
 * {@link #flush()}, and on {@link #close()}, which also ends the source's input (a bounded source
 * then finishes its windows). Writing allocates nothing per row for primitive columns.
 *
 * <p>A writer belongs to one thread. When the engine is behind, {@code endRow}/{@code flush}
 * wait for room: backpressure reaches the application, nothing is dropped.
 *
 * <p><b>Durability.</b> With a data directory every chunk is appended to the source's write-ahead
 * log before the engine sees it, and is durable once the log's flusher has synced it
 * ({@link LaminarConfig#walSyncPolicy()}). Rows are numbered from 0 in the order they were written,
 * across restarts. {@link #durableRows()} says how many have become durable; {@link #commit()} waits for
 * all written so far. After a crash, reopen the data directory, take the writer and resume with row
 * number {@code durableRows()}: the engine replays the durable rows its checkpoint does not cover, so
 * each durable row counts once and none is lost. Without a data directory nothing is durable and
 * both return 0 (a restarted in-memory engine starts empty, so resuming at row 0 is right too).
 */
public interface SourceWriter extends RowWriter, AutoCloseable {
  void beginRow();

  void endRow();

  /** Hands buffered rows to the engine now (for latency); cheap when nothing is buffered. */
  void flush();

  /**
   * How many rows of this source are durable (rows 0 .. n-1): they survive a crash and are not to be
   * written again. Cheap (a volatile read); does not flush. 0 without a data directory.
   */
  long durableRows();

  /**
   * Flushes, then waits until every row written so far is durable under the sync policy
   * (EVERY_COMMIT: forced to the device; INTERVAL: at the next periodic force; NONE: written to the
   * operating system); returns {@link #durableRows()}. Without a data directory it only flushes and returns 0.
   */
  long commit();

  /** Flushes and ends the source's input (with a data directory: also commits, and the end is logged). */
  @Override
  void close();
}
