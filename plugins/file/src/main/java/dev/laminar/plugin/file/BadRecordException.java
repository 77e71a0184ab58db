package dev.laminar.plugin.file;

import java.util.Objects;

/**
 * A record of a file could not be decoded. The message reads {@code <file>:<line>: <reason>}.
 * Thrown from {@code poll} when option {@code bad-records} is {@code fail}; with {@code skip} the
 * record is logged and counted instead.
 */
public final class BadRecordException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final long line;
  private final String reason;

  public BadRecordException(String file, long line, String reason) {
    super(file + ":" + line + ": " + reason);
    this.file = Objects.requireNonNull(file, "file is null");
    this.line = line;
    this.reason = Objects.requireNonNull(reason, "reason is null");
  }

  /** The file, as configured (absolute when the path option was). */
  public String file() {
    return file;
  }

  /** The 1-based line on which the record starts. */
  public long line() {
    return line;
  }

  /** Why the record was rejected, without the location. */
  public String reason() {
    return reason;
  }
}
