package dev.laminar.plugin.file;

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.io.Writer;
import java.util.Base64;

/**
 * Rows to CSV lines (RFC 4180 quoting, {@code \n} line ends). NULL is an empty field and the empty
 * string a quoted empty field ({@code ""}), so the source reads both back as they were. A field is
 * quoted when it holds the delimiter, a quote, a line break, or leading or trailing spaces.
 *
 * <p>(Written by hand rather than with Jackson's CSV generator, which drops NULL array elements and
 * shifts the following fields.)
 */
final class CsvRecordEncoder implements RecordEncoder {
  private final Writer out;
  private final Schema schema;
  private final char delimiter;
  private final String changelogColumn;

  CsvRecordEncoder(Writer out, Schema schema, char delimiter, String changelogColumn) {
    this.out = out;
    this.schema = schema;
    this.delimiter = delimiter;
    this.changelogColumn = changelogColumn;
  }

  @Override
  public void writeHeader() throws IOException {
    boolean first = true;
    if (changelogColumn != null) {
      field(changelogColumn);
      first = false;
    }
    for (int c = 0; c < schema.size(); c++) {
      if (!first) {
        out.write(delimiter);
      }
      field(schema.column(c).name());
      first = false;
    }
    out.write('\n');
  }

  @Override
  public void write(RowBatch batch, int row) throws IOException {
    boolean first = true;
    if (changelogColumn != null) {
      out.write(batch.rowKind(row).shortName());
      first = false;
    }
    for (int c = 0; c < schema.size(); c++) {
      if (!first) {
        out.write(delimiter);
      }
      first = false;
      if (batch.isNull(row, c)) {
        continue;
      }
      switch (schema.column(c).type().kind()) {
        case BOOLEAN -> out.write(batch.getBoolean(row, c) ? "true" : "false");
        case INT -> out.write(Integer.toString(batch.getInt(row, c)));
        case BIGINT -> out.write(Long.toString(batch.getLong(row, c)));
        case DOUBLE -> out.write(Double.toString(batch.getDouble(row, c)));
        case DECIMAL -> out.write(batch.getDecimal(row, c).toPlainString());
        case VARCHAR -> field(batch.getString(row, c));
        case TIMESTAMP -> out.write(Values.formatTimestamp(batch.getTimestampMillis(row, c)));
        case BYTES -> out.write(Base64.getEncoder().encodeToString(batch.getBytes(row, c)));
      }
    }
    out.write('\n');
  }

  private void field(String s) throws IOException {
    if (!needsQuotes(s)) {
      out.write(s);
      return;
    }
    out.write('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"') {
        out.write('"');
      }
      out.write(ch);
    }
    out.write('"');
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

  @Override
  public void flush() throws IOException {
    out.flush();
  }
}
