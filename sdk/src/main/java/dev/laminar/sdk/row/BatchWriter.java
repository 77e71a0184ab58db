package dev.laminar.sdk.row;

import dev.laminar.sdk.annotation.Stable;
import dev.laminar.sdk.type.Schema;

/**
 * An engine-owned, reused batch that a source fills. The engine hands the same writer to
 * {@link dev.laminar.sdk.source.SourceReader#poll} again and again; writing rows into it allocates
 * nothing for primitive columns.
 *
 * <p>Usage: {@code while (!out.isFull() && haveData) { out.beginRow(); out.setLong(0, v); ...; out.endRow(); }}
 *
 * <p>Thread: only the thread that received the writer may use it, and only during the call that
 * received it. Rows written are owned by the engine once {@link #endRow()} returns.
 */
@Stable
public interface BatchWriter extends RowWriter {
  /** The schema rows must follow (the source's declared columns). */
  Schema schema();

  /** Maximum number of rows the batch holds. */
  int capacity();

  /** Rows written so far in this batch. */
  int size();

  /** True when no further row fits; the reader should return from {@code poll}. */
  default boolean isFull() {
    return size() >= capacity();
  }

  /** Starts a new row with every column NULL and kind {@link RowKind#INSERT}. Throws if the batch is full. */
  void beginRow();

  /** Sets the kind of the row being written (changelog sources only). */
  void setRowKind(RowKind kind);

  /** Completes the row being written. */
  void endRow();

  /** Discards the row being written (e.g. a record that failed to decode half-way). */
  void cancelRow();
}
