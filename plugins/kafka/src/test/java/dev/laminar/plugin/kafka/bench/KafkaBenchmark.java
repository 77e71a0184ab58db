package dev.laminar.plugin.kafka.bench;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.plugin.kafka.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka throughput on one in-process broker, same data, same run (not part of the test run; see
 * {@code bench/run-kafka.sh}):
 *
 * <ol>
 *   <li>plain kafka-clients: a consumer (read_committed) copies every record's bytes to a producer
 *       (idempotent, acks=all) — the upper bound for any pass-through;
 *   <li>the engine, plugin loaded from its zip: Kafka → {@code SELECT *} → Kafka, JSON decoded and
 *       encoded, sink at least once, then exactly once;
 *   <li>the engine: Kafka → 1-second tumbling SUM/COUNT per symbol → Kafka, exactly once.
 * </ol>
 *
 * Each run reads the whole input topic (bounded at its end offsets) and ends when the engine's
 * pipeline completes (for the plain loop: when every record is acknowledged). Records/s and MB/s are
 * of the input (records and value bytes) over that wall time.
 */
public final class KafkaBenchmark {
  private static final int PARTITIONS = 2;
  private static final int SYMBOLS = 100;

  private KafkaBenchmark() {}

  public static void main(String[] args) {
    int status = 1;
    try {
      run(args);
      status = 0;
    } catch (Throwable t) {
      t.printStackTrace();
    }
    System.exit(status); // the in-process broker's threads are not daemons
  }

