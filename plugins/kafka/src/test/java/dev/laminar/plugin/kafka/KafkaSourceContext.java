package dev.laminar.plugin.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.BadRecordInput;
import dev.laminar.tck.BadRecordPolicy;
import dev.laminar.tck.InvalidOptionsCase;
import dev.laminar.tck.ListRowBatch;
import dev.laminar.tck.SourceTestContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A topic of three partitions per test; row {@code i} goes to partition {@code i % 3}. JSON rows are
 * written with Jackson directly (fields in reverse order, NULL alternately as null and missing, numbers
 * sometimes as strings); CSV and Avro rows with the connector's codecs.
 */
class KafkaSourceContext extends SourceTestContext {
  static final int PARTITIONS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String format;
  private final boolean bounded;
  private final String topic;

  KafkaSourceContext(String format, boolean bounded) {
    this.format = format;
    this.bounded = bounded;
    this.topic = KafkaTestBroker.get().newTopicName("src-" + format);
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
    o.put("group.id", topic + "-group");
    o.put("startup.mode", "earliest");
    o.put("format", format);
    if (bounded) {
      o.put("scan.bounded.mode", "latest-offset");
    }
    return o;
  }

  @Override
  public void writeTestData(List<Row> rows) throws Exception {
    write(rows, false);
  }

  @Override
  public BadRecordInput badRecordInput() {
    return new BadRecordInput() {
      @Override
      public void writeTestDataWithBadRecords(List<Row> rows) throws Exception {
        write(rows, true);
      }

      @Override
      public Map<String, String> options(BadRecordPolicy policy) {
        Map<String, String> o = new LinkedHashMap<>(KafkaSourceContext.this.options());
        o.put("format.on-error", policy.name().toLowerCase(Locale.ROOT));
        return o;
      }

      @Override
      public String expectedMessageFragment() {
        return topic + "-";
      }
    };
  }

  private void write(List<Row> rows, boolean withBadRecords) throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.get();
    broker.createTopic(topic, PARTITIONS);
    int[] all = new int[schema().size()];
    for (int c = 0; c < all.length; c++) {
      all[c] = c;
    }
    RecordCodec codec = RecordCodec.create(format, schema(), all, null, ',', "tck_object");
    ListRowBatch batch = new ListRowBatch(schema(), rows);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < rows.size(); i++) {
        byte[] value = format.equals("json") ? json(rows.get(i), i) : codec.encode(batch, i);
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
        if (withBadRecords && i % 5 == 4) {
          byte[] bad = i % 2 == 0 ? "{\"id\": 1, \"name\": \"unterminated".getBytes(StandardCharsets.UTF_8) : new byte[] {(byte) 0xff, 3};
          producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, bad));
        }
      }
    }
  }

  static KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", KafkaTestBroker.get().bootstrapServers());
    props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("acks", "all");
    return new KafkaProducer<>(props);
  }

  private byte[] json(Row row, int index) throws Exception {
    Schema schema = schema();
    ObjectNode o = JSON.createObjectNode();
    for (int c = schema.size() - 1; c >= 0; c--) {
      String name = schema.column(c).name();
      Object v = row.get(c);
      switch (v) {
        case null -> {
          if (index % 2 == 0) {
            o.putNull(name);
          }
        }
        case String s -> o.put(name, s);
        case Boolean b -> o.put(name, b);
        case Integer i -> o.put(name, i);
        case Long l -> {
          if (index % 4 == 1) {
            o.put(name, l.toString());
          } else {
            o.put(name, l);
          }
        }
        case Double d -> o.put(name, d);
        case BigDecimal d -> o.put(name, d);
        case LocalDateTime t -> o.put(name, t.toLocalDate() + " " + t.toLocalTime());
        case byte[] b -> o.put(name, Base64.getEncoder().encodeToString(b));
        default -> throw new IllegalArgumentException(v.toString());
      }
    }
    o.put("unknown_field", "ignored");
    return JSON.writeValueAsBytes(o);
  }

  @Override
  public boolean isBounded() {
    return bounded;
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.put(key, value);
    return m;
  }

  @Override
  public List<InvalidOptionsCase> invalidOptionCases() {
    Map<String, String> o = options();
    Map<String, String> groupOffsetsWithoutGroup = new LinkedHashMap<>(o);
    groupOffsetsWithoutGroup.remove("group.id");
    groupOffsetsWithoutGroup.put("startup.mode", "group-offsets");
    return List.of(
        InvalidOptionsCase.withValue(o, "format", "yaml"),
        new InvalidOptionsCase(with(o, "startup.mode", "timestamp"), "startup.timestamp-millis"),
        InvalidOptionsCase.withValue(with(o, "startup.mode", "specific-offsets"), "startup.specific-offsets", "partition:x"),
        InvalidOptionsCase.withValue(o, "metadata.offset", "name"),
        InvalidOptionsCase.withValue(o, "properties.enable.auto.commit", "true"),
        new InvalidOptionsCase(groupOffsetsWithoutGroup, "group.id"),
        InvalidOptionsCase.without(o, "bootstrap.servers"));
  }
}
