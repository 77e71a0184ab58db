package dev.laminar.cli;

/**
 * Log levels of the SLF4J simple binding, set before the engine creates its loggers. The CLI
 * reports every pipeline failure itself (one line, from {@code Laminar.failures()}), so without
 * {@code --verbose} the engine loggers that would repeat them with a stack trace are silenced.
 */
final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  static void configure(boolean verbose) {
    if (verbose) {
      setIfAbsent(PREFIX + "log.dev.laminar", "info");
      return;
    }
    for (String logger : new String[] {"dev.laminar.engine.Engine", "dev.laminar.runtime.OutputConsumer",
        "dev.laminar.runtime.SourceRunner"}) {
      setIfAbsent(PREFIX + "log." + logger, "off");
    }
  }

  /** A level given on the command line ({@code -Dorg.slf4j.simpleLogger...}) wins. */
  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
