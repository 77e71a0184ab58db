package dev.laminar.it.misbehaving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.connector.OptionType;
import dev.laminar.sdk.row.BatchWriter;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.pf4j.Extension;

/**
 * Connectors for the engine's integration tests. Most misbehave on purpose (isolation tests): every
 * such source emits {@code rows} rows with one BIGINT column (0, 1, 2, ...) before misbehaving. The
 * {@code journal} sink behaves, and records its two-phase-commit calls for the plugin-swap tests.
 */
public final class MisbehavingConnectors {
  private MisbehavingConnectors() {}

  /** What a source does after its rows. */
  enum Mode { THROW, HANG, LEAK, JACKSON }

  abstract static class Base implements ConnectorFactory {
    @Override
    public String description() {
      return "misbehaves on purpose (tests)";
    }

    @Override
    public List<OptionSpec> options() {
      return List.of(OptionSpec.builder("rows", OptionType.LONG).defaultValue("10").description("rows before misbehaving").build());
    }
  }

  abstract static class SourceBase extends Base {
    abstract Mode mode();

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.SOURCE);
    }

    @Override
    public SourceConnector createSource(ConnectorContext context) {
      long rows = context.options().getLong("rows");
      Mode mode = mode();
      return new SourceConnector() {
        @Override
        public List<SourceSplit> discoverSplits() {
          return List.of(SourceSplit.of("only"));
        }

        @Override
        public SourceReader createReader(SourceSplit split) {
          return new Reader(rows, mode);
        }

        @Override
        public boolean isBounded() {
          return mode != Mode.HANG;
        }

        @Override
        public void close() {
          // nothing held
        }
      };
    }
  }

  static final class Reader implements SourceReader {
    private final long rows;
    private final Mode mode;
    private long next;

    Reader(long rows, Mode mode) {
      this.rows = rows;
      this.mode = mode;
    }

    @Override
    public void restore(byte[] position) {
      next = ByteBuffer.wrap(position).getLong();
    }

    @Override
    public void open() {
      if (mode == Mode.LEAK) {
        Thread t = new Thread(() -> {
          while (true) {
            LockSupport.park(); // never ends, never stopped: a leak
          }
        }, "misbehaving-leaked-thread");
        t.setDaemon(true);
        t.start();
      }
    }

    @Override
    public PollStatus poll(BatchWriter out) {
      while (next < rows && !out.isFull()) {
        out.beginRow();
        if (mode == Mode.JACKSON) {
          out.setString(0, new ObjectMapper().version().toString()); // the Jackson this plugin sees
        } else {
          out.setLong(0, next);
        }
        out.endRow();
        next++;
      }
      if (next < rows || out.size() > 0) {
        return PollStatus.MORE_AVAILABLE;
      }
      switch (mode) {
        case THROW -> throw new IllegalStateException("boom after " + rows + " rows");
        case HANG -> {
          while (true) {
            LockSupport.park(); // stuck for good, deaf to interrupts
          }
        }
        default -> {
          return PollStatus.FINISHED;
        }
      }
    }

    @Override
    public byte[] position() {
      return ByteBuffer.allocate(8).putLong(next).array();
    }

    @Override
    public void close() {
      // a leaky reader forgets its thread here
    }
  }

  /** Source that throws from poll() after its rows. */
  @Extension
  public static final class Throwing extends SourceBase {
    @Override
    public String id() {
      return "throwing";
    }

    @Override
    Mode mode() {
      return Mode.THROW;
    }
  }

  /** Source whose poll() never returns after its rows. */
  @Extension
  public static final class Hanging extends SourceBase {
    @Override
    public String id() {
      return "hanging";
    }

    @Override
    Mode mode() {
      return Mode.HANG;
    }
  }

  /** Bounded source that starts a thread in open() and never stops it. */
  @Extension
  public static final class Leaky extends SourceBase {
    @Override
    public String id() {
      return "leaky";
    }

    @Override
    Mode mode() {
      return Mode.LEAK;
    }
  }

  /** Source emitting the version of the Jackson its class loader sees (the plugin bundles an older one). */
  @Extension
  public static final class OldJackson extends SourceBase {
    @Override
    public String id() {
      return "old-jackson";
    }

    @Override
    Mode mode() {
      return Mode.JACKSON;
    }
  }

  /** Sink whose write() never returns. */
  @Extension
  public static final class HangingSink extends Base {
    @Override
    public String id() {
      return "hanging-sink";
    }

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.SINK);
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
              while (true) {
                LockSupport.park();
              }
            }

            @Override
            public void close() {
              // nothing held
            }
          };
        }

        @Override
        public void close() {
          // nothing held
        }
      };
    }
  }

  /**
   * Two-phase-commit sink that appends what it is asked to do to the file {@code journal}, one line per
   * call: {@code PRECOMMIT e}, {@code COMMIT e v1 v2 ...} (the first BIGINT column of the epoch's rows;
   * {@code COMMIT e redriven} for an epoch pre-committed by an earlier writer) and {@code ABORT e}.
   */
  @Extension
  public static final class JournalSink implements ConnectorFactory {
    @Override
    public String id() {
      return "journal";
    }

    @Override
    public String description() {
      return "records its pre-commits, commits and aborts (tests)";
    }

    @Override
    public Set<ConnectorKind> provides() {
      return Set.of(ConnectorKind.SINK);
    }

    @Override
    public List<OptionSpec> options() {
      return List.of(OptionSpec.builder("journal", OptionType.STRING).required().description("file the calls are appended to").build());
    }

    @Override
    public SinkConnector createSink(ConnectorContext context) {
      Path journal = Path.of(context.options().getString("journal"));
      return new SinkConnector() {
        @Override
        public Set<SinkCapability> capabilities() {
          return Set.of(SinkCapability.AT_LEAST_ONCE, SinkCapability.TWO_PHASE_COMMIT);
        }

        @Override
        public SinkWriter createWriter() {
          return new JournalWriter(journal);
        }

        @Override
        public void close() {
          // nothing held
        }
      };
    }
  }

  static final class JournalWriter implements SinkWriter {
    private final Path journal;
    private List<Long> open = new ArrayList<>();
    private final Map<Long, List<Long>> preCommitted = new HashMap<>();

    JournalWriter(Path journal) {
      this.journal = journal;
    }

    @Override
    public void write(RowBatch batch) {
      for (int r = 0; r < batch.size(); r++) {
        open.add(batch.getLong(r, 0));
      }
    }

    @Override
    public byte[] preCommit(long epoch) {
      preCommitted.put(epoch, open);
      open = new ArrayList<>();
      append("PRECOMMIT " + epoch);
      return ByteBuffer.allocate(8).putLong(epoch).array();
    }

    @Override
    public void commit(long epoch, byte[] handle) {
      List<Long> rows = preCommitted.remove(epoch);
      StringBuilder line = new StringBuilder("COMMIT ").append(epoch);
      if (rows == null) {
        line.append(" redriven");
      } else {
        rows.forEach(v -> line.append(' ').append(v));
      }
      append(line.toString());
    }

    @Override
    public void abort(long epoch, byte[] handle) {
      preCommitted.remove(epoch);
      append("ABORT " + epoch);
    }

    private void append(String line) {
      try {
        Files.writeString(journal, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      // the journal is reopened per line
    }
  }
}
