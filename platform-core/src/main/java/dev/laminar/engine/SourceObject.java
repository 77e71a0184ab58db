package dev.laminar.engine;

import dev.laminar.runtime.SourceRunner;
import dev.laminar.runtime.StreamNode;
import dev.laminar.sdk.connector.ConnectorOptions;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.type.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@code CREATE SOURCE}: its connector, watermark declaration and, once started, its readers. */
final class SourceObject extends CatalogObject {
  final String connectorId;
  final ConnectorOptions options;
  SourceConnector connector;
  ClassLoader connectorLoader;
  /** "built-in", "application" or "plugin ID VERSION". */
  String origin;
  /** The plugin providing the connector, or null. */
  String pluginId;
  final int rowtimeColumn;
  final long outOfOrdernessMillis;
  final StreamNode node;
  final List<SourceRunner> runners = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> splitIds = new ArrayList<>();
  final List<dev.laminar.runtime.Reactor.Channel> channels = new ArrayList<>();
  final AtomicInteger finishedSplits = new AtomicInteger();
  volatile boolean started;
  /** The event-time column is AS PROCTIME(): filled by the engine with the wall clock. */
  boolean processingTime;
  /** Splits idle this long stop holding back the watermark (zero: never). */
  java.time.Duration idleTimeout = java.time.Duration.ZERO;
  /** Rows read by runners replaced in plugin swaps. */
  long rowsReadBefore;
  int splits;

  SourceObject(String name, Schema schema, String ddl, String connectorId, ConnectorOptions options, SourceConnector connector,
      ClassLoader connectorLoader, String origin, String pluginId, int rowtimeColumn, long outOfOrdernessMillis) {
    super(name, schema, ddl);
    this.origin = origin;
    this.pluginId = pluginId;
    this.connectorId = connectorId;
    this.options = options;
    this.connector = connector;
    this.connectorLoader = connectorLoader;
    this.rowtimeColumn = rowtimeColumn;
    this.outOfOrdernessMillis = outOfOrdernessMillis;
    this.node = new StreamNode(name, schema);
  }

  @Override
  Kind kind() {
    return Kind.SOURCE;
  }

  @Override
  StreamNode node() {
    return node;
  }

  @Override
  int rowtimeColumn() {
    return rowtimeColumn;
  }

  @Override
  List<String> inputs() {
    return List.of();
  }

  long rowsRead() {
    long n = rowsReadBefore;
    for (SourceRunner r : List.copyOf(runners)) {
      n += r.rowsRead();
    }
    return n;
  }

  @Override
  String status() {
    if (failure() != null) {
      return "FAILED";
    }
    if (!started) {
      return "CREATED";
    }
    return splits > 0 && finishedSplits.get() == splits ? "FINISHED" : "RUNNING";
  }
}
