package dev.laminar.tck;

import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link BatchWriter} that collects the rows a source writes as {@link Row}s, checking every call
 * the way the engine's batch does: a setter whose type does not match the column throws
 * {@link IllegalArgumentException} naming the column; {@code beginRow} on a full batch, or while a row
 * is open, throws {@link IllegalStateException}. It is stricter than the engine in one respect: a
 * NOT NULL column left NULL fails {@link #endRow()}.
 *
 * <p>Values are kept in the Java representation of {@link dev.laminar.sdk.row.RowBatch#getObject}:
 * DECIMAL as {@link BigDecimal} at the column's scale, TIMESTAMP as {@link LocalDateTime} (UTC wall
 * clock of the epoch millis). Not thread-safe, like the engine's batch.
 */
public final class CollectingBatchWriter implements BatchWriter {
  private final Schema schema;
  private final int capacity;
  private final List<Row> rows = new ArrayList<>();
  private Object[] current;
  private RowKind currentKind = RowKind.INSERT;

  /** A writer for rows of {@code schema} that holds at most {@code capacity} rows until {@link #clear()}. */
  public CollectingBatchWriter(Schema schema, int capacity) {
    this.schema = Objects.requireNonNull(schema, "schema is null");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
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
    return rows.size();
  }

  /** The rows completed so far, in the order written. */
  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Returns the rows completed so far and empties the batch, as the engine does after taking a batch. */
  public List<Row> drain() {
    List<Row> out = List.copyOf(rows);
    clear();
    return out;
  }

  /** Empties the batch (an open row is discarded). */
  public void clear() {
    rows.clear();
    current = null;
  }

  @Override
  public void beginRow() {
    if (current != null) {
      throw new IllegalStateException("beginRow() while a row is open: call endRow() or cancelRow() first");
    }
    if (rows.size() >= capacity) {
      throw new IllegalStateException("batch is full (" + capacity + " rows): poll must stop writing when isFull()");
    }
    current = new Object[schema.size()];
    currentKind = RowKind.INSERT;
  }

  @Override
  public void setRowKind(RowKind kind) {
    requireOpenRow("setRowKind");
    currentKind = Objects.requireNonNull(kind, "kind is null");
  }

  @Override
  public void endRow() {
    requireOpenRow("endRow");
    for (int c = 0; c < current.length; c++) {
      Column column = schema.column(c);
      if (current[c] == null && !column.nullable()) {
        throw new IllegalStateException("column '" + column.name() + "' is NOT NULL but the row leaves it NULL");
      }
    }
    rows.add(Row.ofKind(currentKind, current));
    current = null;
  }

  @Override
  public void cancelRow() {
    current = null;
  }

  @Override
  public void setNull(int column) {
    put(column, null);
  }

  @Override
  public void setBoolean(int column, boolean value) {
    expect(column, "setBoolean", TypeKind.BOOLEAN);
    put(column, value);
  }

  @Override
  public void setInt(int column, int value) {
    TypeKind kind = kind(column);
    if (kind == TypeKind.INT) {
      put(column, value);
    } else if (kind == TypeKind.BIGINT) {
      put(column, (long) value);
    } else {
      throw mismatch(column, "setInt");
    }
  }

  @Override
  public void setLong(int column, long value) {
    TypeKind kind = kind(column);
    if (kind == TypeKind.BIGINT) {
      put(column, value);
    } else if (kind == TypeKind.INT) {
      if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("column '" + name(column) + "' is INT: " + value + " does not fit");
      }
      put(column, (int) value);
    } else {
      throw mismatch(column, "setLong");
    }
  }

  @Override
  public void setDouble(int column, double value) {
    expect(column, "setDouble", TypeKind.DOUBLE);
    put(column, value);
  }

  @Override
  public void setDecimalUnscaled(int column, long unscaledValue) {
    DataType type = schema.column(column).type();
    if (!type.isCompactDecimal()) {
      throw mismatch(column, "setDecimalUnscaled");
    }
    put(column, checkPrecision(column, BigDecimal.valueOf(unscaledValue, type.scale())));
  }

  @Override
  public void setDecimal(int column, BigDecimal value) {
    expect(column, "setDecimal", TypeKind.DECIMAL);
    if (value == null) {
      put(column, null);
      return;
    }
    int scale = schema.column(column).type().scale();
    put(column, checkPrecision(column, value.setScale(scale, RoundingMode.HALF_UP)));
  }

  @Override
  public void setString(int column, String value) {
    expect(column, "setString", TypeKind.VARCHAR);
    put(column, value);
  }

  @Override
  public void setBytes(int column, byte[] value) {
    expect(column, "setBytes", TypeKind.BYTES);
    put(column, value);
  }

  @Override
  public void setTimestampMillis(int column, long epochMillis) {
    expect(column, "setTimestampMillis", TypeKind.TIMESTAMP);
    put(column, toLocalDateTime(epochMillis));
  }

  @Override
  public void setObject(int column, Object value) {
    if (value == null) {
      put(column, null);
      return;
    }
    switch (kind(column)) {
      case BOOLEAN -> setBoolean(column, cast(column, value, Boolean.class));
      case INT, BIGINT -> setLong(column, integral(column, value));
      case DOUBLE -> setDouble(column, cast(column, value, Number.class).doubleValue());
      case DECIMAL -> setDecimal(column, value instanceof BigDecimal d ? d : new BigDecimal(cast(column, value, Number.class).toString()));
      case VARCHAR -> setString(column, value.toString());
      case BYTES -> setBytes(column, cast(column, value, byte[].class));
      case TIMESTAMP -> setTimestampMillis(column, timestampMillis(column, value));
    }
  }

  /** The UTC wall-clock time of {@code epochMillis}: how TIMESTAMP values appear in {@link Row}s. */
  public static LocalDateTime toLocalDateTime(long epochMillis) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
        (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
  }

  private long timestampMillis(int column, Object value) {
    if (value instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (value instanceof Instant i) {
      return i.toEpochMilli();
    }
    return integral(column, value);
  }

  private long integral(int column, Object value) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException("column '" + name(column) + "' is " + schema.column(column).type()
        + ": setObject does not accept " + value.getClass().getName() + " " + value);
  }

  private <T> T cast(int column, Object value, Class<T> type) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("column '" + name(column) + "' is " + schema.column(column).type()
          + ": setObject does not accept " + value.getClass().getName() + " " + value);
    }
    return type.cast(value);
  }

  private BigDecimal checkPrecision(int column, BigDecimal value) {
    DataType type = schema.column(column).type();
    if (value.precision() - value.scale() > type.precision() - type.scale()) {
      throw new IllegalArgumentException("column '" + name(column) + "' is " + type + ": " + value.toPlainString() + " does not fit");
    }
    return value;
  }

  private void put(int column, Object value) {
    requireOpenRow("a setter");
    Objects.checkIndex(column, current.length);
    current[column] = value;
  }

  private void expect(int column, String setter, TypeKind kind) {
    if (kind(column) != kind) {
      throw mismatch(column, setter);
    }
  }

  private TypeKind kind(int column) {
    Objects.checkIndex(column, schema.size());
    return schema.column(column).type().kind();
  }

  private String name(int column) {
    return schema.column(column).name();
  }

  private IllegalArgumentException mismatch(int column, String setter) {
    Column c = schema.column(column);
    return new IllegalArgumentException("column '" + c.name() + "' is " + c.type() + ": " + setter + " does not apply");
  }

  private void requireOpenRow(String call) {
    if (current == null) {
      throw new IllegalStateException(call + " without beginRow()");
    }
  }
}
