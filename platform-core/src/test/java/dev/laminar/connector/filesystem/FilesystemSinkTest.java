package dev.laminar.connector.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.ListRowBatch;
import dev.laminar.tck.TestConnectorContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Epoch atomicity of the {@code filesystem} sink: what is visible, staged and removed at each step. */
class FilesystemSinkTest {
  static final Schema SCHEMA = Schema.builder()
      .column("name", DataType.VARCHAR, false)
      .column("n", DataType.BIGINT)
      .column("price", DataType.decimal(10, 2))
      .column("ts", DataType.TIMESTAMP)
      .build();

  @TempDir
  Path tmp;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private Path out() {
    return tmp.resolve("out");
  }

  private SinkWriter writer(String format) throws Exception {
    FilesystemConnectorFactory factory = new FilesystemConnectorFactory();
    SinkConnector sink = factory.createSink(TestConnectorContext.of(factory, "s", SCHEMA,
        Map.of("path", out().toString(), "format", format)));
    SinkWriter w = sink.createWriter();
    toClose.add(sink);
    toClose.add(w);
    w.open();
    return w;
  }

  private static Row row(String name, long n) {
    return Row.of(name, n, new BigDecimal("1.50"), LocalDateTime.of(2026, 11, 26, 1, 2, 3, 4_000_000));
  }

  private static void write(SinkWriter w, Row... rows) throws Exception {
    w.write(new ListRowBatch(SCHEMA, List.of(rows)));
  }

  private List<String> visible() throws IOException {
    try (Stream<Path> files = Files.list(out())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).sorted().toList();
    }
  }

  private List<String> staged() throws IOException {
    try (Stream<Path> files = Files.list(out().resolve(".in-progress"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String visibleText() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String f : visible()) {
      sb.append(Files.readString(out().resolve(f)));
    }
    return sb.toString();
  }

  @Test
  void csvEpochBecomesVisibleOnlyAtCommitWithAHeaderPerFile() throws Exception {
    SinkWriter w = writer("csv");
    write(w, row("a", 1), row("b, \"quoted\"", 2));
    assertThat(visible()).isEmpty();
    byte[] h1 = w.preCommit(1);
    assertThat(visible()).isEmpty();
    assertThat(staged()).singleElement().asString().startsWith("epoch-00000000000000000001-").endsWith(".pending");
    write(w, Row.of("c", null, null, null));
    w.commit(1, h1);
    assertThat(visibleText()).isEqualTo("name,n,price,ts\na,1,1.50,2026-11-26T01:02:03.004\n\"b, \"\"quoted\"\"\",2,1.50,2026-11-26T01:02:03.004\n");
    w.commit(2, w.preCommit(2));
    assertThat(visible()).hasSize(2);
    assertThat(visibleText()).endsWith("name,n,price,ts\nc,,,\n");
    assertThat(staged()).isEmpty();
  }

  @Test
  void jsonLinesFormat() throws Exception {
    SinkWriter w = writer("json");
    write(w, row("a", 1));
    w.commit(1, w.preCommit(1));
    assertThat(visible()).singleElement().asString().endsWith(".jsonl");
    assertThat(visibleText()).isEqualTo("{\"name\":\"a\",\"n\":1,\"price\":1.50,\"ts\":\"2026-11-26T01:02:03.004\"}\n");
  }

  @Test
  void epochWithoutRowsHasAnEmptyHandleAndNoFile() throws Exception {
    SinkWriter w = writer("csv");
    byte[] handle = w.preCommit(1);
    assertThat(handle).isEmpty();
    w.commit(1, handle);
    w.abort(1, handle);
    assertThat(visible()).isEmpty();
  }

  @Test
  void commitReDrivenAfterACrashPublishesOnceByAnyWriter() throws Exception {
    SinkWriter crashed = writer("csv");
    write(crashed, row("a", 1));
    byte[] handle = crashed.preCommit(1);
    // the process dies here; after the restart the engine re-drives commit(1) through a new writer
    SinkWriter restarted = writer("csv");
    restarted.commit(1, handle);
    restarted.commit(1, handle);
    SinkWriter again = writer("csv");
    again.commit(1, handle);
    assertThat(visible()).hasSize(1);
    assertThat(visibleText()).isEqualTo("name,n,price,ts\na,1,1.50,2026-11-26T01:02:03.004\n");
  }

  @Test
  void commitOfAnEpochWhoseFilesAreGoneFailsNamingTheSink() throws Exception {
    SinkWriter w = writer("csv");
    write(w, row("a", 1));
    byte[] handle = w.preCommit(1);
    w.abort(1, handle);
    assertThatThrownBy(() -> w.commit(1, handle)).hasMessageContaining("sink 'filesystem'").hasMessageContaining("epoch 1");
  }

  @Test
  void presumedAbortOnRecoveryRemovesLaterPendingEpochsAndOrphanedInProgressFiles() throws Exception {
    SinkWriter crashed = writer("csv");
    write(crashed, row("committed", 1));
    crashed.commit(1, crashed.preCommit(1));
    write(crashed, row("pre-committed, no manifest", 2));
    crashed.preCommit(2);
    write(crashed, row("pre-committed, no manifest", 3));
    crashed.preCommit(3);
    write(crashed, row("never pre-committed", 4));
    assertThat(staged()).hasSize(3);
    // restart: the last manifest is epoch 1, so the engine aborts epoch 2 (presumed abort) without a handle
    SinkWriter restarted = writer("csv");
    restarted.abort(2, new byte[0]);
    assertThat(staged()).isEmpty();
    restarted.abort(2, new byte[0]);
    write(restarted, row("after recovery", 2));
    restarted.commit(2, restarted.preCommit(2));
    assertThat(visibleText()).contains("committed,1").contains("after recovery,2").doesNotContain("no manifest")
        .doesNotContain("never");
  }

  @Test
  void closeDiscardsRowsNotPreCommittedAndKeepsPendingOnes() throws Exception {
    SinkWriter w = writer("csv");
    write(w, row("a", 1));
    w.preCommit(1);
    write(w, row("b", 2));
    w.close();
    w.close();
    assertThat(staged()).singleElement().asString().endsWith(".pending");
    assertThat(visible()).isEmpty();
  }
}
