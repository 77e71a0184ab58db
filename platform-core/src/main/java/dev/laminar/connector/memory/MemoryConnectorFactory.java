package dev.laminar.connector.memory;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import java.util.List;
import java.util.Set;

/**
 * {@code memory}: a source the application pushes rows into through the embedded API
 * ({@code Laminar.writer(source)}), and a sink that keeps rows in memory for the application to read
 * ({@code Laminar.sinkRows(sink)}).
 */
public final class MemoryConnectorFactory implements ConnectorFactory {
  static final String CHUNK_ROWS = "chunk-rows";
  static final String CHUNKS = "chunks";
  static final String CAPACITY = "capacity";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(CHUNK_ROWS, OptionType.INT).defaultValue("1024")
          .description("source: rows per chunk handed from the writer to the engine").build(),
      OptionSpec.builder(CHUNKS, OptionType.INT).defaultValue("16")
          .description("source: chunks in flight before the writer waits (backpressure)").build(),
      OptionSpec.builder(CAPACITY, OptionType.LONG).defaultValue("10000000")
          .description("sink: most rows kept; one more fails the sink with a message saying so").build());

  @Override
  public String id() {
    return "memory";
  }

  @Override
  public String description() {
    return "Rows pushed by the application (source) or kept in memory for it (sink), through the embedded API.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SOURCE, ConnectorKind.SINK);
  }

  @Override
  public List<OptionSpec> options() {
    return OPTIONS;
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    int chunkRows = context.options().getInt(CHUNK_ROWS);
    int chunks = context.options().getInt(CHUNKS);
    if (chunkRows < 1 || chunks < 1) {
      throw new dev.laminar.sdk.connector.InvalidOptionException("memory", chunkRows < 1 ? CHUNK_ROWS : CHUNKS,
          "connector 'memory': options 'chunk-rows' and 'chunks' must be >= 1");
    }
    return new MemorySource(context.objectName(), context.schema(), chunkRows, chunks);
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    return new MemorySink(context.objectName(), context.options().getLong(CAPACITY));
  }
}
