package dev.laminar.plugin.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowWriter;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Format {@code json}: one JSON object per record, a field per column matched by name (exact, then
 * case-insensitive); a missing field or {@code null} is NULL; unknown fields are ignored. Values may
 * be JSON numbers and booleans or strings (numbers, ISO-8601 or epoch-millisecond timestamps, base64
 * bytes). Written: DECIMAL as a plain number, TIMESTAMP as ISO-8601 with milliseconds, BYTES as base64.
 * (The file connector's JSON lines format, adapted to one record per message.)
 */
final class JsonCodec implements RecordCodec {
  private static final ObjectReader READER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .readerFor(JsonNode.class);
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  private final Schema schema;
  private final int[] columns;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

  JsonCodec(Schema schema, int[] columns) {
    this.schema = schema;
    this.columns = columns;
  }

  @Override
  public void decode(byte[] bytes, RowWriter out) {
    if (bytes == null) {
      throw new IllegalArgumentException("the record has no value (null)");
    }
    JsonNode object;
    try {
      object = READER.readValue(bytes);
    } catch (IOException e) {
      String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("malformed JSON: " + reason);
    }
    if (object == null || !object.isObject()) {
      throw new IllegalArgumentException("expected a JSON object but found " + (object == null ? "nothing" : object.getNodeType()));
    }
    for (int c : columns) {
      Column column = schema.column(c);
      JsonNode value = field(object, column.name());
      if (value == null || value.isNull()) {
        if (!column.nullable()) {
          throw new IllegalArgumentException("column '" + column.name() + "' is NOT NULL but the field is missing or null");
        }
        continue;
      }
      try {
        set(out, c, column.type(), value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("column '" + column.name() + "': " + e.getMessage(), e);
      }
    }
  }

  private static JsonNode field(JsonNode object, String name) {
    JsonNode exact = object.get(name);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static void set(RowWriter out, int c, DataType type, JsonNode v) {
    if (v.isTextual()) {
      Values.parseInto(out, c, type, v.textValue());
      return;
    }
    switch (type.kind()) {
      case BOOLEAN -> out.setBoolean(c, expect(v.isBoolean(), v, type).booleanValue());
      case INT -> out.setInt(c, expect(v.isIntegralNumber() && v.canConvertToInt(), v, type).intValue());
      case BIGINT -> out.setLong(c, expect(v.isIntegralNumber() && v.canConvertToLong(), v, type).longValue());
      case TIMESTAMP -> out.setTimestampMillis(c, expect(v.isIntegralNumber() && v.canConvertToLong(), v, type).longValue());
      case DOUBLE -> out.setDouble(c, expect(v.isNumber(), v, type).doubleValue());
      case DECIMAL -> out.setDecimal(c, Values.fit(expect(v.isNumber(), v, type).decimalValue(), type));
      case VARCHAR -> out.setString(c, v.isValueNode() ? v.asText() : v.toString());
      case BYTES -> throw new IllegalArgumentException("expected a base64 string but found " + v.getNodeType());
    }
  }

  private static JsonNode expect(boolean ok, JsonNode v, DataType type) {
    if (!ok) {
      throw new IllegalArgumentException("cannot read " + Values.abbreviate(v.toString()) + " as " + type);
    }
    return v;
  }

  @Override
  public byte[] encode(RowBatch batch, int row) {
    buffer.reset();
    try (JsonGenerator json = FACTORY.createGenerator(buffer)) {
      json.writeStartObject();
      for (int c : columns) {
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }
}
