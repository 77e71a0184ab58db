package dev.laminar.plugin.kafka;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowWriter;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Format {@code csv}: one CSV record per message, fields by column position (RFC 4180 quoting). An
 * empty unquoted field is NULL; a quoted empty field ({@code ""}) is the empty string for VARCHAR and
 * NULL otherwise. The writer quotes fields holding the delimiter, a quote, a line break, or leading or
 * trailing spaces, so what it writes reads back unchanged. (Adapted from the file connector's CSV format.)
 */
final class CsvCodec implements RecordCodec {
  private final ObjectReader reader;
  private final Schema schema;
  private final int[] columns;
  private final char delimiter;
  private final StringBuilder line = new StringBuilder(256);

  CsvCodec(Schema schema, int[] columns, char delimiter) {
    this.schema = schema;
    this.columns = columns;
    this.delimiter = delimiter;
    CsvSchema csv = CsvSchema.emptySchema().withColumnSeparator(delimiter).withQuoteChar('"').withoutEscapeChar();
    this.reader = new CsvMapper().readerForArrayOf(String.class).with(csv)
        .with(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  @Override
  public void decode(byte[] bytes, RowWriter out) {
    if (bytes == null) {
      throw new IllegalArgumentException("the record has no value (null)");
    }
    String[] fields;
    try {
      fields = reader.readValue(bytes);
    } catch (IOException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      int cut = message.indexOf('\n');
      throw new IllegalArgumentException("malformed CSV: " + (cut < 0 ? message : message.substring(0, cut)));
    }
    if (fields == null) {
      fields = new String[0];
    }
    if (fields.length != columns.length) {
      throw new IllegalArgumentException("expected " + columns.length + " fields but found " + fields.length);
    }
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      Column column = schema.column(c);
      String text = fields[i];
      if (text == null || (text.isEmpty() && column.type().kind() != TypeKind.VARCHAR)) {
        if (!column.nullable()) {
          throw new IllegalArgumentException("column '" + column.name() + "' is NOT NULL but the field is empty");
        }
        continue;
      }
      try {
        Values.parseInto(out, c, column.type(), text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("column '" + column.name() + "': " + e.getMessage(), e);
      }
    }
  }

  @Override
  public byte[] encode(RowBatch batch, int row) {
    StringBuilder sb = line;
    sb.setLength(0);
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      if (i > 0) {
        sb.append(delimiter);
      }
      if (batch.isNull(row, c)) {
        continue;
      }
      switch (schema.column(c).type().kind()) {
        case BOOLEAN -> sb.append(batch.getBoolean(row, c));
        case INT -> sb.append(batch.getInt(row, c));
        case BIGINT -> sb.append(batch.getLong(row, c));
        case DOUBLE -> sb.append(batch.getDouble(row, c));
        case DECIMAL -> sb.append(batch.getDecimal(row, c).toPlainString());
        case VARCHAR -> field(sb, batch.getString(row, c));
        case TIMESTAMP -> sb.append(Values.formatTimestamp(batch.getTimestampMillis(row, c)));
        case BYTES -> sb.append(Base64.getEncoder().encodeToString(batch.getBytes(row, c)));
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void field(StringBuilder sb, String s) {
    if (!needsQuotes(s)) {
      sb.append(s);
      return;
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"') {
        sb.append('"');
      }
      sb.append(ch);
    }
    sb.append('"');
  }

  private boolean needsQuotes(String s) {
    if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == delimiter || ch == '"' || ch == '\n' || ch == '\r') {
        return true;
      }
    }
    return false;
  }
}
