package dev.laminar.api;

import dev.laminar.connector.memory.MemorySink;
import dev.laminar.connector.memory.MemorySource;
import dev.laminar.engine.Engine;
import dev.laminar.engine.StatementExecutor;
import dev.laminar.sdk.row.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlNode;

/**
 * An embedded Laminar engine: open it, declare sources, streams and sinks in SQL, push rows in and
 * subscribe to results, close it.
 *
 * <pre>{@code
 * try (Laminar db = Laminar.open()) {
 *   db.execute("CREATE SOURCE trades (symbol VARCHAR, price DOUBLE, ts TIMESTAMP(3), "
 *       + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory')");
 *   Subscription bars = db.subscribe("SELECT ...");
 *   try (SourceWriter w = db.writer("trades")) { w.beginRow(); ...; w.endRow(); }
 * }
 * }</pre>
 *
 * <p>Thread-safety: statements may be executed from any thread (they are serialised); a
 * {@link SourceWriter} and a polled {@link Subscription} each belong to one thread.
 */
public final class Laminar implements AutoCloseable {
  private static final String CATALOG_FILE = "catalog.sql";

  private final Engine engine;
  private final StatementExecutor executor;
  private final Path catalogFile;
  private final List<String> catalog = new ArrayList<>();

  private Laminar(LaminarConfig config) {
    this.engine = new Engine(config);
    this.executor = new StatementExecutor(engine);
    this.catalogFile = config.dataDirectory() == null ? null : config.dataDirectory().resolve(CATALOG_FILE);
    if (catalogFile != null) {
      engine.restoringCatalog();
      try {
        restoreCatalog();
      } catch (RuntimeException e) {
        engine.close(); // its threads (reactors, started sinks) would otherwise outlive the failed open
        throw e;
      }
    }
    engine.catalogRestored();
  }

  /** An in-memory engine with default settings. */
  public static Laminar open() {
    return new Laminar(LaminarConfig.defaults());
  }

  public static Laminar open(LaminarConfig config) {
    return new Laminar(config);
  }

  /** Executes exactly one statement. */
  public StatementResult execute(String sql) {
    List<StatementResult> results = executeScript(sql);
    if (results.size() != 1) {
      throw new LaminarException("execute() takes exactly one statement, got " + results.size() + "; use executeScript()");
    }
    return results.get(0);
  }

  /** Executes every statement of a script in order; stops at the first failing one. */
  public synchronized List<StatementResult> executeScript(String sql) {
    List<StatementResult> results = new ArrayList<>();
    for (SqlNode node : StatementExecutor.parse(sql)) {
      StatementResult r = executor.execute(node);
      results.add(r);
      recordCatalogChange(node);
    }
    return results;
  }

  /**
   * Runs a continuous query (or reads a source or stream, when given just its name) and returns its
   * rows as a subscription to poll.
   */
  public Subscription subscribe(String streamOrQuery) {
    return subscribe(streamOrQuery, null);
  }

  /** Like {@link #subscribe(String)}, delivering rows to {@code listener} on the subscription's thread. */
  public Subscription subscribe(String streamOrQuery, RowListener listener) {
    String text = streamOrQuery.trim();
    if (text.matches("(?s)[A-Za-z_][A-Za-z0-9_]*")) {
      return engine.subscribe(text, listener);
    }
    List<SqlNode> nodes = StatementExecutor.parse(text);
    if (nodes.size() != 1) {
      throw new LaminarException("subscribe() takes one query, got " + nodes.size() + " statements");
    }
    return engine.query(engine.planner().plan(nodes.get(0), engine.readableTables()), listener);
  }

  /** The writer of a {@code memory} source (one open writer per source). */
  public SourceWriter writer(String source) {
    Object connector = engine.sourceConnector(source);
    if (!(connector instanceof MemorySource memory)) {
      throw new LaminarException("source '" + source + "' is not a 'memory' source; only memory sources take rows from the application");
    }
    return memory.writer();
  }

  /** The rows a {@code memory} sink has received so far. */
  public List<Row> sinkRows(String sink) {
    Object connector = engine.sinkConnector(sink);
    if (!(connector instanceof MemorySink memory)) {
      throw new LaminarException("sink '" + sink + "' is not a 'memory' sink");
    }
    return memory.rows();
  }

  /**
   * Waits until every sink and subscription has seen the end of its input (bounded sources
   * finished) or something failed; false on timeout.
   */
  public boolean awaitCompletion(Duration timeout) {
    return engine.awaitCompletion(timeout);
  }

  /** Failures of sources, streams, sinks and subscriptions so far, one message each. */
  public List<String> failures() {
    return engine.failures();
  }

  /** The engine's internals, for the CLI and tools in this distribution. */
  public Engine engine() {
    return engine;
  }

  private void recordCatalogChange(SqlNode node) {
    if (catalogFile == null || !(node instanceof org.apache.calcite.sql.SqlDdl)) {
      return;
    }
    List<String> ddl = engine.catalogDdl();
    try {
      Files.createDirectories(catalogFile.getParent());
      Path tmp = catalogFile.resolveSibling(CATALOG_FILE + ".tmp");
      Files.writeString(tmp, ddl.isEmpty() ? "" : String.join(";\n", ddl) + ";\n");
      Files.move(tmp, catalogFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new LaminarException("cannot write the catalog to " + catalogFile + ": " + e.getMessage(), e);
    }
    catalog.clear();
    catalog.addAll(ddl);
  }

  private void restoreCatalog() {
    if (!Files.exists(catalogFile)) {
      return;
    }
    try {
      String text = Files.readString(catalogFile);
      for (SqlNode node : StatementExecutor.parse(text)) {
        executor.execute(node);
      }
    } catch (IOException e) {
      throw new LaminarException("cannot read the catalog " + catalogFile + ": " + e.getMessage(), e);
    } catch (LaminarException e) {
      throw new LaminarException("cannot restore the catalog " + catalogFile + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    engine.close();
  }
}
