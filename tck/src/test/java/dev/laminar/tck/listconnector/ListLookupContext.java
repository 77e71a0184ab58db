package dev.laminar.tck.listconnector;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.LookupTestContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Context for the list lookup table: rows in {@link ListStore}, "down" by a flag. */
public class ListLookupContext extends LookupTestContext {
  private final String dataset = "ds-" + UUID.randomUUID();
  private final List<String> key;
  private final Map<String, String> extraOptions;
  private final boolean canTakeDown;

  /** A table keyed by {@code key} (column names of {@link ListSourceContext#SCHEMA}), with further options. */
  public ListLookupContext(List<String> key, Map<String, String> extraOptions) {
    this(key, extraOptions, true);
  }

  /** As above; without {@code canTakeDown} the context keeps {@link LookupTestContext#takeDown()}'s default. */
  public ListLookupContext(List<String> key, Map<String, String> extraOptions, boolean canTakeDown) {
    this.key = List.copyOf(key);
    this.extraOptions = extraOptions;
    this.canTakeDown = canTakeDown;
  }

  @Override
  public ConnectorFactory createFactory() {
    return new ListConnectorFactory();
  }

  @Override
  public Schema schema() {
    return ListSourceContext.SCHEMA;
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>(extraOptions);
    options.put("dataset", dataset);
    options.put("key", String.join(",", key));
    return options;
  }

  @Override
  public List<String> keyColumns() {
    return key;
  }

  @Override
  public void writeTestData(List<Row> rows) {
    ListStore.putLookupRows(dataset, rows);
  }

  @Override
  public void takeDown() throws Exception {
    if (!canTakeDown) {
      super.takeDown();
    }
    ListStore.setDown(dataset, true);
  }

  @Override
  public void bringUp() {
    ListStore.setDown(dataset, false);
  }

  /** Short, so that the hanging variant fails quickly. */
  @Override
  public Duration lookupTimeout() {
    return Duration.ofSeconds(3);
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    return List.of(InvalidOptionsCase.without(options(), "key"), InvalidOptionsCase.withValue(options(), "key", "nope"));
  }

  @Override
  public void close() {
    ListStore.drop(dataset);
  }
}
