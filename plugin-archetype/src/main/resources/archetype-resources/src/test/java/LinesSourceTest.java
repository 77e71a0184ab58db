package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.BadRecordInput;
import dev.laminar.tck.BadRecordPolicy;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SourceConnectorTestSuite;
import dev.laminar.tck.SourceReaderDriver;
import dev.laminar.tck.SourceTestContext;
import dev.laminar.tck.TestConnectorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCK's source suite against the connector (every inherited test), plus the source's own cases. */
class LinesSourceTest extends SourceConnectorTestSuite {
  @Override
  protected SourceTestContext createContext(Path workDir) {
    return new LinesSourceContext(workDir.resolve("input.txt"));
  }

  @Test
  void crlfAndAMissingLastLineEndAreLineEnds(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mixed.txt");
    Files.writeString(file, "first\r\n\r\nthird\nlast");
    assertThat(readAll(file, "100")).containsExactly(Row.of("first"), Row.of(""), Row.of("third"), Row.of("last"));
  }

  @Test
  void lineLongerThanMaxLineBytesFailsNamingFileAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("long.txt");
    Files.writeString(file, "0123456789\r\n0123456789X\n");
    assertThatThrownBy(() -> readAll(file, "10"))
        .hasMessageContaining(file + ":2")
        .hasMessageContaining(LinesConnectorFactory.MAX_LINE_BYTES);
  }

  @Test
  void invalidUtf8FailsNamingFileAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.txt");
    Files.write(file, new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> readAll(file, "100"))
        .hasMessageContaining(file + ":2")
        .hasMessageContaining("UTF-8");
  }

  /** Reads the whole file with a fresh source, as the engine would. */
  private static List<Row> readAll(Path file, String maxLineBytes) throws Exception {
    ConnectorFactory factory = new LinesConnectorFactory();
    SourceConnector source = factory.createSource(TestConnectorContext.of(factory, "test_source",
        LinesTestData.SCHEMA, Map.of(LinesConnectorFactory.PATH, file.toString(),
            LinesConnectorFactory.MAX_LINE_BYTES, maxLineBytes)));
    try {
      SourceReader reader = source.createReader(source.discoverSplits().get(0));
      try {
        reader.open();
        return new SourceReaderDriver(LinesTestData.SCHEMA).readUntilFinished(reader).rows();
      } finally {
        reader.close();
      }
    } finally {
      source.close();
    }
  }

  /** Puts the suite's rows into one file, as lines with alternating LF and CRLF ends and none after the last. */
  static final class LinesSourceContext extends SourceTestContext {
    private final Path file;

    LinesSourceContext(Path file) {
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
    public void writeTestData(List<Row> rows) throws IOException {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < rows.size(); i++) {
        text.append((String) rows.get(i).get(0));
        if (i < rows.size() - 1) {
          text.append(i % 2 == 0 ? "\n" : "\r\n");
        }
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Override
    public boolean isBounded() {
      return true;
    }

    @Override
    public List<InvalidOptionsCase> invalidOptionCases() {
      Map<String, String> o = options();
      return List.of(
          InvalidOptionsCase.without(o, LinesConnectorFactory.PATH),
          InvalidOptionsCase.withValue(o, LinesConnectorFactory.PATH, " "),
          InvalidOptionsCase.withValue(o, LinesConnectorFactory.MAX_LINE_BYTES, "0"),
          InvalidOptionsCase.withValue(o, LinesConnectorFactory.MAX_LINE_BYTES, "a lot"),
          InvalidOptionsCase.withValue(o, LinesConnectorFactory.BAD_RECORDS, "ignore"));
    }

    /** The suite's rows with lines that are not UTF-8 and lines longer than max-line-bytes between them. */
    @Override
    public BadRecordInput badRecordInput() {
      return new BadRecordInput() {
        @Override
        public void writeTestDataWithBadRecords(List<Row> rows) throws IOException {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          for (int i = 0; i < rows.size(); i++) {
            bytes.writeBytes(((String) rows.get(i).get(0)).getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
            if (i % 40 == 7) {
              bytes.writeBytes("caf\u00e9 in Latin-1\n".getBytes(StandardCharsets.ISO_8859_1));
            } else if (i % 40 == 27) {
              bytes.writeBytes(("x".repeat(300) + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
          }
          Files.write(file, bytes.toByteArray());
        }

        @Override
        public Map<String, String> options(BadRecordPolicy policy) {
          return Map.of(LinesConnectorFactory.PATH, file.toString(),
              LinesConnectorFactory.MAX_LINE_BYTES, "200",
              LinesConnectorFactory.BAD_RECORDS, policy.name().toLowerCase(Locale.ROOT));
        }

        @Override
        public String expectedMessageFragment() {
          return file.toString();
        }
      };
    }
  }
}
