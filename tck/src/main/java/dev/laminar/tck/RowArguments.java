package dev.laminar.tck;

import dev.laminar.sdk.function.Arguments;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * {@link Arguments} over the values of a {@link Row}, typed by the declared argument types, for calling
 * functions in tests the way the engine does: one instance is reused for every call ({@link #set}), so
 * a function that keeps the object instead of reading its values is caught. Getters check that they
 * apply to the argument's type; a primitive getter on NULL returns 0 / false, as in the engine.
 * Not thread-safe.
 */
public final class RowArguments implements Arguments {
  private final List<DataType> types;
  private Row row;

  /** Arguments of the given types; call {@link #set} before each call. */
  public RowArguments(List<DataType> types) {
    this.types = List.copyOf(Objects.requireNonNull(types, "types is null"));
  }

  /**
   * Points this object at {@code values} (Java representation of {@link dev.laminar.sdk.row.RowBatch#getObject}).
   *
   * @throws IllegalArgumentException when the arity or a value's class does not fit the types
   */
  public RowArguments set(Row values) {
    Objects.requireNonNull(values, "values is null");
    if (values.arity() != types.size()) {
      throw new IllegalArgumentException(values.arity() + " argument values for " + types.size() + " argument types " + types);
    }
    for (int i = 0; i < types.size(); i++) {
      Object v = values.get(i);
      if (v != null && !ListRowBatch.javaType(types.get(i)).isInstance(v)) {
        throw new IllegalArgumentException("argument " + i + " (" + types.get(i) + ") needs a "
            + ListRowBatch.javaType(types.get(i)).getSimpleName() + " but got " + v.getClass().getName() + " " + v);
      }
    }
    this.row = values;
    return this;
  }

  @Override
  public int size() {
    return types.size();
  }

  @Override
  public boolean isNull(int index) {
    return value(index) == null;
  }

  @Override
  public boolean getBoolean(int index) {
    expect(index, "getBoolean", types.get(index).kind() == TypeKind.BOOLEAN);
    Object v = value(index);
    return v != null && (Boolean) v;
  }

  @Override
  public long getLong(int index) {
    TypeKind kind = types.get(index).kind();
    expect(index, "getLong", kind == TypeKind.INT || kind == TypeKind.BIGINT || kind == TypeKind.TIMESTAMP);
    Object v = value(index);
    if (v == null) {
      return 0;
    }
    return v instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC).toEpochMilli() : ((Number) v).longValue();
  }

  @Override
  public double getDouble(int index) {
    expect(index, "getDouble", types.get(index).isNumeric());
    Object v = value(index);
    return v == null ? 0 : ((Number) v).doubleValue();
  }

  @Override
  public String getString(int index) {
    expect(index, "getString", types.get(index).kind() == TypeKind.VARCHAR);
    return (String) value(index);
  }

  @Override
  public Object get(int index) {
    Object v = value(index);
    return v instanceof byte[] b ? b.clone() : v; // a function must not be able to change the engine's bytes
  }

  private Object value(int index) {
    if (row == null) {
      throw new IllegalStateException("no argument values: call set(row) first");
    }
    Objects.checkIndex(index, types.size());
    return row.get(index);
  }

  private void expect(int index, String getter, boolean applies) {
    Objects.checkIndex(index, types.size());
    if (!applies) {
      throw new IllegalArgumentException("argument " + index + " is " + types.get(index) + ": " + getter + " does not apply");
    }
  }
}
