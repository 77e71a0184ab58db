package dev.laminar.plugin.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.row.RowWriter;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Which declared columns of a source receive record metadata instead of value fields (options
 * {@code metadata.key}, {@code metadata.headers}, {@code metadata.partition}, {@code metadata.offset},
 * {@code metadata.timestamp}); -1 where none does.
 */
record MetadataColumns(int key, int headers, int partition, int offset, int timestamp) {
  private static final JsonFactory JSON = new JsonFactory();

  static MetadataColumns of(ConnectorOptions o, Schema schema) {
    Set<String> used = new HashSet<>();
    int key = column(o, schema, KafkaConnectorFactory.KEY_COLUMN, used, Set.of(TypeKind.VARCHAR, TypeKind.BYTES));
    int headers = column(o, schema, KafkaConnectorFactory.HEADERS_COLUMN, used, Set.of(TypeKind.VARCHAR));
    int partition = column(o, schema, KafkaConnectorFactory.PARTITION_COLUMN, used, Set.of(TypeKind.INT, TypeKind.BIGINT));
    int offset = column(o, schema, KafkaConnectorFactory.OFFSET_COLUMN, used, Set.of(TypeKind.BIGINT));
    int timestamp = column(o, schema, KafkaConnectorFactory.TIMESTAMP_COLUMN, used, Set.of(TypeKind.TIMESTAMP, TypeKind.BIGINT));
    return new MetadataColumns(key, headers, partition, offset, timestamp);
  }

  private static int column(ConnectorOptions o, Schema schema, String option, Set<String> used, Set<TypeKind> types) {
    String name = o.getString(option);
    if (name == null) {
      return -1;
    }
    int index = schema.indexOf(name.strip());
    if (index < 0) {
      throw ClientSettings.invalid(option, "option '" + option + "' names '" + name + "', which is not a column of " + schema);
    }
    if (!types.contains(schema.column(index).type().kind())) {
      throw ClientSettings.invalid(option, "option '" + option + "' names column '" + name + "' of type "
          + schema.column(index).type() + "; it must be one of " + types);
    }
    if (!used.add(name.strip().toLowerCase(Locale.ROOT))) {
      throw ClientSettings.invalid(option, "option '" + option + "' names column '" + name + "', which already receives"
          + " other metadata");
    }
    return index;
  }

  boolean contains(int column) {
    return column >= 0 && (column == key || column == headers || column == partition || column == offset || column == timestamp);
  }

  /** Sets the metadata columns of the open row from {@code record}. */
  void fill(ConsumerRecord<byte[], byte[]> record, Schema schema, RowWriter out) {
    if (key >= 0) {
      byte[] k = record.key();
      if (k == null) {
        out.setNull(key);
      } else if (schema.column(key).type().kind() == TypeKind.VARCHAR) {
        out.setString(key, new String(k, StandardCharsets.UTF_8));
      } else {
        out.setBytes(key, k);
      }
    }
    if (headers >= 0) {
      out.setString(headers, headersAsJson(record));
    }
    if (partition >= 0) {
      out.setLong(partition, record.partition());
    }
    if (offset >= 0) {
      out.setLong(offset, record.offset());
    }
    if (timestamp >= 0) {
      if (schema.column(timestamp).type().kind() == TypeKind.TIMESTAMP) {
        out.setTimestampMillis(timestamp, record.timestamp());
      } else {
        out.setLong(timestamp, record.timestamp());
      }
    }
  }

  private static String headersAsJson(ConsumerRecord<byte[], byte[]> record) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      for (Header h : record.headers()) {
        json.writeFieldName(h.key());
        if (h.value() == null) {
          json.writeNull();
        } else {
          json.writeString(new String(h.value(), StandardCharsets.UTF_8));
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
