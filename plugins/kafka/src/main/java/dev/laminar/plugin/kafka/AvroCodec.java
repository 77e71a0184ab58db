package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowWriter;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Format {@code avro}: Avro binary encoding of one record (no container header, no schema-registry
 * prefix), with the schema of option {@code avro.schema} or, without it, one derived from the columns
 * (nullable columns as unions with null; DECIMAL as bytes with the decimal logical type; TIMESTAMP as
 * long timestamp-millis). Fields are matched to columns by name (exact, then case-insensitive).
 */
final class AvroCodec implements RecordCodec {
  private final Schema schema;
  private final int[] columns;
  private final org.apache.avro.Schema avro;
  /** For each of {@link #columns}, the position of its Avro field. */
  private final int[] fieldOf;
  private final GenericDatumReader<GenericRecord> reader;
  private final GenericDatumWriter<GenericRecord> writer;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private BinaryDecoder decoder;
  private BinaryEncoder encoder;
  private GenericRecord reuse;

  AvroCodec(Schema schema, int[] columns, String avroSchema, String recordName) {
    this.schema = schema;
    this.columns = columns;
    if (avroSchema == null) {
      this.avro = derive(schema, columns, recordName);
    } else {
      try {
        this.avro = new org.apache.avro.Schema.Parser().parse(avroSchema);
      } catch (RuntimeException e) {
        throw new InvalidOptionException(KafkaConnectorFactory.ID, KafkaConnectorFactory.AVRO_SCHEMA,
            "connector 'kafka': option 'avro.schema' is not a valid Avro schema: " + e.getMessage());
      }
      if (avro.getType() != org.apache.avro.Schema.Type.RECORD) {
        throw new InvalidOptionException(KafkaConnectorFactory.ID, KafkaConnectorFactory.AVRO_SCHEMA,
            "connector 'kafka': option 'avro.schema' must be a record schema, not " + avro.getType());
      }
    }
    this.fieldOf = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      String name = schema.column(columns[i]).name();
      org.apache.avro.Schema.Field f = avro.getField(name);
      if (f == null) {
        f = avro.getFields().stream().filter(x -> x.name().equalsIgnoreCase(name)).findFirst().orElseThrow(() ->
            new InvalidOptionException(KafkaConnectorFactory.ID, KafkaConnectorFactory.AVRO_SCHEMA,
                "connector 'kafka': option 'avro.schema' has no field for column '" + name + "'"));
      }
      fieldOf[i] = f.pos();
    }
    this.reader = new GenericDatumReader<>(avro);
    this.writer = new GenericDatumWriter<>(avro);
  }

  /** The schema derived from the columns when {@code avro.schema} is not given. */
  static org.apache.avro.Schema derive(Schema schema, int[] columns, String recordName) {
    String name = recordName.replaceAll("[^A-Za-z0-9_]", "_");
    SchemaBuilder.FieldAssembler<org.apache.avro.Schema> fields =
        SchemaBuilder.record(Character.isDigit(name.charAt(0)) ? "_" + name : name).namespace("dev.laminar").fields();
    for (int c : columns) {
      Column column = schema.column(c);
      org.apache.avro.Schema type = switch (column.type().kind()) {
        case BOOLEAN -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
        case INT -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
        case BIGINT -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
        case DOUBLE -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.DOUBLE);
        case DECIMAL -> LogicalTypes.decimal(column.type().precision(), column.type().scale())
            .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES));
        case VARCHAR -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
        case TIMESTAMP -> LogicalTypes.timestampMillis().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
        case BYTES -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES);
      };
      if (column.nullable()) {
        type = org.apache.avro.Schema.createUnion(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), type);
        fields = fields.name(column.name()).type(type).withDefault(null);
      } else {
        fields = fields.name(column.name()).type(type).noDefault();
      }
    }
    return fields.endRecord();
  }

  @Override
  public void decode(byte[] bytes, RowWriter out) {
    if (bytes == null) {
      throw new IllegalArgumentException("the record has no value (null)");
    }
    GenericRecord record;
    try {
      decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
      record = reader.read(reuse, decoder);
      if (!decoder.isEnd()) {
        throw new IllegalArgumentException("malformed Avro: " + (bytes.length - decoder.inputStream().available())
            + " of " + bytes.length + " bytes make a record; the rest is left over");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException i && i.getMessage() != null && i.getMessage().startsWith("malformed")) {
        throw i;
      }
      throw new IllegalArgumentException("malformed Avro for schema " + avro.getFullName() + ": " + e);
    }
    reuse = record;
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      Column column = schema.column(c);
      Object v = record.get(fieldOf[i]);
      if (v == null) {
        if (!column.nullable()) {
          throw new IllegalArgumentException("column '" + column.name() + "' is NOT NULL but the field is null");
        }
        continue;
      }
      try {
        set(out, c, column.type(), v, nonNull(avro.getFields().get(fieldOf[i]).schema()));
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new IllegalArgumentException("column '" + column.name() + "': " + e.getMessage(), e);
      }
    }
  }

  private static void set(RowWriter out, int c, DataType type, Object v, org.apache.avro.Schema field) {
    if (v instanceof CharSequence s && type.kind() != dev.laminar.sdk.type.TypeKind.VARCHAR) {
      Values.parseInto(out, c, type, s.toString());
      return;
    }
    switch (type.kind()) {
      case BOOLEAN -> out.setBoolean(c, (Boolean) v);
      case INT -> out.setInt(c, Math.toIntExact(((Number) v).longValue()));
      case BIGINT -> out.setLong(c, ((Number) v).longValue());
      case DOUBLE -> out.setDouble(c, ((Number) v).doubleValue());
      case DECIMAL -> out.setDecimal(c, Values.fit(decimal(v, field), type));
      case VARCHAR -> out.setString(c, v.toString());
      case TIMESTAMP -> {
        long n = ((Number) v).longValue();
        out.setTimestampMillis(c, field.getLogicalType() instanceof LogicalTypes.TimestampMicros ? Math.floorDiv(n, 1000L) : n);
      }
      case BYTES -> out.setBytes(c, bytes(v));
    }
  }

  private static BigDecimal decimal(Object v, org.apache.avro.Schema field) {
    if (v instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    LogicalType logical = field.getLogicalType();
    if (!(logical instanceof LogicalTypes.Decimal d)) {
      throw new IllegalArgumentException("Avro " + field.getType() + " without the decimal logical type cannot be read as DECIMAL");
    }
    return new BigDecimal(new BigInteger(bytes(v)), d.getScale());
  }

  private static byte[] bytes(Object v) {
    if (v instanceof ByteBuffer b) {
      byte[] copy = new byte[b.remaining()];
      b.duplicate().get(copy);
      return copy;
    }
    if (v instanceof GenericFixed f) {
      return f.bytes().clone();
    }
    throw new IllegalArgumentException("expected Avro bytes but found " + v.getClass().getSimpleName());
  }

  private static org.apache.avro.Schema nonNull(org.apache.avro.Schema s) {
    if (s.getType() != org.apache.avro.Schema.Type.UNION) {
      return s;
    }
    for (org.apache.avro.Schema branch : s.getTypes()) {
      if (branch.getType() != org.apache.avro.Schema.Type.NULL) {
        return branch;
      }
    }
    return s;
  }

  @Override
  public byte[] encode(RowBatch batch, int row) {
    GenericData.Record record = new GenericData.Record(avro);
    for (int i = 0; i < columns.length; i++) {
      int c = columns[i];
      if (!batch.isNull(row, c)) {
        record.put(fieldOf[i], avroValue(batch, row, c, nonNull(avro.getFields().get(fieldOf[i]).schema())));
      }
    }
    buffer.reset();
    encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private static Object avroValue(RowBatch batch, int row, int c, org.apache.avro.Schema field) {
    org.apache.avro.Schema.Type target = field.getType();
    return switch (batch.schema().column(c).type().kind()) {
      case BOOLEAN -> batch.getBoolean(row, c);
      case INT -> target == org.apache.avro.Schema.Type.LONG ? (Object) (long) batch.getInt(row, c) : (Object) batch.getInt(row, c);
      case BIGINT -> batch.getLong(row, c);
      case DOUBLE -> target == org.apache.avro.Schema.Type.FLOAT ? (Object) (float) batch.getDouble(row, c) : (Object) batch.getDouble(row, c);
      case DECIMAL -> {
        BigDecimal d = batch.getDecimal(row, c);
        if (field.getLogicalType() instanceof LogicalTypes.Decimal dec) {
          yield ByteBuffer.wrap(d.setScale(dec.getScale(), java.math.RoundingMode.HALF_UP).unscaledValue().toByteArray());
        }
        yield target == org.apache.avro.Schema.Type.STRING ? d.toPlainString() : (Object) d.doubleValue();
      }
      case VARCHAR -> batch.getString(row, c);
      case TIMESTAMP -> {
        long millis = batch.getTimestampMillis(row, c);
        if (target == org.apache.avro.Schema.Type.STRING) {
          yield Values.formatTimestamp(millis);
        }
        yield field.getLogicalType() instanceof LogicalTypes.TimestampMicros ? millis * 1000L : millis;
      }
      case BYTES -> ByteBuffer.wrap(batch.getBytes(row, c));
    };
  }

}
