package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.source.SourceConnector;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Connector {@code kafka}: a source reading topics (one split per partition, offsets as split
 * positions, consumer-group offsets committed only when a checkpoint is durable) and a sink writing a
 * topic at least once or exactly once (one Kafka transaction per epoch).
 *
 * <pre>{@code
 * CREATE SOURCE trades (symbol VARCHAR, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
 *   WITH ('connector' = 'kafka', 'bootstrap.servers' = 'localhost:9092', 'topic' = 'trades',
 *         'group.id' = 'laminar', 'startup.mode' = 'earliest', 'format' = 'json');
 * CREATE SINK bars WITH ('connector' = 'kafka', 'bootstrap.servers' = 'localhost:9092', 'topic' = 'bars',
 *         'format' = 'json', 'sink.delivery-guarantee' = 'exactly-once') AS SELECT ...;
 * }</pre>
 *
 * <p>Every option is documented in the module's README.
 */
@Extension
public final class KafkaConnectorFactory implements ConnectorFactory {
  static final String ID = "kafka";

  static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  static final String TOPIC = "topic";
  static final String TOPIC_PATTERN = "topic-pattern";
  static final String GROUP_ID = "group.id";
  static final String STARTUP_MODE = "startup.mode";
  static final String STARTUP_TIMESTAMP = "startup.timestamp-millis";
  static final String STARTUP_SPECIFIC_OFFSETS = "startup.specific-offsets";
  static final String BOUNDED_MODE = "scan.bounded.mode";
  static final String DISCOVERY_INTERVAL = "scan.partition-discovery.interval";
  static final String OUT_OF_RANGE = "scan.offset-out-of-range";
  static final String ISOLATION_LEVEL = "isolation.level";
  static final String FORMAT = "format";
  static final String ON_ERROR = "format.on-error";
  static final String DEAD_LETTER_TOPIC = "dead-letter.topic";
  static final String AVRO_SCHEMA = "avro.schema";
  static final String CSV_DELIMITER = "csv.delimiter";
  static final String KEY_COLUMN = "metadata.key";
  static final String HEADERS_COLUMN = "metadata.headers";
  static final String PARTITION_COLUMN = "metadata.partition";
  static final String OFFSET_COLUMN = "metadata.offset";
  static final String TIMESTAMP_COLUMN = "metadata.timestamp";
  static final String DELIVERY_GUARANTEE = "sink.delivery-guarantee";
  static final String TRANSACTIONAL_ID_PREFIX = "sink.transactional-id-prefix";
  static final String KEY_FIELDS = "key.fields";
  static final String PARTITIONER = "sink.partitioner";
  static final String PROPERTIES = "properties.";
  static final String SECURITY_PROTOCOL = "security.protocol";

  private static final List<OptionSpec> OPTIONS = List.of(
      OptionSpec.builder(BOOTSTRAP_SERVERS, OptionType.STRING).required()
          .description("Kafka brokers to connect to, host:port[,host:port...]").build(),
      OptionSpec.builder(TOPIC, OptionType.LIST)
          .description("source: the topics to read (comma-separated); sink: the one topic to write."
              + " A source needs 'topic' or 'topic-pattern'").build(),
      OptionSpec.builder(TOPIC_PATTERN, OptionType.STRING)
          .description("source: a Java regular expression; every topic whose whole name matches is read").build(),
      OptionSpec.builder(GROUP_ID, OptionType.STRING)
          .description("source: the consumer group. Offsets are committed to it only when a checkpoint is durable"
              + " (never auto-commit); required by startup.mode group-offsets").build(),
      OptionSpec.builder(STARTUP_MODE, OptionType.ENUM)
          .allowedValues("earliest", "latest", "group-offsets", "timestamp", "specific-offsets").defaultValue("group-offsets")
          .description("source: where a partition starts when no checkpointed position exists: earliest, latest,"
              + " group-offsets (the group's committed offset; else 'properties.auto.offset.reset', default latest),"
              + " timestamp ('startup.timestamp-millis'), specific-offsets ('startup.specific-offsets')").build(),
      OptionSpec.builder(STARTUP_TIMESTAMP, OptionType.LONG)
          .description("source, startup.mode timestamp: epoch milliseconds; each partition starts at its first record"
              + " with a timestamp at or after it (or at its end)").build(),
      OptionSpec.builder(STARTUP_SPECIFIC_OFFSETS, OptionType.STRING)
          .description("source, startup.mode specific-offsets: 'partition:0,offset:42;partition:1,offset:7' (for every"
              + " topic read); partitions not listed start at their earliest offset").build(),
      OptionSpec.builder(BOUNDED_MODE, OptionType.ENUM).allowedValues("unbounded", "latest-offset").defaultValue("unbounded")
          .description("source: unbounded, or latest-offset to stop each partition at the end offset it had when the"
              + " reader opened (the pipeline then finishes)").build(),
      OptionSpec.builder(DISCOVERY_INTERVAL, OptionType.DURATION)
          .description("source (unbounded): how often readers look for partitions added to the topics (and, with"
              + " topic-pattern, new topics) and read them from their start; default: never").build(),
      OptionSpec.builder(OUT_OF_RANGE, OptionType.ENUM).allowedValues("fail", "skip").defaultValue("fail")
          .description("source: when a reader's position is no longer in its partition (records deleted by retention"
              + " before they were read, or the log truncated): fail the pipeline naming topic, partition, position and"
              + " the offsets still there; or skip to the earliest record still there (or the end), logging and counting"
              + " the records lost").build(),
      OptionSpec.builder(ISOLATION_LEVEL, OptionType.ENUM).allowedValues("read_committed", "read_uncommitted")
          .defaultValue("read_committed")
          .description("source: read_committed skips records of open and aborted transactions").build(),
      OptionSpec.builder(FORMAT, OptionType.ENUM).allowedValues("json", "csv", "avro", "raw").defaultValue("json")
          .description("how record values are encoded: json (one object, fields by column name), csv (fields by"
              + " position), avro (binary, schema 'avro.schema' or derived from the columns), raw (the value as one"
              + " VARCHAR (UTF-8) or BYTES column)").build(),
      OptionSpec.builder(ON_ERROR, OptionType.ENUM).allowedValues("fail", "skip", "dead-letter").defaultValue("fail")
          .description("source: a record that cannot be decoded fails the pipeline (naming topic, partition and"
              + " offset), is skipped (logged and counted), or is copied to 'dead-letter.topic' and skipped").build(),
      OptionSpec.builder(DEAD_LETTER_TOPIC, OptionType.STRING)
          .description("source, format.on-error dead-letter: topic that receives undecodable records unchanged, with"
              + " headers laminar.error, laminar.topic, laminar.partition, laminar.offset").build(),
      OptionSpec.builder(AVRO_SCHEMA, OptionType.STRING)
          .description("format avro: the record schema as JSON (default: derived from the columns). No schema"
              + " registry is supported").build(),
      OptionSpec.builder(CSV_DELIMITER, OptionType.STRING).defaultValue(",")
          .description("format csv: the field separator, one character ('\\t' for tab)").build(),
      OptionSpec.builder(KEY_COLUMN, OptionType.STRING)
          .description("source: the column (VARCHAR or BYTES) that receives the record key").build(),
      OptionSpec.builder(HEADERS_COLUMN, OptionType.STRING)
          .description("source: the VARCHAR column that receives the headers as a JSON object of UTF-8 strings").build(),
      OptionSpec.builder(PARTITION_COLUMN, OptionType.STRING)
          .description("source: the INT or BIGINT column that receives the partition").build(),
      OptionSpec.builder(OFFSET_COLUMN, OptionType.STRING)
          .description("source: the BIGINT column that receives the offset").build(),
      OptionSpec.builder(TIMESTAMP_COLUMN, OptionType.STRING)
          .description("source: the TIMESTAMP or BIGINT column that receives the record timestamp; name it in WATERMARK"
              + " FOR to use the record timestamp as event time").build(),
      OptionSpec.builder(DELIVERY_GUARANTEE, OptionType.ENUM).allowedValues("at-least-once", "exactly-once")
          .defaultValue("at-least-once")
          .description("sink: at-least-once (flush at each epoch) or exactly-once (one Kafka transaction per epoch,"
              + " committed when the checkpoint is durable; read it with isolation.level read_committed)").build(),
      OptionSpec.builder(TRANSACTIONAL_ID_PREFIX, OptionType.STRING)
          .description("sink, exactly-once: prefix of the sink's transactional ids (default 'laminar-<sink name>');"
              + " keep it stable and unique per sink so a restarted engine fences its predecessor").build(),
      OptionSpec.builder(KEY_FIELDS, OptionType.LIST)
          .description("sink: the columns written as the record key (in the sink's format); required for changelog"
              + " input, where a delete or update-before becomes a tombstone for the key").build(),
      OptionSpec.builder(PARTITIONER, OptionType.ENUM).allowedValues("default", "round-robin").defaultValue("default")
          .description("sink: default (Kafka's: by key hash, sticky without a key) or round-robin").build(),
      OptionSpec.builder(SECURITY_PROTOCOL, OptionType.ENUM).allowedValues("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
          .defaultValue("PLAINTEXT")
          .description("the client's security.protocol; SASL and SSL settings go in 'properties.sasl.*' and"
              + " 'properties.ssl.*'").build(),
      OptionSpec.prefix(PROPERTIES, "any Kafka client setting, passed through without the prefix, e.g."
          + " 'properties.sasl.mechanism', 'properties.max.poll.records'").secret().build());

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "Reads and writes Kafka topics; exactly-once with Kafka transactions.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SOURCE, ConnectorKind.SINK);
  }

  @Override
  public List<OptionSpec> options() {
    return OPTIONS;
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    return new KafkaSource(SourceSettings.of(context));
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    return new KafkaSink(SinkSettings.of(context));
  }
}
