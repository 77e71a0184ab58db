package dev.laminar.plugin.file;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.BadRecordInput;
import dev.laminar.tck.BadRecordPolicy;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SourceTestContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the TCK's rows as two CSV files in a directory (formatted here, independently of the sink),
 * next to files the glob and the hidden-file rule must leave out. With a header the columns are
 * written in reverse order, so matching by name is exercised.
 */
class CsvSourceContext extends SourceTestContext {
  private final Path dir;
  private final boolean header;
  private final char delimiter;

  CsvSourceContext(Path workDir, boolean header, char delimiter) {
    this.dir = workDir.resolve("data");
    this.header = header;
    this.delimiter = delimiter;
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
    o.put("path", dir.toString());
    o.put("glob", "*.csv");
    o.put("format", "csv");
    o.put("csv.header", Boolean.toString(header));
    o.put("csv.delimiter", Character.toString(delimiter));
    return o;
  }

  @Override
  public void writeTestData(List<Row> rows) throws IOException {
    writeFiles(rows, false);
  }

  /** Bad records: a line whose fields are all "x" (so the BIGINT key cannot be parsed) after every seventh row. */
  @Override
  public BadRecordInput badRecordInput() {
    return new BadRecordInput() {
      @Override
      public void writeTestDataWithBadRecords(List<Row> rows) throws IOException {
        writeFiles(rows, true);
      }

      @Override
      public Map<String, String> options(BadRecordPolicy policy) {
        Map<String, String> o = CsvSourceContext.this.options();
        o.put("bad-records", policy.name().toLowerCase(Locale.ROOT));
        return o;
      }

      @Override
      public String expectedMessageFragment() {
        return ".csv:";
      }
    };
  }

  /** The directory of CSV files the options point at. */
  Path dir() {
    return dir;
  }

  private void writeFiles(List<Row> rows, boolean withBadRecords) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(".hidden.csv"), "not,a,valid\nfile\n");
    Files.writeString(dir.resolve("notes.txt"), "not matched by the glob\n");
    if (rows.isEmpty()) {
      Files.write(dir.resolve("part-0.csv"), new byte[0]);
      return;
    }
    int half = rows.size() / 2;
    write(dir.resolve("part-0.csv"), rows.subList(0, half), 0, withBadRecords);
    write(dir.resolve("part-1.csv"), rows.subList(half, rows.size()), half, withBadRecords);
  }

  private void write(Path file, List<Row> rows, int firstIndex, boolean withBadRecords) throws IOException {
    Schema schema = schema();
    StringBuilder sb = new StringBuilder();
    if (header) {
      for (int c = schema.size() - 1; c >= 0; c--) {
        sb.append(schema.column(c).name()).append(c > 0 ? String.valueOf(delimiter) : "\r\n");
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      for (int i = 0; i < schema.size(); i++) {
        int c = header ? schema.size() - 1 - i : i;
        sb.append(format(row.get(c), firstIndex + r));
        sb.append(i < schema.size() - 1 ? String.valueOf(delimiter) : (r % 2 == 0 ? "\n" : "\r\n"));
      }
      if (r % 10 == 3) {
        sb.append('\n'); // blank lines are skipped
      }
      if (withBadRecords && r % 7 == 6) {
        sb.append(String.join(String.valueOf(delimiter), Collections.nCopies(schema.size(), "x"))).append('\n');
      }
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** Every supported text form: strings always quoted, timestamps in three notations. */
  private static String format(Object v, int index) {
    if (v == null) {
      return "";
    }
    if (v instanceof String s) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof LocalDateTime t) {
      return switch (index % 3) {
        case 0 -> t.toString();
        case 1 -> Long.toString(t.toInstant(ZoneOffset.UTC).toEpochMilli());
        default -> t.toLocalDate() + " " + t.toLocalTime();
      };
    }
    return v.toString();
  }

  @Override
  public boolean isBounded() {
    return true;
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    Map<String, String> o = options();
    return List.of(
        InvalidOptionsCase.withValue(o, "format", "xml"),
        InvalidOptionsCase.withValue(o, "csv.delimiter", ";;"),
        InvalidOptionsCase.withValue(o, "csv.header", "yes please"),
        InvalidOptionsCase.withValue(o, "glob", "[unclosed"),
        InvalidOptionsCase.withValue(o, "changelog.column", "ID"),
        InvalidOptionsCase.withValue(o, "bad-records", "ignore"),
        InvalidOptionsCase.withValue(o, "lookup.key", "id"),
        InvalidOptionsCase.without(o, "path"));
  }
}
