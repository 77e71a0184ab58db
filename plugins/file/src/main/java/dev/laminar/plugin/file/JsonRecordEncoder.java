package dev.laminar.plugin.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Rows to JSON lines: one object per row with a field per column (NULL as {@code null}), preceded by
 * the changelog field when configured. DECIMAL is a plain JSON number, TIMESTAMP an ISO-8601 string
 * with milliseconds, BYTES a base64 string, and non-finite DOUBLEs the strings {@code NaN},
 * {@code Infinity}, {@code -Infinity}.
 */
final class JsonRecordEncoder implements RecordEncoder {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  private final JsonGenerator json;
  private final Schema schema;
  private final String changelogColumn;

  JsonRecordEncoder(OutputStream out, Schema schema, String changelogColumn) throws IOException {
    this.json = FACTORY.createGenerator(out);
    json.setRootValueSeparator(null); // each object ends with its own line break instead
    this.schema = schema;
    this.changelogColumn = changelogColumn;
  }

  @Override
  public void writeHeader() {}

  @Override
  public void write(RowBatch batch, int row) throws IOException {
    json.writeStartObject();
    if (changelogColumn != null) {
      json.writeStringField(changelogColumn, batch.rowKind(row).shortName());
    }
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
        case TIMESTAMP -> json.writeString(Values.formatTimestamp(batch.getTimestampMillis(row, c)));
        case BYTES -> json.writeBinary(batch.getBytes(row, c));
      }
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  @Override
  public void flush() throws IOException {
    json.flush();
  }
}
