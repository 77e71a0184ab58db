package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.CollectingBatchWriter;
import dev.laminar.tck.SourceReaderDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Partitions added to a topic while its readers run are picked up (option scan.partition-discovery.interval),
 * and after a restart resume exactly where the checkpoint left them.
 */
@ExtendWith(KafkaTestBroker.class)
class PartitionDiscoveryTest {
  private static final Schema ID_NAME = Schema.builder().column("id", DataType.BIGINT).column("name", DataType.VARCHAR).build();

  private static List<String> json(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "{\"id\": " + i + ", \"name\": \"n" + i + "\"}").toList();
  }

  @Test
  void partitionsAddedWhileRunningAreReadFromTheirStartByExactlyOneReader() throws Exception {
    KafkaTestBroker broker = KafkaFixture.broker();
    String topic = broker.createTopic(broker.newTopicName("grow"), 2);
    KafkaFixture.produce(topic, 0, 0, json(0, 10));
    KafkaFixture.produce(topic, 1, 0, json(10, 20));
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("scan.partition-discovery.interval", "100ms");
    SourceConnector source = KafkaFixture.source(ID_NAME, o);
    List<SourceSplit> splits = source.discoverSplits();
    assertThat(splits).hasSize(2);
    List<SourceReader> readers = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    try {
      for (SourceSplit split : splits) {
        SourceReader reader = source.createReader(split);
        reader.open();
        readers.add(reader);
      }
      pollUntil(readers, rows, 20);
      try (Admin admin = broker.admin()) {
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(5))).all().get();
      }
      KafkaFixture.produce(topic, 2, 0, json(20, 30));
      KafkaFixture.produce(topic, 3, 0, json(30, 40));
      KafkaFixture.produce(topic, 4, 0, json(40, 50));
      pollUntil(readers, rows, 50);

      // a position covers the adopted partitions: a reader restored from it re-reads nothing
      byte[][] positions = new byte[readers.size()][];
      for (int i = 0; i < readers.size(); i++) {
        positions[i] = readers.get(i).position();
      }
      KafkaFixture.produce(topic, 4, 0, json(50, 51));
      for (SourceReader r : readers) {
        r.close();
      }
      readers.clear();
      for (int i = 0; i < splits.size(); i++) {
        SourceReader reader = source.createReader(splits.get(i));
        reader.restore(positions[i]);
        reader.open();
        readers.add(reader);
      }
      pollUntil(readers, rows, 51);
    } finally {
      for (SourceReader r : readers) {
        r.close();
      }
      source.close();
    }
    assertThat(rows.stream().map(r -> (Long) r.get(0)).toList())
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 51).boxed().toList());
  }

  @Test
  void afterARestartAdoptedPartitionsResumeInSplitsOfTheirOwnWhereTheCheckpointLeftThem() throws Exception {
    KafkaTestBroker broker = KafkaFixture.broker();
    String topic = broker.createTopic(broker.newTopicName("regrow"), 2);
    Map<String, String> o = KafkaFixture.sourceOptions(topic, "json");
    o.put("startup.mode", "latest");
    o.put("scan.partition-discovery.interval", "100ms");
    SourceConnector source = KafkaFixture.source(ID_NAME, o);
    List<SourceSplit> splits = source.discoverSplits();
    List<SourceReader> readers = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    byte[][] positions = new byte[splits.size()][];
    try {
      for (SourceSplit split : splits) {
        SourceReader reader = source.createReader(split);
        reader.open();
        readers.add(reader);
      }
      pollRound(readers, rows); // each reader positioned at the end (startup.mode latest)
      KafkaFixture.produce(topic, 0, 0, json(0, 10));
      KafkaFixture.produce(topic, 1, 0, json(10, 20));
      pollUntil(readers, rows, 20);
      try (Admin admin = broker.admin()) {
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get();
      }
      KafkaFixture.produce(topic, 2, 0, json(20, 30));
      KafkaFixture.produce(topic, 3, 0, json(30, 40));
      pollUntil(readers, rows, 40); // adopted by the two splits, read from their start
      for (int i = 0; i < readers.size(); i++) {
        positions[i] = readers.get(i).position(); // the checkpoint
      }
    } finally {
      for (SourceReader r : readers) {
        r.close();
      }
      source.close();
    }
    // after the checkpoint: more rows in old and adopted partitions, and a partition added while the engine is down
    KafkaFixture.produce(topic, 0, 0, json(40, 45));
    KafkaFixture.produce(topic, 2, 0, json(45, 50));
    try (Admin admin = broker.admin()) {
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(5))).all().get();
    }
    KafkaFixture.produce(topic, 4, 0, json(50, 55));

    // the restart: a new connector lists five splits; the two of the checkpoint are restored, in the engine's order
    SourceConnector restarted = KafkaFixture.source(ID_NAME, o);
    List<SourceSplit> now = restarted.discoverSplits();
    assertThat(now).extracting(SourceSplit::id).containsExactly(topic + "-0", topic + "-1", topic + "-2", topic + "-3", topic + "-4");
    readers.clear();
    try {
      for (int i = 0; i < now.size(); i++) {
        SourceReader reader = restarted.createReader(now.get(i));
        if (i < positions.length) {
          reader.restore(positions[i]);
        }
        reader.open();
        readers.add(reader);
      }
      pollUntil(readers, rows, 55);
      for (int i = 0; i < 3; i++) {
        pollRound(readers, rows); // a few more rounds of every reader: nothing more arrives
      }
    } finally {
      for (SourceReader r : readers) {
        r.close();
      }
      restarted.close();
    }
    assertThat(rows.stream().map(r -> (Long) r.get(0)).toList()).as("ids read before and after the restart")
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 55).boxed().toList());
  }

  /** Polls every reader once. */
  private static void pollRound(List<SourceReader> readers, List<Row> rows) throws Exception {
    SourceReaderDriver driver = new SourceReaderDriver(ID_NAME);
    CollectingBatchWriter batch = new CollectingBatchWriter(ID_NAME, 64);
    for (SourceReader reader : readers) {
      driver.pollOnce(reader, batch, rows);
    }
  }

  /** Polls every reader in turn until {@code total} rows have arrived (with a deadline). */
  private static void pollUntil(List<SourceReader> readers, List<Row> rows, int total) throws Exception {
    SourceReaderDriver driver = new SourceReaderDriver(ID_NAME);
    CollectingBatchWriter batch = new CollectingBatchWriter(ID_NAME, 64);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (rows.size() < total) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + rows.size() + " of " + total + " rows arrived within 60 s");
      }
      for (SourceReader reader : readers) {
        driver.pollOnce(reader, batch, rows);
      }
    }
    assertThat(rows).hasSize(total);
  }
}
