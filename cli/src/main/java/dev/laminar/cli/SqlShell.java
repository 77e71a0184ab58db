package dev.laminar.cli;

import dev.laminar.api.Laminar;
import dev.laminar.api.StatementResult;
import dev.laminar.api.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The read-execute-print loop of {@code laminar sql}. Lines are collected until a statement ends
 * with {@code ;} (several statements on a line run in order); each result is printed: a
 * confirmation, a table, or, for a continuous query, rows as they arrive until the query finishes
 * or Ctrl-C stops it. An error is printed and the shell goes on.
 */
final class SqlShell {
  private static final String PROMPT = "laminar> ";
  private static final String CONTINUATION = "      -> ";
  private static final Duration POLL = Duration.ofMillis(100);

  private final Laminar db;
  private final LineInput input;
  private final CliStreams io;
  private final boolean verbose;
  private final BooleanSupplier shuttingDown;
  private int failuresReported;
  private int errors;

  SqlShell(Laminar db, LineInput input, CliStreams io, boolean verbose, BooleanSupplier shuttingDown) {
    this.db = db;
    this.input = input;
    this.io = io;
    this.verbose = verbose;
    this.shuttingDown = shuttingDown;
  }

  /** Runs until quit, exit or the end of input; the exit code (1 when piped input had an error). */
  int run() {
    StringBuilder buffer = new StringBuilder();
    while (!shuttingDown.getAsBoolean()) {
      reportNewFailures();
      String line;
      try {
        line = input.readLine(buffer.isEmpty() ? PROMPT : CONTINUATION);
      } catch (LineInput.LineCancelled e) {
        buffer.setLength(0);
        continue;
      }
      if (line == null) {
        break;
      }
      if (buffer.isEmpty() && isQuit(line)) {
        break;
      }
      buffer.append(line).append('\n');
      StatementSplitter.Result split = StatementSplitter.split(buffer);
      for (StatementSplitter.Statement s : split.statements()) {
        execute(s.text());
      }
      buffer.setLength(0);
      if (split.rest() != null) {
        buffer.append(split.remainder());
      }
    }
    if (!buffer.isEmpty() && !shuttingDown.getAsBoolean()) {
      execute(buffer.toString()); // the input ended inside a statement: run it as if ';' followed
    }
    reportNewFailures();
    return !io.interactive() && errors > 0 ? 1 : 0;
  }

  private static boolean isQuit(String line) {
    String t = line.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith(";")) {
      t = t.substring(0, t.length() - 1).trim();
    }
    return t.equals("quit") || t.equals("exit");
  }

  private void execute(String sql) {
    List<StatementResult> results;
    try {
      results = db.executeScript(sql);
    } catch (RuntimeException e) {
      error(Errors.describe(e), e);
      return;
    }
    for (StatementResult r : results) {
      switch (r.kind()) {
        case OK -> io.out().println(r.message());
        case ROWS -> Tables.printFinite(r.schema(), r.rows(), io.out());
        case STREAM -> follow(r);
      }
    }
  }

  /** Prints a continuous query's rows until it finishes, fails, or Ctrl-C stops it. */
  private void follow(StatementResult r) {
    Tables.Streaming table = new Tables.Streaming(r.schema(), io.out());
    table.printHeader();
    AtomicBoolean cancelled = new AtomicBoolean(); // set by the Ctrl-C handler's thread
    Subscription query = r.subscription();
    try (LineInput.Registration _ = input.onInterrupt(() -> cancelled.set(true))) {
      while (!cancelled.get() && !query.isFinished() && query.failure() == null && !shuttingDown.getAsBoolean()) {
        table.print(query.poll(POLL));
      }
    } finally {
      query.close();
    }
    if (query.failure() != null) {
      error("query failed: " + Errors.describe(query.failure()), query.failure());
    } else if (cancelled.get()) {
      io.out().println("(query stopped after " + rows(table.rows()) + ")");
    } else {
      io.out().println("(" + rows(table.rows()) + ")");
    }
  }

  private static String rows(long n) {
    return n + (n == 1 ? " row" : " rows");
  }

  /** Pipeline failures that happened in the background (a sink failed) since the last look. */
  private void reportNewFailures() {
    List<String> failures = db.failures();
    for (int i = failuresReported; i < failures.size(); i++) {
      io.err().println("ERROR: " + Errors.oneLine(failures.get(i)));
    }
    failuresReported = failures.size();
  }

  private void error(String message, Throwable e) {
    errors++;
    io.err().println("ERROR: " + message);
    if (verbose) {
      e.printStackTrace(io.err());
    }
  }
}
