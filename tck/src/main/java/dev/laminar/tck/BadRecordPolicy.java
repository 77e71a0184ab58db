package dev.laminar.tck;

/** What a source does with a record it cannot decode (the connector's own option selects it). */
public enum BadRecordPolicy {
  /** {@code poll} throws an exception whose message says what is wrong and where. */
  FAIL,
  /** The record is skipped (and reported, e.g. logged); the good records around it all arrive. */
  SKIP
}
