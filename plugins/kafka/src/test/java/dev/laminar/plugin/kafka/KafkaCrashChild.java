package dev.laminar.plugin.kafka;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The engine {@link KafkaCrashIT} kills: Kafka → 1 s TUMBLE per symbol → Kafka exactly once, with a
 * data directory and a checkpoint every 50 ms. Prints RUNNING once its pipeline is deployed; exits 0
 * when the bounded source has been read to its end and the last epoch is committed.
 *
 * <p>Arguments: data directory, plugins directory, bootstrap servers, input topic, output topic.
 */
public final class KafkaCrashChild {
  private KafkaCrashChild() {}

  public static void main(String[] args) throws Exception {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(Path.of(args[1])).dataDirectory(Path.of(args[0]))
        .checkpointInterval(Duration.ofMillis(50)).build())) {
      db.executeScript("""
          CREATE SOURCE IF NOT EXISTS trades (symbol VARCHAR, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND)
            WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%2$s', 'format' = 'json',
                  'startup.mode' = 'earliest', 'scan.bounded.mode' = 'latest-offset', 'metadata.timestamp' = 'ts',
                  'properties.max.poll.records' = '200', 'group.id' = '%2$s-group');
          CREATE SINK IF NOT EXISTS bars WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%3$s', 'format' = 'json',
                  'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '%3$s') AS
            SELECT symbol, window_start, SUM(price) AS total, COUNT(*) AS n
            FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
            GROUP BY symbol, window_start, window_end;
          """.formatted(args[2], args[3], args[4]));
      System.out.println("RUNNING");
      System.out.flush();
      if (!db.awaitCompletion(Duration.ofMinutes(5))) {
        System.exit(3);
      }
      if (!db.failures().isEmpty()) {
        System.err.println(db.failures());
        System.exit(4);
      }
    }
    System.exit(0);
  }
}
