package dev.laminar.engine;

import dev.laminar.runtime.StreamNode;
import dev.laminar.sdk.type.Schema;
import java.util.List;

/** A named object of the catalog: a source, a stream or a sink. */
abstract sealed class CatalogObject permits SourceObject, StreamObject, SinkObject, LookupTableObject {
  /** The three kinds, as SQL names them. */
  enum Kind {
    SOURCE, STREAM, SINK, VIEW, LOOKUP_TABLE;

    /** Lower-case name for messages, e.g. {@code lookup table}. */
    String displayName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  final String name;
  final Schema schema;
  /** The SQL statement that created it (kept in the data directory's catalog). */
  final String ddl;
  private volatile Throwable failure;

  CatalogObject(String name, Schema schema, String ddl) {
    this.name = name;
    this.schema = schema;
    this.ddl = ddl;
  }

  abstract Kind kind();

  /** The fan-out node consumers attach to; null for sinks. */
  abstract StreamNode node();

  /** Index of the event-time column, or -1. */
  abstract int rowtimeColumn();

  /** Names of the objects this one reads. */
  abstract List<String> inputs();

  /** RUNNING, FINISHED, FAILED, ... for SHOW. */
  abstract String status();

  void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  Throwable failure() {
    return failure;
  }
}
