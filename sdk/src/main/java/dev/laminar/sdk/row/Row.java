package dev.laminar.sdk.row;

import dev.laminar.sdk.annotation.Stable;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable row of boxed values (the Java representations listed in {@link RowBatch#getObject}).
 * Used off the hot path: lookup keys and results, test fixtures, copies of emitted rows.
 */
@Stable
public final class Row {
  private final RowKind kind;
  private final Object[] values;

  private Row(RowKind kind, Object[] values) {
    this.kind = Objects.requireNonNull(kind, "kind is null");
    this.values = values.clone();
  }

  public static Row of(Object... values) {
    return new Row(RowKind.INSERT, values);
  }

  public static Row ofKind(RowKind kind, Object... values) {
    return new Row(kind, values);
  }

  public RowKind kind() {
    return kind;
  }

  public int arity() {
    return values.length;
  }

  public Object get(int index) {
    return values[index];
  }

  /** A copy of the values. */
  public Object[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && r.kind == kind && Arrays.deepEquals(r.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * kind.hashCode() + Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return (kind == RowKind.INSERT ? "" : kind.shortName()) + Arrays.deepToString(values);
  }
}
