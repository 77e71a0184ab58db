package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka → windowed SQL → Kafka with the engine killed (SIGKILL) and restarted mid-stream: the engine
 * runs in a child JVM ({@link KafkaCrashChild}) with the plugin zip and a data directory, is killed
 * at random moments after its pipeline runs, and is started again until it finishes. A
 * read_committed consumer must then see every window's result exactly once, equal to a batch
 * computation over the input. A failure prints the seed.
 */
@ExtendWith(KafkaTestBroker.class)
class KafkaCrashIT {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final int RECORDS = 600_000;
  private static final int KILLS = 10;

  private static long committedSoFar;

  /**
   * Waits until the engine has committed the consumer group's offsets beyond what earlier runs had
   * (it does so only after a checkpoint is durable) or the child ended; true when it has.
   */
  private static boolean committedProgress(KafkaTestBroker broker, String group, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && child.isAlive()) {
      long committed = broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
          .filter(java.util.Objects::nonNull).mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset).sum();
      if (committed > committedSoFar) {
        committedSoFar = committed;
        return true;
      }
      child.waitFor(20, TimeUnit.MILLISECONDS); // polls the broker for the condition above
    }
    return false;
  }

  @Test
  void killedAndRestartedTheOutputTopicHoldsEachWindowOnce(@TempDir Path dir) throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.get();
    String trades = broker.createTopic(broker.newTopicName("crash-trades"), 2);
    String bars = broker.createTopic(broker.newTopicName("crash-bars"), 1);
    Map<String, long[]> expected = new TreeMap<>();
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        String symbol = "S" + (i % 4);
        int price = i % 100;
        long ts = T0 + i / 20; // 20 trades per ms: 10 s of event time
        long[] agg = expected.computeIfAbsent(symbol + "@" + (ts - ts % 1000), k -> new long[2]);
        agg[0] += price;
        agg[1]++;
        String json = "{\"symbol\": \"" + symbol + "\", \"price\": " + price + "}";
        p.send(new ProducerRecord<>(trades, i % 2, ts, null, json.getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
    Path zip = Path.of(System.getProperty("plugin.zip"));
    committedSoFar = 0;
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int killed = 0;
    for (int attempt = 0; attempt < KILLS + 20; attempt++) {
      Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
          "-Xmx512m", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", KafkaCrashChild.class.getName(),
          dir.resolve("data").toString(), plugins.toString(), broker.bootstrapServers(), trades, bars)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String first = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
      // kill once this run has committed input offsets beyond the last run's (so every run makes progress), a random moment later
      if (killed < KILLS && "RUNNING".equals(first) && committedProgress(broker, trades + "-group", child)
          && !child.waitFor(random.nextInt(300), TimeUnit.MILLISECONDS)) {
        child.destroyForcibly(); // SIGKILL at a random moment of the run (not a synchronisation)
        child.waitFor();
        killed++;
        if (killed == KILLS) {
          // the killed runs must have committed part of the output, or the last run alone would pass the test
          assertThat(KafkaFixture.readCommitted(bars)).as("windows committed by the killed runs (seed %d)", seed).isNotEmpty();
        }
        continue;
      }
      assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the child finishes").isTrue();
      assertThat(child.exitValue()).as("child exit code (seed %d)", seed).isZero();
      if (killed >= KILLS) {
        break;
      }
    }
    assertThat(killed).as("kills (seed %d)", seed).isEqualTo(KILLS);
    List<String> expectedValues = new ArrayList<>();
    expected.forEach((k, v) -> {
      String[] parts = k.split("@");
      String start = java.time.LocalDateTime.ofEpochSecond(Long.parseLong(parts[1]) / 1000, 0, java.time.ZoneOffset.UTC)
          .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS"));
      expectedValues.add("{\"symbol\":\"" + parts[0] + "\",\"window_start\":\"" + start + "\",\"total\":"
          + v[0] + ",\"n\":" + v[1] + "}");
    });
    List<String> actual = KafkaFixture.readCommitted(bars).stream().map(KafkaFixture::value).sorted().toList();
    assertThat(actual).as("committed windows after %d SIGKILLs (seed %d)", KILLS, seed)
        .isEqualTo(expectedValues.stream().sorted().toList());
  }
}
