package dev.laminar.sdk.connector;

import dev.laminar.sdk.annotation.Stable;

/**
 * A connector option is missing, unknown or malformed. The message names the option and the
 * connector, and says what is allowed.
 */
@Stable
public class InvalidOptionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String connectorId;
  private final String option;

  public InvalidOptionException(String connectorId, String option, String message) {
    super(message);
    this.connectorId = connectorId;
    this.option = option;
  }

  /** The connector whose options were validated. */
  public String connectorId() {
    return connectorId;
  }

  /** The offending option name. */
  public String option() {
    return option;
  }
}
