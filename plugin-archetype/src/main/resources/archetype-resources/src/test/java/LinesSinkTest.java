package ${package};

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.ListRowBatch;
import dev.laminar.tck.SinkConnectorTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.TestConnectorContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCK's sink suite against the connector (every inherited test; the replay and abort cases are skipped
 * because the sink declares only AT_LEAST_ONCE), plus the rows the sink must refuse.
 */
class LinesSinkTest extends SinkConnectorTestSuite {
  private static final Schema NULLABLE = Schema.of(Column.of("line", DataType.VARCHAR));

  @Override
  protected SinkTestContext createContext(Path workDir) {
    // a folder that does not exist yet: the sink creates it
    return new LinesSinkContext(workDir.resolve("out").resolve("sink.txt"));
  }

  @Test
  void nullValueFailsNamingTheColumn(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> write(dir.resolve("nulls.txt"), Row.of("fine"), Row.of((Object) null)))
        .hasMessageContaining("NULL")
        .hasMessageContaining("'line'");
  }

  @Test
  void lineBreakInValueFails(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> write(dir.resolve("breaks.txt"), Row.of("two\nlines")))
        .hasMessageContaining("line break");
  }

  private static void write(Path file, Row... rows) throws Exception {
    ConnectorFactory factory = new LinesConnectorFactory();
    SinkConnector sink = factory.createSink(TestConnectorContext.of(factory, "test_sink", NULLABLE,
        Map.of(LinesConnectorFactory.PATH, file.toString())));
    try {
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        writer.write(new ListRowBatch(NULLABLE, List.of(rows)));
      } finally {
        writer.close();
      }
    } finally {
      sink.close();
    }
  }

  /** Reads the sink's file back line by line, independently of the connector. */
  static final class LinesSinkContext extends SinkTestContext {
    private final Path file;

    LinesSinkContext(Path file) {
      this.file = file;
    }

    @Override
    public ConnectorFactory createFactory() {
      return new LinesConnectorFactory();
    }

    @Override
    public Schema schema() {
      return LinesTestData.SCHEMA;
    }

    @Override
    public Map<String, String> options() {
      return Map.of(LinesConnectorFactory.PATH, file.toString());
    }

    @Override
    public List<Row> testRows() {
      return LinesTestData.rows(120);
    }

    @Override
    public List<Row> readBack() throws Exception {
      if (!Files.exists(file)) {
        return List.of();
      }
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(line -> Row.of(line)).toList();
    }

    @Override
    public List<InvalidOptionsCase> invalidOptionCases() {
      Map<String, String> o = options();
      return List.of(
          InvalidOptionsCase.without(o, LinesConnectorFactory.PATH),
          InvalidOptionsCase.withValue(o, LinesConnectorFactory.MAX_LINE_BYTES, "-1"));
    }
  }
}
