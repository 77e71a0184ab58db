package dev.laminar.tck;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.lifecycleplugin.LifecycleTestConnectorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Contexts for the {@code lifecycle-test} connector of the TCK's test plugin. */
final class LifecycleContexts {
  static final Schema SCHEMA = Schema.builder().column("id", DataType.BIGINT, false).column("name", DataType.VARCHAR).build();

  private LifecycleContexts() {}

  static List<Row> rows(int n) {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      rows.add(Row.of(i, "row-" + i));
    }
    return rows;
  }

  /** The lifecycle suite's context for the test plugin zip in {@code workDir}, with source option {@code leak}. */
  static PluginLifecycleTestContext plugin(Path workDir, boolean withClasses, String leak, Duration collectionTimeout)
      throws IOException {
    Path zip = TestPluginZip.build(workDir.resolve("zip"), withClasses);
    return new PluginLifecycleTestContext() {
      @Override
      public Path pluginZip() {
        return zip;
      }

      @Override
      public List<SourceTestContext> sourceContexts() {
        return List.of(new Source(leak));
      }

      @Override
      public List<SinkTestContext> sinkContexts() {
        return List.of(new Sink(workDir.resolve("sink.txt")));
      }

      @Override
      public List<LookupTestContext> lookupContexts() {
        return List.of(new Lookup());
      }

      @Override
      public Duration collectionTimeout() {
        return collectionTimeout;
      }
    };
  }

  /** The generated rows; "writing" them sets how many the connector generates. */
  static final class Source extends SourceTestContext {
    private final String leak;
    private int rows;

    Source(String leak) {
      this.leak = leak;
    }

    @Override
    public ConnectorFactory createFactory() {
      return new LifecycleTestConnectorFactory();
    }

    @Override
    public Schema schema() {
      return SCHEMA;
    }

    @Override
    public Map<String, String> options() {
      return Map.of("rows", Integer.toString(rows), "leak", leak);
    }

    @Override
    public List<Row> testRows() {
      return LifecycleContexts.rows(25);
    }

    @Override
    public void writeTestData(List<Row> written) {
      rows = written.size();
    }

    @Override
    public boolean isBounded() {
      return true;
    }
  }

  /** Lines "id,name" in a file. */
  static final class Sink extends SinkTestContext {
    private final Path file;

    Sink(Path file) {
      this.file = file;
    }

    @Override
    public ConnectorFactory createFactory() {
      return new LifecycleTestConnectorFactory();
    }

    @Override
    public Schema schema() {
      return SCHEMA;
    }

    @Override
    public Map<String, String> options() {
      return Map.of("path", file.toString());
    }

    @Override
    public List<Row> testRows() {
      return LifecycleContexts.rows(25);
    }

    @Override
    public List<Row> readBack() throws IOException {
      List<Row> rows = new ArrayList<>();
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file)) {
          int comma = line.indexOf(',');
          rows.add(Row.of(Long.parseLong(line.substring(0, comma)), line.substring(comma + 1)));
        }
      }
      return rows;
    }
  }

  /** Rows computed by id. */
  static final class Lookup extends LookupTestContext {
    private int rows;

    @Override
    public ConnectorFactory createFactory() {
      return new LifecycleTestConnectorFactory();
    }

    @Override
    public Schema schema() {
      return SCHEMA;
    }

    @Override
    public Map<String, String> options() {
      return Map.of("rows", Integer.toString(rows));
    }

    @Override
    public List<Row> testRows() {
      return LifecycleContexts.rows(25);
    }

    @Override
    public List<String> keyColumns() {
      return List.of("id");
    }

    @Override
    public void writeTestData(List<Row> written) {
      rows = written.size();
    }
  }
}
