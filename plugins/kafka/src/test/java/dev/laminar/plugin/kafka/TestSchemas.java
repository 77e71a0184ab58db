package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.SourceReaderDriver;
import dev.laminar.tck.TestConnectorContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Schemas and helpers shared by the Kafka connector's tests. */
final class TestSchemas {
  /** Every column type, one NOT NULL key. */
  static final Schema ALL_TYPES = Schema.builder()
      .column("id", DataType.BIGINT, false)
      .column("name", DataType.VARCHAR)
      .column("active", DataType.BOOLEAN)
      .column("qty", DataType.INT)
      .column("price", DataType.decimal(10, 2))
      .column("total", DataType.decimal(28, 6))
      .column("score", DataType.DOUBLE)
      .column("ts", DataType.TIMESTAMP)
      .column("payload", DataType.BYTES)
      .build();

  private TestSchemas() {}

  static SourceConnector source(Schema schema, Map<String, String> options) {
    KafkaConnectorFactory factory = new KafkaConnectorFactory();
    return factory.createSource(TestConnectorContext.of(factory, "test_source", schema, options));
  }

  /**
   * Every committed row of {@code topic} from its start to its current end (read_committed), split
   * after split, decoded by the connector's own source in {@code format}.
   */
  static List<Row> readTopic(Schema schema, String topic, String format) throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("bootstrap.servers", KafkaTestBroker.get().bootstrapServers());
    options.put("topic", topic);
    options.put("startup.mode", "earliest");
    options.put("scan.bounded.mode", "latest-offset");
    options.put("format", format);
    SourceConnector source = source(schema, options);
    try {
      List<Row> rows = new ArrayList<>();
      new SourceReaderDriver(schema).readSplits(source, source.discoverSplits(), true, -1).values().forEach(rows::addAll);
      return rows;
    } finally {
      source.close();
    }
  }
}
