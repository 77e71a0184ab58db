package dev.laminar.tck.lifecycleplugin;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import dev.laminar.sdk.type.Schema;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.pf4j.Extension;

/**
 * Connector {@code lifecycle-test}, packed into a plugin zip by the TCK's own tests (never loaded from the
 * test class path): rows {@code (id BIGINT, name VARCHAR)} = {@code (i, "row-i")} for {@code i < rows}.
 * The source generates them, the sink appends {@code id,name} lines to the file {@code path}, the lookup
 * table computes them by id. Option {@code leak} makes the plugin leave something behind on purpose.
 * Uses only the SDK and the JDK, like any plugin.
 */
@Extension
public final class LifecycleTestConnectorFactory implements ConnectorFactory {
  @Override
  public String id() {
    return "lifecycle-test";
  }

  @Override
  public String description() {
    return "Generated rows, for testing the TCK's plugin lifecycle suite.";
  }

  @Override
  public Set<ConnectorKind> provides() {
    return Set.of(ConnectorKind.SOURCE, ConnectorKind.SINK, ConnectorKind.LOOKUP);
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.builder("rows", OptionType.INT).defaultValue("10").build(),
        OptionSpec.builder("path", OptionType.STRING).defaultValue("").description("sink: the file to append to").build(),
        OptionSpec.builder("leak", OptionType.ENUM).allowedValues("none", "thread", "shutdown-hook").defaultValue("none").build());
  }

  @Override
  public SourceConnector createSource(ConnectorContext context) {
    int rows = context.options().getInt("rows");
    String leak = context.options().getString("leak");
    if (leak.equals("shutdown-hook")) {
      Runtime.getRuntime().addShutdownHook(new Hook());
    }
    return new SourceConnector() {
      @Override
      public List<SourceSplit> discoverSplits() {
        return List.of(SourceSplit.of("all"));
      }

      @Override
      public SourceReader createReader(SourceSplit split) {
        return new Reader(rows, leak.equals("thread"));
      }

      @Override
      public boolean isBounded() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public SinkConnector createSink(ConnectorContext context) {
    Path path = Path.of(context.options().getString("path"));
    return new SinkConnector() {
      @Override
      public Set<SinkCapability> capabilities() {
        return Set.of(SinkCapability.AT_LEAST_ONCE);
      }

      @Override
      public SinkWriter createWriter() {
        return new LineWriter(path);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public LookupTable createLookupTable(ConnectorContext context) {
    int rows = context.options().getInt("rows");
    Schema schema = context.schema();
    return new LookupTable() {
      @Override
      public Schema keySchema() {
        return Schema.of(schema.column(0));
      }

      @Override
      public Schema rowSchema() {
        return schema;
      }

      @Override
      public CompletionStage<List<List<Row>>> lookup(List<Row> keys) {
        List<List<Row>> out = new ArrayList<>();
        for (Row key : keys) {
          Object id = key.get(0);
          out.add(id instanceof Long l && l >= 0 && l < rows ? List.of(row(l)) : List.of());
        }
        return CompletableFuture.completedFuture(out);
      }

      @Override
      public void close() {}
    };
  }

  static Row row(long i) {
    return Row.of(i, "row-" + i);
  }

  /** A shutdown hook of a plugin class: the JDK holds it, and through it the plugin's class loader. */
  private static final class Hook extends Thread {
    @Override
    public void run() {}
  }

  private static final class Reader implements SourceReader {
    private final int rows;
    private final boolean leakThread;
    private long next;

    Reader(int rows, boolean leakThread) {
      this.rows = rows;
      this.leakThread = leakThread;
    }

    @Override
    public void restore(byte[] position) {
      next = ByteBuffer.wrap(position).getLong();
    }

    @Override
    public void open() {
      if (leakThread) {
        Thread.ofPlatform().daemon().name("lifecycle-test-leak").start(Reader::idle);
      }
    }

    /** Runs plugin code for a while and then ends, so the leak does not outlive the test JVM's other tests for long. */
    private static void idle() {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (System.nanoTime() < until) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }

    @Override
    public PollStatus poll(BatchWriter out) {
      while (next < rows && !out.isFull()) {
        out.beginRow();
        out.setLong(0, next);
        out.setString(1, "row-" + next);
        out.endRow();
        next++;
      }
      return next < rows ? PollStatus.MORE_AVAILABLE : PollStatus.FINISHED;
    }

    @Override
    public byte[] position() {
      return ByteBuffer.allocate(Long.BYTES).putLong(next).array();
    }

    @Override
    public void close() {}
  }

  private static final class LineWriter implements SinkWriter {
    private final Path path;
    private Writer out;

    LineWriter(Path path) {
      this.path = path;
    }

    @Override
    public void open() throws IOException {
      out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void write(RowBatch batch) throws IOException {
      for (int r = 0; r < batch.size(); r++) {
        out.write(batch.getLong(r, 0) + "," + batch.getString(r, 1) + "\n");
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (out != null) {
        out.close();
        out = null;
      }
    }
  }
}
