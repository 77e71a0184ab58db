package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka → windowed SQL (1 s TUMBLE) → Kafka exactly once, with the engine killed (SIGKILL) and
 * restarted mid-stream: the engine runs in a child JVM ({@link KafkaCrashChild}: the plugin zip, a data
 * directory, a checkpoint every 50 ms) and is killed {@value #KILLS} times; then a read_committed
 * consumer must see every window's result exactly once, equal to a batch computation over the input.
 *
 * <p>The schedule does not depend on the machine's speed: this test produces the input itself, in
 * chunks of 2 s of event time. In each run it first produces a chunk and waits (polling the broker) until
 * the run has committed consumer-group offsets beyond where it started — a checkpoint of this run
 * completed — and only then sets up the kill, during a following chunk, so the child always has input
 * when the kill is due and every run makes progress. Kills are of five kinds, each at least once:
 * after a random delay, and at fault points of the sink ({@link FaultInjectingSink}: mid-transaction
 * after some rows, after a pre-commit (mid-checkpoint), before a decided commit, after a commit the engine
 * has not yet marked). After a kill at a commit the next run must re-drive that epoch's commit, and the
 * output must then hold no duplicate. At the end a closing record per partition advances event time so
 * every window closes; the test waits for the expected number of windows and kills the last run too. A
 * failure prints the seed.
 */
@ExtendWith(KafkaTestBroker.class)
class KafkaCrashIT {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final int KILLS = 6;
  private static final int PARTITIONS = 2;
  private static final int CHUNK_RECORDS = 4_000;
  private static final long CHUNK_MILLIS = 2_000;
  private static final int MAX_CHUNKS_PER_RUN = 8;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final DateTimeFormatter WINDOW_START = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private enum Kill { TIMED, WRITE, PRECOMMIT, COMMIT_BEFORE, COMMIT_AFTER }

  private final KafkaTestBroker broker = KafkaTestBroker.get();
  private org.apache.kafka.clients.admin.Admin admin;
  /** symbol@window start → {sum of price, count}: the batch computation of everything produced. */
  private final Map<String, long[]> expected = new TreeMap<>();
  private String trades;
  private int chunks;

  @Test
  void killedSixTimesMidStreamTheOutputHoldsEachWindowExactlyOnce(@TempDir Path dir) throws Exception {
    try (org.apache.kafka.clients.admin.Admin a = broker.admin()) {
      admin = a;
      killRestartAndCheck(dir);
    }
  }

  private void killRestartAndCheck(Path dir) throws Exception {
    trades = broker.createTopic(broker.newTopicName("crash-trades"), PARTITIONS);
    String bars = broker.createTopic(broker.newTopicName("crash-bars"), 1);
    Path zip = Path.of(System.getProperty("plugin.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path sinkPlugins = Files.createDirectories(dir.resolve("sink-plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    Files.copy(zip, sinkPlugins.resolve(zip.getFileName()));
    Path script = Files.writeString(dir.resolve("pipeline.sql"), """
        CREATE SOURCE IF NOT EXISTS trades (symbol VARCHAR, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND)
          WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%2$s', 'format' = 'json',
                'startup.mode' = 'earliest', 'metadata.timestamp' = 'ts', 'group.id' = '%2$s-group',
                'properties.max.poll.records' = '200');
        CREATE SINK IF NOT EXISTS bars WITH ('connector' = 'kafka-faults', 'bootstrap.servers' = '%1$s', 'topic' = '%3$s',
                'format' = 'json', 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '%3$s') AS
          SELECT symbol, window_start, SUM(price) AS total, COUNT(*) AS n
          FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
          GROUP BY symbol, window_start, window_end;
        """.formatted(broker.bootstrapServers(), trades, bars));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<Kill> schedule = new ArrayList<>(List.of(Kill.values()));
    while (schedule.size() < KILLS) {
      schedule.add(Kill.values()[random.nextInt(Kill.values().length)]);
    }
    Collections.shuffle(schedule, random);
    String context = "seed " + seed + ", schedule " + schedule;

    Long redriveDue = null; // the epoch whose commit the next run must re-drive
    List<String> outputBeforeRedrive = List.of();
    int redrivesSeen = 0;
    for (int run = 0; run < KILLS; run++) {
      Kill kill = schedule.get(run);
      long runStarted = System.nanoTime();
      try (CrashChildProcess child = CrashChildProcess.start(dir.resolve("data"), plugins, sinkPlugins, script)) {
        child.await("RUNNING", WAIT);
        long runningAfter = (System.nanoTime() - runStarted) / 1_000_000;
        if (redriveDue != null) {
          String redrive = child.await("REDRIVE", WAIT);
          assertThat(redrive).as("the commit re-driven after the kill at a commit (%s)", context).isEqualTo("REDRIVE " + redriveDue);
          redrivesSeen++;
        }
        long startedAt = committedOffsets();
        produceChunk();
        awaitCommittedBeyond(startedAt, child, context);
        if (redriveDue != null) {
          // the re-driven epoch is committed now (the sink re-drives before it writes): nothing twice, nothing gone
          List<String> output = committedOutput(bars);
          assertThat(output).as("output after the re-driven commit of epoch %d (%s)", redriveDue, context).doesNotHaveDuplicates()
              .containsAll(outputBeforeRedrive);
          redriveDue = null;
        }
        String fault = null;
        if (kill == Kill.TIMED) {
          produceChunk();
          child.waitFor(random.nextInt(400)); // the random kill point during this chunk (not a synchronisation)
        } else {
          long count = kill == Kill.WRITE ? 1 + random.nextInt(6) : 1 + random.nextInt(2);
          child.send("ARM " + kill + " " + count);
          for (int i = 0; fault == null; i++) {
            assertThat(i).as("chunks produced without reaching fault point %s (%s)", kill, context).isLessThan(MAX_CHUNKS_PER_RUN);
            produceChunk();
            fault = awaitFaultOrConsumed(child, context);
          }
        }
        assertThat(child.isAlive()).as("the child runs until it is killed (%s)", context).isTrue();
        child.kill();
        System.err.printf("KafkaCrashIT: run %d killed (%s%s) after %d ms (running after %d ms), %d chunks produced so far%n", run, kill,
            fault == null ? "" : ": " + fault, (System.nanoTime() - runStarted) / 1_000_000, runningAfter, chunks);
        if (kill == Kill.COMMIT_BEFORE || kill == Kill.COMMIT_AFTER) {
          redriveDue = Long.parseLong(fault.substring(fault.lastIndexOf(' ') + 1));
          outputBeforeRedrive = committedOutput(bars);
        }
      }
    }
    assertThat(committedOutput(bars)).as("windows committed by the killed runs (%s)", context).isNotEmpty();

    try (CrashChildProcess child = CrashChildProcess.start(dir.resolve("data"), plugins, sinkPlugins, script)) {
      child.await("RUNNING", WAIT);
      if (redriveDue != null) {
        assertThat(child.await("REDRIVE", WAIT)).as("the commit re-driven after the last kill (%s)", context)
            .isEqualTo("REDRIVE " + redriveDue);
        redrivesSeen++;
      }
      produceChunk();
      produceClosingRecords();
      awaitOutputCount(bars, expected.size(), child);
    } // killed too: what a read_committed consumer sees is final
    assertThat(redrivesSeen).as("re-driven commits (%s)", context).isPositive();
    assertThat(committedOutput(bars)).as("committed windows after %d SIGKILLs (%s)", KILLS, context)
        .isEqualTo(expectedOutput());
  }

  /** Produces the next 2 s of event time: CHUNK_RECORDS trades over 4 symbols, spread over the partitions. */
  private void produceChunk() throws Exception {
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      for (int j = 0; j < CHUNK_RECORDS; j++) {
        long i = (long) chunks * CHUNK_RECORDS + j;
        String symbol = "S" + (i % 4);
        int price = (int) (i % 100);
        long ts = T0 + chunks * CHUNK_MILLIS + j * CHUNK_MILLIS / CHUNK_RECORDS;
        long[] agg = expected.computeIfAbsent(symbol + "@" + (ts - ts % 1000), k -> new long[2]);
        agg[0] += price;
        agg[1]++;
        String json = "{\"symbol\": \"" + symbol + "\", \"price\": " + price + "}";
        p.send(new ProducerRecord<>(trades, j % PARTITIONS, ts, null, json.getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
    chunks++;
  }

  /** One record per partition 5 s after all data: the watermark passes every window of the data. */
  private void produceClosingRecords() throws Exception {
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      for (int partition = 0; partition < PARTITIONS; partition++) {
        byte[] json = "{\"symbol\": \"END\", \"price\": 0}".getBytes(StandardCharsets.UTF_8);
        p.send(new ProducerRecord<>(trades, partition, T0 + chunks * CHUNK_MILLIS + 5_000, null, json)).get();
      }
    }
  }

  /** Sum of the consumer group's committed offsets (the engine commits them once a checkpoint is complete). */
  private long committedOffsets() throws Exception {
    return admin.listConsumerGroupOffsets(trades + "-group").partitionsToOffsetAndMetadata().get().values().stream()
        .filter(Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
  }

  private void awaitCommittedBeyond(long offsets, CrashChildProcess child, String context) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (committedOffsets() <= offsets) {
      assertThat(System.nanoTime()).as("a checkpoint of this run completed within %s (%s)", WAIT, context).isLessThan(deadline);
      assertThat(child.poll("FAILED", Duration.ofMillis(50))).isNull(); // polls the broker every 50 ms
    }
  }

  /**
   * Waits until the armed fault point is reached (returns its FAULT line) or the run has committed
   * offsets for all input produced so far (returns null: produce more).
   */
  private String awaitFaultOrConsumed(CrashChildProcess child, String context) throws Exception {
    long produced = (long) chunks * CHUNK_RECORDS;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String fault = child.poll("FAULT", Duration.ofMillis(50));
      if (fault != null) {
        return fault;
      }
      if (committedOffsets() >= produced) {
        return null;
      }
      assertThat(System.nanoTime()).as("the run reads the input or reaches its fault point within %s (%s)", WAIT, context)
          .isLessThan(deadline);
    }
  }

  /** Waits until the output holds {@code count} windows, or gives up after {@link #WAIT} (the comparison then shows what is missing). */
  private void awaitOutputCount(String bars, int count, CrashChildProcess child) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (committedOutput(bars).size() < count && System.nanoTime() < deadline) {
      assertThat(child.poll("FAILED", Duration.ofMillis(200))).isNull(); // polls the output topic
    }
  }

  /** The data windows in the output topic as a read_committed consumer sees them, sorted (the closing record's window excluded). */
  private static List<String> committedOutput(String bars) {
    return KafkaFixture.readCommitted(bars).stream().map(KafkaFixture::value).filter(v -> !v.contains("\"END\"")).sorted().toList();
  }

  private List<String> expectedOutput() {
    List<String> values = new ArrayList<>();
    expected.forEach((k, v) -> {
      String[] parts = k.split("@");
      values.add("{\"symbol\":\"" + parts[0] + "\",\"window_start\":\"" + WINDOW_START.format(Instant.ofEpochMilli(Long.parseLong(parts[1])))
          + "\",\"total\":" + v[0] + ",\"n\":" + v[1] + "}");
    });
    return values.stream().sorted().toList();
  }
}
