package dev.laminar.plugin.kafka;

/**
 * A record could not be decoded and option {@code format.on-error} is {@code fail}. The message reads
 * {@code <topic>-<partition>@<offset>: <reason>}.
 */
public final class BadRecordException extends Exception {
  private static final long serialVersionUID = 1L;

  BadRecordException(String location, String reason) {
    super(location + ": " + reason);
  }
}
