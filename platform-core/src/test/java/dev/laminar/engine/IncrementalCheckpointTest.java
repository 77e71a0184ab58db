package dev.laminar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.durability.checkpoint.CheckpointManifest;
import dev.laminar.durability.checkpoint.CheckpointStore;
import dev.laminar.durability.checkpoint.LoadedCheckpoint;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints through the engine of a TUMBLE aggregate whose groups live in the off-heap state store: the
 * first capture of each store is full, later ones incremental (the manifest records a chain per store), long
 * chains are compacted into one full file, and a corrupt incremental file makes recovery fall back to the
 * previous checkpoint, saying why.
 */
class IncrementalCheckpointTest {
  /** One reactor: the capture counts below are those of one shard (sharded captures: CrashRecoveryTest at 2 reactors). */
  private static Laminar open(Path data) {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).batchSize(16).checkpointsRetained(5)
        .reactors(1).build());
  }

  @Test
  void storeStateIsCheckpointedIncrementallyAndACorruptDeltaFallsBackToThePreviousCheckpoint(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    List<CheckpointStats> stats = new ArrayList<>();
    try (Laminar db = open(data)) {
      db.execute("CREATE SOURCE s (g BIGINT NOT NULL, k VARCHAR NOT NULL, x INT NOT NULL, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) "
          + "WITH ('connector' = 'datagen', 'number-of-rows' = '10000000', 'rows-per-second' = '20000', 'fields.g.min' = '0', "
          + "'fields.g.max' = '999', 'fields.k.values' = 'a,b,c,d', 'fields.x.min' = '0', 'fields.x.max' = '100', 'event-time.step' = '1ms')");
      String query = "SELECT k, g, window_start, COUNT(*) AS n, SUM(x) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), "
          + "INTERVAL '1' HOUR)) GROUP BY k, g, window_start, window_end";
      assertThat(db.execute("EXPLAIN " + query).rows().stream().map(r -> (String) r.get(0)).toList())
          .anySatisfy(line -> assertThat(line).contains("WindowAggregate(").contains("state=off-heap"));
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS " + query);
      for (int i = 0; i < StateSnapshots.MAX_INCREMENTALS + 3; i++) { // enough deltas for a compaction
        long rowsBefore = stateRowsSeen(db);
        while (stateRowsSeen(db) == rowsBefore) { // wait for rows to flow between checkpoints (no sleep: poll what the engine reports)
          Thread.onSpinWait();
        }
        // compactions run on their own thread and a checkpoint takes those finished by then: wait, so which
        // checkpoint references the compacted file is deterministic
        db.engine().checkpointCoordinator().awaitStateCompactions();
        db.execute("CHECKPOINT");
        stats.add(db.engine().lastCheckpointStats());
      }
    }
    assertThat(stats.get(0).fullCaptures()).as("first checkpoint: the window's store and the dictionary in full").isEqualTo(2);
    for (CheckpointStats s : stats.subList(1, stats.size())) {
      assertThat(s.incrementalCaptures()).as("epoch %d captures only changes", s.epoch()).isEqualTo(2);
      assertThat(s.fullCaptures()).isZero();
      assertThat(s.reactorStallNanos()).isPositive();
    }

    Path root = data.resolve("checkpoints");
    CheckpointStore store = new CheckpointStore(root, 5);
    StateSnapshots snapshots = new StateSnapshots(store.stateDirectory());
    LoadedCheckpoint latest = store.latest(snapshots::problem).orElseThrow();
    CheckpointManifest.OperatorSnapshot window = latest.manifest().operators().stream()
        .filter(o -> o.operator().contains("#w")).findFirst().orElseThrow();
    assertThat(window.files()).as("a full snapshot and the deltas after it").hasSizeGreaterThan(1);
    assertThat(window.files().getLast()).contains("-delta");
    assertThat(window.files().getFirst()).as("the chain was compacted off the reactor into one full file").startsWith("c").contains("-full");
    assertThat(window.files().size()).as("compaction keeps the chain short").isLessThan(stats.size());

    Path delta = store.stateDirectory().resolve(window.files().getLast());
    try (FileChannel ch = FileChannel.open(delta, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, 50);
      b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
      ch.write(b, 50);
    }
    LoadedCheckpoint fallback = new CheckpointStore(root, 5).latest(new StateSnapshots(store.stateDirectory())::problem).orElseThrow();
    assertThat(fallback.epoch()).as("a corrupt delta: the previous checkpoint is used").isLessThan(latest.epoch());
    assertThat(fallback.skipped()).anySatisfy(s -> {
      assertThat(s.epoch()).isEqualTo(latest.epoch());
      assertThat(s.reason()).contains("fails its checksum").contains(delta.getFileName().toString());
    });
    assertThat(Files.exists(delta)).isTrue();

    try (Laminar db = open(data)) { // the engine recovers from the earlier checkpoint's chains and runs on
      assertThat(db.failures()).isEmpty();
    }
  }

  @Test
  void windowedAggregatesUseTheStateStoreUnlessSwitchedOffOrNotFixedSize() {
    String source = "CREATE SOURCE t (g BIGINT, s VARCHAR, p DECIMAL(10, 2), ts TIMESTAMP(3), WATERMARK FOR ts AS ts) "
        + "WITH ('connector' = 'datagen', 'number-of-rows' = '10')";
    String tumble = "SELECT s, window_start, COUNT(*) AS n, MAX(g) AS hi FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY s, window_start, window_end";
    String hop = "SELECT g, window_end, SUM(g) AS total FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '4' SECOND)) "
        + "GROUP BY g, window_start, window_end";
    String session = "SELECT s, window_start, window_end, COUNT(*) AS n, SUM(g) AS total FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), "
        + "INTERVAL '1' SECOND)) GROUP BY s, window_start, window_end";
    String sessionChanges = "CREATE STREAM changes AS " + session + " EMIT ON UPDATE";
    String decimalSum = "SELECT g, window_start, SUM(p) AS total FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY g, window_start, window_end";
    String minOfString = "SELECT g, window_start, MIN(s) AS lo FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) "
        + "GROUP BY g, window_start, window_end";
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute(source);
      assertThat(explain(db, tumble)).contains("state=off-heap");
      assertThat(explain(db, hop)).contains("state=off-heap");
      assertThat(explain(db, session)).contains("SessionWindowAggregate(").contains("state=off-heap");
      assertThat(explain(db, "CREATE STREAM tumble_changes AS " + tumble + " EMIT CHANGES ALLOW LATENESS INTERVAL '1' SECOND"))
          .as("TUMBLE keeps the results it emitted in its store").contains("emit=CHANGES").contains("state=off-heap");
      assertThat(explain(db, "CREATE STREAM tumble_every AS " + tumble + " EMIT EVERY INTERVAL '1' SECOND"))
          .contains("emit=EVERY").contains("state=off-heap");
      assertThat(explain(db, "CREATE STREAM hop_updates AS " + hop + " EMIT ON UPDATE ALLOW LATENESS INTERVAL '1' SECOND"))
          .as("HOP keeps the results it emitted per window in stores").contains("emit=ON UPDATE").contains("state=off-heap");
      assertThat(explain(db, sessionChanges)).as("a session keeps the row it emitted in its value").contains("state=off-heap");
      assertThat(explain(db, decimalSum)).as("a compact DECIMAL sum is a 128-bit integer in the slot").contains("state=off-heap");
      assertThat(explain(db, minOfString)).as("MIN of a string: the string as a dictionary id").contains("state=off-heap");
      assertThat(explain(db, minOfString.replace("MIN(s)", "COUNT(DISTINCT s)"))).as("a distinct count: its set in the operator's stores")
          .contains("state=off-heap").contains("update=compiled,");
      assertThat(explain(db, minOfString.replace("MIN(s)", "APPROX_COUNT_DISTINCT(s)"))).as("HyperLogLog registers in a store")
          .contains("state=off-heap");
      System.setProperty(dev.laminar.sql.plan.WindowAggregateNode.STATE_STORE_PROPERTY, "false");
      try {
        assertThat(explain(db, tumble)).doesNotContain("state=off-heap");
        assertThat(explain(db, hop)).doesNotContain("state=off-heap");
        assertThat(explain(db, session)).doesNotContain("state=off-heap");
        assertThat(explain(db, minOfString.replace("MIN(s)", "COUNT(DISTINCT s)"))).as("the heap form embeds the interpreted accumulator")
            .doesNotContain("state=off-heap").contains("interpreted: [COUNT(DISTINCT s)]");
      } finally {
        System.clearProperty(dev.laminar.sql.plan.WindowAggregateNode.STATE_STORE_PROPERTY);
      }
    }
  }

  private static String explain(Laminar db, String query) {
    return String.join("\n", db.execute("EXPLAIN " + query).rows().stream().map(r -> (String) r.get(0)).toList());
  }

  /** Rows source {@code s} has read so far. */
  private static long stateRowsSeen(Laminar db) {
    for (CatalogObject o : db.engine().published()) {
      if (o instanceof SourceObject src && o.name.equals("s")) {
        return src.rowsRead();
      }
    }
    throw new AssertionError("no source s");
  }
}
