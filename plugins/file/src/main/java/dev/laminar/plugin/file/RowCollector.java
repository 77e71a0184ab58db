package dev.laminar.plugin.file;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BatchWriter} that keeps the rows a {@link FileSourceReader} writes as {@link Row}s, values in
 * the Java representation of {@link dev.laminar.sdk.row.RowBatch#getObject} (DECIMAL at the column's
 * scale, TIMESTAMP as a UTC {@link LocalDateTime}): how the lookup table loads its files. Setters
 * trust the decoders to call the one that fits the column. Not thread-safe.
 */
final class RowCollector implements BatchWriter {
  private final Schema schema;
  private final int capacity;
  private final List<Row> rows = new ArrayList<>();
  private int inBatch;
  private Object[] current;

  RowCollector(Schema schema, int capacity) {
    this.schema = schema;
    this.capacity = capacity;
  }

  /** Every row completed so far. */
  List<Row> rows() {
    return rows;
  }

  /** Starts a new batch: {@link #isFull()} counts from here; the rows collected so far are kept. */
  void nextBatch() {
    inBatch = 0;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public int size() {
    return inBatch;
  }

  @Override
  public void beginRow() {
    if (isFull()) {
      throw new IllegalStateException("batch is full");
    }
    current = new Object[schema.size()];
  }

  @Override
  public void setRowKind(RowKind kind) {
    if (kind != RowKind.INSERT) {
      throw new IllegalArgumentException("a lookup table holds inserted rows only, not " + kind.shortName());
    }
  }

  @Override
  public void endRow() {
    rows.add(Row.of(current));
    current = null;
    inBatch++;
  }

  @Override
  public void cancelRow() {
    current = null;
  }

  @Override
  public void setNull(int column) {
    current[column] = null;
  }

  @Override
  public void setBoolean(int column, boolean value) {
    current[column] = value;
  }

  @Override
  public void setInt(int column, int value) {
    current[column] = type(column).kind() == dev.laminar.sdk.type.TypeKind.BIGINT ? (Object) (long) value : (Object) value;
  }

  @Override
  public void setLong(int column, long value) {
    current[column] = type(column).kind() == dev.laminar.sdk.type.TypeKind.INT ? (Object) Math.toIntExact(value) : (Object) value;
  }

  @Override
  public void setDouble(int column, double value) {
    current[column] = value;
  }

  @Override
  public void setDecimalUnscaled(int column, long unscaledValue) {
    current[column] = BigDecimal.valueOf(unscaledValue, type(column).scale());
  }

  @Override
  public void setDecimal(int column, BigDecimal value) {
    current[column] = value == null ? null : value.setScale(type(column).scale(), RoundingMode.HALF_UP);
  }

  @Override
  public void setString(int column, String value) {
    current[column] = value;
  }

  @Override
  public void setBytes(int column, byte[] value) {
    current[column] = value;
  }

  @Override
  public void setTimestampMillis(int column, long epochMillis) {
    current[column] = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
        (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
  }

  @Override
  public void setObject(int column, Object value) {
    current[column] = value instanceof BigDecimal d ? d.setScale(type(column).scale(), RoundingMode.HALF_UP) : value;
  }

  private DataType type(int column) {
    return schema.column(column).type();
  }
}
