package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.ListRowBatch;
import dev.laminar.tck.TestConnectorContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Exactly-once and upsert behaviour of the sink beyond the TCK: fencing, overlapping epochs, crashes, tombstones. */
@ExtendWith(KafkaTestBroker.class)
class KafkaSinkTest {
  private static final Schema ID_NAME = Schema.builder().column("id", DataType.BIGINT).column("name", DataType.VARCHAR).build();

  private static Map<String, String> options(String topic, String guarantee) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("bootstrap.servers", KafkaFixture.broker().bootstrapServers());
    o.put("topic", topic);
    o.put("format", "json");
    o.put("sink.delivery-guarantee", guarantee);
    if (guarantee.equals("exactly-once")) {
      o.put("sink.transactional-id-prefix", topic + "-txn");
    }
    return o;
  }

  private static SinkConnector sink(Map<String, String> options) {
    KafkaConnectorFactory factory = new KafkaConnectorFactory();
    return factory.createSink(TestConnectorContext.of(factory, "test_sink", ID_NAME, options));
  }

  private static String newTopic() throws Exception {
    return KafkaFixture.broker().createTopic(KafkaFixture.broker().newTopicName("eos"), 1);
  }

  private static void write(SinkWriter writer, long... ids) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (long id : ids) {
      rows.add(Row.of(id, "n" + id));
    }
    writer.write(new ListRowBatch(ID_NAME, rows));
  }

  private static List<Long> committedIds(String topic) throws Exception {
    return ids(TestSchemas.readTopic(ID_NAME, topic, "json"));
  }

  private static List<Long> ids(List<Row> rows) {
    return rows.stream().map(r -> (Long) r.get(0)).toList();
  }

  private static long[] range(long from, long to) {
    return LongStream.range(from, to).toArray();
  }

  @Test
  void capabilitiesFollowTheDeliveryGuaranteeAndKey() throws Exception {
    String topic = newTopic();
    assertThat(sink(options(topic, "at-least-once")).capabilities()).containsExactly(SinkCapability.AT_LEAST_ONCE);
    assertThat(sink(options(topic, "exactly-once")).capabilities())
        .containsExactlyInAnyOrder(SinkCapability.AT_LEAST_ONCE, SinkCapability.TWO_PHASE_COMMIT);
    Map<String, String> keyed = options(topic, "at-least-once");
    keyed.put("key.fields", "id");
    assertThat(sink(keyed).capabilities()).containsExactlyInAnyOrder(SinkCapability.AT_LEAST_ONCE, SinkCapability.ACCEPTS_CHANGELOG);
  }

  @Test
  void abortedEpochIsInTheTopicButInvisibleToReadCommittedConsumers() throws Exception {
    String topic = newTopic();
    SinkConnector sink = sink(options(topic, "exactly-once"));
    try (SinkWriter writer = sink.createWriter()) {
      writer.open();
      write(writer, 1, 2, 3);
      writer.abort(1, writer.preCommit(1));
      write(writer, 4, 5);
      writer.commit(2, writer.preCommit(2));
    }
    assertThat(committedIds(topic)).containsExactly(4L, 5L);
    assertThat(readUncommittedValues(topic)).as("read_uncommitted sees the aborted records too").hasSize(5);
  }

  @Test
  void epochsOverlapOnSeparateTransactionalIdsAndCommitInOrder() throws Exception {
    String topic = newTopic();
    SinkConnector sink = sink(options(topic, "exactly-once"));
    try (SinkWriter writer = sink.createWriter()) {
      writer.open();
      write(writer, range(0, 10));
      byte[] first = writer.preCommit(1);
      write(writer, range(10, 20)); // epoch 2 starts before epoch 1 is committed
      byte[] second = writer.preCommit(2);
      assertThat(PreparedTransaction.fromBytes(first).transactionalId())
          .isNotEqualTo(PreparedTransaction.fromBytes(second).transactionalId());
      assertThat(committedIds(topic)).isEmpty();
      writer.commit(1, first);
      assertThat(committedIds(topic)).containsExactly(Arrays.stream(range(0, 10)).boxed().toArray(Long[]::new));
      writer.commit(2, second);
      write(writer, range(20, 25)); // reuses a free transactional id
      writer.commit(3, writer.preCommit(3));
    }
    assertThat(committedIds(topic)).containsExactly(Arrays.stream(range(0, 25)).boxed().toArray(Long[]::new));
  }

  @Test
  void aSecondWriterWithTheSameTransactionalIdsFencesTheFirst() throws Exception {
    String topic = newTopic();
    Map<String, String> o = options(topic, "exactly-once");
    SinkConnector first = sink(o);
    SinkConnector second = sink(o);
    try (SinkWriter a = first.createWriter(); SinkWriter b = second.createWriter()) {
      a.open();
      b.open();
      write(a, 1, 2);
      write(b, 10, 11); // takes over the prefix's ids: a's transaction is aborted and a is fenced
      assertThatThrownBy(() -> {
        write(a, 3);
        a.commit(1, a.preCommit(1));
      }).as("the fenced writer's next write or commit fails (Kafka reports fencing as either exception)")
          .hasMessageMatching("(?s).*(ProducerFencedException|InvalidProducerEpochException).*");
      b.commit(1, b.preCommit(1));
    }
    assertThat(committedIds(topic)).containsExactly(10L, 11L);
  }

  @Test
  void afterACrashTheCheckpointedEpochIsCommittedOnceAndTheUncheckpointedOneAborted() throws Exception {
    String topic = newTopic();
    Map<String, String> o = options(topic, "exactly-once");
    SinkConnector crashed = sink(o);
    SinkWriter abandoned = crashed.createWriter();
    abandoned.open();
    write(abandoned, 1, 2, 3);
    byte[] checkpointed = abandoned.preCommit(1); // in the checkpoint: the engine re-drives its commit
    write(abandoned, 4, 5); // epoch 2, open when the process died
    abandoned.preCommit(2); // pre-committed, but its checkpoint never became durable

    SinkConnector restarted = sink(o);
    try (SinkWriter writer = restarted.createWriter()) {
      writer.open();
      writer.commit(1, checkpointed);
      writer.commit(1, checkpointed); // re-driven twice: still once
      write(writer, 6); // takes over the ids: epoch 2's transaction is aborted (presumed abort)
      writer.commit(3, writer.preCommit(3));
    }
    abandoned.close(); // the dead process's client goes away last: it publishes nothing
    crashed.close();
    assertThat(committedIds(topic)).containsExactly(1L, 2L, 3L, 6L);
  }

  @Test
  void changelogRowsBecomeUpsertsAndTombstonesByKey() throws Exception {
    String topic = newTopic();
    Map<String, String> o = options(topic, "exactly-once");
    o.put("key.fields", "id");
    SinkConnector sink = sink(o);
    try (SinkWriter writer = sink.createWriter()) {
      writer.open();
      writer.write(new ListRowBatch(ID_NAME, List.of(Row.of(1L, "a"), Row.of(2L, "b"), Row.ofKind(RowKind.UPDATE_BEFORE, 1L, "a"),
          Row.ofKind(RowKind.UPDATE_AFTER, 1L, "c"), Row.ofKind(RowKind.DELETE, 2L, "b"))));
      writer.commit(1, writer.preCommit(1));
    }
    List<ConsumerRecord<byte[], byte[]>> records = KafkaFixture.readCommitted(topic);
    assertThat(records).extracting(KafkaFixture::key).containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":1}", "{\"id\":1}", "{\"id\":2}");
    assertThat(records).extracting(KafkaFixture::value).containsExactly("{\"id\":1,\"name\":\"a\"}", "{\"id\":2,\"name\":\"b\"}",
        null, "{\"id\":1,\"name\":\"c\"}", null);
  }

  @Test
  void retractionsWithoutKeyFieldsFailNamingTheOption() throws Exception {
    String topic = newTopic();
    SinkConnector sink = sink(options(topic, "at-least-once"));
    try (SinkWriter writer = sink.createWriter()) {
      writer.open();
      assertThatThrownBy(() -> writer.write(new ListRowBatch(ID_NAME, List.of(Row.ofKind(RowKind.DELETE, 1L, "a")))))
          .hasMessageContaining("key.fields");
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readUncommittedValues(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", KafkaFixture.broker().bootstrapServers());
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("isolation.level", "read_uncommitted");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        c.poll(java.time.Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }
}
