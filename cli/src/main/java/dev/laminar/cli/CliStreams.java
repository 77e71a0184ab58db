package dev.laminar.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * Where a command reads and writes. The console sink always prints to {@link System#out}, so
 * {@code out} should be the same stream for results to interleave in order.
 *
 * @param in statements for {@code laminar sql}
 * @param out results
 * @param err errors and diagnostics
 * @param interactive whether {@code in} and {@code out} are a terminal (line editing, prompts, history)
 */
public record CliStreams(InputStream in, PrintStream out, PrintStream err, boolean interactive) {
  public CliStreams {
    Objects.requireNonNull(in, "in is null");
    Objects.requireNonNull(out, "out is null");
    Objects.requireNonNull(err, "err is null");
  }

  /** The process's standard streams; interactive when both ends are a terminal. */
  public static CliStreams system() {
    java.io.Console console = System.console();
    return new CliStreams(System.in, System.out, System.err, console != null && console.isTerminal());
  }
}
