package dev.laminar.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SourceWriter;
import dev.laminar.connector.memory.MemorySource;
import dev.laminar.durability.wal.SyncPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log of rows the application pushes into a memory source: what the writer reports
 * durable, what a reopened engine replays, when segments are deleted, and what happens without a data
 * directory.
 */
class SourceLogTest {
  private static final String SOURCE = "CREATE SOURCE s (id BIGINT NOT NULL, name VARCHAR, price DECIMAL(30, 4), ok BOOLEAN, "
      + "ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory', 'chunk-rows' = '64')";

  private static Laminar open(Path data, SyncPolicy policy) {
    return Laminar.open(LaminarConfig.builder().pluginsDirectory(null).dataDirectory(data).batchSize(32).walSyncPolicy(policy)
        .walSyncInterval(Duration.ofMillis(5)).walSegmentBytes(8192).checkpointsRetained(1).build());
  }

  /** Polls SHOW SOURCES until {@code source} has read {@code rows} rows. */
  private static void awaitRowsRead(Laminar db, String source, long rows) {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    long read;
    do {
      read = db.execute("SHOW SOURCES").rows().stream().filter(r -> source.equalsIgnoreCase((String) r.get(0)))
          .mapToLong(r -> ((Number) r.get(3)).longValue()).sum();
      if (read >= rows) {
        return;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < deadline);
    throw new AssertionError("source " + source + " read " + read + " of " + rows + " rows within 1 minute");
  }

  private static void push(SourceWriter w, long from, long to) {
    for (long i = from; i < to; i++) {
      w.beginRow();
      w.setLong(0, i);
      if (i % 7 != 0) {
        w.setString(1, "name-" + i + "-\u00e9\u4e2d");
      }
      if (i % 5 != 0) {
        w.setDecimal(2, new java.math.BigDecimal(i + "123456789012345.0001"));
      }
      w.setBoolean(3, i % 2 == 0);
      w.setTimestampMillis(4, 1_000 + i);
      w.endRow();
    }
  }

  private static String expected(long i) {
    return i + "," + (i % 7 != 0 ? "name-" + i + "-\u00e9\u4e2d" : "") + "," + (i % 5 != 0 ? i + "123456789012345.0001" : "") + ","
        + (i % 2 == 0);
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

  @ParameterizedTest
  @EnumSource(SyncPolicy.class)
  void durableRowsAreReplayedAfterAReopenAndTheApplicationResumesAfterThem(SyncPolicy policy, @TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path out = dir.resolve("out");
    try (Laminar db = open(data, policy)) {
      db.execute(SOURCE);
      SourceWriter w = db.writer("s");
      assertThat(w.durableRows()).isZero();
      push(w, 0, 500);
      assertThat(w.commit()).as("commit waits until the log holds every row written").isEqualTo(500);
      assertThat(w.durableRows()).isEqualTo(500);
      // no sink reads s yet: the rows are only in the log (and in the queue) when the engine goes away
    }
    try (Laminar db = open(data, policy)) {
      SourceWriter w = db.writer("s");
      assertThat(w.durableRows()).as("rows durable before the restart").isEqualTo(500);
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + out + "', 'sink.delivery-guarantee' = 'exactly-once') AS "
          + "SELECT id, name, price, ok FROM s");
      push(w, 500, 800);
      w.close();
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    List<String> expected = new ArrayList<>();
    for (long i = 0; i < 800; i++) {
      expected.add(expected(i));
    }
    assertThat(committed(out)).as("each row once, the logged ones replayed").containsExactlyInAnyOrderElementsOf(expected);
    try (Laminar db = open(data, policy)) { // the end was logged: the source stays finished, nothing is replayed twice
      assertThatThrownBy(() -> db.writer("s")).hasMessageContaining("memory source 's' has ended");
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
    }
    assertThat(committed(out)).hasSize(800);
  }

  @Test
  void rowsACheckpointCoversAreNotReplayed(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path out = dir.resolve("out");
    try (Laminar db = open(data, SyncPolicy.EVERY_COMMIT)) {
      db.execute(SOURCE);
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + out + "') AS SELECT id, name, price, ok FROM s");
      SourceWriter w = db.writer("s");
      push(w, 0, 300);
      w.commit();
      awaitRowsRead(db, "s", 300); // rows the engine has not read yet at close stay in the log (replayed on open)
    } // a clean close checkpoints: rows 0..299 are committed and covered
    assertThat(committed(out)).hasSize(300);
    try (Laminar db = open(data, SyncPolicy.EVERY_COMMIT)) {
      SourceWriter w = db.writer("s");
      assertThat(w.durableRows()).isEqualTo(300);
      push(w, 300, 400);
      w.close();
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
    }
    List<String> rows = committed(out);
    assertThat(rows).hasSize(400).doesNotHaveDuplicates();
  }

  @Test
  void segmentsNoRetainedCheckpointNeedsAreDeleted(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (Laminar db = open(data, SyncPolicy.EVERY_COMMIT)) {
      db.execute(SOURCE);
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + dir.resolve("out") + "') AS SELECT id FROM s");
      SourceWriter w = db.writer("s");
      MemorySource source = (MemorySource) db.engine().sourceConnector("s");
      push(w, 0, 5_000); // ~400 KB of records in 8 KiB segments
      w.commit();
      long before = source.logBytes();
      assertThat(before).isGreaterThan(200_000);
      w.close();
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue(); // the sink's last checkpoint covers every row
      db.execute("CHECKPOINT"); // one retained checkpoint: its position bounds the log
      assertThat(source.logBytes()).as("log bytes after checkpoints covering every row (before: %d)", before).isLessThan(3 * 8192);
    }
    try (Laminar db = open(data, SyncPolicy.EVERY_COMMIT)) {
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
    }
    assertThat(committed(dir.resolve("out"))).hasSize(5_000).doesNotHaveDuplicates();
  }

