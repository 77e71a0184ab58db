package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RowBatch} over a list of {@link Row}s, for feeding sinks in tests. The rows are checked
 * against the schema when the batch is built (arity, and each value in the column's Java
 * representation: Boolean, Integer, Long, Double, BigDecimal, String, byte[], LocalDateTime), and
 * each getter checks that it applies to the column's type, as a sink written against the engine must
 * not rely on lenient reads.
 */
public final class ListRowBatch implements RowBatch {
  private final Schema schema;
  private final List<Row> rows;

  /**
   * @throws IllegalArgumentException naming the row and column when a row does not fit the schema
   */
  public ListRowBatch(Schema schema, List<Row> rows) {
    this.schema = Objects.requireNonNull(schema, "schema is null");
    List<Row> checked = new ArrayList<>(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      checked.add(normalise(schema, r, rows.get(r)));
    }
    this.rows = List.copyOf(checked);
  }

  /** Cuts {@code rows} into batches of at most {@code batchSize} rows, in order. */
  public static List<ListRowBatch> batches(Schema schema, List<Row> rows, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
    }
    List<ListRowBatch> out = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += batchSize) {
      out.add(new ListRowBatch(schema, rows.subList(from, Math.min(rows.size(), from + batchSize))));
    }
    return out;
  }

  /** The rows, with DECIMAL values at the column's scale. */
  public List<Row> rows() {
    return rows;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public int size() {
    return rows.size();
  }

  @Override
  public RowKind rowKind(int row) {
    return rows.get(row).kind();
  }

  @Override
  public boolean isNull(int row, int column) {
    return value(row, column) == null;
  }

  @Override
  public boolean getBoolean(int row, int column) {
    expect(column, "getBoolean", TypeKind.BOOLEAN);
    Object v = value(row, column);
    return v != null && (Boolean) v;
  }

  @Override
  public int getInt(int row, int column) {
    expect(column, "getInt", TypeKind.INT);
    Object v = value(row, column);
    return v == null ? 0 : (Integer) v;
  }

  @Override
  public long getLong(int row, int column) {
    Object v = value(row, column);
    return switch (kind(column)) {
      case INT -> v == null ? 0 : (Integer) v;
      case BIGINT -> v == null ? 0 : (Long) v;
      case TIMESTAMP -> v == null ? 0 : ((LocalDateTime) v).toInstant(ZoneOffset.UTC).toEpochMilli();
      default -> throw mismatch(column, "getLong");
    };
  }

  @Override
  public double getDouble(int row, int column) {
    expect(column, "getDouble", TypeKind.DOUBLE);
    Object v = value(row, column);
    return v == null ? 0 : (Double) v;
  }

  @Override
  public long getDecimalUnscaled(int row, int column) {
    if (!schema.column(column).type().isCompactDecimal()) {
      throw mismatch(column, "getDecimalUnscaled");
    }
    Object v = value(row, column);
    return v == null ? 0 : ((BigDecimal) v).unscaledValue().longValueExact();
  }

  @Override
  public BigDecimal getDecimal(int row, int column) {
    expect(column, "getDecimal", TypeKind.DECIMAL);
    return (BigDecimal) value(row, column);
  }

  @Override
  public String getString(int row, int column) {
    expect(column, "getString", TypeKind.VARCHAR);
    return (String) value(row, column);
  }

  @Override
  public byte[] getBytes(int row, int column) {
    expect(column, "getBytes", TypeKind.BYTES);
    return (byte[]) value(row, column);
  }

  @Override
  public Object getObject(int row, int column) {
    return value(row, column);
  }

  private Object value(int row, int column) {
    Objects.checkIndex(column, schema.size());
    return rows.get(row).get(column);
  }

  private TypeKind kind(int column) {
    return schema.column(column).type().kind();
  }

  private void expect(int column, String getter, TypeKind kind) {
    if (kind(column) != kind) {
      throw mismatch(column, getter);
    }
  }

  private IllegalArgumentException mismatch(int column, String getter) {
    Column c = schema.column(column);
    return new IllegalArgumentException("column '" + c.name() + "' is " + c.type() + ": " + getter + " does not apply");
  }

  private static Row normalise(Schema schema, int index, Row row) {
    if (row.arity() != schema.size()) {
      throw new IllegalArgumentException("row " + index + " has " + row.arity() + " values but the schema has "
          + schema.size() + " columns: " + row);
    }
    Object[] values = row.values();
    for (int c = 0; c < values.length; c++) {
      Column column = schema.column(c);
      Object v = values[c];
      if (v == null) {
        if (!column.nullable()) {
          throw new IllegalArgumentException("row " + index + ": column '" + column.name() + "' is NOT NULL but the value is null");
        }
        continue;
      }
      Class<?> expected = javaType(column.type());
      if (!expected.isInstance(v)) {
        throw new IllegalArgumentException("row " + index + ": column '" + column.name() + "' (" + column.type() + ") needs a "
            + expected.getSimpleName() + " but got " + v.getClass().getName() + " " + v);
      }
      if (v instanceof BigDecimal d) {
        values[c] = rescale(index, column, d);
      }
    }
    return Row.ofKind(row.kind(), values);
  }

  private static BigDecimal rescale(int index, Column column, BigDecimal d) {
    DataType type = column.type();
    BigDecimal scaled = d.setScale(type.scale(), RoundingMode.HALF_UP);
    if (scaled.compareTo(d) != 0 || scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
      throw new IllegalArgumentException("row " + index + ": column '" + column.name() + "' (" + type + ") cannot hold "
          + d.toPlainString());
    }
    return scaled;
  }

  /** The Java class of values of {@code type} in {@link Row}s. */
  static Class<?> javaType(DataType type) {
    return switch (type.kind()) {
      case BOOLEAN -> Boolean.class;
      case INT -> Integer.class;
      case BIGINT -> Long.class;
      case DOUBLE -> Double.class;
      case DECIMAL -> BigDecimal.class;
      case VARCHAR -> String.class;
      case BYTES -> byte[].class;
      case TIMESTAMP -> LocalDateTime.class;
    };
  }
}
