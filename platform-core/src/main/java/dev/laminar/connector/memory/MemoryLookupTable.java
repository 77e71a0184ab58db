package dev.laminar.connector.memory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in in-memory lookup table: rows from {@code INSERT INTO t VALUES ...} and, optionally, a
 * CSV file (with a header naming the columns) or a JSON-lines file loaded when it opens. Indexed by
 * the {@code lookup.key} columns; a key returns its rows in insertion order. The index is replaced
 * whole on each insert (copy on write), so lookups never see a half-applied insert and take no lock.
 */
public final class MemoryLookupTable implements LookupTable {
  private final String name;
  private final Schema schema;
  private final int[] keyColumns;
  private final Schema keySchema;
  private final Path path;
  private final String format;
  private volatile Map<List<Object>, List<Row>> index = Map.of();

  MemoryLookupTable(String name, Schema schema, List<String> keyNames, Path path, String format) {
    this.name = name;
    this.schema = schema;
    this.keyColumns = new int[keyNames.size()];
    List<Column> keys = new ArrayList<>();
    for (int i = 0; i < keyColumns.length; i++) {
      keyColumns[i] = schema.indexOf(keyNames.get(i));
      if (keyColumns[i] < 0) {
        throw new dev.laminar.sdk.connector.InvalidOptionException("memory", MemoryConnectorFactory.LOOKUP_KEY,
            "connector 'memory': option 'lookup.key' names '" + keyNames.get(i) + "', which is not a column of '" + name + "' "
                + schema.columns().stream().map(Column::name).toList());
      }
      keys.add(schema.column(keyColumns[i]));
    }
    this.keySchema = Schema.of(keys);
    this.path = path;
    this.format = format;
  }

  @Override
  public Schema keySchema() {
    return keySchema;
  }

  @Override
  public Schema rowSchema() {
    return schema;
  }

  @Override
  public void open() throws IOException {
    if (path != null) {
      insert(format.equals("csv") ? readCsv() : readJsonLines());
    }
  }

  /** Adds rows (values in column order, as {@link Row} holds them). */
  public synchronized void insert(List<Row> rows) {
    Map<List<Object>, List<Row>> next = new HashMap<>(index);
    for (Row r : rows) {
      if (r.arity() != schema.size()) {
        throw new IllegalArgumentException("lookup table '" + name + "' has " + schema.size() + " columns; a row has " + r.arity());
      }
      Object[] values = new Object[schema.size()];
      for (int c = 0; c < values.length; c++) {
        values[c] = coerce(r.get(c), schema.column(c), r);
      }
      Object[] key = new Object[keyColumns.length];
      boolean nullKey = false;
      for (int i = 0; i < key.length; i++) {
        key[i] = values[keyColumns[i]];
        nullKey |= key[i] == null;
      }
      if (!nullKey) { // a stored row with a NULL key column can never match
        List<Row> list = new ArrayList<>(next.getOrDefault(Arrays.asList(key), List.of()));
        list.add(Row.of(values));
        next.put(Arrays.asList(key), List.copyOf(list));
      }
    }
    index = Map.copyOf(next);
  }

  @Override
  public CompletionStage<List<List<Row>>> lookup(List<Row> keys) {
    Map<List<Object>, List<Row>> current = index;
    List<List<Row>> out = new ArrayList<>(keys.size());
    for (Row k : keys) {
      out.add(current.getOrDefault(Arrays.asList(k.values()), List.of()));
    }
    return CompletableFuture.completedFuture(out);
  }

  private Object coerce(Object v, Column c, Row row) {
    if (v == null) {
      if (!c.nullable()) {
        throw new IllegalArgumentException("lookup table '" + name + "': column '" + c.name() + "' is NOT NULL, but a row has NULL: " + row);
      }
      return null;
    }
    DataType t = c.type();
    try {
      return switch (t.kind()) {
        case BOOLEAN -> v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString().trim());
        case INT -> v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        case BIGINT -> v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
        case DOUBLE -> v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
        case DECIMAL -> (v instanceof BigDecimal d ? d : new BigDecimal(v.toString().trim())).setScale(t.scale(), java.math.RoundingMode.HALF_UP);
        case TIMESTAMP -> v instanceof LocalDateTime ts ? ts : LocalDateTime.parse(v.toString().trim().replace(' ', 'T'));
        case VARCHAR -> v.toString();
        case BYTES -> v instanceof byte[] b ? b : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("lookup table '" + name + "': column '" + c.name() + "' is " + t + ", but a row has '" + v + "'", e);
    }
  }

  private List<Row> readCsv() throws IOException {
    CsvMapper mapper = new CsvMapper();
    List<Row> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader())
        .readValues(path.toFile())) {
      while (it.hasNext()) {
        Map<String, String> record = it.next();
        Object[] values = new Object[schema.size()];
        for (int c = 0; c < values.length; c++) {
          String s = record.get(schema.column(c).name());
          values[c] = s == null || s.isEmpty() ? null : s;
        }
        rows.add(Row.of(values));
      }
    }
    return rows;
  }

  private List<Row> readJsonLines() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(path)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = mapper.readTree(line);
      Object[] values = new Object[schema.size()];
      for (int c = 0; c < values.length; c++) {
        JsonNode v = node.get(schema.column(c).name());
        values[c] = v == null || v.isNull() ? null : v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.asText();
      }
      rows.add(Row.of(values));
    }
    return rows;
  }
}
