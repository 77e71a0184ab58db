package dev.laminar.connector.filesystem;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/**
 * Rows to text lines, in the same forms as the {@code file} plugin writes them so that either reads
 * the other's output: CSV (RFC 4180 quoting, NULL as an empty field, the empty string as {@code ""})
 * and JSON lines (DECIMAL a plain number, TIMESTAMP ISO-8601 with milliseconds, BYTES base64).
 * (The kernel may not import a plugin's classes, so the encoders cannot be shared with it.)
 */
abstract class RowEncoder {
  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);

  static RowEncoder create(String format, OutputStream out, Schema schema) throws IOException {
    return format.equals("json") ? new Json(out, schema) : new Csv(out, schema);
  }

  /** Written at the start of every file (CSV: the header). */
  abstract void header() throws IOException;

  abstract void write(RowBatch batch, int row) throws IOException;

  /** Pushes buffered text into the stream. */
  abstract void flush() throws IOException;

  static String timestamp(long epochMillis) {
    return TIMESTAMP.format(LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
        (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC));
  }

  private static final class Csv extends RowEncoder {
    private final Writer out;
    private final Schema schema;

    Csv(OutputStream out, Schema schema) {
      this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      this.schema = schema;
    }

    @Override
    void header() throws IOException {
      for (int c = 0; c < schema.size(); c++) {
        if (c > 0) {
          out.write(',');
        }
        field(schema.column(c).name());
      }
      out.write('\n');
    }

    @Override
    void write(RowBatch batch, int row) throws IOException {
      for (int c = 0; c < schema.size(); c++) {
        if (c > 0) {
          out.write(',');
        }
        if (!batch.isNull(row, c)) {
          switch (schema.column(c).type().kind()) {
            case BOOLEAN -> out.write(batch.getBoolean(row, c) ? "true" : "false");
            case INT -> out.write(Integer.toString(batch.getInt(row, c)));
            case BIGINT -> out.write(Long.toString(batch.getLong(row, c)));
            case DOUBLE -> out.write(Double.toString(batch.getDouble(row, c)));
            case DECIMAL -> out.write(batch.getDecimal(row, c).toPlainString());
            case VARCHAR -> field(batch.getString(row, c));
            case TIMESTAMP -> out.write(timestamp(batch.getTimestampMillis(row, c)));
            case BYTES -> out.write(Base64.getEncoder().encodeToString(batch.getBytes(row, c)));
          }
        }
      }
      out.write('\n');
    }

    private void field(String s) throws IOException {
      boolean quote = s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))
          || s.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r');
      if (!quote) {
        out.write(s);
        return;
      }
      out.write('"');
      out.write(s.replace("\"", "\"\""));
      out.write('"');
    }

    @Override
    void flush() throws IOException {
      out.flush();
    }
  }

  private static final class Json extends RowEncoder {
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
        .build();

    private final JsonGenerator json;
    private final Schema schema;

    Json(OutputStream out, Schema schema) throws IOException {
      this.json = FACTORY.createGenerator(out);
      json.setRootValueSeparator(null);
      this.schema = schema;
    }

    @Override
    void header() {}

    @Override
    void write(RowBatch batch, int row) throws IOException {
      json.writeStartObject();
      for (int c = 0; c < schema.size(); c++) {
        json.writeFieldName(schema.column(c).name());
        if (batch.isNull(row, c)) {
          json.writeNull();
          continue;
        }
        switch (schema.column(c).type().kind()) {
          case BOOLEAN -> json.writeBoolean(batch.getBoolean(row, c));
          case INT -> json.writeNumber(batch.getInt(row, c));
          case BIGINT -> json.writeNumber(batch.getLong(row, c));
          case DOUBLE -> {
            double d = batch.getDouble(row, c);
            if (Double.isFinite(d)) {
              json.writeNumber(d);
            } else {
              json.writeString(Double.toString(d));
            }
          }
          case DECIMAL -> json.writeNumber(batch.getDecimal(row, c));
          case VARCHAR -> json.writeString(batch.getString(row, c));
          case TIMESTAMP -> json.writeString(timestamp(batch.getTimestampMillis(row, c)));
          case BYTES -> json.writeBinary(batch.getBytes(row, c));
        }
      }
      json.writeEndObject();
      json.writeRaw('\n');
    }

    @Override
    void flush() throws IOException {
      json.flush();
    }
  }
}
