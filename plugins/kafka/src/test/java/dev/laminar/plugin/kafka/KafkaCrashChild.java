package dev.laminar.plugin.kafka;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.plugin.ConnectorRegistry;
import dev.laminar.sdk.connector.ConnectorKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The engine {@link KafkaCrashIT} kills: Kafka → 1 s TUMBLE per symbol → Kafka exactly once, with a
 * data directory and a checkpoint every 50 ms. The source is the {@code kafka} connector of the plugin
 * zip in the plugins directory; the sink is the same zip's {@code kafka} sink (loaded through its own
 * plugin class loader from a second directory) behind {@link FaultInjectingSink}.
 *
 * <p>Protocol on stdout: {@code RUNNING} once the pipeline is deployed, {@code REDRIVE <epoch>} when the
 * engine re-drives a checkpoint's commit after a restart, {@code FAULT <point> <epoch>} when an armed
 * fault point is reached (the child then waits there to be killed), {@code FAILED <failures>} if the
 * pipeline fails. On stdin: {@code ARM <point> <count>}, and {@code STOP} to close the engine cleanly and
 * exit 0.
 *
 * <p>Arguments: data directory, plugins directory, second plugins directory (for the sink), bootstrap
 * servers, input topic, output topic.
 */
public final class KafkaCrashChild {
  private KafkaCrashChild() {}

  static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    try (ConnectorRegistry sinkPlugin = new ConnectorRegistry(List.of(), List.of(), Path.of(args[2]))) {
      ConnectorRegistry.Entry kafka = sinkPlugin.resolve("kafka", ConnectorKind.SINK);
      FaultInjectingSink faults = new FaultInjectingSink(kafka.factory(), kafka.classLoader());
      CountDownLatch stop = new CountDownLatch(1);
      Thread commands = new Thread(() -> readCommands(faults, stop), "crash-child-commands");
      commands.setDaemon(true);
      commands.start();
      try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(Path.of(args[1])).dataDirectory(Path.of(args[0]))
          .checkpointInterval(Duration.ofMillis(50)).connector(faults).build())) {
        db.executeScript("""
            CREATE SOURCE IF NOT EXISTS trades (symbol VARCHAR, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '0.2' SECOND)
              WITH ('connector' = 'kafka', 'bootstrap.servers' = '%1$s', 'topic' = '%2$s', 'format' = 'json',
                    'startup.mode' = 'earliest', 'metadata.timestamp' = 'ts', 'group.id' = '%2$s-group',
                    'properties.max.poll.records' = '200');
            CREATE SINK IF NOT EXISTS bars WITH ('connector' = 'kafka-faults', 'bootstrap.servers' = '%1$s', 'topic' = '%3$s',
                    'format' = 'json', 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '%3$s') AS
              SELECT symbol, window_start, SUM(price) AS total, COUNT(*) AS n
              FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
              GROUP BY symbol, window_start, window_end;
            """.formatted(args[3], args[4], args[5]));
        say("RUNNING");
        // until the parent says STOP (or kills this JVM); a failed pipeline is reported at once
        while (!stop.await(100, TimeUnit.MILLISECONDS)) {
          if (!db.failures().isEmpty()) {
            say("FAILED " + db.failures());
            System.exit(4);
          }
        }
        if (!db.failures().isEmpty()) {
          say("FAILED " + db.failures());
          System.exit(4);
        }
      }
    }
    System.exit(0);
  }

  private static void readCommands(FaultInjectingSink faults, CountDownLatch stop) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.trim().split(" ");
        switch (words[0]) {
          case "ARM" -> faults.arm(FaultInjectingSink.Point.valueOf(words[1]), Long.parseLong(words[2]));
          case "STOP" -> stop.countDown();
          default -> throw new IllegalArgumentException("unknown command: " + line);
        }
      }
    } catch (Exception e) {
      say("FAILED commands: " + e);
      System.exit(5);
    }
  }
}
