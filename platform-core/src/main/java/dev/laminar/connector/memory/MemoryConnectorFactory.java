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
  static final String LOOKUP_KEY = "lookup.key";
  static final String PATH = "path";
  static final String FORMAT = "format";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(CHUNK_ROWS, OptionType.INT).defaultValue("1024")
          .description("source: rows per chunk handed from the writer to the engine").build(),
      OptionSpec.builder(CHUNKS, OptionType.INT).defaultValue("16")
          .description("source: chunks in flight before the writer waits (backpressure)").build(),
      OptionSpec.builder(CAPACITY, OptionType.LONG).defaultValue("10000000")
          .description("sink: most rows kept; one more fails the sink with a message saying so").build(),
      OptionSpec.builder(LOOKUP_KEY, OptionType.LIST)
          .description("lookup table: the key columns lookups give (required for a lookup table)").build(),
      OptionSpec.builder(PATH, OptionType.STRING)
          .description("lookup table: a CSV (with a header) or JSON-lines file loaded when the table is created").build(),
      OptionSpec.builder(FORMAT, OptionType.ENUM).allowedValues("csv", "json")
          .description("lookup table: the format of 'path' (default: from its extension)").build());

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
    return Set.of(ConnectorKind.SOURCE, ConnectorKind.SINK, ConnectorKind.LOOKUP);
  }

  @Override
  public List<OptionSpec> options() {
    return OPTIONS;
  }

  @Override
  public dev.laminar.sdk.lookup.LookupTable createLookupTable(ConnectorContext context) {
    var o = context.options();
    if (!o.has(LOOKUP_KEY)) {
      throw new dev.laminar.sdk.connector.InvalidOptionException("memory", LOOKUP_KEY,
          "connector 'memory': a lookup table needs option 'lookup.key' (its key columns, comma-separated)");
    }
    java.nio.file.Path path = o.has(PATH) ? java.nio.file.Path.of(o.getString(PATH)) : null;
    String format = o.has(FORMAT) ? o.getString(FORMAT) : path == null ? null : path.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? "csv" : "json";
    if (path != null && !java.nio.file.Files.isReadable(path)) {
      throw new dev.laminar.sdk.connector.InvalidOptionException("memory", PATH, "connector 'memory': option 'path': cannot read " + path);
    }
    return new MemoryLookupTable(context.objectName(), context.schema(), o.getList(LOOKUP_KEY), path, format);
  }

  /** Lookup-table options make no sense on a source or sink: refuse them rather than ignore them. */
  private static void rejectLookupOptions(ConnectorContext context, String kind) {
    for (String option : List.of(LOOKUP_KEY, PATH, FORMAT)) {
      if (context.options().has(option)) {
        throw new dev.laminar.sdk.connector.InvalidOptionException("memory", option,
            "connector 'memory': option '" + option + "' applies to lookup tables, not to a " + kind);
      }
    }
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    rejectLookupOptions(context, "source");
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
    rejectLookupOptions(context, "sink");
    return new MemorySink(context.objectName(), context.options().getLong(CAPACITY));
  }
}
