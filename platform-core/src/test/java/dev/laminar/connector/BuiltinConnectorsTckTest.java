package dev.laminar.connector;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.laminar.connector.console.ConsoleConnectorFactory;
import dev.laminar.connector.datagen.DatagenConnectorFactory;
import dev.laminar.connector.memory.MemoryConnectorFactory;
import dev.laminar.connector.memory.MemorySink;
import dev.laminar.connector.memory.MemorySource;
import dev.laminar.api.SourceWriter;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SinkConnectorTestSuite;
import dev.laminar.tck.SinkTestContext;
import dev.laminar.tck.SourceConnectorTestSuite;
import dev.laminar.tck.SourceTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;

/** The built-in connectors pass the same contract suites as every plugin. */
class BuiltinConnectorsTckTest {
  static final Schema ALL_TYPES = Schema.builder()
      .column("k", DataType.VARCHAR, false)
      .column("b", DataType.BOOLEAN)
      .column("i", DataType.INT)
      .column("l", DataType.BIGINT)
      .column("d", DataType.DOUBLE)
      .column("dec", DataType.decimal(10, 2))
      .column("wide", DataType.decimal(30, 4))
      .column("ts", DataType.TIMESTAMP)
      .column("bin", DataType.BYTES)
      .build();

  /** Delegates to a factory and lets a test see the connectors it creates. */
  abstract static class Spying implements ConnectorFactory {
    final ConnectorFactory delegate;

    Spying(ConnectorFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public String description() {
      return delegate.description();
    }

    @Override
    public Set<ConnectorKind> provides() {
      return delegate.provides();
    }

    @Override
    public List<OptionSpec> options() {
      return delegate.options();
    }
  }

  // ------------------------------------------------------------------ datagen

  /** datagen with sequence fields: its output is known independently of its hashing. */
  @Nested
  class DatagenSource extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new SourceTestContext() {
        private int rows;

        @Override
        public ConnectorFactory createFactory() {
          return new DatagenConnectorFactory();
        }

        @Override
        public Schema schema() {
          return Schema.builder().column("n", DataType.BIGINT, false).column("s", DataType.VARCHAR, false)
              .column("ts", DataType.TIMESTAMP, false).build();
        }

        @Override
        public Map<String, String> options() {
          Map<String, String> o = new LinkedHashMap<>();
          o.put("number-of-rows", Integer.toString(rows));
          o.put("fields.n.kind", "sequence");
          o.put("fields.s.kind", "sequence");
          o.put("fields.s.values", "x,y,z");
          o.put("event-time.step", "7ms");
          return o;
        }

        @Override
        public List<Row> testRows() {
          List<Row> expected = new ArrayList<>();
          String[] values = {"x", "y", "z"};
          for (int i = 0; i < 300; i++) {
            expected.add(Row.of((long) i, values[i % 3], LocalDateTime.of(2026, 1, 1, 0, 0).plusNanos(i * 7L * 1_000_000)));
          }
          return expected;
        }

        @Override
        public void writeTestData(List<Row> written) {
          rows = written.size(); // datagen "writes" by being told how many of its rows to produce
        }

        @Override
        public boolean isBounded() {
          return true;
        }

