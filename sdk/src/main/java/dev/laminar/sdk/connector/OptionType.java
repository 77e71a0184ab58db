package dev.laminar.sdk.connector;

import dev.laminar.sdk.annotation.Stable;

/** The type an option's string value is parsed into by {@link OptionSpec#parse}. */
@Stable
public enum OptionType {
  /** Any string. */
  STRING,
  /** A 32-bit integer. */
  INT,
  /** A 64-bit integer. */
  LONG,
  /** A double. */
  DOUBLE,
  /** {@code true} or {@code false} (case-insensitive). */
  BOOLEAN,
  /** A duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT5S}). */
  DURATION,
  /** One of {@link OptionSpec#allowedValues()} (case-insensitive; the canonical spelling is returned). */
  ENUM,
  /** A comma-separated list of strings. */
  LIST
}
