package dev.laminar.sdk.type;

import dev.laminar.sdk.annotation.Stable;
import java.util.Objects;

/**
 * A named, typed column of a {@link Schema}.
 *
 * @param name column name as declared (case preserved)
 * @param type logical type
 * @param nullable whether the column may hold SQL NULL
 */
@Stable
public record Column(String name, DataType type, boolean nullable) {
  public Column {
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(type, "type is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("column name is blank");
    }
  }

  /** A nullable column. */
  public static Column of(String name, DataType type) {
    return new Column(name, type, true);
  }

  @Override
  public String toString() {
    return name + " " + type + (nullable ? "" : " NOT NULL");
  }
}
