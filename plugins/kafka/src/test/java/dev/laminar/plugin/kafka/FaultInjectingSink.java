package dev.laminar.plugin.kafka;

import dev.laminar.sdk.connector.ConnectorContext;
import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Connector {@code kafka-faults} for {@link KafkaCrashChild}: the {@code kafka} sink of the plugin zip
 * (loaded through its own plugin class loader), with fault points the parent test arms through the
 * child's stdin. When an armed point is reached the sink thread prints {@code FAULT <point> <epoch>}
 * and stops there, so the parent's SIGKILL lands exactly at that point:
 *
 * <ul>
 *   <li>{@code WRITE}: after the n-th row written since arming (rows sent in an open transaction);
 *   <li>{@code PRECOMMIT}: after the n-th pre-commit of an epoch with rows (mid-checkpoint: the
 *       transaction is flushed and prepared, the manifest not yet written);
 *   <li>{@code COMMIT_BEFORE}: at the n-th commit of an epoch with rows, before it is committed (the
 *       manifest is durable: the restart must re-drive the commit);
 *   <li>{@code COMMIT_AFTER}: after the n-th such commit returned, before the engine marks the epoch
 *       committed (the restart re-drives a commit that already happened).
 * </ul>
 *
 * A commit before the writer's first write or pre-commit is the engine re-driving the commit of the
 * last checkpoint after a restart; it prints {@code REDRIVE <epoch>}.
 */
final class FaultInjectingSink implements ConnectorFactory {
  /** Where a fault can be armed. */
  enum Point { WRITE, PRECOMMIT, COMMIT_BEFORE, COMMIT_AFTER }

  private final ConnectorFactory delegate;
  private final ClassLoader loader;
  private volatile Point armed;
  private final AtomicLong remaining = new AtomicLong();

  FaultInjectingSink(ConnectorFactory delegate, ClassLoader loader) {
    this.delegate = delegate;
    this.loader = loader;
  }

  /** Arms {@code point} to fire once it has been reached {@code count} times (rows for WRITE). */
  void arm(Point point, long count) {
    remaining.set(count);
    armed = point;
  }

  private void reached(Point point, long amount, long epoch) {
    if (armed == point && remaining.addAndGet(-amount) <= 0) {
      armed = null;
      KafkaCrashChild.say("FAULT " + point + " " + epoch);
      while (true) {
        LockSupport.park(); // stays at the fault point until the parent's SIGKILL
      }
    }
  }

  private <T> T call(Callable<T> action) throws Exception {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader); // kafka-clients loads its (de)serializers through the context class loader
    try {
      return action.call();
    } finally {
      t.setContextClassLoader(before);
    }
  }

  @Override
  public String id() {
    return "kafka-faults";
  }

  @Override
  public String description() {
    return "the kafka sink with fault points (test only)";
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
    SinkConnector sink;
    try {
      sink = call(() -> delegate.createSink(context));
    } catch (RuntimeException e) {
      throw e; // e.g. an invalid option, as the engine would get it from the plain connector
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new SinkConnector() {
      @Override
      public Set<SinkCapability> capabilities() {
        return sink.capabilities();
      }

      @Override
      public SinkWriter createWriter() throws Exception {
        return new Writer(call(sink::createWriter));
      }

      @Override
      public void close() throws Exception {
        call(() -> {
          sink.close();
          return null;
        });
      }
    };
  }

  private final class Writer implements SinkWriter {
    private final SinkWriter writer;
    private boolean started;

    Writer(SinkWriter writer) {
      this.writer = writer;
    }

    @Override
    public void open() throws Exception {
      call(() -> {
        writer.open();
        return null;
      });
    }

    @Override
    public void write(RowBatch batch) throws Exception {
      started = true;
      call(() -> {
        writer.write(batch);
        return null;
      });
      reached(Point.WRITE, batch.size(), -1);
    }

    @Override
    public void flush() throws Exception {
      call(() -> {
        writer.flush();
        return null;
      });
    }

    @Override
    public byte[] preCommit(long epoch) throws Exception {
      started = true;
      byte[] handle = call(() -> writer.preCommit(epoch));
      if (handle.length > 0) {
        reached(Point.PRECOMMIT, 1, epoch);
      }
      return handle;
    }

    @Override
    public void commit(long epoch, byte[] handle) throws Exception {
      if (handle.length > 0) {
        if (!started) {
          KafkaCrashChild.say("REDRIVE " + epoch);
        }
        reached(Point.COMMIT_BEFORE, 1, epoch);
      }
      call(() -> {
        writer.commit(epoch, handle);
        return null;
      });
      if (handle.length > 0) {
        reached(Point.COMMIT_AFTER, 1, epoch);
      }
    }

    @Override
    public void abort(long epoch, byte[] handle) throws Exception {
      call(() -> {
        writer.abort(epoch, handle);
        return null;
      });
    }

    @Override
    public void close() throws Exception {
      call(() -> {
        writer.close();
        return null;
      });
    }
  }
}
