package dev.laminar.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.durability.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CHECKPOINT statement: what it commits, what it records, and what it refuses. */
class CheckpointStatementTest {
  private static Laminar open(Path data) {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).batchSize(16).build());
  }

  private static List<String> committed(Path out) throws Exception {
    List<String> rows = new ArrayList<>();
    if (!Files.isDirectory(out)) {
      return rows;
    }
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        rows.addAll(lines.subList(1, lines.size()));
      }
    }
    return rows;
  }

  @Test
  void aCheckpointCommitsTheSinksAndRecordsTheSourcePositions(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    try (Laminar db = open(dir.resolve("data"))) {
      db.execute("CREATE SOURCE s (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', "
          + "'number-of-rows' = '1000', 'fields.id.kind' = 'sequence')");
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + out + "') AS SELECT id FROM s WHERE id < 500");
      assertThat(db.awaitCompletion(java.time.Duration.ofMinutes(1))).isTrue();
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
    }
    List<String> rows = committed(out);
    assertThat(rows).hasSize(500).doesNotHaveDuplicates();
    CheckpointStore store = new CheckpointStore(dir.resolve("data").resolve("checkpoints"), 3);
    var latest = store.latest().orElseThrow();
    assertThat(latest.committed()).isTrue();
    assertThat(latest.manifest().sources()).extracting(p -> p.source()).contains("s");
    // the sink's end took a checkpoint with its last epoch; CHECKPOINT took the next one (nothing left to commit)
    assertThat(store.epochs()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(store.read(store.epochs().get(0)).sinks()).extracting(p -> p.sink()).containsExactly("f");
  }

  @Test
  void reopeningAfterACleanCloseContinuesWhereTheSourcesWere(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    try (Laminar db = open(dir.resolve("data"))) {
      db.execute("CREATE SOURCE s (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', "
          + "'number-of-rows' = '300', 'fields.id.kind' = 'sequence')");
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + out + "') AS SELECT id FROM s");
      assertThat(db.awaitCompletion(java.time.Duration.ofMinutes(1))).isTrue();
    }
    try (Laminar db = open(dir.resolve("data"))) { // the catalog and the checkpoint restore the finished pipeline: nothing is read twice
      assertThat(db.awaitCompletion(java.time.Duration.ofMinutes(1))).isTrue();
    }
    assertThat(committed(out)).hasSize(300).doesNotHaveDuplicates();
  }

  @Test
  void checkpointWithoutADataDirectoryIsRefusedWithAMessage() {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      assertThatThrownBy(() -> db.execute("CHECKPOINT")).hasMessageContaining("CHECKPOINT needs a data directory");
    }
  }

  private static void pushQuotes(SourceWriter w, int from, int to) {
    for (int i = from; i < to; i++) {
      w.beginRow();
      w.setString(0, "k" + (i % 10));
      w.setLong(1, i);
      w.setTimestampMillis(2, i);
      w.endRow();
    }
  }

  private static List<dev.laminar.sdk.row.Row> awaitViewRows(Laminar db, String query, int rows) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    List<dev.laminar.sdk.row.Row> seen = List.of();
    while (System.nanoTime() < deadline) {
      seen = db.execute(query).rows();
      if (seen.size() >= rows) {
        return seen;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the view did not reach " + rows + " rows: " + seen.size());
  }

  @Test
  void materializedViewContentsAreCheckpointedAndRestored(@TempDir Path dir) {
    Path data = dir.resolve("data");
    try (Laminar db = open(data)) {
      db.execute("CREATE SOURCE s (k VARCHAR, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      db.execute("CREATE MATERIALIZED VIEW latest AS SELECT k, v, ts FROM s WHERE MOD(v, 2) = 0");
      SourceWriter w = db.writer("s");
      pushQuotes(w, 0, 400);
      w.commit();
      awaitViewRows(db, "SELECT k, v FROM latest", 200);
      assertThat(db.execute("CHECKPOINT").message()).matches("Checkpoint \\d+ complete");
      pushQuotes(w, 400, 500); // logged after the checkpoint: replayed on reopen
      w.commit();
    }
    try (Laminar db = open(data)) {
      // rows 0..399 come back from the checkpoint's copy of the view (the log is replayed only after its position), 400..499 from the log
      List<dev.laminar.sdk.row.Row> rows = awaitViewRows(db, "SELECT k, v FROM latest", 250);
      assertThat(rows).extracting(r -> (Long) r.get(1)).containsExactlyInAnyOrderElementsOf(
          java.util.stream.LongStream.range(0, 500).filter(v -> v % 2 == 0).boxed().toList());
      assertThat(db.writer("s").durableRows()).isEqualTo(500);
    }
  }
}
