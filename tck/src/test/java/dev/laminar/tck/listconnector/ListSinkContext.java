package dev.laminar.tck.listconnector;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SinkTestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Context for the list sink; read-back is what {@link ListStore} shows as visible. */
public class ListSinkContext extends SinkTestContext {
  private final String dataset = "ds-" + UUID.randomUUID();
  private final Map<String, String> extraOptions;

  public ListSinkContext(Map<String, String> extraOptions) {
    this.extraOptions = extraOptions;
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
    return options;
  }

  @Override
  public List<Row> readBack() {
    return ListStore.visible(dataset);
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    return List.of(InvalidOptionsCase.withValue(options(), "mode", "exactly-twice"));
  }

  @Override
  public void close() {
    ListStore.drop(dataset);
  }
}
