package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.type.Schema;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The validated options of one {@code kafka} sink.
 *
 * @param objectName the SQL sink
 * @param schema its columns (all of them are written in the value)
 * @param topic the topic written
 * @param keyColumns the key columns ({@code key.fields}), empty for records without key
 * @param format the format of key and value
 * @param avroSchema {@code avro.schema} (value) or {@code null}
 * @param csvDelimiter the CSV separator
 * @param exactlyOnce whether each epoch is one Kafka transaction
 * @param transactionalIdPrefix prefix of the sink's transactional ids
 * @param producerProperties client properties (bootstrap, security, serializers, partitioner, properties.*)
 */
record SinkSettings(String objectName, Schema schema, String topic, int[] keyColumns, String format, String avroSchema,
    char csvDelimiter, boolean exactlyOnce, String transactionalIdPrefix, Map<String, Object> producerProperties) {

  static SinkSettings of(ConnectorContext context) {
    ConnectorOptions o = context.options();
    Schema schema = context.schema();
    List<String> topics = o.has(KafkaConnectorFactory.TOPIC) ? o.getList(KafkaConnectorFactory.TOPIC) : List.of();
    if (topics.size() != 1 || topics.get(0).isBlank()) {
      throw ClientSettings.invalid(KafkaConnectorFactory.TOPIC, "a sink needs option 'topic' naming exactly one topic, not " + topics);
    }
    if (o.has(KafkaConnectorFactory.TOPIC_PATTERN)) {
      throw ClientSettings.invalid(KafkaConnectorFactory.TOPIC_PATTERN, "option 'topic-pattern' applies to sources only");
    }
    for (String sourceOnly : List.of(KafkaConnectorFactory.KEY_COLUMN, KafkaConnectorFactory.HEADERS_COLUMN,
        KafkaConnectorFactory.PARTITION_COLUMN, KafkaConnectorFactory.OFFSET_COLUMN, KafkaConnectorFactory.TIMESTAMP_COLUMN,
        KafkaConnectorFactory.DEAD_LETTER_TOPIC)) {
      if (o.has(sourceOnly)) {
        throw ClientSettings.invalid(sourceOnly, "option '" + sourceOnly + "' applies to sources only");
      }
    }
    int[] key = keyColumns(o, schema);
    boolean exactlyOnce = o.getString(KafkaConnectorFactory.DELIVERY_GUARANTEE).equals("exactly-once");
    String prefix = o.getString(KafkaConnectorFactory.TRANSACTIONAL_ID_PREFIX);
    if (prefix != null && prefix.isBlank()) {
      throw ClientSettings.invalid(KafkaConnectorFactory.TRANSACTIONAL_ID_PREFIX, "option 'sink.transactional-id-prefix' is blank");
    }
    if (prefix != null && !exactlyOnce) {
      throw ClientSettings.invalid(KafkaConnectorFactory.TRANSACTIONAL_ID_PREFIX, "option 'sink.transactional-id-prefix' needs"
          + " sink.delivery-guarantee 'exactly-once'");
    }
    Map<String, Object> props = ClientSettings.of(o, "transactional.id", "key.serializer", "value.serializer",
        "transaction.two.phase.commit.enable");
    props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.putIfAbsent("acks", "all");
    props.put("enable.idempotence", "true");
    if (o.getString(KafkaConnectorFactory.PARTITIONER).equals("round-robin")) {
      props.put("partitioner.class", "org.apache.kafka.clients.producer.RoundRobinPartitioner");
    }
    SinkSettings settings = new SinkSettings(context.objectName(), schema, topics.get(0), key,
        o.getString(KafkaConnectorFactory.FORMAT), o.getString(KafkaConnectorFactory.AVRO_SCHEMA),
        SourceSettings.delimiter(o.getString(KafkaConnectorFactory.CSV_DELIMITER)), exactlyOnce,
        prefix != null ? prefix : "laminar-" + context.objectName(), props);
    settings.valueCodec();
    settings.keyCodec();
    return settings;
  }

  private static int[] keyColumns(ConnectorOptions o, Schema schema) {
    List<String> names = o.has(KafkaConnectorFactory.KEY_FIELDS) ? o.getList(KafkaConnectorFactory.KEY_FIELDS) : List.of();
    int[] key = new int[names.size()];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < key.length; i++) {
      key[i] = schema.indexOf(names.get(i));
      if (key[i] < 0) {
        throw ClientSettings.invalid(KafkaConnectorFactory.KEY_FIELDS, "option 'key.fields' names '" + names.get(i)
            + "', which is not a column of " + schema);
      }
      if (!seen.add(names.get(i).toLowerCase(Locale.ROOT))) {
        throw ClientSettings.invalid(KafkaConnectorFactory.KEY_FIELDS, "option 'key.fields' names '" + names.get(i) + "' twice");
      }
    }
    return key;
  }

  /** The value codec over every column. */
  RecordCodec valueCodec() {
    int[] all = new int[schema.size()];
    for (int c = 0; c < all.length; c++) {
      all[c] = c;
    }
    return RecordCodec.create(format, schema, all, avroSchema, csvDelimiter, objectName);
  }

  /** The key codec over {@link #keyColumns}, or {@code null} without key (the Avro key schema is derived from the key columns). */
  RecordCodec keyCodec() {
    return keyColumns.length == 0 ? null
        : RecordCodec.create(format, schema, keyColumns, null, csvDelimiter, objectName + "_key");
  }
}