  /** Damages the newest segment of the source's log: appends garbage (a torn write) or flips a byte of its last record. */
  private static void damageLog(Path data, boolean flipLastRecord) throws Exception {
    Path newest;
    try (Stream<Path> files = Files.list(data.resolve("wal").resolve("s"))) {
      newest = files.filter(f -> f.toString().endsWith(".wal") && f.toFile().length() > 0).max(java.util.Comparator.naturalOrder())
          .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(newest);
    if (flipLastRecord) {
      bytes[bytes.length - 3] ^= 0x10; // inside the last record's payload
      Files.write(newest, bytes);
    } else {
      Files.write(newest, new byte[] {17, 0, 0, 0, 1, 2, 3, 4, 5}, java.nio.file.StandardOpenOption.APPEND);
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aDamagedTailOfTheLogIsCutAndTheApplicationResumesAfterTheLastWholeRecord(boolean flipLastRecord, @TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    Path out = dir.resolve("out");
    try (Laminar db = open(data, SyncPolicy.EVERY_COMMIT)) {
      db.execute(SOURCE);
      SourceWriter w = db.writer("s");
      push(w, 0, 200); // chunks of 64 rows: records of 64, 64, 64 and 8 rows
      assertThat(w.commit()).isEqualTo(200);
    }
    damageLog(data, flipLastRecord);
    long resumeAt = flipLastRecord ? 192 : 200; // a corrupt record is cut with what follows it; torn garbage alone
    try (Laminar db = open(data, SyncPolicy.EVERY_COMMIT)) {
      SourceWriter w = db.writer("s");
      assertThat(w.durableRows()).isEqualTo(resumeAt);
      db.execute("CREATE SINK f WITH ('connector' = 'filesystem', 'path' = '" + out + "') AS SELECT id, name, price, ok FROM s");
      push(w, resumeAt, 250);
      w.close();
      assertThat(db.awaitCompletion(Duration.ofMinutes(1))).isTrue();
    }
    List<String> expected = new ArrayList<>();
    for (long i = 0; i < 250; i++) {
      expected.add(expected(i));
    }
    assertThat(committed(out)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void droppingTheSourceDeletesItsLog(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (Laminar db = open(data, SyncPolicy.NONE)) {
      db.execute(SOURCE);
      SourceWriter w = db.writer("s");
      push(w, 0, 100);
      w.commit();
      assertThat(data.resolve("wal").resolve("s")).isDirectory();
      db.execute("DROP SOURCE s");
      assertThat(data.resolve("wal").resolve("s")).doesNotExist();
      db.execute(SOURCE);
      assertThat(db.writer("s").durableRows()).as("a new source of the same name starts empty").isZero();
    }
  }

  @Test
  void withoutADataDirectoryNothingIsDurable() {
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(null).build())) {
      db.execute(SOURCE);
      SourceWriter w = db.writer("s");
      push(w, 0, 10);
      assertThat(w.commit()).isZero();
      assertThat(w.durableRows()).isZero();
    }
  }
}
