package dev.laminar.sdk.type;

import dev.laminar.sdk.annotation.Stable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An ordered list of uniquely named columns (names compared case-insensitively). Immutable. */
@Stable
public final class Schema {
  private final List<Column> columns;
  private final Map<String, Integer> indexByName;

  private Schema(List<Column> columns) {
    this.columns = List.copyOf(columns);
    this.indexByName = new HashMap<>();
    for (int i = 0; i < this.columns.size(); i++) {
      String key = this.columns.get(i).name().toLowerCase(java.util.Locale.ROOT);
      if (indexByName.putIfAbsent(key, i) != null) {
        throw new IllegalArgumentException("duplicate column name: " + this.columns.get(i).name());
      }
    }
  }

  public static Schema of(List<Column> columns) {
    return new Schema(Objects.requireNonNull(columns, "columns is null"));
  }

  public static Schema of(Column... columns) {
    return new Schema(List.of(columns));
  }

  /** A builder for schemas declared in code. */
  public static Builder builder() {
    return new Builder();
  }

  public List<Column> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  public Column column(int index) {
    return columns.get(index);
  }

  /** Index of the column with this name (case-insensitive), or -1. */
  public int indexOf(String name) {
    Integer i = indexByName.get(name.toLowerCase(java.util.Locale.ROOT));
    return i == null ? -1 : i;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schema s && s.columns.equals(columns);
  }

  @Override
  public int hashCode() {
    return columns.hashCode();
  }

  @Override
  public String toString() {
    return columns.toString();
  }

  /** Collects columns in order. */
  public static final class Builder {
    private final List<Column> columns = new ArrayList<>();

    private Builder() {}

    public Builder column(String name, DataType type) {
      columns.add(Column.of(name, type));
      return this;
    }

    public Builder column(String name, DataType type, boolean nullable) {
      columns.add(new Column(name, type, nullable));
      return this;
    }

    public Schema build() {
      return new Schema(columns);
    }
  }
}
