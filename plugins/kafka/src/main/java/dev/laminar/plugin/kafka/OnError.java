package dev.laminar.plugin.kafka;

/** What the source does with a record it cannot decode: option {@code format.on-error}. */
enum OnError {
  /** poll throws, naming topic, partition and offset. */
  FAIL,
  /** The record is logged at WARN and counted, then passed over. */
  SKIP,
  /** The record is copied unchanged to the dead-letter topic (acknowledged before reading on), then passed over. */
  DEAD_LETTER;

  static OnError of(String option) {
    return valueOf(option.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }
}