        @Override
        public List<InvalidOptionsCase> invalidOptionCases() {
          Map<String, String> o = options();
          return List.of(InvalidOptionsCase.withValue(o, "number-of-rows", "-1"),
              InvalidOptionsCase.withValue(o, "splits", "0"),
              InvalidOptionsCase.withValue(o, "fields.s.kind", "zigzag"),
              InvalidOptionsCase.withValue(o, "fields.nope.min", "1"),
              InvalidOptionsCase.withValue(o, "event-time.step", "soon"));
        }
      };
    }
  }

  // ------------------------------------------------------------------ memory source

  /** The memory source, fed through its SourceWriter right after the suite creates it. */
  @Nested
  class MemorySourceSuite extends SourceConnectorTestSuite {
    @Override
    protected SourceTestContext createContext(Path workDir) {
      return new SourceTestContext() {
        private List<Row> pending = List.of();

        @Override
        public ConnectorFactory createFactory() {
          return new Spying(new MemoryConnectorFactory()) {
            @Override
            public SourceConnector createSource(ConnectorContext context) {
              MemorySource source = (MemorySource) delegate.createSource(context);
              SourceWriter w = source.writer();
              for (Row row : pending) {
                w.beginRow();
                for (int c = 0; c < row.arity(); c++) {
                  w.setObject(c, row.get(c));
                }
                w.endRow();
              }
              w.flush(); // not closed: a memory source stays open for more rows (unbounded)
              return source;
            }
          };
        }

        @Override
        public Schema schema() {
          return ALL_TYPES;
        }

        @Override
        public Map<String, String> options() {
          return Map.of("chunk-rows", "16", "chunks", "32");
        }

        @Override
        public void writeTestData(List<Row> rows) {
          pending = rows;
        }

        @Override
        public boolean isBounded() {
          return false;
        }

        @Override
        public boolean replaysFromPosition() {
          return false; // rows pushed by the application are handed over once
        }

        @Override
        public List<InvalidOptionsCase> invalidOptionCases() {
          return List.of(InvalidOptionsCase.withValue(options(), "chunk-rows", "0"),
              InvalidOptionsCase.withValue(options(), "chunks", "many"));
        }
      };
    }
  }

  // ------------------------------------------------------------------ memory sink

  @Nested
  class MemorySinkSuite extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new SinkTestContext() {
        private MemorySink sink;

        @Override
        public ConnectorFactory createFactory() {
          return new Spying(new MemoryConnectorFactory()) {
            @Override
            public SinkConnector createSink(ConnectorContext context) {
              sink = (MemorySink) delegate.createSink(context);
              return sink;
            }
          };
        }

        @Override
        public Schema schema() {
          return ALL_TYPES;
        }

        @Override
        public Map<String, String> options() {
          return Map.of();
        }

        @Override
        public List<Row> readBack() {
          return sink == null ? List.of() : sink.rows();
        }

        @Override
        public List<InvalidOptionsCase> invalidOptionCases() {
          return List.of(InvalidOptionsCase.withValue(options(), "capacity", "lots"));
        }
      };
    }
  }

  // ------------------------------------------------------------------ console sink

  /** The console sink in JSON mode, read back by parsing what it printed. */
  @Nested
  class ConsoleSinkSuite extends SinkConnectorTestSuite {
    @Override
    protected SinkTestContext createContext(Path workDir) {
      return new ConsoleContext();
    }
  }

  static final class ConsoleContext extends SinkTestContext {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream original = System.out;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    ConsoleContext() {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Override
    public ConnectorFactory createFactory() {
      return new ConsoleConnectorFactory();
    }

    @Override
    public Schema schema() {
      return ALL_TYPES;
    }

    @Override
    public Map<String, String> options() {
      return Map.of("format", "json");
    }

    @Override
    public List<Row> readBack() throws Exception {
      System.out.flush();
      List<Row> rows = new ArrayList<>();
      for (String line : printed.toString(StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = json.readTree(line);
        Object[] values = new Object[ALL_TYPES.size()];
        for (int c = 0; c < values.length; c++) {
          JsonNode v = node.get(ALL_TYPES.column(c).name());
          values[c] = v == null || v.isNull() ? null : value(ALL_TYPES.column(c).type(), v);
        }
        RowKind kind = RowKind.INSERT;
        if (node.has("op")) {
          for (RowKind k : RowKind.values()) {
            if (k.shortName().equals(node.get("op").asText())) {
              kind = k;
            }
          }
        }
        rows.add(Row.ofKind(kind, values));
      }
      return rows;
    }

    private static Object value(DataType type, JsonNode v) {
      return switch (type.kind()) {
        case BOOLEAN -> v.booleanValue();
        case INT -> v.intValue();
        case BIGINT -> v.longValue();
        case DOUBLE -> v.doubleValue();
        case DECIMAL -> v.decimalValue().setScale(type.scale(), RoundingMode.UNNECESSARY);
        case VARCHAR -> v.textValue();
        case TIMESTAMP -> LocalDateTime.parse(v.textValue(), TS);
        case BYTES -> Base64.getDecoder().decode(v.textValue());
      };
    }

    @Override
    public List<InvalidOptionsCase> invalidOptionCases() {
      return List.of(InvalidOptionsCase.withValue(options(), "format", "xml"),
          InvalidOptionsCase.withValue(options(), "target", "printer"));
    }

    @Override
    public void close() {
      System.setOut(original);
    }
  }

}
