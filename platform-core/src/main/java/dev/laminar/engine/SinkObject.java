package dev.laminar.engine;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.runtime.OutputConsumer;
import dev.laminar.runtime.OutputEdge;
import dev.laminar.runtime.StreamNode;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sql.QueryPlanner.PlannedQuery;
import dev.laminar.sql.plan.PlanMetrics;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code CREATE SINK}: reads a stream (or its own query) and hands rows to the connector's
 * writer on a sink thread. Until checkpoints exist, the whole run is epoch 1: the writer is flushed
 * whenever its queue runs dry, and pre-committed and committed when the input ends or the sink is
 * dropped.
 */
final class SinkObject extends CatalogObject {
  private static final Logger LOG = LoggerFactory.getLogger(SinkObject.class);

  final List<String> inputs;
  final PlannedQuery query;
  final String connectorId;
  final dev.laminar.sdk.connector.ConnectorOptions options;
  SinkConnector connector;
  /** "built-in", "application" or "plugin ID VERSION". */
  String origin;
  /** The plugin providing the connector, or null. */
  String pluginId;
  final OutputEdge edge;
  final PlanMetrics metrics = new PlanMetrics();
  Runner runner;

  SinkObject(String name, Schema schema, String ddl, List<String> inputs, PlannedQuery query, String connectorId,
      dev.laminar.sdk.connector.ConnectorOptions options, SinkConnector connector, String origin, String pluginId, SinkWriter writer, int batches, int batchSize, Consumer<Throwable> onFailure,
      CheckpointCoordinator checkpoints) {
    super(name, schema, ddl);
    this.origin = origin;
    this.pluginId = pluginId;
    this.inputs = List.copyOf(inputs);
    this.query = query;
    this.connectorId = connectorId;
    this.options = options;
    this.connector = connector;
    this.edge = new OutputEdge(schema, batches, batchSize);
    this.runner = new Runner("sink-" + name, edge, writer, onFailure, checkpoints, this);
  }

  @Override
  Kind kind() {
    return Kind.SINK;
  }

  @Override
  StreamNode node() {
    return null;
  }

  @Override
  int rowtimeColumn() {
    return -1;
  }

  @Override
  List<String> inputs() {
    return inputs;
  }

  @Override
  String status() {
    return failure() != null ? "FAILED" : runner.reachedEnd() ? "FINISHED" : "RUNNING";
  }

  /**
   * The sink thread's loop around the connector's writer. Without checkpoints (no data directory),
   * the whole run is one epoch, committed when the input ends or the sink is stopped. With them,
   * epochs end at checkpoint barriers: the writer pre-commits when the barrier marker arrives, and
   * commits when the checkpoint's manifest is durable; rows after the last checkpoint are aborted
   * when the sink stops early (they are read again after a restart), and the end of the input
   * takes a last checkpoint that covers them.
   */
  static final class Runner extends OutputConsumer {
    private final SinkWriter writer;
    private final CheckpointCoordinator checkpoints;
    private final SinkObject owner;
    /** The epoch the rows being written belong to. */
    private long epoch;
    private boolean committed;
    private final java.util.Map<Long, java.util.concurrent.CompletableFuture<byte[]>> barrierWaiters =
        new java.util.concurrent.ConcurrentHashMap<>();

    Runner(String description, OutputEdge edge, SinkWriter writer, Consumer<Throwable> onFailure) {
      this(description, edge, writer, onFailure, null, null);
    }

    Runner(String description, OutputEdge edge, SinkWriter writer, Consumer<Throwable> onFailure, CheckpointCoordinator checkpoints,
        SinkObject owner) {
      super(description, edge, onFailure);
      this.writer = writer;
      this.checkpoints = checkpoints;
      this.owner = owner;
      this.epoch = checkpoints == null ? 1 : checkpoints.firstEpoch();
    }

    @Override
    protected void open() throws Exception {
      writer.open();
      if (checkpoints != null) {
        byte[] redrive = checkpoints.recoveredHandle(owner.name);
        if (redrive != null) {
          writer.commit(checkpoints.recoveredEpoch(), redrive); // decided before the crash: idempotent
        }
        writer.abort(epoch, new byte[0]); // presumed abort: anything pre-committed after the last decision
      }
    }

