package dev.laminar.plugin.file;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.LookupTestContext;
import dev.laminar.tck.SourceTestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code file} lookup table over the files a source context writes (two CSV or JSON-lines files in a
 * directory, next to files the glob and the hidden-file rule leave out), keyed by the given columns.
 */
class FileLookupContext extends LookupTestContext {
  private final SourceTestContext files;
  private final List<String> key;

  FileLookupContext(SourceTestContext files, List<String> key) {
    this.files = files;
    this.key = List.copyOf(key);
  }

  @Override
  public ConnectorFactory createFactory() {
    return new FileConnectorFactory();
  }

  @Override
  public Schema schema() {
    return files.schema();
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> o = new LinkedHashMap<>(files.options());
    o.put("lookup.key", String.join(", ", key));
    return o;
  }

  @Override
  public List<String> keyColumns() {
    return key;
  }

  @Override
  public void writeTestData(List<Row> rows) throws Exception {
    files.writeTestData(rows);
  }

  /** The table holds its files in memory once open: a file that disappears later changes nothing. */
  @Override
  public void takeDown() {
    Assumptions.abort("the file lookup table serves lookups from memory after open(); there is no store to take down");
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    Map<String, String> o = options();
    return List.of(
        InvalidOptionsCase.without(o, "lookup.key"),
        InvalidOptionsCase.withValue(o, "lookup.key", "id, nope"),
        InvalidOptionsCase.withValue(o, "lookup.key", "id, ID"),
        InvalidOptionsCase.withValue(o, "lookup.key", ""),
        InvalidOptionsCase.withValue(o, "changelog.column", "op"),
        InvalidOptionsCase.withValue(o, "format", "xml"));
  }
}
