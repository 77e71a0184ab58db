package dev.laminar.api;

/** Every error Laminar reports to an application: its message says what went wrong and where. */
public class LaminarException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LaminarException(String message) {
    super(message);
  }

  public LaminarException(String message, Throwable cause) {
    super(message, cause);
  }
}
