package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowKind;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Turns the rows of a sink's batches into producer records: key and value in the sink's format, tombstones for retractions. */
final class RecordBuilder {
  private final SinkSettings settings;
  private final RecordCodec value;
  private final RecordCodec key;

  RecordBuilder(SinkSettings settings) {
    this.settings = settings;
    this.value = settings.valueCodec();
    this.key = settings.keyCodec();
  }

  ProducerRecord<byte[], byte[]> record(RowBatch batch, int row) {
    RowKind kind = batch.rowKind(row);
    byte[] k = key == null ? null : key.encode(batch, row);
    if (kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE) {
      if (k == null) {
        throw new IllegalStateException("sink '" + settings.objectName() + "' received a " + kind.shortName()
            + " row but has no 'key.fields' to write a tombstone for; set 'key.fields' for changelog input");
      }
      return new ProducerRecord<>(settings.topic(), k, null);
    }
    return new ProducerRecord<>(settings.topic(), k, value.encode(batch, row));
  }
}
