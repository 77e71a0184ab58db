package dev.laminar.plugin.file;

import dev.laminar.sdk.row.BatchWriter;

/** Decodes one record (a CSV record or a JSON line) into the open row of a batch. */
interface RecordDecoder {
  /**
   * Sets the columns (and the row kind, with a changelog column) of the row that {@code out} has
   * open.
   *
   * @throws IllegalArgumentException with the reason when the record cannot be decoded
   */
  void decode(String record, BatchWriter out);
}