  private static void run(String[] args) throws Exception {
    int records = 1_000_000;
    Path zip = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Integer.parseInt(args[++i]);
        case "--zip" -> zip = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("usage: KafkaBenchmark --zip <plugin zip> [--records N]");
      }
    }
    if (zip == null) {
      throw new IllegalArgumentException("--zip <plugin zip> is required");
    }
    KafkaTestBroker broker = KafkaTestBroker.get();
    String input = broker.createTopic("bench-in", PARTITIONS);
    long bytes = produceInput(broker, input, records);
    System.err.printf(Locale.ROOT, "input: %,d records, %,d value bytes on %d partitions%n", records, bytes, PARTITIONS);

    Path plugins = Files.createTempDirectory("laminar-kafka-bench").resolve("plugins");
    Files.createDirectories(plugins);
    Files.copy(zip, plugins.resolve(zip.getFileName()));

    // warm-up (not reported): JIT of client and engine code
    plainLoop(broker, input, broker.createTopic("bench-warm-plain", PARTITIONS), records);
    engine(broker, plugins, passThrough(broker, input, broker.createTopic("bench-warm-engine", PARTITIONS), "at-least-once"));

    double plain = plainLoop(broker, input, broker.createTopic("bench-plain", PARTITIONS), records);
    double passAlo = engine(broker, plugins, passThrough(broker, input, broker.createTopic("bench-pass-alo", PARTITIONS), "at-least-once"));
    double passEo = engine(broker, plugins, passThrough(broker, input, broker.createTopic("bench-pass-eo", PARTITIONS), "exactly-once"));
    double agg = engine(broker, plugins, aggregate(broker, input, broker.createTopic("bench-agg", 1)));

    StringBuilder json = new StringBuilder("{\"records\":" + records + ",\"input_bytes\":" + bytes + ",\"results\":[");
    report(json, "plain kafka-clients consume→produce (bytes copied)", records, bytes, plain, plain, true);
    report(json, "engine Kafka → SELECT * → Kafka (JSON, at-least-once)", records, bytes, passAlo, plain, false);
    report(json, "engine Kafka → SELECT * → Kafka (JSON, exactly-once)", records, bytes, passEo, plain, false);
    report(json, "engine Kafka → TUMBLE 1 s SUM/COUNT per symbol → Kafka (exactly-once)", records, bytes, agg, plain, false);
    json.append("]}");
    System.out.println(json);
  }

  private static void report(StringBuilder json, String name, int records, long bytes, double seconds, double plainSeconds, boolean first) {
    double rps = records / seconds;
    double mbps = bytes / seconds / 1_000_000.0;
    double ratio = plainSeconds / seconds;
    System.err.printf(Locale.ROOT, "%-75s %8.2f s %,12.0f records/s %8.1f MB/s  %.2f x plain%n", name, seconds, rps, mbps, ratio);
    json.append(first ? "" : ",").append(String.format(Locale.ROOT,
        "{\"name\":\"%s\",\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.2f,\"ratio_to_plain\":%.3f}",
        name.replace("\"", "'"), seconds, rps, mbps, ratio));
  }

  private static long produceInput(KafkaTestBroker broker, String topic, int records) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("linger.ms", "5");
    props.put("batch.size", "262144");
    long bytes = 0;
    long t0 = 1_767_225_600_000L;
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      for (int i = 0; i < records; i++) {
        long ts = t0 + i / 10; // 10 records per millisecond of event time: a 1 s window every 10,000 records
        byte[] value = ("{\"symbol\":\"S" + (i % SYMBOLS) + "\",\"price\":" + (100 + i % 37) + ",\"qty\":" + (1 + i % 5) + "}")
            .getBytes(StandardCharsets.UTF_8);
        bytes += value.length;
        p.send(new ProducerRecord<>(topic, i % PARTITIONS, ts, null, value));
      }
    }
    return bytes;
  }

  /** Consume → produce with plain clients until every input record is acknowledged; returns seconds. */
  private static double plainLoop(KafkaTestBroker broker, String input, String output, int records) throws Exception {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", broker.bootstrapServers());
    c.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    c.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    c.put("isolation.level", "read_committed");
    c.put("max.poll.records", "2000");
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    long start = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c); KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      List<TopicPartition> partitions = java.util.stream.IntStream.range(0, PARTITIONS).mapToObj(i -> new TopicPartition(input, i)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int copied = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (copied < records) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("plain loop copied only " + copied + " of " + records + " records in 5 minutes; positions "
              + partitions.stream().map(tp -> tp + "=" + consumer.position(tp)).toList());
        }
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          producer.send(new ProducerRecord<>(output, r.partition(), r.timestamp(), r.key(), r.value()));
          copied++;
        }
      }
      producer.flush();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static String source(KafkaTestBroker broker, String input) {
    return """
        CREATE SOURCE trades (symbol VARCHAR, price INT, qty INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
          WITH ('connector' = 'kafka', 'bootstrap.servers' = '%s', 'topic' = '%s', 'format' = 'json',
                'startup.mode' = 'earliest', 'scan.bounded.mode' = 'latest-offset', 'metadata.timestamp' = 'ts');
        """.formatted(broker.bootstrapServers(), input);
  }

  private static String sink(KafkaTestBroker broker, String output, String guarantee) {
    return "CREATE SINK bench_out WITH ('connector' = 'kafka', 'bootstrap.servers' = '%s', 'topic' = '%s', 'format' = 'json',"
        .formatted(broker.bootstrapServers(), output)
        + " 'sink.delivery-guarantee' = '" + guarantee + "'"
        + (guarantee.equals("exactly-once") ? ", 'sink.transactional-id-prefix' = '" + output + "'" : "") + ") AS ";
  }

  private static String passThrough(KafkaTestBroker broker, String input, String output, String guarantee) {
    return source(broker, input) + sink(broker, output, guarantee) + "SELECT symbol, price, qty, ts FROM trades;";
  }

  private static String aggregate(KafkaTestBroker broker, String input, String output) {
    return source(broker, input) + sink(broker, output, "exactly-once") + """
        SELECT symbol, window_start, SUM(price * qty) AS turnover, COUNT(*) AS n
        FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
        GROUP BY symbol, window_start, window_end;
        """;
  }

  /**
   * Runs a script through the embedded engine with the plugin from its zip, a fresh data directory and
   * a checkpoint (one Kafka transaction per exactly-once sink) every second; returns seconds until the
   * pipeline completed.
   */
  private static double engine(KafkaTestBroker broker, Path plugins, String script) throws Exception {
    Path data = Files.createTempDirectory("kafka-bench-data");
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).dataDirectory(data)
        .checkpointInterval(Duration.ofSeconds(1)).build())) {
      long start = System.nanoTime();
      db.executeScript(script);
      if (!db.awaitCompletion(Duration.ofMinutes(10))) {
        throw new IllegalStateException("pipeline did not complete within 10 minutes");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!db.failures().isEmpty()) {
        throw new IllegalStateException("pipeline failed: " + db.failures());
      }
      return seconds;
    }
  }
}
