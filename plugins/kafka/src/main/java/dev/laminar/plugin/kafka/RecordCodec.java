package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowWriter;
import dev.laminar.sdk.type.Schema;

/**
 * Encodes and decodes the bytes of a record key or value as a subset of a schema's columns (option
 * {@code format}). One instance per reader or writer: implementations keep reusable buffers and are
 * not thread-safe.
 */
interface RecordCodec {
  /**
   * Sets the codec's columns of the row {@code out} has open from {@code bytes}.
   *
   * @throws IllegalArgumentException with the reason when the bytes cannot be decoded
   */
  void decode(byte[] bytes, RowWriter out);

  /** The codec's columns of row {@code row} as bytes. */
  byte[] encode(RowBatch batch, int row);

  /**
   * The codec for {@code format} over {@code columns} (indices into {@code schema}).
   *
   * @param avroSchema the {@code avro.schema} option or {@code null} to derive one from the columns
   */
  static RecordCodec create(String format, Schema schema, int[] columns, String avroSchema, char csvDelimiter, String recordName) {
    return switch (format) {
      case "json" -> new JsonCodec(schema, columns);
      case "csv" -> new CsvCodec(schema, columns, csvDelimiter);
      case "avro" -> new AvroCodec(schema, columns, avroSchema, recordName);
      case "raw" -> new RawCodec(schema, columns);
      default -> throw new IllegalArgumentException("unknown format " + format);
    };
  }
}
