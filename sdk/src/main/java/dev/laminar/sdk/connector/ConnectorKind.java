package dev.laminar.sdk.connector;

import dev.laminar.sdk.annotation.Stable;

/** What a connector can be used as in SQL. */
@Stable
public enum ConnectorKind {
  /** {@code CREATE SOURCE ... WITH ('connector' = id)}. */
  SOURCE,
  /** {@code CREATE SINK ... WITH ('connector' = id)}. */
  SINK,
  /** {@code CREATE LOOKUP TABLE ... WITH ('connector' = id)}. */
  LOOKUP
}
