package dev.laminar.sdk.sink;

import dev.laminar.sdk.annotation.Stable;

/** Delivery and input properties a sink declares; the planner checks them against the pipeline. */
@Stable
public enum SinkCapability {
  /** Everything written before a successful {@code preCommit} survives a crash (possibly twice). */
  AT_LEAST_ONCE,
  /** Writing the same row twice has the effect of writing it once (e.g. upsert by key). */
  IDEMPOTENT,
  /** {@code preCommit} makes an epoch's rows durable but invisible; {@code commit} publishes them; {@code abort} discards them. */
  TWO_PHASE_COMMIT,
  /** Accepts rows of every {@link dev.laminar.sdk.row.RowKind}, not only INSERT. */
  ACCEPTS_CHANGELOG
}
