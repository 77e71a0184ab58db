package dev.laminar.plugin.kafka;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.plugin.ConnectorRegistry;
import dev.laminar.sdk.connector.ConnectorKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The engine {@link KafkaCrashIT} and {@link KafkaPartitionGrowthIT} kill: an engine with a data directory
 * and a checkpoint every 50 ms that runs the SQL script in a file (statements with {@code IF NOT EXISTS}:
 * a restarted child restores them from its catalog). Connector {@code kafka} is the plugin zip in the
 * plugins directory; {@code kafka-faults} is the same zip's {@code kafka} sink (loaded through its own
 * plugin class loader from a second directory) behind {@link FaultInjectingSink}.
 *
 * <p>Protocol on stdout: {@code RUNNING} once the script has run, {@code REDRIVE <epoch>} when the
 * engine re-drives a checkpoint's commit after a restart, {@code FAULT <point> <epoch>} when an armed
 * fault point is reached (the child then waits there to be killed), {@code FAILED <failures>} if the
 * pipeline fails (the child then exits). On stdin: {@code ARM <point> <count>}. The child runs until it
 * is killed.
 *
 * <p>Arguments: data directory, plugins directory, second plugins directory (for {@code kafka-faults}),
 * script file.
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
      Thread commands = new Thread(() -> readCommands(faults), "crash-child-commands");
      commands.setDaemon(true);
      commands.start();
      try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(Path.of(args[1])).dataDirectory(Path.of(args[0]))
          .checkpointInterval(Duration.ofMillis(50)).connector(faults).build())) {
        db.executeScript(Files.readString(Path.of(args[3])));
        say("RUNNING");
        // the source is unbounded: this returns when the pipeline fails (or never, until the parent kills this JVM)
        db.awaitCompletion(Duration.ofDays(1));
        say("FAILED " + db.failures());
        System.exit(4);
      }
    }
  }

  private static void readCommands(FaultInjectingSink faults) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.trim().split(" ");
        if (!words[0].equals("ARM") || words.length != 3) {
          throw new IllegalArgumentException("unknown command: " + line);
        }
        faults.arm(FaultInjectingSink.Point.valueOf(words[1]), Long.parseLong(words[2]));
      }
    } catch (Exception e) {
      say("FAILED commands: " + e);
      System.exit(5);
    }
  }
}
