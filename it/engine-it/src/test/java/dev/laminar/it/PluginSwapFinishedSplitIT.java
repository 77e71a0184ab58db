package dev.laminar.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.connector.filesystem.FilesystemConnectorFactory;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades the file plugin while one split of a source reading through it has finished and another
 * still reads: checkpoints taken after the swap succeed and record the finished split's final
 * position, so recovering from them reads neither split's rows twice into an exactly-once sink.
 */
class PluginSwapFinishedSplitIT {
  private static final int SMALL = 50;
  private static final int LARGE = 300_000;

  /** The built-in exactly-once {@code filesystem} sink, taking {@code pauseNanos} per batch written (backpressure on the source). */
  static final class SlowFilesystem implements ConnectorFactory {
    private final FilesystemConnectorFactory delegate = new FilesystemConnectorFactory();
    private final long pauseNanos;

    SlowFilesystem(long pauseNanos) {
      this.pauseNanos = pauseNanos;
    }

    @Override
    public String id() {
      return "slow-filesystem";
    }

    @Override
    public String description() {
      return "test sink: the filesystem sink, slowed down";
    }

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.SINK);
    }

    @Override
    public List<OptionSpec> options() {
      return delegate.options();
    }

    @Override
    public SinkConnector createSink(ConnectorContext context) {
      SinkConnector sink = delegate.createSink(context);
      return new SinkConnector() {
        @Override
        public Set<SinkCapability> capabilities() {
          return sink.capabilities();
        }

        @Override
        public SinkWriter createWriter() throws Exception {
          SinkWriter writer = sink.createWriter();
          return new SinkWriter() {
            @Override
            public void open() throws Exception {
              writer.open();
            }

            @Override
            public void write(RowBatch batch) throws Exception {
              writer.write(batch);
              if (pauseNanos > 0 && batch.size() > 0) {
                LockSupport.parkNanos(pauseNanos);
              }
            }

            @Override
            public void flush() throws Exception {
              writer.flush();
            }

            @Override
            public byte[] preCommit(long epoch) throws Exception {
              return writer.preCommit(epoch);
            }

            @Override
            public void commit(long epoch, byte[] handle) throws Exception {
              writer.commit(epoch, handle);
            }

            @Override
            public void abort(long epoch, byte[] handle) throws Exception {
              writer.abort(epoch, handle);
            }

            @Override
            public void close() throws Exception {
              writer.close();
            }
          };
        }

        @Override
        public void close() throws Exception {
          sink.close();
        }
      };
    }
  }

  @Test
  void aSplitFinishedBeforeTheSwapKeepsItsPositionInLaterCheckpoints(@TempDir Path dir) throws Exception {
    Path v1 = Path.of(System.getProperty("file.plugin.zip"));
    Path v2 = PluginHotSwapIT.withVersion(v1, "0.1.1", dir.resolve("laminar-plugin-file-0.1.1.zip"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(v1, plugins.resolve(v1.getFileName()));
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("a.csv"), csv(0, SMALL)); // one split that finishes at once
    Files.writeString(in.resolve("b.csv"), csv(SMALL, SMALL + LARGE)); // one that still reads at the swap
    Path out = dir.resolve("out");
    Path data = dir.resolve("data");

    try (Laminar db = Laminar.open(config(plugins, data).connector(new SlowFilesystem(1_000_000)).build())) {
      db.execute("CREATE SOURCE nums (n BIGINT) WITH ('connector' = 'file', 'path' = '" + in + "', 'glob' = '*.csv', 'format' = 'csv')");
      db.execute("CREATE SINK out_fs FROM nums WITH ('connector' = 'slow-filesystem', 'path' = '" + out
          + "', 'sink.delivery-guarantee' = 'exactly-once')");
      // a.csv fits one batch: its split has read it and finished long before the sink wrote this many rows
      awaitWritten(db, 20_000);

      db.execute("UPDATE PLUGIN '" + v2 + "'");

      db.execute("CHECKPOINT");
      long atCheckpoint = written(db);
      assertThat(atCheckpoint).as("b.csv is still being read after the checkpoint").isLessThan(SMALL + LARGE);
      awaitWritten(db, atCheckpoint + 10_000);
      assertThat(db.failures()).isEmpty();
      assertThat(written(db)).as("closed while b.csv is still being read").isLessThan(SMALL + LARGE);
    }

    // recovery: the finished split must not be read again, the other one resumes where the last checkpoint left it
    try (Laminar db = Laminar.open(config(plugins, data).connector(new SlowFilesystem(0)).build())) {
      assertThat(db.awaitCompletion(Duration.ofSeconds(60))).isTrue();
      assertThat(db.failures()).isEmpty();
    }
    TreeMap<Long, Integer> counts = new TreeMap<>();
    for (long v : committedValues(out)) {
      counts.merge(v, 1, Integer::sum);
    }
    List<Long> repeated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(java.util.Map.Entry::getKey).toList();
    assertThat(repeated).as("rows committed more than once (a.csv holds 0..%d)", SMALL - 1).isEmpty();
    assertThat(counts).as("every row committed").hasSize(SMALL + LARGE);
    assertThat(counts.firstKey()).isZero();
    assertThat(counts.lastKey()).isEqualTo(SMALL + LARGE - 1);
  }

  private static LaminarConfig.Builder config(Path plugins, Path data) {
    return LaminarConfig.builder().pluginsDirectory(plugins).dataDirectory(data).batchSize(100).queueBatches(4);
  }

  private static String csv(long from, long to) {
    StringBuilder sb = new StringBuilder("n\n");
    for (long v = from; v < to; v++) {
      sb.append(v).append('\n');
    }
    return sb.toString();
  }

  private static long written(Laminar db) {
    return db.execute("SHOW SINKS").rows().stream().filter(r -> "out_fs".equals(r.get(0))).mapToLong(r -> ((Number) r.get(4)).longValue())
        .sum();
  }

  /** Polls SHOW SINKS until the sink has written {@code rows} rows. */
  private static void awaitWritten(Laminar db, long rows) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (written(db) >= rows) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the sink did not write " + rows + " rows within 30 s: " + db.execute("SHOW SINKS").rows()
        + "; failures " + db.failures());
  }

  /** The values in the committed (visible) files of the filesystem sink's directory, header lines left out. */
  private static List<Long> committedValues(Path out) throws Exception {
    List<Long> values = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.equals("n")) {
            values.add(Long.parseLong(line));
          }
        }
      }
    }
    return values;
  }
}
