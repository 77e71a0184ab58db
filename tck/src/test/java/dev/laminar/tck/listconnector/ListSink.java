package dev.laminar.tck.listconnector;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.row.RowBatch;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.listconnector.ListConnectorFactory.Bug;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Sink into {@link ListStore}: at-least-once (publish on preCommit), two-phase (stage, then publish on commit) or idempotent (upsert). */
final class ListSink implements SinkConnector {
  private final Schema schema;
  private final String dataset;
  private final String mode;
  private final Bug bug;

  ListSink(Schema schema, String dataset, String mode, Bug bug) {
    this.schema = schema;
    this.dataset = dataset;
    this.mode = mode;
    this.bug = bug;
  }

  @Override
  public Set<SinkCapability> capabilities() {
    return switch (mode) {
      case "two-phase" -> Set.of(SinkCapability.TWO_PHASE_COMMIT);
      case "idempotent" -> Set.of(SinkCapability.IDEMPOTENT);
      default -> Set.of(SinkCapability.AT_LEAST_ONCE);
    };
  }

  @Override
  public SinkWriter createWriter() {
    return new Writer();
  }

  private final class Writer implements SinkWriter {
    private final List<Row> buffer = new ArrayList<>();
    /** Bug STAGES_IN_WRITER_MEMORY: pre-committed epochs kept in this object only. */
    private final Map<Long, List<Row>> stagedHere = new HashMap<>();
    /** A background thread, as a real sink might run for flushing; stopped by close() unless the bug leaks it. */
    private Thread flusher;

    @Override
    public void open() {
      flusher = Thread.ofPlatform().daemon().name("list-sink-flusher-" + dataset).start(() -> {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() < until) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
      });
    }

    @Override
    public void write(RowBatch batch) {
      if (!batch.schema().equals(schema)) {
        throw new IllegalArgumentException("batch schema " + batch.schema() + " is not " + schema);
      }
      for (int r = 0; r < batch.size(); r++) {
        Row row = batch.toRow(r);
        if (mode.equals("idempotent")) {
          ListStore.upsert(dataset, row);
        } else {
          buffer.add(row);
        }
      }
    }

    @Override
    public byte[] preCommit(long epoch) {
      if (mode.equals("two-phase")) {
        if (bug == Bug.STAGES_IN_WRITER_MEMORY) {
          stagedHere.put(epoch, List.copyOf(buffer));
        } else {
          ListStore.STAGED.put(ListStore.stagingKey(dataset, epoch), List.copyOf(buffer));
        }
        buffer.clear();
      } else if (bug != Bug.BUFFERS_UNTIL_CLOSE) {
        flush();
      }
      return Long.toString(epoch).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void flush() {
      if (!mode.equals("two-phase")) {
        ListStore.publish(dataset, buffer);
        buffer.clear();
      }
    }

    @Override
    public void commit(long epoch, byte[] handle) {
      String key = ListStore.stagingKey(dataset, epoch);
      List<Row> staged = bug == Bug.COMMIT_REPLAY_DUPLICATES ? ListStore.STAGED.get(key)
          : bug == Bug.STAGES_IN_WRITER_MEMORY ? stagedHere.remove(epoch) : ListStore.STAGED.remove(key);
      if (staged != null) {
        ListStore.publish(dataset, staged);
      }
    }

    @Override
    public void abort(long epoch, byte[] handle) {
      List<Row> staged = ListStore.STAGED.remove(ListStore.stagingKey(dataset, epoch));
      if (staged != null && bug == Bug.ABORT_PUBLISHES) {
        ListStore.publish(dataset, staged);
      }
    }

    @Override
    public void close() {
      flush();
      if (flusher != null && bug != Bug.LEAKS_THREAD) {
        flusher.interrupt();
        try {
          flusher.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        flusher = null;
      }
    }
  }

  /** Nothing to release; declared without {@code throws Exception} so callers need not handle it. */
  @Override
  public void close() {}
}
