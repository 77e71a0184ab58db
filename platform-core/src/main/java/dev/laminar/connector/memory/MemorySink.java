package dev.laminar.connector.memory;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The memory sink: keeps every row (up to a capacity) for the application to read. */
public final class MemorySink implements SinkConnector {
  private final String name;
  private final long capacity;
  private final List<Row> rows = new ArrayList<>();

  MemorySink(String name, long capacity) {
    this.name = name;
    this.capacity = capacity;
  }

  /** A copy of the rows received so far. */
  public List<Row> rows() {
    synchronized (rows) {
      return List.copyOf(rows);
    }
  }

  @Override
  public Set<SinkCapability> capabilities() {
    return Set.of(SinkCapability.AT_LEAST_ONCE, SinkCapability.ACCEPTS_CHANGELOG);
  }

  @Override
  public SinkWriter createWriter() {
    return new SinkWriter() {
      @Override
      public void write(RowBatch batch) {
        synchronized (rows) {
          if (rows.size() + batch.size() > capacity) {
            throw new IllegalStateException("memory sink '" + name + "' is full: it keeps at most " + capacity
                + " rows (option 'capacity')");
          }
          for (int r = 0; r < batch.size(); r++) {
            rows.add(batch.toRow(r));
          }
        }
      }

      @Override
      public void close() {
        // rows stay readable after the sink stops
      }
    };
  }
}
