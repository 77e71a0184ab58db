package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowWriter;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.nio.charset.StandardCharsets;

/** Format {@code raw}: the bytes as one BYTES column, or as UTF-8 text in one VARCHAR column; a null record is NULL. */
final class RawCodec implements RecordCodec {
  private final int column;
  private final boolean text;

  RawCodec(Schema schema, int[] columns) {
    if (columns.length != 1) {
      throw new InvalidOptionException(KafkaConnectorFactory.ID, KafkaConnectorFactory.FORMAT,
          "connector 'kafka': format 'raw' needs exactly one column (VARCHAR or BYTES) besides metadata and key columns,"
              + " but has " + columns.length);
    }
    this.column = columns[0];
    TypeKind kind = schema.column(column).type().kind();
    if (kind != TypeKind.VARCHAR && kind != TypeKind.BYTES) {
      throw new InvalidOptionException(KafkaConnectorFactory.ID, KafkaConnectorFactory.FORMAT,
          "connector 'kafka': format 'raw' needs a VARCHAR or BYTES column, but '" + schema.column(column).name()
              + "' is " + schema.column(column).type());
    }
    this.text = kind == TypeKind.VARCHAR;
  }

  @Override
  public void decode(byte[] bytes, RowWriter out) {
    if (bytes == null) {
      out.setNull(column);
    } else if (text) {
      out.setString(column, new String(bytes, StandardCharsets.UTF_8));
    } else {
      out.setBytes(column, bytes);
    }
  }

  @Override
  public byte[] encode(RowBatch batch, int row) {
    if (batch.isNull(row, column)) {
      return null;
    }
    return text ? batch.getString(row, column).getBytes(StandardCharsets.UTF_8) : batch.getBytes(row, column);
  }
}
