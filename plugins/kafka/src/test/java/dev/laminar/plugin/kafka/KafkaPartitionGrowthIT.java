package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions added to the input topic while the engine runs, then a crash and a restart from the
 * checkpoint: the engine ({@link KafkaCrashChild}: the plugin zip, a data directory, a checkpoint every
 * 50 ms) copies a topic read with partition discovery into an exactly-once Kafka sink. Partitions added
 * while it runs are adopted by existing splits; the engine is killed (SIGKILL) after their rows were
 * committed and more rows were produced; while it is down another partition is added. After the restart
 * the adopted partitions resume, as splits of their own, where the checkpoint left them, and the partition
 * added while it was down is read from its start: a read_committed consumer sees every input record once.
 */
@ExtendWith(KafkaTestBroker.class)
class KafkaPartitionGrowthIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void partitionsAddedWhileRunningResumeExactlyAfterACrashAndRestart(@TempDir Path dir) throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.get();
    String input = broker.createTopic(broker.newTopicName("grow-in"), 2);
    String output = broker.createTopic(broker.newTopicName("grow-out"), 1);
    Path zip = Path.of(System.getProperty("plugin.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path sinkPlugins = Files.createDirectories(dir.resolve("sink-plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    Files.copy(zip, sinkPlugins.resolve(zip.getFileName()));
    Path script = Files.writeString(dir.resolve("copy.sql"), """
        CREATE SOURCE IF NOT EXISTS events (id BIGINT, name VARCHAR)
          WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%2$s', 'format' = 'json',
                'startup.mode' = 'earliest', 'scan.partition-discovery.interval' = '100ms');
        CREATE SINK IF NOT EXISTS copy WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%3$s', 'format' = 'json',
                'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '%3$s') AS
          SELECT id, name FROM events;
        """.formatted(broker.bootstrapServers(), input, output));

    produce(input, 2, 0, 100);
    try (CrashChildProcess child = CrashChildProcess.start(dir.resolve("data"), plugins, sinkPlugins, script)) {
      child.await("RUNNING", WAIT);
      awaitOutput(output, 100, child);
      try (Admin admin = broker.admin()) {
        admin.createPartitions(Map.of(input, NewPartitions.increaseTo(4))).all().get();
      }
      produce(input, 4, 100, 200); // partitions 2 and 3 are read by the splits that adopt them
      awaitOutput(output, 200, child); // committed: a checkpoint holds the adopted partitions' offsets
      produce(input, 4, 200, 300);
      child.kill(); // wherever it is in these rows
    }
    try (Admin admin = broker.admin()) {
      admin.createPartitions(Map.of(input, NewPartitions.increaseTo(5))).all().get();
    }
    produce(input, 5, 300, 310); // partition 4 too: new since the checkpoint
    try (CrashChildProcess child = CrashChildProcess.start(dir.resolve("data"), plugins, sinkPlugins, script)) {
      child.await("RUNNING", WAIT);
      awaitOutput(output, 310, child);
    }
    assertThat(ids(output)).as("ids in the output after partitions were added and the engine was killed and restarted")
        .isEqualTo(LongStream.range(0, 310).boxed().toList());
  }

  /** Sends ids [from, to) round-robin over partitions partitions-1 .. 0 (so the newest partitions get rows first). */
  private static void produce(String topic, int partitions, int from, int to) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      for (int id = from; id < to; id++) {
        String json = "{\"id\": " + id + ", \"name\": \"n" + id + "\"}";
        p.send(new ProducerRecord<>(topic, partitions - 1 - id % partitions, null, json.getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
  }

  private static List<Long> ids(String topic) {
    return KafkaFixture.readCommitted(topic).stream()
        .map(r -> Long.parseLong(KafkaFixture.value(r).replaceAll(".*\"id\":(\\d+).*", "$1"))).sorted().toList();
  }

  /** Waits until the output holds at least {@code count} records, polling it (or fails naming what arrived). */
  private static void awaitOutput(String topic, int count, CrashChildProcess child) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (ids(topic).size() < count) {
      assertThat(System.nanoTime()).as("%d records in %s within %s (have %s)", count, topic, WAIT, ids(topic)).isLessThan(deadline);
      assertThat(child.poll("FAILED", Duration.ofMillis(50))).isNull();
    }
  }
}
