package dev.laminar.plugin.file;

import dev.laminar.sdk.row.RowBatch;
import java.io.IOException;

/** Writes rows of a batch as records (CSV lines or JSON lines) to the sink's buffered stream. */
interface RecordEncoder {
  /** Written once at the start of a new (empty) file; CSV with header only. */
  void writeHeader() throws IOException;

  /** Writes row {@code row} of {@code batch}, preceded by its kind when the sink has a changelog column. */
  void write(RowBatch batch, int row) throws IOException;

  /** Pushes what the encoder buffers into the underlying stream. */
  void flush() throws IOException;
}
