package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import java.util.List;

/**
 * What {@link SinkConnectorTestSuite} needs from a sink connector's author: the connector's factory,
 * schema and options (from {@link ConnectorTestContext}), and a way to read back what the sink made
 * visible in the external system.
 */
public abstract class SinkTestContext extends ConnectorTestContext {
  /**
   * Every row currently visible in the external system at the place {@link #options()} points the
   * sink to, read independently of the sink's writer (values in the Java representation of
   * {@link dev.laminar.sdk.row.RowBatch#getObject}). Called after the writer is closed and, for the
   * at-least-once case, while it is still open after {@code preCommit}.
   */
  public abstract List<Row> readBack() throws Exception;

  /** True when the external system keeps rows in the order written (files, partitions); default true. */
  public boolean orderPreserved() {
    return true;
  }

  /** Rows per batch handed to {@code SinkWriter.write}; default 16. */
  public int batchSize() {
    return 16;
  }
}
