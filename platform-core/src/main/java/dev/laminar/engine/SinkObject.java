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
      dev.laminar.sdk.connector.ConnectorOptions options, SinkConnector connector, String origin, String pluginId, SinkWriter writer, int batches, int batchSize, Consumer<Throwable> onFailure) {
    super(name, schema, ddl);
    this.origin = origin;
    this.pluginId = pluginId;
    this.inputs = List.copyOf(inputs);
    this.query = query;
    this.connectorId = connectorId;
    this.options = options;
    this.connector = connector;
    this.edge = new OutputEdge(schema, batches, batchSize);
    this.runner = new Runner("sink-" + name, edge, writer, onFailure);
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

  /** The sink thread's loop around the connector's writer. */
  static final class Runner extends OutputConsumer {
    private static final long EPOCH = 1;
    private final SinkWriter writer;
    private boolean committed;

    Runner(String description, OutputEdge edge, SinkWriter writer, Consumer<Throwable> onFailure) {
      super(description, edge, onFailure);
      this.writer = writer;
    }

    @Override
    protected void open() throws Exception {
      writer.open();
    }

    @Override
    protected void handle(ColumnarBatch batch) throws Exception {
      writer.write(batch);
    }

    @Override
    protected void quiet() throws Exception {
      writer.flush();
    }

    @Override
    protected void finish() throws Exception {
      commit();
    }

    private void commit() throws Exception {
      if (!committed) {
        committed = true;
        byte[] handle = writer.preCommit(EPOCH);
        writer.commit(EPOCH, handle);
      }
    }

    @Override
    protected void release(boolean failed) {
      try {
        if (failed) {
          writer.abort(EPOCH, new byte[0]);
        } else {
          commit();
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
