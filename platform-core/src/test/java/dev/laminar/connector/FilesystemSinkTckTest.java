package dev.laminar.connector;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.laminar.connector.filesystem.FilesystemConnectorFactory;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SinkConnectorTestSuite;
import dev.laminar.tck.SinkTestContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The built-in {@code filesystem} sink passes the sink contract suite, like every plugin (JSON lines),
 * on the same schema as the other built-ins in {@link BuiltinConnectorsTckTest}.
 */
class FilesystemSinkTckTest extends SinkConnectorTestSuite {
  @Override
  protected SinkTestContext createContext(Path workDir) {
    return new Context(workDir.resolve("out"));
  }

  static final class Context extends SinkTestContext {
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    Context(Path dir) {
      this.dir = dir;
    }

    @Override
    public ConnectorFactory createFactory() {
      return new FilesystemConnectorFactory();
    }

    @Override
    public Schema schema() {
      return BuiltinConnectorsTckTest.ALL_TYPES;
    }

    @Override
    public Map<String, String> options() {
      return Map.of("path", dir.toString(), "format", "json");
    }

    /** Committed files in epoch order; the hidden staging folder is not part of the output. */
    @Override
    public List<Row> readBack() throws Exception {
      List<Row> rows = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        return rows;
      }
      List<Path> parts;
      try (Stream<Path> files = Files.list(dir)) {
        parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
      }
      for (Path part : parts) {
        for (String line : Files.readAllLines(part)) {
          JsonNode node = json.readTree(line);
          Object[] values = new Object[BuiltinConnectorsTckTest.ALL_TYPES.size()];
          for (int c = 0; c < values.length; c++) {
            JsonNode v = node.get(BuiltinConnectorsTckTest.ALL_TYPES.column(c).name());
            values[c] = v == null || v.isNull() ? null : value(BuiltinConnectorsTckTest.ALL_TYPES.column(c).type(), v);
          }
          rows.add(Row.of(values));
        }
      }
      return rows;
    }

    private static Object value(DataType type, JsonNode v) {
      return switch (type.kind()) {
        case BOOLEAN -> v.booleanValue();
        case INT -> v.intValue();
        case BIGINT -> v.longValue();
        case DOUBLE -> v.isTextual() ? Double.parseDouble(v.textValue()) : v.doubleValue();
        case DECIMAL -> v.decimalValue().setScale(type.scale(), RoundingMode.UNNECESSARY);
        case VARCHAR -> v.textValue();
        case TIMESTAMP -> LocalDateTime.parse(v.textValue());
        case BYTES -> Base64.getDecoder().decode(v.textValue());
      };
    }

    @Override
    public List<InvalidOptionsCase> invalidOptionCases() {
      return List.of(InvalidOptionsCase.withValue(options(), "format", "xml"),
          InvalidOptionsCase.without(options(), "path"));
    }
  }
}
