package dev.laminar.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades the plugin of an exactly-once sink mid-stream with a data directory: the old writer must
 * commit only an epoch that a durable checkpoint covers (else a crash after the swap would replay
 * rows it already published), no epoch is committed twice, and every row is committed once.
 */
class PluginSwapCheckpointIT {
  private static final int CHUNK = 1_000;

  @Test
  void theOldWriterCommitsExactlyTheEpochACheckpointCovers(@TempDir Path dir) throws Exception {
    Path v1 = Path.of(System.getProperty("misbehaving.plugin.zip"));
    Path v2 = PluginHotSwapIT.withVersion(v1, "0.1.1", dir.resolve("laminar-it-misbehaving-plugin-0.1.1.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(v1, plugins.resolve(v1.getFileName()));
    Path journal = dir.resolve("journal.txt");

    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).dataDirectory(dir.resolve("data")).build())) {
      db.execute("CREATE SOURCE nums (n BIGINT) WITH ('connector' = 'memory')");
      db.execute("CREATE SINK out_journal FROM nums WITH ('connector' = 'journal', 'journal' = '" + journal
          + "', 'sink.delivery-guarantee' = 'exactly-once')");
      SourceWriter w = db.writer("nums");
      push(w, 0, CHUNK);
      awaitWritten(db, CHUNK);
      long first = db.engine().checkpoint();
      push(w, CHUNK, 2 * CHUNK);
      awaitWritten(db, 2 * CHUNK);

      db.execute("UPDATE PLUGIN '" + v2 + "'");

      long swapEpoch = db.engine().lastCheckpointStats().epoch();
      assertThat(swapEpoch).as("the swap ended the sink's epoch with a checkpoint").isEqualTo(first + 1);
      List<String> atSwap = Files.readAllLines(journal);
      assertThat(committedValues(atSwap, swapEpoch)).as("the old writer committed the rows of the swap's epoch")
          .isEqualTo(LongStream.range(CHUNK, 2 * CHUNK).boxed().toList());
      assertThat(atSwap.stream().filter(l -> l.startsWith("COMMIT ")).map(l -> Long.parseLong(l.split(" ")[1])))
          .as("every commit so far is of an epoch a checkpoint made durable").allMatch(e -> e <= swapEpoch);

      push(w, 2 * CHUNK, 3 * CHUNK);
      w.close();
      assertThat(db.awaitCompletion(Duration.ofSeconds(60))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    List<String> lines = Files.readAllLines(journal);
    List<Long> epochs = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    for (String line : lines) {
      String[] parts = line.split(" ");
      if (parts[0].equals("COMMIT")) {
        epochs.add(Long.parseLong(parts[1]));
        for (int i = 2; i < parts.length; i++) {
          values.add(Long.parseLong(parts[i]));
        }
      }
    }
    Set<Long> distinct = new HashSet<>(epochs);
    assertThat(distinct).as("no epoch committed twice: " + lines.stream().filter(l -> !l.startsWith("COMMIT")).toList()
        + " commits " + epochs).hasSize(epochs.size());
    assertThat(values).as("every row committed exactly once, in order").isEqualTo(LongStream.range(0, 3 * CHUNK).boxed().toList());
  }

  private static void push(SourceWriter w, long from, long to) {
    for (long v = from; v < to; v++) {
      w.beginRow();
      w.setLong(0, v);
      w.endRow();
    }
    w.flush();
  }

  /** Polls SHOW SINKS until the sink has written {@code rows} rows. */
  private static void awaitWritten(Laminar db, long rows) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      long written = db.execute("SHOW SINKS").rows().stream().filter(r -> "out_journal".equals(r.get(0)))
          .mapToLong(r -> ((Number) r.get(4)).longValue()).sum();
      if (written >= rows) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the sink did not write " + rows + " rows within 30 s: " + db.execute("SHOW SINKS").rows());
  }

  private static List<Long> committedValues(List<String> journal, long epoch) {
    List<Long> values = new ArrayList<>();
    for (String line : journal) {
      String[] parts = line.split(" ");
      if (parts[0].equals("COMMIT") && Long.parseLong(parts[1]) == epoch) {
        for (int i = 2; i < parts.length; i++) {
          values.add(Long.parseLong(parts[i]));
        }
      }
    }
    return values;
  }
}
