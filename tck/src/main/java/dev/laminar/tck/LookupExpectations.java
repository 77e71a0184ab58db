package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a correct lookup table returns for the rows a test wrote: an index from key to rows, computed
 * here by brute force with SQL equality (a key with a NULL component equals nothing).
 */
final class LookupExpectations {
  private final Schema schema;
  private final int[] keyColumns;
  private final List<Row> rows;
  private final Map<List<Object>, List<Row>> byKey = new LinkedHashMap<>();
  private final List<Row> hitKeys;
  private final List<Row> writtenKeysWithNull;
  private final List<Row> missingKeys;

  /**
   * @throws AssertionError when a key column is not a column of {@code schema}
   */
  LookupExpectations(Schema schema, List<String> keyColumnNames, List<Row> written) {
    this.schema = schema;
    if (keyColumnNames.isEmpty()) {
      throw new AssertionError("LookupTestContext.keyColumns() is empty");
    }
    this.keyColumns = new int[keyColumnNames.size()];
    for (int i = 0; i < keyColumns.length; i++) {
      keyColumns[i] = schema.indexOf(keyColumnNames.get(i));
      if (keyColumns[i] < 0) {
        throw new AssertionError("key column '" + keyColumnNames.get(i) + "' of LookupTestContext.keyColumns() is not a column of "
            + schema);
      }
    }
    this.rows = new ListRowBatch(schema, written).rows();
    for (Row row : rows) {
      Row key = keyOf(row);
      if (!hasNull(key)) {
        byKey.computeIfAbsent(identity(key), k -> new ArrayList<>()).add(row);
      }
    }
    List<Row> hits = new ArrayList<>(byKey.size());
    for (List<Row> matches : byKey.values()) {
      hits.add(keyOf(matches.get(0)));
    }
    this.hitKeys = List.copyOf(hits);
    List<Row> withNull = new ArrayList<>();
    for (Row row : rows) {
      Row key = keyOf(row);
      if (hasNull(key)) {
        withNull.add(key);
      }
    }
    this.writtenKeysWithNull = List.copyOf(withNull);
    this.missingKeys = findMissingKeys(5);
  }

  /** The key schema a table with these key columns declares. */
  Schema keySchema() {
    List<Column> columns = new ArrayList<>();
    for (int c : keyColumns) {
      columns.add(schema.column(c));
    }
    return Schema.of(columns);
  }

  /** The written rows, with DECIMAL values at their column's scale. */
  List<Row> rows() {
    return rows;
  }

  /** The key of {@code row}: its key columns' values, in key order. */
  Row keyOf(Row row) {
    Object[] values = new Object[keyColumns.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(keyColumns[i]);
    }
    return Row.of(values);
  }

  int keyColumn(int component) {
    return keyColumns[component];
  }

  int keyArity() {
    return keyColumns.length;
  }

  /** The rows a lookup of {@code key} must return (empty for a miss or a key with a NULL component). */
  List<Row> expected(Row key) {
    if (hasNull(key)) {
      return List.of();
    }
    return byKey.getOrDefault(identity(key), List.of());
  }

  /** Every key that has matches, each once, in the order first written. */
  List<Row> hitKeys() {
    return hitKeys;
  }

  /** Keys of written rows that have a NULL component (rows a correct table never returns). */
  List<Row> writtenKeysWithNull() {
    return writtenKeysWithNull;
  }

  /**
   * Up to five keys that match no written row, made of the values {@link TestData} gives row numbers far
   * beyond the written ones; fewer when the key types cannot hold that many (BOOLEAN).
   */
  List<Row> missingKeys() {
    return missingKeys;
  }

  private List<Row> findMissingKeys(int count) {
    List<Row> out = new ArrayList<>();
    Schema keySchema = keySchema();
    for (int i = 0; i < count * 10 && out.size() < count; i++) {
      Object[] values = new Object[keyColumns.length];
      for (int k = 0; k < values.length; k++) {
        values[k] = TestData.value(schema.column(keyColumns[k]).type(), 1_000_003 + i * 7 + k, true);
      }
      Row key = new ListRowBatch(keySchema, List.of(Row.of(values))).rows().get(0);
      if (expected(key).isEmpty() && !out.contains(key)) {
        out.add(key);
      }
    }
    return List.copyOf(out);
  }

  /** Whether any value of {@code row} is NULL. */
  static boolean hasNull(Row row) {
    for (int i = 0; i < row.arity(); i++) {
      if (row.get(i) == null) {
        return true;
      }
    }
    return false;
  }

  /** Key values with byte arrays compared by content. */
  private static List<Object> identity(Row key) {
    Object[] values = key.values();
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof byte[] b) {
        values[i] = ByteBuffer.wrap(b);
      }
    }
    return Arrays.asList(values);
  }
}
