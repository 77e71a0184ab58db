package dev.laminar.sql;

import dev.laminar.api.LaminarException;

/** A statement is valid SQL but cannot run: an unsupported construct, a missing object, a type error. */
public final class SqlPlanningException extends LaminarException {
  private static final long serialVersionUID = 1L;

  public SqlPlanningException(String message) {
    super(message);
  }

  public SqlPlanningException(String message, Throwable cause) {
    super(message, cause);
  }
}
