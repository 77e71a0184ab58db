package dev.laminar.sdk.lookup;

import dev.laminar.sdk.annotation.Stable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A table the engine queries by key to enrich a stream (lookup joins).
 *
 * <p>Threads: {@link #lookup} is called from an engine I/O thread, possibly concurrently from
 * several; it must not block that thread for long — return an incomplete stage and complete it from
 * the connector's own I/O (an asynchronous client) when the backing store is remote. The engine never
 * calls it from a reactor thread.
 *
 * <p>Failure: complete the stage exceptionally; the engine applies the user's retry/failure policy.
 */
@Stable
public interface LookupTable extends AutoCloseable {
  /** Columns of the key, in the order of {@link Row} values passed to {@link #lookup}. */
  Schema keySchema();

  /** Columns of the rows returned. */
  Schema rowSchema();

  /**
   * Looks up a batch of keys. The result has one entry per key, in the same order: the matching
   * rows (empty when the key is absent). A key with a NULL component matches nothing.
   */
  CompletionStage<List<List<Row>>> lookup(List<Row> keys);

  /** Opens connections; called once before the first lookup. */
  default void open() throws Exception {}

  @Override
  default void close() throws Exception {}
}
