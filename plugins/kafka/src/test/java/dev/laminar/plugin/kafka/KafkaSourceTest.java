package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.SourceReaderDriver;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Startup modes, offset commits on checkpoint completion, bad-record policies, metadata columns and formats of the source. */
@ExtendWith(KafkaTestBroker.class)
class KafkaSourceTest {
  private static final Schema ID_NAME = Schema.builder().column("id", DataType.BIGINT).column("name", DataType.VARCHAR).build();
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private static List<String> json(int from, int to) {
    return java.util.stream.IntStream.range(from, to).mapToObj(i -> "{\"id\": " + i + ", \"name\": \"n" + i + "\"}").toList();
  }

  private static List<Long> ids(List<Row> rows) {
    return rows.stream().map(r -> (Long) r.get(0)).toList();
  }

  private static String topicWith(int records) throws Exception {
    String topic = KafkaFixture.broker().createTopic(KafkaFixture.broker().newTopicName("startup"), 1);
    KafkaFixture.produce(topic, 0, T0, json(0, records));
    return topic;
  }

  @Test
  void earliestReadsFromTheFirstOffset() throws Exception {
    String topic = topicWith(10);
    assertThat(ids(KafkaFixture.readAll(ID_NAME, KafkaFixture.sourceOptions(topic, "json"))))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void latestReadsOnlyRecordsWrittenAfterTheReaderOpened() throws Exception {
    String topic = topicWith(10);
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("startup.mode", "latest");
    SourceConnector source = KafkaFixture.source(ID_NAME, o);
    try (SourceReader reader = KafkaFixture.openReader(source, null)) {
      KafkaFixture.produce(topic, 0, T0 + 100, json(10, 13));
      assertThat(ids(new SourceReaderDriver(ID_NAME).readRows(reader, 3).rows())).containsExactly(10L, 11L, 12L);
    }
  }

  @Test
  void timestampStartsAtTheFirstRecordAtOrAfterIt() throws Exception {
    String topic = topicWith(10); // record i has timestamp T0 + i
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("startup.mode", "timestamp");
    o.put("startup.timestamp-millis", Long.toString(T0 + 6));
    assertThat(ids(KafkaFixture.readAll(ID_NAME, o))).containsExactly(6L, 7L, 8L, 9L);
  }

  @Test
  void specificOffsetsStartEachListedPartitionThereAndOthersAtTheirStart() throws Exception {
    String topic = KafkaFixture.broker().createTopic(KafkaFixture.broker().newTopicName("specific"), 2);
    KafkaFixture.produce(topic, 0, T0, json(0, 5));
    KafkaFixture.produce(topic, 1, T0, json(100, 105));
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("startup.mode", "specific-offsets");
    o.put("startup.specific-offsets", "partition:0,offset:3");
    assertThat(ids(KafkaFixture.readAll(ID_NAME, o))).containsExactlyInAnyOrder(3L, 4L, 100L, 101L, 102L, 103L, 104L);
  }

  /** The position of a reader (startup.mode earliest) after its first {@code rows} rows. */
  private static byte[] positionAfter(Map<String, String> options, int rows) throws Exception {
    try (SourceReader reader = KafkaFixture.openReader(KafkaFixture.source(ID_NAME, options), null)) {
      new SourceReaderDriver(ID_NAME).readRows(reader, rows);
      return reader.position();
    }
  }

  /** Deletes the records of partition 0 below {@code offset}, as retention would. */
  private static void deleteBefore(String topic, long offset) throws Exception {
    try (Admin admin = KafkaFixture.broker().admin()) {
      admin.deleteRecords(Map.of(new TopicPartition(topic, 0), org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(offset)))
          .all().get();
    }
  }

  @Test
  void aRestoredPositionWhoseRecordsRetentionDeletedFailsNamingPartitionAndOffsets() throws Exception {
    String topic = topicWith(10);
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    byte[] position = positionAfter(o, 3);
    deleteBefore(topic, 6);
    try (SourceReader reader = KafkaFixture.openReader(KafkaFixture.source(ID_NAME, o), position)) {
      assertThatThrownBy(() -> new SourceReaderDriver(ID_NAME).readRows(reader, 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("partition " + topic + "-0: position 3 is no longer in the partition, which holds offsets 6 to 10")
          .hasMessageContaining("records 3 to 5 were deleted (retention) before they were read")
          .hasMessageContaining("'scan.offset-out-of-range' = 'skip'");
    }
  }

  @Test
  void withSkipARestoredPositionWhoseRecordsRetentionDeletedReadsOnFromTheEarliestRecordAndCountsTheLoss() throws Exception {
    String topic = topicWith(10);
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("scan.offset-out-of-range", "skip");
    byte[] position = positionAfter(o, 3);
    deleteBefore(topic, 6);
    try (SourceReader reader = KafkaFixture.openReader(KafkaFixture.source(ID_NAME, o), position)) {
      assertThat(ids(new SourceReaderDriver(ID_NAME).readRows(reader, 4).rows())).containsExactly(6L, 7L, 8L, 9L);
      assertThat(((KafkaSourceReader) reader).lostRecords()).as("records deleted before they were read").isEqualTo(3);
      KafkaFixture.produce(topic, 0, T0 + 100, json(10, 11));
      assertThat(ids(new SourceReaderDriver(ID_NAME).readRows(reader, 1).rows())).containsExactly(10L);
    }
  }

  @Test
  void anUnknownOutOfRangePolicyIsRejectedNamingTheOption() throws Exception {
    Map<String, String> o = KafkaFixture.sourceOptions("any", "json");
    o.put("scan.offset-out-of-range", "latest");
    assertThatThrownBy(() -> KafkaFixture.source(ID_NAME, o)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("scan.offset-out-of-range");
  }

  @Test
  void groupOffsetsAreCommittedOnlyWhenTheirCheckpointCompletesAndAreWhereTheNextRunStarts() throws Exception {
    String topic = topicWith(10);
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("startup.mode", "group-offsets");
    o.put("group.id", topic + "-g");
    o.put("properties.auto.offset.reset", "earliest");
    SourceReaderDriver driver = new SourceReaderDriver(ID_NAME).withBatchCapacity(1);
    SourceConnector source = KafkaFixture.source(ID_NAME, o);
    try (SourceReader reader = KafkaFixture.openReader(source, null)) {
      assertThat(ids(driver.readRows(reader, 4).rows())).containsExactly(0L, 1L, 2L, 3L);
      reader.position(); // checkpoint 7 at offset 4
      assertThat(ids(driver.readRows(reader, 3).rows())).containsExactly(4L, 5L, 6L);
      reader.position(); // checkpoint 8 at offset 7
      assertThat(committed(topic + "-g", topic)).as("offset committed before any checkpoint completed").isNull();
      reader.notifyCheckpointComplete(7);
      assertThat(committed(topic + "-g", topic)).isEqualTo(4L);
      reader.notifyCheckpointComplete(8);
      assertThat(committed(topic + "-g", topic)).isEqualTo(7L);
    }
    assertThat(ids(KafkaFixture.readAll(ID_NAME, o))).as("a new run from the group's offsets").containsExactly(7L, 8L, 9L);
  }

  @Test
  void groupOffsetsWithoutCommittedOffsetFollowAutoOffsetReset() throws Exception {
    String topic = topicWith(3);
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("startup.mode", "group-offsets");
    o.put("group.id", topic + "-fresh");
    o.put("properties.auto.offset.reset", "earliest");
    assertThat(ids(KafkaFixture.readAll(ID_NAME, o))).containsExactly(0L, 1L, 2L);
  }

  private static Long committed(String group, String topic) throws Exception {
    try (Admin admin = KafkaFixture.broker().admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata m = offsets.get(new TopicPartition(topic, 0));
      return m == null ? null : m.offset();
    }
  }

  private static String topicWithBadRecords() throws Exception {
    String topic = KafkaFixture.broker().createTopic(KafkaFixture.broker().newTopicName("bad"), 1);
    KafkaFixture.produce(topic, 0, T0, List.of("{\"id\": 1, \"name\": \"a\"}", "{\"id\": \"x\"}", "{\"id\": 3, \"name\": \"c\"}",
        "not json", "{\"id\": 5, \"name\": \"e\"}"));
    return topic;
  }

  @Test
  void failPolicyFailsNamingTopicPartitionAndOffset() throws Exception {
    String topic = topicWithBadRecords();
    assertThatThrownBy(() -> KafkaFixture.readAll(ID_NAME, KafkaFixture.sourceOptions(topic, "json")))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining(topic + "-0@1: column 'id'");
  }

  @Test
  void skipPolicySkipsAndCountsBadRecords() throws Exception {
    String topic = topicWithBadRecords();
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("format.on-error", "skip");
    o.put("scan.bounded.mode", "latest-offset");
    SourceConnector source = KafkaFixture.source(ID_NAME, o);
    try (SourceReader reader = KafkaFixture.openReader(source, null)) {
      assertThat(ids(new SourceReaderDriver(ID_NAME).readUntilFinished(reader).rows())).containsExactly(1L, 3L, 5L);
      assertThat(((KafkaSourceReader) reader).skippedRecords()).isEqualTo(2);
    }
  }

  @Test
  void deadLetterPolicyCopiesBadRecordsWithTheirOriginAndReason() throws Exception {
    String topic = topicWithBadRecords();
    String dlt = KafkaFixture.broker().createTopic(topic + "-dlt", 1);
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("format.on-error", "dead-letter");
    o.put("dead-letter.topic", dlt);
    assertThat(ids(KafkaFixture.readAll(ID_NAME, o))).containsExactly(1L, 3L, 5L);
    List<ConsumerRecord<byte[], byte[]>> dead = KafkaFixture.readCommitted(dlt);
    assertThat(dead).extracting(KafkaFixture::value).containsExactly("{\"id\": \"x\"}", "not json");
    assertThat(header(dead.get(1), "laminar.offset")).isEqualTo("3");
    assertThat(header(dead.get(1), "laminar.topic")).isEqualTo(topic);
    assertThat(header(dead.get(1), "laminar.error")).startsWith("malformed JSON");
  }

  @Test
  void deadLetterPolicyNeedsItsTopic() {
    Map<String, String> o = KafkaFixture.sourceOptions("t", "json");
    o.put("format.on-error", "dead-letter");
    assertThatThrownBy(() -> KafkaFixture.source(ID_NAME, o)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("dead-letter.topic");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  @Test
  void metadataColumnsReceiveKeyHeadersPartitionOffsetAndTimestamp() throws Exception {
    String topic = KafkaFixture.broker().createTopic(KafkaFixture.broker().newTopicName("meta"), 1);
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      RecordHeaders headers = new RecordHeaders();
      headers.add("origin", "test".getBytes(StandardCharsets.UTF_8));
      p.send(new ProducerRecord<>(topic, 0, T0 + 42, "k1".getBytes(StandardCharsets.UTF_8),
          "{\"id\": 7}".getBytes(StandardCharsets.UTF_8), headers)).get();
    }
    Schema schema = Schema.builder().column("id", DataType.BIGINT).column("k", DataType.VARCHAR).column("h", DataType.VARCHAR)
        .column("p", DataType.INT).column("off", DataType.BIGINT).column("ts", DataType.TIMESTAMP).build();
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("metadata.key", "k");
    o.put("metadata.headers", "h");
    o.put("metadata.partition", "p");
    o.put("metadata.offset", "off");
    o.put("metadata.timestamp", "ts");
    assertThat(KafkaFixture.readAll(schema, o)).containsExactly(Row.of(7L, "k1", "{\"origin\":\"test\"}", 0, 0L,
        LocalDateTime.ofEpochSecond((T0 + 42) / 1000, 42_000_000, ZoneOffset.UTC)));
  }

  @Test
  void rawFormatReadsTheValueAsOneColumn() throws Exception {
    String topic = topicWith(2);
    Schema text = Schema.builder().column("line", DataType.VARCHAR).build();
    assertThat(KafkaFixture.readAll(text, KafkaFixture.sourceOptions(topic, "raw")))
        .containsExactly(Row.of("{\"id\": 0, \"name\": \"n0\"}"), Row.of("{\"id\": 1, \"name\": \"n1\"}"));
    Schema two = Schema.builder().column("a", DataType.VARCHAR).column("b", DataType.VARCHAR).build();
    assertThatThrownBy(() -> KafkaFixture.source(two, KafkaFixture.sourceOptions(topic, "raw")))
        .isInstanceOf(InvalidOptionException.class).hasMessageContaining("exactly one column");
  }

  @Test
  void avroWithAnInlineSchemaReadsFieldsByName() throws Exception {
    String topic = KafkaFixture.broker().createTopic(KafkaFixture.broker().newTopicName("avro"), 1);
    String avroSchema = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
        + "{\"name\":\"extra\",\"type\":\"int\"},{\"name\":\"id\",\"type\":\"long\"}]}";
    org.apache.avro.Schema s = new org.apache.avro.Schema.Parser().parse(avroSchema);
    org.apache.avro.generic.GenericData.Record rec = new org.apache.avro.generic.GenericData.Record(s);
    rec.put("name", "x");
    rec.put("extra", 1);
    rec.put("id", 42L);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
    new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(s).write(rec, enc);
    enc.flush();
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      p.send(new ProducerRecord<>(topic, 0, null, bytes.toByteArray())).get();
    }
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "avro");
    o.put("avro.schema", avroSchema);
    assertThat(KafkaFixture.readAll(ID_NAME, o)).containsExactly(Row.of(42L, "x"));
  }

  @Test
  void topicPatternReadsEveryMatchingTopic() throws Exception {
    String prefix = KafkaFixture.broker().newTopicName("pattern");
    String a = KafkaFixture.broker().createTopic(prefix + ".a", 1);
    String b = KafkaFixture.broker().createTopic(prefix + ".b", 2);
    KafkaFixture.produce(a, 0, T0, json(0, 2));
    KafkaFixture.produce(b, 1, T0, json(10, 12));
    Map<String, String> o = new LinkedHashMap<>(KafkaFixture.sourceOptions("unused", "json"));
    o.remove("topic");
    o.put("topic-pattern", java.util.regex.Pattern.quote(prefix) + "\\..*");
    SourceConnector source = KafkaFixture.source(ID_NAME, o);
    assertThat(source.discoverSplits()).extracting(s -> s.id()).containsExactly(a + "-0", b + "-0", b + "-1");
    assertThat(ids(KafkaFixture.readAll(ID_NAME, o))).containsExactlyInAnyOrder(0L, 1L, 10L, 11L);
  }

  @Test
  void optionErrorsNameTheOption() {
    Map<String, String> o = KafkaFixture.sourceOptions("t", "json");
    o.put("topic-pattern", "t.*");
    assertThatThrownBy(() -> KafkaFixture.source(ID_NAME, o)).isInstanceOf(InvalidOptionException.class)
        .extracting(e -> ((InvalidOptionException) e).option()).isEqualTo("topic");
    Map<String, String> badMode = KafkaFixture.sourceOptions("t", "json");
    badMode.put("startup.mode", "yesterday");
    assertThatThrownBy(() -> KafkaFixture.source(ID_NAME, badMode)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("'startup.mode' has invalid value 'yesterday'")
        .hasMessageContaining("earliest");
    Map<String, String> badIsolation = KafkaFixture.sourceOptions("t", "json");
    badIsolation.put("isolation.level", "dirty");
    assertThatThrownBy(() -> KafkaFixture.source(ID_NAME, badIsolation)).isInstanceOf(InvalidOptionException.class)
        .hasMessageContaining("read_committed");
  }
}
