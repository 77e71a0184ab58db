package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.SinkTestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic of one partition per test (so order is preserved), read back with a read_committed
 * consumer through the connector's own source.
 */
class KafkaSinkContext extends SinkTestContext {
  private final String format;
  private final boolean exactlyOnce;
  private final String topic;

  KafkaSinkContext(String format, boolean exactlyOnce) throws Exception {
    this.format = format;
    this.exactlyOnce = exactlyOnce;
    this.topic = KafkaTestBroker.get().createTopic(KafkaTestBroker.get().newTopicName("sink-" + format), 1);
  }

  @Override
  public ConnectorFactory createFactory() {
    return new KafkaConnectorFactory();
  }

  @Override
  public Schema schema() {
    return TestSchemas.ALL_TYPES;
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("bootstrap.servers", KafkaTestBroker.get().bootstrapServers());
    o.put("topic", topic);
    o.put("format", format);
    if (exactlyOnce) {
      o.put("sink.delivery-guarantee", "exactly-once");
      o.put("sink.transactional-id-prefix", topic);
    }
    return o;
  }

  @Override
  public List<Row> readBack() throws Exception {
    return TestSchemas.readTopic(schema(), topic, format);
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    Map<String, String> o = options();
    Map<String, String> atLeastOnceWithPrefix = new LinkedHashMap<>(o);
    atLeastOnceWithPrefix.put("sink.delivery-guarantee", "at-least-once");
    atLeastOnceWithPrefix.put("sink.transactional-id-prefix", "p");
    return List.of(
        InvalidOptionsCase.withValue(o, "topic", "a,b"),
        InvalidOptionsCase.withValue(o, "key.fields", "id,nope"),
        InvalidOptionsCase.withValue(o, "sink.delivery-guarantee", "twice"),
        InvalidOptionsCase.withValue(o, "properties.transactional.id", "mine"),
        new InvalidOptionsCase(atLeastOnceWithPrefix, "sink.transactional-id-prefix"),
        InvalidOptionsCase.without(o, "bootstrap.servers"));
  }
}
