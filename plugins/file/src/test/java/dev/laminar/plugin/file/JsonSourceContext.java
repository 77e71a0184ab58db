package dev.laminar.plugin.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.BadRecordInput;
import dev.laminar.tck.BadRecordPolicy;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SourceTestContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the TCK's rows as JSON lines into two files: fields in reverse order, NULL alternately as
 * {@code null} and as a missing field, numbers sometimes as strings, timestamps with a space.
 */
class JsonSourceContext extends SourceTestContext {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  JsonSourceContext(Path workDir) {
    this.dir = workDir.resolve("json");
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
    return Map.of("path", dir.toString(), "format", "json");
  }

  @Override
  public void writeTestData(List<Row> rows) throws IOException {
    writeFiles(rows, false);
  }

  /** Bad records after every fifth row: alternately malformed JSON and a key that is not a number. */
  @Override
  public BadRecordInput badRecordInput() {
    return new BadRecordInput() {
      @Override
      public void writeTestDataWithBadRecords(List<Row> rows) throws IOException {
        writeFiles(rows, true);
      }

      @Override
      public Map<String, String> options(BadRecordPolicy policy) {
        Map<String, String> o = new LinkedHashMap<>(JsonSourceContext.this.options());
        o.put("bad-records", policy.name().toLowerCase(Locale.ROOT));
        return o;
      }

      @Override
      public String expectedMessageFragment() {
        return ".jsonl:";
      }
    };
  }

  private void writeFiles(List<Row> rows, boolean withBadRecords) throws IOException {
    Files.createDirectories(dir);
    if (rows.isEmpty()) {
      Files.writeString(dir.resolve("a.jsonl"), "");
      return;
    }
    int half = rows.size() / 2;
    write(dir.resolve("a.jsonl"), rows.subList(0, half), 0, withBadRecords);
    write(dir.resolve("b.jsonl"), rows.subList(half, rows.size()), half, withBadRecords);
  }

  private void write(Path file, List<Row> rows, int firstIndex, boolean withBadRecords) throws IOException {
    Schema schema = schema();
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      int index = firstIndex + r;
      ObjectNode o = JSON.createObjectNode();
      for (int c = schema.size() - 1; c >= 0; c--) {
        String name = schema.column(c).name();
        Object v = rows.get(r).get(c);
        switch (v) {
          case null -> {
            if (index % 2 == 0) {
              o.putNull(name);
            }
          }
          case String s -> o.put(name, s);
          case Boolean b -> o.put(name, b);
          case Integer i -> o.put(name, i);
          case Long l -> {
            if (index % 4 == 1) {
              o.put(name, l.toString());
            } else {
              o.put(name, l);
            }
          }
          case Double d -> o.put(name, d);
          case BigDecimal d -> {
            if (index % 2 == 0) {
              o.put(name, d);
            } else {
              o.put(name, d.toPlainString());
            }
          }
          case LocalDateTime t -> o.put(name, t.toLocalDate() + " " + t.toLocalTime());
          case byte[] b -> o.put(name, Base64.getEncoder().encodeToString(b));
          default -> throw new IllegalArgumentException(v.toString());
        }
      }
      o.put("unknown_field", "ignored");
      sb.append(JSON.writeValueAsString(o)).append('\n');
      if (withBadRecords && r % 5 == 4) {
        sb.append(index % 2 == 0 ? "{\"id\": 1, \"name\": \"unterminated\n" : "{\"id\": \"one\"}\n");
      }
    }
    Files.writeString(file, sb.toString());
  }

  @Override
  public boolean isBounded() {
    return true;
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    return List.of(InvalidOptionsCase.withValue(options(), "format", "yaml"));
  }
}
