package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.SourceReaderDriver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Helpers for the Kafka tests: produce plain records, read topics with a plain consumer, read a source's rows. */
final class KafkaFixture {
  private KafkaFixture() {}

  static KafkaTestBroker broker() {
    return KafkaTestBroker.get();
  }

  /** Base options of a source on {@code topic}. */
  static Map<String, String> sourceOptions(String topic, String format) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("bootstrap.servers", broker().bootstrapServers());
    o.put("topic", topic);
    o.put("format", format);
    o.put("startup.mode", "earliest");
    return o;
  }

  /** Sends each value (UTF-8) to {@code partition} with timestamp {@code firstTimestamp + i}, synchronously. */
  static void produce(String topic, int partition, long firstTimestamp, List<String> values) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      for (int i = 0; i < values.size(); i++) {
        p.send(new ProducerRecord<>(topic, partition, firstTimestamp + i, null, values.get(i).getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }

  /** Every record of {@code topic} up to its end offsets now, read with isolation level read_committed. */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", broker().bootstrapServers());
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("isolation.level", "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to " + end + " within 30 s");
        }
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }

  static String value(ConsumerRecord<byte[], byte[]> r) {
    return r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
  }

  static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  static SourceConnector source(Schema schema, Map<String, String> options) {
    return TestSchemas.source(schema, options);
  }

  /** All rows of a bounded source, split after split. */
  static List<Row> readAll(Schema schema, Map<String, String> options) throws Exception {
    Map<String, String> bounded = new LinkedHashMap<>(options);
    bounded.put("scan.bounded.mode", "latest-offset");
    SourceConnector source = source(schema, bounded);
    try {
      List<Row> rows = new ArrayList<>();
      new SourceReaderDriver(schema).readSplits(source, source.discoverSplits(), true, -1).values().forEach(rows::addAll);
      return rows;
    } finally {
      source.close();
    }
  }

  /** Opens a reader of the only split of {@code source} (restored from {@code position} unless null). */
  static SourceReader openReader(SourceConnector source, byte[] position) throws Exception {
    List<SourceSplit> splits = source.discoverSplits();
    if (splits.size() != 1) {
      throw new AssertionError("expected one split, got " + splits);
    }
    SourceReader reader = source.createReader(splits.get(0));
    if (position != null) {
      reader.restore(position);
    }
    reader.open();
    return reader;
  }
}