    @Override
    protected void handle(ColumnarBatch batch) throws Exception {
      writer.write(batch);
    }

    @Override
    protected void quiet() throws Exception {
      writer.flush();
    }

    /** A future for the handle this sink pre-commits at barrier {@code e}. */
    java.util.concurrent.CompletableFuture<byte[]> expectBarrier(long e) {
      java.util.concurrent.CompletableFuture<byte[]> f = new java.util.concurrent.CompletableFuture<>();
      barrierWaiters.put(e, f);
      if (isDone() || endArrived()) {
        barrierWaiters.remove(e);
        f.complete(null); // past its end: its last rows are covered by the checkpoint its end took
      }
      return f;
    }

    @Override
    protected void onBarrier(long e) throws Exception {
      java.util.concurrent.CompletableFuture<byte[]> f = barrierWaiters.remove(e);
      try {
        byte[] handle = writer.preCommit(e);
        epoch = e + 1;
        if (f != null) {
          f.complete(handle);
        }
      } catch (Exception ex) {
        if (f != null) {
          f.completeExceptionally(ex);
        }
        throw ex;
      }
    }

    /** Commits epoch {@code e} on the sink thread (the checkpoint's manifest is durable). */
    java.util.concurrent.CompletableFuture<Void> commitOnThread(long e, byte[] handle) {
      java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
      boolean queued = runOnThread(() -> {
        try {
          writer.commit(e, handle);
          f.complete(null);
        } catch (Exception ex) {
          f.completeExceptionally(ex);
        }
      });
      if (!queued) {
        f.completeExceptionally(new IllegalStateException(description + " stopped before committing epoch " + e));
      }
      return f;
    }

    /** Aborts epoch {@code e} on the sink thread (its checkpoint failed). */
    void abortOnThread(long e, byte[] handle) {
      runOnThread(() -> {
        try {
          writer.abort(e, handle);
        } catch (Exception ex) {
          LOG.warn("{}: abort of epoch {} failed", description, e, ex);
        }
      });
    }

    /** Barriers behind the end of input never reach this consumer: their checkpoints go on without it. */
    private void noMoreBarriers() {
      for (Long e : List.copyOf(barrierWaiters.keySet())) {
        java.util.concurrent.CompletableFuture<byte[]> f = barrierWaiters.remove(e);
        if (f != null) {
          f.complete(null);
        }
      }
    }

    @Override
    protected void finish() throws Exception {
      noMoreBarriers(); // before waiting for the coordinator, which may be waiting for this sink's barrier
      if (checkpoints == null || !checkpoints.possible()) {
        commitWholeRun();
        return;
      }
      byte[][] handle = new byte[1][];
      long e = checkpoints.checkpoint(owner, ep -> {
        try {
          handle[0] = writer.preCommit(ep);
          return handle[0];
        } catch (Exception ex) {
          throw new java.util.concurrent.CompletionException(ex);
        }
      });
      try {
        writer.commit(e, handle[0]);
        committed = true;
        checkpoints.sinkCommitted(e, null);
      } catch (Exception ex) {
        checkpoints.sinkCommitted(e, ex);
        throw ex;
      }
    }

    /** Without checkpoints: every row of the run is one epoch. */
    private void commitWholeRun() throws Exception {
      if (!committed) {
        committed = true;
        byte[] h = writer.preCommit(epoch);
        writer.commit(epoch, h);
      }
    }

    @Override
    protected void release(boolean failed) {
      noMoreBarriers();
      try {
        if (failed || (checkpoints != null && checkpoints.possible() && !committed && !handingOff())) {
          writer.abort(epoch, new byte[0]); // not covered by a checkpoint: read again after a restart
        } else if (!committed && !held()) { // held: handed off at a barrier whose epoch is committed; nothing written since
          commitWholeRun();
        }
      } catch (Exception e) {
        LOG.error("{}: final {} failed", description, failed ? "abort" : "commit", e);
      }
      try {
        writer.close();
      } catch (Exception e) {
        LOG.warn("{}: close failed", description, e);
      }
    }
  }
}
