package dev.laminar.plugin.file;

import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code file} lookup table: every record of the file (or of the matching files of the directory)
 * {@code path}, loaded into memory by {@link #open()} with the source's formats, options and bad-record
 * policy, and indexed by the columns of option {@code lookup.key}. A key returns its rows in file order
 * (files in name order); a key with a NULL component, like a stored row with NULL in a key column,
 * matches nothing. Lookups read only the in-memory index, so they complete at once and may run on any
 * number of threads; changes to the files after {@code open()} are not seen.
 */
final class FileLookupTable implements LookupTable {
  private static final Object NO_MATCH = new Object();
  private static final int LOAD_BATCH = 1024;

  private final String objectName;
  private final Schema schema;
  private final FileSettings settings;
  private final Schema keySchema;
  private final int[] keyColumns;
  /** Key values (normalised) → rows; replaced whole, never mutated after publication. */
  private volatile Map<List<Object>, List<Row>> index;

  FileLookupTable(String objectName, Schema schema, FileSettings settings, List<String> keyColumnNames) {
    this.objectName = objectName;
    this.schema = schema;
    this.settings = settings;
    this.keyColumns = new int[keyColumnNames.size()];
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < keyColumns.length; i++) {
      keyColumns[i] = schema.indexOf(keyColumnNames.get(i));
      columns.add(schema.column(keyColumns[i]));
    }
    this.keySchema = Schema.of(columns);
  }

  @Override
  public Schema keySchema() {
    return keySchema;
  }

  @Override
  public Schema rowSchema() {
    return schema;
  }

  /**
   * Reads every file and builds the index.
   *
   * @throws BadRecordException for a record that cannot be decoded, with {@code bad-records = fail}
   * @throws java.nio.file.NoSuchFileException when {@code path} names nothing
   */
  @Override
  public void open() throws Exception {
    FileSource source = new FileSource(objectName, schema, settings);
    RowCollector rows = new RowCollector(schema, LOAD_BATCH);
    for (SourceSplit split : source.discoverSplits()) {
      try (FileSourceReader reader = source.createReader(split)) {
        reader.open();
        PollStatus status;
        do {
          rows.nextBatch();
          status = reader.poll(rows);
        } while (status != PollStatus.FINISHED);
      }
    }
    Map<List<Object>, List<Row>> built = new HashMap<>();
    for (Row row : rows.rows()) {
      List<Object> key = key(row, true);
      if (key != null) {
        built.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
      }
    }
    built.replaceAll((k, v) -> List.copyOf(v));
    index = built;
  }

  @Override
  public CompletionStage<List<List<Row>>> lookup(List<Row> keys) {
    Map<List<Object>, List<Row>> current = index;
    if (current == null) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "lookup table '" + objectName + "' (connector 'file') is not open"));
    }
    List<List<Row>> out = new ArrayList<>(keys.size());
    try {
      for (Row key : keys) {
        if (key.arity() != keyColumns.length) {
          throw new IllegalArgumentException("lookup table '" + objectName + "' has key " + keySchema + " but a key of "
              + key.arity() + " values was given: " + key);
        }
        List<Object> k = key(key, false);
        out.add(k == null ? List.of() : current.getOrDefault(k, List.of()));
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.completedFuture(out);
  }

  /** The normalised key of a stored row ({@code fromRow}) or of a lookup key; {@code null} when it can match nothing. */
  private List<Object> key(Row values, boolean fromRow) {
    Object[] key = new Object[keyColumns.length];
    for (int i = 0; i < key.length; i++) {
      Object v = normalise(keySchema.column(i).type(), values.get(fromRow ? keyColumns[i] : i));
      if (v == null || v == NO_MATCH) {
        return null; // SQL: NULL equals nothing, and a value the column cannot hold matches no stored value
      }
      key[i] = v;
    }
    return Arrays.asList(key);
  }

  /** One value as the index compares it: numbers exact in the column's type, bytes by content, -0.0 as 0.0. */
  private static Object normalise(DataType type, Object v) {
    if (v == null) {
      return null;
    }
    return switch (type.kind()) {
      case INT -> v instanceof Number n && isIntegral(n) && n.longValue() == n.intValue() ? (Object) n.intValue() : NO_MATCH;
      case BIGINT -> v instanceof Number n && isIntegral(n) ? (Object) n.longValue() : NO_MATCH;
      case DOUBLE -> v instanceof Double d ? (Object) (d == 0.0 ? 0.0 : d) : NO_MATCH;
      case DECIMAL -> v instanceof BigDecimal d ? decimal(d, type) : NO_MATCH;
      case BYTES -> v instanceof byte[] b ? ByteBuffer.wrap(b.clone()) : NO_MATCH;
      default -> v;
    };
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
  }

  private static Object decimal(BigDecimal d, DataType type) {
    try {
      return d.setScale(type.scale());
    } catch (ArithmeticException inexact) {
      return NO_MATCH;
    }
  }

  /** Drops the index; idempotent. */
  @Override
  public void close() {
    index = null;
  }
}
