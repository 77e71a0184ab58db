package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.type.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The validated options of one {@code kafka} source, with the rules between options that option specs
 * cannot express checked (each failure names the option).
 *
 * @param objectName the SQL source
 * @param schema its columns
 * @param topics the topics to read, or empty with a pattern
 * @param topicPattern the pattern, or {@code null}
 * @param groupId the consumer group, or {@code null}
 * @param startupMode where partitions start without a restored position
 * @param startupTimestamp for {@link StartupMode#TIMESTAMP}
 * @param specificOffsets for {@link StartupMode#SPECIFIC_OFFSETS}: partition → offset
 * @param boundedAtLatest whether each partition stops at the end offset it had when its reader opened
 * @param onError the bad-record policy
 * @param deadLetterTopic for {@link OnError#DEAD_LETTER}
 * @param metadata the metadata columns
 * @param valueColumns the columns the value format fills
 * @param format the value format
 * @param avroSchema {@code avro.schema} or {@code null}
 * @param csvDelimiter the CSV separator
 * @param consumerProperties client properties (bootstrap, security, isolation level, properties.*)
 * @param discoveryInterval how often readers look for new partitions, or {@code null} for never
 * @param skipOutOfRange whether a position no longer in its partition skips to the records still there
 *     (else it fails the pipeline)
 */
record SourceSettings(String objectName, Schema schema, List<String> topics, Pattern topicPattern, String groupId,
    StartupMode startupMode, long startupTimestamp, Map<Integer, Long> specificOffsets, boolean boundedAtLatest,
    OnError onError, String deadLetterTopic, MetadataColumns metadata, int[] valueColumns, String format,
    String avroSchema, char csvDelimiter, Map<String, Object> consumerProperties, Duration discoveryInterval,
    boolean skipOutOfRange) {

  static SourceSettings of(ConnectorContext context) {
    ConnectorOptions o = context.options();
    Schema schema = context.schema();
    List<String> topics = o.has(KafkaConnectorFactory.TOPIC) ? o.getList(KafkaConnectorFactory.TOPIC) : List.of();
    String rawPattern = o.getString(KafkaConnectorFactory.TOPIC_PATTERN);
    if (topics.isEmpty() == (rawPattern == null)) {
      throw ClientSettings.invalid(KafkaConnectorFactory.TOPIC, "a source needs exactly one of 'topic' (a comma-separated list)"
          + " and 'topic-pattern' (a regular expression)" + (rawPattern == null ? "" : ", not both"));
    }
    if (topics.stream().anyMatch(String::isBlank)) {
      throw ClientSettings.invalid(KafkaConnectorFactory.TOPIC, "option 'topic' names an empty topic: " + topics);
    }
    Pattern pattern = null;
    if (rawPattern != null) {
      try {
        pattern = Pattern.compile(rawPattern);
      } catch (PatternSyntaxException e) {
        throw ClientSettings.invalid(KafkaConnectorFactory.TOPIC_PATTERN, "option 'topic-pattern' is not a valid regular"
            + " expression: " + e.getDescription());
      }
    }
    String group = o.getString(KafkaConnectorFactory.GROUP_ID);
    StartupMode mode = StartupMode.of(o.getString(KafkaConnectorFactory.STARTUP_MODE));
    if (mode == StartupMode.GROUP_OFFSETS && group == null) {
      throw ClientSettings.invalid(KafkaConnectorFactory.GROUP_ID, "startup.mode 'group-offsets' (the default) needs option"
          + " 'group.id'; or choose another startup.mode (earliest, latest, timestamp, specific-offsets)");
    }
    long timestamp = -1;
    if (mode == StartupMode.TIMESTAMP) {
      if (!o.has(KafkaConnectorFactory.STARTUP_TIMESTAMP)) {
        throw ClientSettings.invalid(KafkaConnectorFactory.STARTUP_TIMESTAMP, "startup.mode 'timestamp' needs option"
            + " 'startup.timestamp-millis' (epoch milliseconds)");
      }
      timestamp = o.getLong(KafkaConnectorFactory.STARTUP_TIMESTAMP);
    }
    Map<Integer, Long> offsets = Map.of();
    if (mode == StartupMode.SPECIFIC_OFFSETS) {
      String spec = o.getString(KafkaConnectorFactory.STARTUP_SPECIFIC_OFFSETS);
      if (spec == null) {
        throw ClientSettings.invalid(KafkaConnectorFactory.STARTUP_SPECIFIC_OFFSETS, "startup.mode 'specific-offsets' needs"
            + " option 'startup.specific-offsets', e.g. 'partition:0,offset:42;partition:1,offset:7'");
      }
      offsets = specificOffsets(spec);
    }
    OnError onError = OnError.of(o.getString(KafkaConnectorFactory.ON_ERROR));
    String deadLetter = o.getString(KafkaConnectorFactory.DEAD_LETTER_TOPIC);
    if ((onError == OnError.DEAD_LETTER) != (deadLetter != null)) {
      throw ClientSettings.invalid(KafkaConnectorFactory.DEAD_LETTER_TOPIC, "option 'dead-letter.topic' goes with"
          + " format.on-error 'dead-letter', and that policy needs it");
    }
    MetadataColumns metadata = MetadataColumns.of(o, schema);
    List<Integer> value = new ArrayList<>();
    for (int c = 0; c < schema.size(); c++) {
      if (!metadata.contains(c)) {
        value.add(c);
      }
    }
    int[] valueColumns = value.stream().mapToInt(Integer::intValue).toArray();
    String format = o.getString(KafkaConnectorFactory.FORMAT);
    char delimiter = delimiter(o.getString(KafkaConnectorFactory.CSV_DELIMITER));
    Map<String, Object> props = ClientSettings.of(o, "enable.auto.commit", "group.id", "isolation.level",
        "key.deserializer", "value.deserializer");
    props.put("isolation.level", o.getString(KafkaConnectorFactory.ISOLATION_LEVEL));
    props.put("enable.auto.commit", "false");
    if (group != null) {
      props.put("group.id", group);
    }
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    SourceSettings settings = new SourceSettings(context.objectName(), schema, topics, pattern, group, mode, timestamp, offsets,
        o.getString(KafkaConnectorFactory.BOUNDED_MODE).equals("latest-offset"), onError, deadLetter, metadata,
        valueColumns, format, o.getString(KafkaConnectorFactory.AVRO_SCHEMA), delimiter, props, discovery(o),
        o.getString(KafkaConnectorFactory.OUT_OF_RANGE).equals("skip"));
    settings.newCodec(); // checks the format against the columns now, not when a reader opens
    return settings;
  }

  private static Duration discovery(ConnectorOptions o) {
    Duration interval = o.getDuration(KafkaConnectorFactory.DISCOVERY_INTERVAL);
    if (interval == null) {
      return null;
    }
    if (interval.isZero() || interval.isNegative()) {
      throw ClientSettings.invalid(KafkaConnectorFactory.DISCOVERY_INTERVAL, "option 'scan.partition-discovery.interval' must be"
          + " positive, was " + interval);
    }
    if (o.getString(KafkaConnectorFactory.BOUNDED_MODE).equals("latest-offset")) {
      throw ClientSettings.invalid(KafkaConnectorFactory.DISCOVERY_INTERVAL, "option 'scan.partition-discovery.interval'"
          + " applies to unbounded sources only (scan.bounded.mode is latest-offset)");
    }
    return interval;
  }

  RecordCodec newCodec() {
    return RecordCodec.create(format, schema, valueColumns, avroSchema, csvDelimiter, objectName);
  }

  /** Parses {@code partition:0,offset:42;partition:1,offset:7}. */
  static Map<Integer, Long> specificOffsets(String spec) {
    Map<Integer, Long> offsets = new HashMap<>();
    for (String entry : spec.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      Integer partition = null;
      Long offset = null;
      for (String part : entry.split(",")) {
        String[] kv = part.split(":", 2);
        try {
          if (kv.length == 2 && kv[0].strip().equals("partition")) {
            partition = Integer.parseInt(kv[1].strip());
          } else if (kv.length == 2 && kv[0].strip().equals("offset")) {
            offset = Long.parseLong(kv[1].strip());
          } else {
            partition = null;
            break;
          }
        } catch (NumberFormatException e) {
          partition = null;
          break;
        }
      }
      if (partition == null || offset == null || partition < 0 || offset < 0) {
        throw ClientSettings.invalid(KafkaConnectorFactory.STARTUP_SPECIFIC_OFFSETS, "option 'startup.specific-offsets' has"
            + " invalid entry '" + entry.strip() + "'; expected 'partition:<n>,offset:<n>' entries separated by ';'");
      }
      offsets.put(partition, offset);
    }
    return Map.copyOf(offsets);
  }

  static char delimiter(String raw) {
    String value = raw.equals("\\t") ? "\t" : raw;
    if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
      throw ClientSettings.invalid(KafkaConnectorFactory.CSV_DELIMITER, "option 'csv.delimiter' must be one character other"
          + " than a quote or line break (use '\\t' for tab), was '" + raw + "'");
    }
    return value.charAt(0);
  }

}
