package dev.laminar.tck.listconnector;

import dev.laminar.sdk.row.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The "external system" of the list connector: named in-memory datasets shared by every instance. */
public final class ListStore {
  /** A record the list source cannot decode: put it between rows of a split to test bad-record policies. */
  public static final Row BAD_RECORD = Row.of("<undecodable record>");

  /** Source data: per dataset, the rows of each split. */
  static final Map<String, List<List<Row>>> SPLITS = new ConcurrentHashMap<>();
  /** Sink output: per dataset, the published rows (insertion order). */
  static final Map<String, List<Row>> PUBLISHED = new ConcurrentHashMap<>();
  /** Sink output of idempotent mode: per dataset, rows by key (first column). */
  static final Map<String, Map<Object, Row>> UPSERTED = new ConcurrentHashMap<>();
  /** Two-phase sinks: per dataset and epoch, pre-committed rows not yet published. */
  static final Map<String, List<Row>> STAGED = new ConcurrentHashMap<>();
  /** Lookup data: per dataset, the rows a lookup table searches. */
  static final Map<String, List<Row>> LOOKUP_ROWS = new ConcurrentHashMap<>();
  /** Datasets whose store is "down": lookups on them fail. */
  static final Set<String> DOWN = ConcurrentHashMap.newKeySet();

  private ListStore() {}

  public static void putSplits(String dataset, List<List<Row>> splits) {
    List<List<Row>> copy = new ArrayList<>();
    splits.forEach(s -> copy.add(List.copyOf(s)));
    SPLITS.put(dataset, copy);
  }

  public static void putLookupRows(String dataset, List<Row> rows) {
    LOOKUP_ROWS.put(dataset, List.copyOf(rows));
  }

  /** Makes lookups on {@code dataset} fail ({@code down}) or work again. */
  public static void setDown(String dataset, boolean down) {
    if (down) {
      DOWN.add(dataset);
    } else {
      DOWN.remove(dataset);
    }
  }

  /** What a sink made visible in {@code dataset}. */
  public static synchronized List<Row> visible(String dataset) {
    Map<Object, Row> upserted = UPSERTED.get(dataset);
    if (upserted != null) {
      return List.copyOf(upserted.values());
    }
    return List.copyOf(PUBLISHED.getOrDefault(dataset, List.of()));
  }

  static synchronized void publish(String dataset, List<Row> rows) {
    PUBLISHED.computeIfAbsent(dataset, k -> new ArrayList<>()).addAll(rows);
  }

  static synchronized void upsert(String dataset, Row row) {
    UPSERTED.computeIfAbsent(dataset, k -> new LinkedHashMap<>()).put(row.get(0), row);
  }

  static String stagingKey(String dataset, long epoch) {
    return dataset + "@" + epoch;
  }

  public static void drop(String dataset) {
    SPLITS.remove(dataset);
    PUBLISHED.remove(dataset);
    UPSERTED.remove(dataset);
    LOOKUP_ROWS.remove(dataset);
    DOWN.remove(dataset);
    STAGED.keySet().removeIf(k -> k.startsWith(dataset + "@"));
  }
}
