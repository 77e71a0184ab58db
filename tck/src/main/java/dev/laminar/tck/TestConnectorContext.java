package dev.laminar.tck;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.type.Schema;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link ConnectorContext} built the way the engine builds one: options validated against the
 * factory's specs first.
 *
 * @param objectName name of the SQL object
 * @param schema its columns
 * @param options validated options
 * @param eventTimeColumn event-time column or {@code null}
 */
public record TestConnectorContext(String objectName, Schema schema, ConnectorOptions options, String eventTimeColumn)
    implements ConnectorContext {
  public TestConnectorContext {
    Objects.requireNonNull(objectName, "objectName is null");
    Objects.requireNonNull(schema, "schema is null");
    Objects.requireNonNull(options, "options is null");
  }

  /**
   * Validates {@code rawOptions} against {@code factory.options()} and wraps the result.
   *
   * @throws dev.laminar.sdk.connector.InvalidOptionException as the engine would
   */
  public static TestConnectorContext of(ConnectorFactory factory, String objectName, Schema schema,
      Map<String, String> rawOptions) {
    return new TestConnectorContext(objectName, schema,
        ConnectorOptions.validate(factory.id(), factory.options(), rawOptions), null);
  }
}
