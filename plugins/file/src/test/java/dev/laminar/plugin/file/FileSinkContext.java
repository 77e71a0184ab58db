package dev.laminar.plugin.file;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SinkTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sink writes one file in a not-yet-existing folder; read-back uses the file source on it. */
class FileSinkContext extends SinkTestContext {
  private final Path file;
  private final String format;

  FileSinkContext(Path workDir, String format) {
    this.file = workDir.resolve("out").resolve("sink." + format);
    this.format = format;
  }

  @Override
  public ConnectorFactory createFactory() {
    return new FileConnectorFactory();
  }

  @Override
  public Schema schema() {
    return TestSchemas.ALL_TYPES;
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("path", file.toString());
    o.put("format", format);
    return o;
  }

  @Override
  public List<Row> readBack() throws Exception {
    return Files.exists(file) ? TestSchemas.readAll(schema(), options()) : List.of();
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    Map<String, String> o = options();
    return List.of(
        InvalidOptionsCase.withValue(o, "csv.delimiter", "\""),
        InvalidOptionsCase.withValue(o, "changelog.column", "payload"),
        InvalidOptionsCase.without(o, "path"));
  }
}
