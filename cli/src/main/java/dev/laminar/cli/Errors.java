package dev.laminar.cli;

import dev.laminar.api.LaminarException;

/** Turns exceptions into the one-line messages the CLI prints. */
final class Errors {
  private Errors() {}

  /**
   * The message of an error meant for users ({@link LaminarException}, invalid arguments or state);
   * the exception type too for anything else, since its message alone may not say what happened.
   */
  static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getName();
    }
    if (e instanceof LaminarException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      return oneLine(message);
    }
    return e.getClass().getSimpleName() + ": " + oneLine(message);
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
