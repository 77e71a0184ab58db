package dev.laminar.sdk.type;

import dev.laminar.sdk.annotation.Stable;

/** The logical SQL types a Laminar column can have. */
@Stable
public enum TypeKind {
  BOOLEAN,
  INT,
  BIGINT,
  DOUBLE,
  /** Exact decimal with precision and scale; precision &le; 18 is stored compactly as an unscaled long. */
  DECIMAL,
  VARCHAR,
  /** Timestamp without time zone, millisecond precision (TIMESTAMP(3)), as epoch milliseconds. */
  TIMESTAMP,
  BYTES
}
