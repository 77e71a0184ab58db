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
 */
public interface SourceWriter extends RowWriter, AutoCloseable {
  void beginRow();

  void endRow();

  /** Hands buffered rows to the engine now (for latency); cheap when nothing is buffered. */
  void flush();

  /** Flushes and ends the source's input. */
  @Override
  void close();
}
