package dev.laminar.connector.console;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Prints batches. Table format: a header once, then one line per row with columns padded to a
 * width fixed by the header and the column type, so a stream of rows stays aligned; changelog rows
 * get a leading {@code op} column (+I, -U, +U, -D).
 */
final class ConsoleSinkWriter implements SinkWriter {
  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  private static final JsonFactory JSON = new JsonFactory();

  private final Schema schema;
  private final boolean json;
  private final boolean stderr;
  private final String prefix;
  private final int[] widths;
  private PrintStream out;
  private boolean headerPrinted;

  ConsoleSinkWriter(Schema schema, boolean json, boolean stderr, String prefix) {
    this.schema = schema;
    this.json = json;
    this.stderr = stderr;
    this.prefix = prefix;
    this.widths = new int[schema.size()];
    for (int c = 0; c < widths.length; c++) {
      Column col = schema.column(c);
      int typeWidth = switch (col.type().kind()) {
        case BOOLEAN -> 5;
        case INT -> 11;
        case BIGINT -> 20;
        case DOUBLE -> 22;
        case DECIMAL -> col.type().precision() + 2;
        case TIMESTAMP -> 23;
        case VARCHAR -> 12;
        case BYTES -> 16;
      };
      widths[c] = Math.max(col.name().length(), typeWidth);
    }
  }

  @Override
  public void open() {
    out = stderr ? System.err : System.out;
  }

  @Override
  public void write(RowBatch batch) throws IOException {
    StringBuilder sb = new StringBuilder(256);
    if (!json && !headerPrinted) {
      header(sb);
      headerPrinted = true;
    }
    for (int r = 0; r < batch.size(); r++) {
      sb.append(prefix);
      if (json) {
        json(batch, r, sb);
      } else {
        line(batch, r, sb);
      }
      sb.append(System.lineSeparator());
    }
    out.print(sb);
  }

  private void header(StringBuilder sb) {
    StringBuilder names = new StringBuilder(prefix).append("op ");
    StringBuilder rule = new StringBuilder(prefix).append("-- ");
    for (int c = 0; c < widths.length; c++) {
      names.append(c == 0 ? "" : " | ").append(pad(schema.column(c).name(), widths[c], false));
      rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    sb.append(names).append(System.lineSeparator()).append(rule).append(System.lineSeparator());
  }

  private void line(RowBatch batch, int r, StringBuilder sb) {
    sb.append(batch.rowKind(r).shortName()).append(' ');
    for (int c = 0; c < widths.length; c++) {
      boolean right = schema.column(c).type().isNumeric();
      sb.append(c == 0 ? "" : " | ").append(pad(format(batch.getObject(r, c)), widths[c], right));
    }
  }

  private void json(RowBatch batch, int r, StringBuilder sb) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      if (batch.rowKind(r) != RowKind.INSERT) {
        g.writeStringField("op", batch.rowKind(r).shortName());
      }
      for (int c = 0; c < widths.length; c++) {
        g.writeFieldName(schema.column(c).name());
        Object v = batch.getObject(r, c);
        switch (v) {
          case null -> g.writeNull();
          case Boolean b -> g.writeBoolean(b);
          case Integer i -> g.writeNumber(i);
          case Long l -> g.writeNumber(l);
          case Double d -> g.writeNumber(d);
          case BigDecimal d -> g.writeNumber(d);
          case byte[] bytes -> g.writeBinary(bytes);
          default -> g.writeString(format(v));
        }
      }
      g.writeEndObject();
    }
    sb.append(w);
  }

  static String format(Object v) {
    return switch (v) {
      case null -> "NULL";
      case LocalDateTime t -> TIMESTAMP.format(t);
      case BigDecimal d -> d.toPlainString();
      case byte[] b -> java.util.HexFormat.of().formatHex(b);
      default -> v.toString();
    };
  }

  private static String pad(String s, int width, boolean right) {
    if (s.length() >= width) {
      return s;
    }
    String spaces = " ".repeat(width - s.length());
    return right ? spaces + s : s + spaces;
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    if (out != null) {
      out.flush();
    }
  }
}
