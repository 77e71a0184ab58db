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
  void whatCheckpointsDoNotCoverYetIsRefusedWithAMessage(@TempDir Path dir) {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      assertThatThrownBy(() -> db.execute("CHECKPOINT")).hasMessageContaining("CHECKPOINT needs a data directory");
    }
    try (Laminar db = open(dir.resolve("data"))) {
      db.execute("CREATE SOURCE s (k VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      db.execute("CREATE MATERIALIZED VIEW latest AS SELECT k, ts FROM s");
      assertThatThrownBy(() -> db.execute("CHECKPOINT")).hasMessageContaining("line 1, column 1")
          .hasMessageContaining("checkpoints do not cover materialized views yet: view 'latest'");
      try (SourceWriter w = db.writer("s")) {
        w.beginRow();
        w.setString(0, "a");
        w.setTimestampMillis(1, 0);
        w.endRow();
      }
    }
  }
}
