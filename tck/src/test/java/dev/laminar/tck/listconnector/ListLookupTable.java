package dev.laminar.tck.listconnector;

import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.ListRowBatch;
import dev.laminar.tck.listconnector.ListConnectorFactory.Bug;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lookup over {@link ListStore#LOOKUP_ROWS}: a linear scan per key, run asynchronously on two threads of
 * the table's own (started by open, stopped by close). Lookups fail while the dataset is "down".
 */
final class ListLookupTable implements LookupTable {
  private static final AtomicInteger TABLES = new AtomicInteger();

  private final Schema schema;
  private final Schema keySchema;
  private final int[] keyColumns;
  private final String dataset;
  private final Bug bug;
  /** Bug NOT_THREAD_SAFE: results built in one list shared by every call. */
  private final List<List<Row>> scratch = new ArrayList<>();
  private ExecutorService io;

  ListLookupTable(Schema schema, List<String> key, String dataset, Bug bug) {
    this.schema = schema;
    this.dataset = dataset;
    this.bug = bug;
    this.keyColumns = new int[key.size()];
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < keyColumns.length; i++) {
      keyColumns[i] = schema.indexOf(key.get(i));
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

  @Override
  public void open() {
    int table = TABLES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    io = Executors.newFixedThreadPool(2, task -> Thread.ofPlatform().daemon()
        .name("list-lookup-" + table + "-" + threads.incrementAndGet()).unstarted(task));
  }

  @Override
  public CompletionStage<List<List<Row>>> lookup(List<Row> keys) {
    boolean down = ListStore.DOWN.contains(dataset);
    if (down && bug == Bug.HANGS_WHEN_DOWN) {
      return new CompletableFuture<>();
    }
    if (down && bug == Bug.THROWS_WHEN_DOWN) {
      throw new IllegalStateException("list store '" + dataset + "' is down");
    }
    if (bug == Bug.NOT_THREAD_SAFE) {
      return CompletableFuture.completedFuture(unsafeLookup(keys));
    }
    CompletableFuture<List<List<Row>>> result = new CompletableFuture<>();
    io.execute(() -> {
      try {
        result.complete(lookupNow(keys));
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private List<List<Row>> lookupNow(List<Row> keys) throws IOException {
    if (ListStore.DOWN.contains(dataset)) {
      throw new IOException("list store '" + dataset + "' is down");
    }
    List<Row> rows = new ListRowBatch(schema, ListStore.LOOKUP_ROWS.getOrDefault(dataset, List.of())).rows();
    List<Row> asked = bug == Bug.ONE_ENTRY_PER_DISTINCT_KEY ? List.copyOf(new LinkedHashSet<>(keys)) : keys;
    List<List<Row>> out = new ArrayList<>(asked.size());
    for (Row key : asked) {
      List<Row> matches = new ArrayList<>();
      for (Row row : rows) {
        if (matches(key, row)) {
          matches.add(bug == Bug.NULLS_AS_DEFAULT_VALUES ? nullsAsDefaultValues(row) : row);
        }
      }
      out.add(matches.isEmpty() && bug == Bug.MISS_GIVES_NULL ? null : matches);
    }
    return out;
  }

  private List<List<Row>> unsafeLookup(List<Row> keys) {
    List<List<Row>> mine;
    try {
      scratch.clear();
      scratch.addAll(lookupNow(keys));
      for (int i = 0; i < 50; i++) {
        Thread.yield(); // widens the window in which another caller overwrites the shared list
      }
      mine = new ArrayList<>(scratch);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return mine;
  }

  private boolean matches(Row key, Row row) {
    for (int i = 0; i < keyColumns.length; i++) {
      Object k = key.get(i);
      Object v = row.get(keyColumns[i]);
      if (bug == Bug.NULL_KEY_MATCHES_NULL ? !Objects.deepEquals(k, v) : k == null || v == null || !Objects.deepEquals(k, v)) {
        return false;
      }
    }
    return true;
  }

  /** NULL read as the default of the column's type (false, 0, "", ...), as a naive decoder would. */
  private Row nullsAsDefaultValues(Row row) {
    Object[] values = row.values();
    for (int c = 0; c < values.length; c++) {
      if (values[c] == null) {
        values[c] = switch (schema.column(c).type().kind()) {
          case BOOLEAN -> false;
          case INT -> 0;
          case BIGINT -> 0L;
          case DOUBLE -> 0.0;
          case DECIMAL -> BigDecimal.ZERO.setScale(schema.column(c).type().scale());
          case VARCHAR -> "";
          case TIMESTAMP -> LocalDateTime.of(1970, 1, 1, 0, 0);
          case BYTES -> new byte[0];
        };
      }
    }
    return Row.of(values);
  }

  @Override
  public void close() {
    if (io != null && bug != Bug.LEAKS_THREAD) {
      io.shutdownNow();
      try {
        io.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      io = null;
    }
  }
}
