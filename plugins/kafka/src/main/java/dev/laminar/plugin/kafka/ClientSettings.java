package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.connector.InvalidOptionException;
import java.util.HashMap;
import java.util.Map;

/** The Kafka client settings shared by source and sink: bootstrap servers, security protocol and {@code properties.*}. */
final class ClientSettings {
  private ClientSettings() {}

  /** Client properties from the options; {@code properties.*} come last and may override the connector's own choices except those in {@code reserved}. */
  static Map<String, Object> of(ConnectorOptions o, String... reserved) {
    Map<String, Object> props = new HashMap<>();
    String servers = o.getString(KafkaConnectorFactory.BOOTSTRAP_SERVERS);
    if (servers.isBlank()) {
      throw new InvalidOptionException(KafkaConnectorFactory.ID, KafkaConnectorFactory.BOOTSTRAP_SERVERS,
          "connector 'kafka': option 'bootstrap.servers' is empty; give host:port of one or more brokers");
    }
    props.put("bootstrap.servers", servers);
    props.put("security.protocol", o.getString(KafkaConnectorFactory.SECURITY_PROTOCOL));
    for (Map.Entry<String, String> e : o.withPrefix(KafkaConnectorFactory.PROPERTIES).entrySet()) {
      for (String r : reserved) {
        if (e.getKey().equals(r)) {
          throw new InvalidOptionException(KafkaConnectorFactory.ID, KafkaConnectorFactory.PROPERTIES + r,
              "connector 'kafka': option '" + KafkaConnectorFactory.PROPERTIES + r + "' cannot be set: the connector"
                  + " manages '" + r + "' itself (see its own options)");
        }
      }
      props.put(e.getKey(), e.getValue());
    }
    return props;
  }

  static InvalidOptionException invalid(String option, String message) {
    return new InvalidOptionException(KafkaConnectorFactory.ID, option, "connector 'kafka': " + message);
  }
}
