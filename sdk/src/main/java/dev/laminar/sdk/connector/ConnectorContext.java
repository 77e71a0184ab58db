package dev.laminar.sdk.connector;

import dev.laminar.sdk.annotation.Stable;
import dev.laminar.sdk.type.Schema;

/**
 * What the engine tells a connector about the SQL object it backs. Created on the control thread
 * for each {@code CREATE SOURCE / SINK / LOOKUP TABLE}.
 */
@Stable
public interface ConnectorContext {
  /** Name of the SQL object (source, sink or lookup table). */
  String objectName();

  /** The columns the connector reads or writes. */
  Schema schema();

  /** Validated options. */
  ConnectorOptions options();

  /** Name of the event-time column of a source, or {@code null}. */
  default String eventTimeColumn() {
    return null;
  }
}
