package dev.laminar.cli;

import dev.laminar.api.Laminar;
import dev.laminar.api.LaminarConfig;
import dev.laminar.api.SqlSyntaxException;
import dev.laminar.api.StatementResult;
import dev.laminar.api.Subscription;
import dev.laminar.engine.StatementExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code laminar run FILE.sql}: executes the file's statements in order, then keeps the pipelines
 * running until Ctrl-C, until {@code --for} elapses, or, when every source is bounded, until all
 * input has gone through. Rows of a SELECT in the file are printed as they arrive; sinks write
 * wherever they write (the console sink to stdout).
 *
 * <p>Exit code 0 on success; 1 with a one-line message on stderr when a statement fails (prefixed
 * by the file and the position, {@code ohlc.sql: line 3, column 5: ...}) or a pipeline fails.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = LaminarCli.Version.class,
    description = {"Runs the statements of a SQL file, then keeps its pipelines running: until Ctrl-C, "
        + "until --for elapses, or until all input of bounded sources is processed."})
final class RunCommand implements Callable<Integer> {
  private static final Duration TICK = Duration.ofMillis(100);

  private final CliStreams io;

  @Parameters(index = "0", paramLabel = "FILE.sql", description = "The SQL statements to run, separated by ';'.")
  private Path file;

  @Option(names = "--for", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long, e.g. 10s, 2m, 1h30m (default: run until done or Ctrl-C).")
  private Duration runFor;

  @Mixin
  private EngineOptions engineOptions;

  RunCommand(CliStreams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    String script;
    try {
      script = Files.readString(file);
    } catch (NoSuchFileException e) {
      io.err().println(file + ": no such file");
      return 1;
    } catch (IOException e) {
      io.err().println(file + ": cannot read: " + e.getMessage());
      return 1;
    }
    Logging.configure(engineOptions.verbose());
    LaminarConfig config = engineOptions.config(); // a bad option is a usage error (exit code 2)
    Laminar db;
    try {
      db = Laminar.open(config);
    } catch (RuntimeException e) {
      report("laminar: " + Errors.describe(e), e);
      return 1;
    }
    try (ShutdownGuard guard = new ShutdownGuard(db)) {
      List<Subscription> queries = new ArrayList<>();
      List<Tables.Streaming> printers = new ArrayList<>();
      if (!executeStatements(db, script, queries, printers)) {
        return 1;
      }
      return runPipelines(db, guard, queries, printers);
    } catch (RuntimeException e) {
      report("laminar: " + Errors.describe(e), e);
      return 1;
    }
  }

  /**
   * Checks the syntax of the whole file first (so nothing starts when a later statement is
   * malformed), then executes statement by statement so that an error names its position in the file.
   */
  private boolean executeStatements(Laminar db, String script, List<Subscription> queries, List<Tables.Streaming> printers) {
    try {
      StatementExecutor.parse(script);
    } catch (SqlSyntaxException e) {
      report(file + ": " + Errors.oneLine(e.getMessage()), e);
      return false;
    }
    StatementSplitter.Result split = StatementSplitter.split(script);
    List<StatementSplitter.Statement> statements = new ArrayList<>(split.statements());
    if (split.rest() != null) {
      statements.add(split.rest()); // a last statement without ';'
    }
    for (StatementSplitter.Statement s : statements) {
      List<StatementResult> results;
      try {
        results = db.executeScript(s.text());
      } catch (SqlSyntaxException e) {
        int[] at = s.toInput(e.line(), e.column());
        report(file + ": line " + at[0] + ", column " + at[1] + ": " + Errors.oneLine(detail(e)), e);
        return false;
      } catch (RuntimeException e) {
        report(file + ": line " + s.tokenLine() + ", column " + s.tokenColumn() + ": " + Errors.describe(e), e);
        return false;
      }
      for (StatementResult r : results) {
        switch (r.kind()) {
          case OK -> {
            if (engineOptions.verbose()) {
              io.err().println(r.message());
            }
          }
          case ROWS -> Tables.printFinite(r.schema(), r.rows(), io.out());
          case STREAM -> {
            queries.add(r.subscription());
            printers.add(new Tables.Streaming(r.schema(), io.out()));
          }
        }
      }
    }
    return true;
  }

  /** The message of a positioned error without its {@code line L, column C: } prefix. */
  private static String detail(SqlSyntaxException e) {
    String prefix = "line " + e.line() + ", column " + e.column() + ": ";
    String m = e.getMessage();
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  /** Runs until stopped, done, failed or out of time; prints query rows meanwhile. */
  private int runPipelines(Laminar db, ShutdownGuard guard, List<Subscription> queries, List<Tables.Streaming> printers) {
    boolean consumers = !queries.isEmpty() || !db.execute("SHOW SINKS").rows().isEmpty();
    if (!consumers && runFor == null) {
      if (engineOptions.verbose()) {
        io.err().println("nothing reads any source (no sink, no SELECT): done");
      }
      return 0;
    }
    boolean bounded = db.engine().allSourcesBounded();
    long deadline = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
    while (!guard.stopRequested()) {
      boolean polled = pollQueries(queries, printers);
      if (!db.failures().isEmpty()) {
        break;
      }
      Duration wait = polled ? Duration.ofMillis(1) : TICK;
      if (bounded && consumers && db.awaitCompletion(wait)) {
        pollQueries(queries, printers);
        break;
      }
      if (System.nanoTime() >= deadline) {
        break;
      }
      if (!polled && !(bounded && consumers)) {
        guard.awaitStop(TICK); // wakes at once on Ctrl-C; else re-checks failures and --for each tick
      }
    }
    if (!db.failures().isEmpty()) {
      for (String failure : db.failures()) {
        io.err().println(file + ": " + Errors.oneLine(failure));
      }
      return 1;
    }
    return 0;
  }

  /**
   * Prints whatever the running SELECTs produced, waiting a little for rows (this is the loop's
   * pause while queries run); false when no query is running.
   */
  private static boolean pollQueries(List<Subscription> queries, List<Tables.Streaming> printers) {
    boolean polled = false;
    Duration each = queries.size() == 1 ? TICK : Duration.ofMillis(10);
    for (int i = 0; i < queries.size(); i++) {
      Subscription q = queries.get(i);
      if (!q.isFinished() && q.failure() == null) {
        printers.get(i).print(q.poll(each));
        polled = true;
      }
    }
    return polled;
  }

  /** One line on stderr; the stack trace too with --verbose. */
  private void report(String message, Throwable e) {
    io.err().println(message);
    if (engineOptions.verbose()) {
      e.printStackTrace(io.err());
    }
  }
}
