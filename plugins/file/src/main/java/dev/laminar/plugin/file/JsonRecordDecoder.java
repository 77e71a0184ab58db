package dev.laminar.plugin.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.util.Map;

/**
 * JSON lines to rows: each line one object; fields matched to columns by name (exact, then
 * case-insensitive); a missing field or {@code null} is NULL; unknown fields are ignored. Values may
 * be JSON numbers and booleans or strings in the forms the CSV format accepts; BYTES are base64
 * strings.
 */
final class JsonRecordDecoder implements RecordDecoder {
  private static final ObjectReader READER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .readerFor(JsonNode.class);

  private final Schema schema;
  private final String changelogColumn;

  JsonRecordDecoder(Schema schema, String changelogColumn) {
    this.schema = schema;
    this.changelogColumn = changelogColumn;
  }

  @Override
  public void decode(String record, BatchWriter out) {
    JsonNode object = parse(record);
    if (changelogColumn != null) {
      JsonNode kind = field(object, changelogColumn);
      if (kind == null || kind.isNull()) {
        throw new IllegalArgumentException("field '" + changelogColumn + "' (the changelog column) is missing");
      }
      out.setRowKind(Values.parseRowKind(kind.asText()));
    }
    for (int c = 0; c < schema.size(); c++) {
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

  private static JsonNode parse(String record) {
    JsonNode node;
    try {
      node = READER.readValue(record);
    } catch (JsonProcessingException e) {
      // drop Jackson's "(start marker at [Source: ...])": the caller gives file and line
      String reason = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:.*?\\]\\)", "");
      throw new IllegalArgumentException("malformed JSON: " + reason);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object but found " + (node == null ? "nothing" : node.getNodeType()));
    }
    return node;
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

  private static void set(BatchWriter out, int c, DataType type, JsonNode v) {
    if (v.isTextual()) {
      Values.parseInto(out, c, type, v.textValue());
      return;
    }
    switch (type.kind()) {
      case BOOLEAN -> out.setBoolean(c, expect(v.isBoolean(), v, type).booleanValue());
      case INT -> out.setInt(c, expect(v.isIntegralNumber() && v.canConvertToInt(), v, type).intValue());
      case BIGINT, TIMESTAMP -> {
        long n = expect(v.isIntegralNumber() && v.canConvertToLong(), v, type).longValue();
        if (type.kind() == dev.laminar.sdk.type.TypeKind.BIGINT) {
          out.setLong(c, n);
        } else {
          out.setTimestampMillis(c, n);
        }
      }
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
}
