package dev.laminar.cli;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code laminar sql}: the interactive SQL shell on a terminal, or a statement reader when stdin is
 * piped ({@code echo 'SHOW CONNECTORS;' | laminar sql}). With piped input the exit code is 1 when a
 * statement failed, so scripts can tell.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
    description = {"Opens an interactive SQL shell (statements end with ';'; quit, exit or Ctrl-D to leave). "
        + "Reads statements from stdin when it is not a terminal."})
final class SqlCommand implements Callable<Integer> {
  /** History of the interactive shell. */
  static final String HISTORY_FILE = ".laminar_history";

  private final CliStreams io;

  @Mixin
  private EngineOptions engineOptions;

  SqlCommand(CliStreams io) {
    this.io = io;
  }

  @Override
  public Integer call() throws IOException {
    Logging.configure(engineOptions.verbose());
    LaminarConfig config = engineOptions.config(); // a bad option is a usage error (exit code 2)
    Laminar db;
    try {
      db = Laminar.open(config);
    } catch (RuntimeException e) {
      io.err().println("laminar: " + Errors.describe(e));
      if (engineOptions.verbose()) {
        e.printStackTrace(io.err());
      }
      return 1;
    }
    try (ShutdownGuard guard = new ShutdownGuard(db);
        LineInput input = io.interactive()
            ? LineInput.terminal(Path.of(System.getProperty("user.home"), HISTORY_FILE))
            : LineInput.plain(io.in())) {
      if (io.interactive()) {
        io.out().println("Laminar " + LaminarCli.version() + " SQL shell. End statements with ';'. "
            + "Ctrl-C stops a running query; quit, exit or Ctrl-D leaves.");
      }
      return new SqlShell(db, input, io, engineOptions.verbose(), guard::stopRequested).run();
    }
  }
}
