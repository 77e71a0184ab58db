package dev.laminar.plugin.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.sdk.row.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the packaged plugin zip into a real engine and runs Kafka → windowed SQL → Kafka: event time
 * is the record timestamp (metadata.timestamp), the sink writes exactly once, and a read_committed
 * consumer sees each window's bar once.
 */
@ExtendWith(KafkaTestBroker.class)
class KafkaPipelineIT {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @Test
  void kafkaToWindowedSqlToKafkaExactlyOnce(@TempDir Path dir) throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.get();
    String trades = broker.createTopic(broker.newTopicName("trades"), 2);
    String bars = broker.createTopic(broker.newTopicName("bars"), 1);
    try (KafkaProducer<byte[], byte[]> p = KafkaSourceContext.producer()) {
      send(p, trades, 0, T0 + 100, "{\"symbol\": \"AAPL\", \"price\": 10}");
      send(p, trades, 0, T0 + 900, "{\"symbol\": \"AAPL\", \"price\": 12}");
      send(p, trades, 1, T0 + 500, "{\"symbol\": \"MSFT\", \"price\": 20}");
      send(p, trades, 0, T0 + 1200, "{\"symbol\": \"AAPL\", \"price\": 11}");
    }
    Path zip = Path.of(System.getProperty("plugin.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).dataDirectory(dir.resolve("data")).build())) {
      List<Row> connectors = db.execute("SHOW CONNECTORS").rows();
      assertThat(connectors).anySatisfy(r -> {
        assertThat(r.get(0)).isEqualTo("kafka");
        assertThat((String) r.get(2)).startsWith("plugin kafka ");
      });
      db.executeScript("""
          CREATE SOURCE trades (symbol VARCHAR, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
            WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%2$s', 'format' = 'json',
                  'startup.mode' = 'earliest', 'scan.bounded.mode' = 'latest-offset', 'metadata.timestamp' = 'ts');
          CREATE SINK bars WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%3$s', 'format' = 'json',
                  'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '%3$s') AS
            SELECT symbol, window_start, SUM(price) AS total, COUNT(*) AS n
            FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
            GROUP BY symbol, window_start, window_end;
          """.formatted(broker.bootstrapServers(), trades, bars));
      assertThat(db.awaitCompletion(Duration.ofSeconds(60))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    List<String> values = KafkaFixture.readCommitted(bars).stream().map(KafkaFixture::value).toList();
    assertThat(values).containsExactlyInAnyOrder(
        "{\"symbol\":\"AAPL\",\"window_start\":\"2026-01-01T00:00:00.000\",\"total\":22,\"n\":2}",
        "{\"symbol\":\"MSFT\",\"window_start\":\"2026-01-01T00:00:00.000\",\"total\":20,\"n\":1}",
        "{\"symbol\":\"AAPL\",\"window_start\":\"2026-01-01T00:00:01.000\",\"total\":11,\"n\":1}");
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, int partition, long timestamp, String json) throws Exception {
    p.send(new ProducerRecord<>(topic, partition, timestamp, null, json.getBytes(StandardCharsets.UTF_8))).get();
  }
}
