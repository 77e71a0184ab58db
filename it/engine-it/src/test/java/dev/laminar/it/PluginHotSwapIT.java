package dev.laminar.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades the file plugin under a running pipeline that reads through it: the output has no gap
 * and no duplicate, the new version serves the rest, and the old class loader is collected.
 */
class PluginHotSwapIT {
  private static final int ROWS = 200_000;

  /** A sink slow enough (1 ms per 100-row batch) that the swap happens mid-stream. */
  static final class SlowSink implements ConnectorFactory {
    final List<Long> received = new CopyOnWriteArrayList<>();

    @Override
    public String id() {
      return "slow";
    }

    @Override
    public String description() {
      return "test sink";
    }

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.SINK);
    }

    @Override
    public List<OptionSpec> options() {
      return List.of();
    }

    @Override
    public SinkConnector createSink(ConnectorContext context) {
      return new SinkConnector() {
        @Override
        public Set<SinkCapability> capabilities() {
          return Set.of(SinkCapability.AT_LEAST_ONCE);
        }

        @Override
        public SinkWriter createWriter() {
          return new SinkWriter() {
            @Override
            public void write(RowBatch batch) {
              List<Long> values = new ArrayList<>(batch.size());
              for (int r = 0; r < batch.size(); r++) {
                values.add(batch.getLong(r, 0));
              }
              received.addAll(values);
              LockSupport.parkNanos(1_000_000);
            }

            @Override
            public void close() {}
          };
        }
      };
    }
  }

  /** The same plugin with another version in plugin.properties. */
  static Path withVersion(Path zip, String version, Path target) throws Exception {
    try (ZipFile in = new ZipFile(zip.toFile()); OutputStream os = Files.newOutputStream(target); ZipOutputStream out = new ZipOutputStream(os)) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new ZipEntry(e.getName()));
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("plugin.properties")) {
          bytes = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("plugin.version=.*", "plugin.version=" + version)
              .getBytes(StandardCharsets.ISO_8859_1);
        }
        out.write(bytes);
        out.closeEntry();
      }
    }
    return target;
  }

  @Test
  void upgradingTheSourcePluginMidStreamLosesAndRepeatsNothing(@TempDir Path dir) throws Exception {
    Path v1 = Path.of(System.getProperty("file.plugin.zip"));
    Path v2 = withVersion(v1, "0.1.1", dir.resolve("laminar-plugin-file-0.1.1.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(v1, plugins.resolve(v1.getFileName()));
    Path csv = dir.resolve("numbers.csv");
    StringBuilder sb = new StringBuilder("n\n");
    for (int i = 0; i < ROWS; i++) {
      sb.append(i).append('\n');
    }
    Files.writeString(csv, sb);

    SlowSink slow = new SlowSink();
    WeakReference<ClassLoader> oldLoader;
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).batchSize(100).queueBatches(4)
        .connector(slow).build())) {
      oldLoader = new WeakReference<>(db.engine().connectors().resolve("file", ConnectorKind.SOURCE).classLoader());
      db.execute("CREATE SOURCE numbers (n BIGINT) WITH ('connector' = 'file', 'path' = '" + csv + "', 'format' = 'csv')");
      db.execute("CREATE SINK out_slow FROM numbers WITH ('connector' = 'slow')");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (slow.received.size() < 20_000 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(slow.received.size()).as("mid-stream").isBetween(20_000, ROWS - 50_000);

      String result = db.execute("UPDATE PLUGIN '" + v2 + "'").message();

      assertThat(result).isEqualTo("Updated plugin file 0.1.0-SNAPSHOT -> 0.1.1");
      assertThat(db.execute("SHOW PLUGINS").rows()).singleElement().satisfies(r -> assertThat(r.get(1)).isEqualTo("0.1.1"));
      assertThat(db.engine().connectors().resolve("file", ConnectorKind.SOURCE).classLoader()).isNotSameAs(oldLoader.get());
      assertThat(db.awaitCompletion(Duration.ofSeconds(60))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    assertThat(slow.received).hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      if (slow.received.get(i) != i) {
        throw new AssertionError("row " + i + " is " + slow.received.get(i) + ": gap or duplicate around the swap");
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (oldLoader.get() != null && System.nanoTime() < deadline) {
      System.gc();
      LockSupport.parkNanos(50_000_000);
    }
    assertThat(oldLoader.get()).as("the old plugin's class loader was garbage-collected").isNull();
  }

  @Test
  void installAndUpdateByIdFromADirectoryIndexIntoARunningEngine(@TempDir Path dir) throws Exception {
    Path v1 = Path.of(System.getProperty("file.plugin.zip"));
    Path zips = Files.createDirectories(dir.resolve("published"));
    Files.copy(v1, zips.resolve(v1.getFileName()));
    Path index = dir.resolve("index");
    dev.laminar.plugin.directory.IndexGenerator.generate(zips, index);
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path csv = Files.writeString(dir.resolve("in.csv"), "n\n1\n2\n3\n");
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).pluginIndex(index.toString()).build())) {
      assertThat(db.execute("INSTALL PLUGIN 'file'").message()).isEqualTo("Installed plugin file 0.1.0-SNAPSHOT");
      db.execute("CREATE SOURCE numbers (n BIGINT) WITH ('connector' = 'file', 'path' = '" + csv + "', 'format' = 'csv')");
      db.execute("CREATE SINK out_mem FROM numbers WITH ('connector' = 'memory')");
      assertThat(db.awaitCompletion(Duration.ofSeconds(30))).isTrue();
      assertThat(db.sinkRows("out_mem")).hasSize(3);

      withVersion(v1, "0.2.0", zips.resolve("laminar-plugin-file-0.2.0.zip"));
      dev.laminar.plugin.directory.IndexGenerator.generate(zips, index);
      assertThat(db.execute("UPDATE PLUGIN 'file'").message()).isEqualTo("Updated plugin file 0.1.0-SNAPSHOT -> 0.2.0");
      assertThat(db.execute("SHOW PLUGINS").rows()).singleElement().satisfies(r -> assertThat(r.get(1)).isEqualTo("0.2.0"));
      assertThat(db.failures()).isEmpty();
    }
  }

  @Test
  void aPluginFunctionIsCallableFromSqlAndItsPluginIsNotSwappedUnderAQueryUsingIt(@TempDir Path dir) throws Exception {
    Path zip = Path.of(System.getProperty("functions.plugin.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).build())) {
      db.execute("CREATE SOURCE nums (a DOUBLE, b DOUBLE) WITH ('connector' = 'memory')");
      db.execute("CREATE STREAM ratios AS SELECT SAFE_DIVIDE(a, b) AS r FROM nums");
      var sub = db.subscribe("ratios");
      try (var w = db.writer("nums")) {
        w.beginRow();
        w.setDouble(0, 6);
        w.setDouble(1, 3);
        w.endRow();
        w.beginRow();
        w.setDouble(0, 1);
        w.setDouble(1, 0);
        w.endRow();
      }
      List<dev.laminar.sdk.row.Row> rows = new ArrayList<>();
      while (!sub.isFinished()) {
        rows.addAll(sub.poll(Duration.ofMillis(100)));
      }
      assertThat(rows).containsExactly(dev.laminar.sdk.row.Row.of(2.0), dev.laminar.sdk.row.Row.of((Object) null));
      Path v2 = withVersion(zip, "0.1.1", dir.resolve("laminar-plugin-functions-0.1.1.zip"));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.execute("UPDATE PLUGIN '" + v2 + "'"))
          .hasMessageContaining("cannot update plugin functions 0.1.0-SNAPSHOT: [ratios] call its functions");
      db.execute("DROP STREAM ratios");
      assertThat(db.execute("UPDATE PLUGIN '" + v2 + "'").message()).isEqualTo("Updated plugin functions 0.1.0-SNAPSHOT -> 0.1.1");
    }
  }

  @Test
  void aPluginAggregateIsUsableByNameInWindowsAndAgreesWithTheBuiltIn(@TempDir Path dir) throws Exception {
    Path zip = Path.of(System.getProperty("functions.plugin.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(zip, plugins.resolve(zip.getFileName()));
    try (Laminar db = Laminar.open(LaminarConfig.builder().pluginsDirectory(plugins).build())) {
      db.execute("CREATE SOURCE nums (x DOUBLE, ts TIMESTAMP(3) NOT NULL, WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
      var sub = db.subscribe("SELECT window_start, VARIANCE_POP(x) AS plugin_var, VAR_POP(x) AS builtin_var "
          + "FROM TABLE(HOP(TABLE nums, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end");
      try (var w = db.writer("nums")) {
        double[] xs = {1, 2, 4, 8, 16, 3};
        for (int i = 0; i < xs.length; i++) {
          w.beginRow();
          w.setDouble(0, xs[i]);
          w.setTimestampMillis(1, 1_767_225_600_000L + i * 500L);
          w.endRow();
        }
      }
      List<dev.laminar.sdk.row.Row> rows = new ArrayList<>();
      while (!sub.isFinished()) {
        rows.addAll(sub.poll(Duration.ofMillis(100)));
      }
      assertThat(rows).hasSize(4);
      for (dev.laminar.sdk.row.Row r : rows) {
        assertThat((Double) r.get(1)).as("window %s", r.get(0)).isCloseTo((Double) r.get(2), org.assertj.core.data.Offset.offset(1e-9));
      }
      assertThat(db.failures()).isEmpty();
    }
  }
}
