package dev.laminar.tck;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every contract suite needs from a connector author: the factory under test, the schema of the
 * SQL object it backs, and the options that point it at the test's external data. The base of
 * {@link SourceTestContext}, {@link SinkTestContext} and {@link LookupTestContext}.
 *
 * <p>A suite creates one context per test method (see the suites' {@code createContext}) and closes
 * it after the test, so a context may own per-test resources such as a topic or a table.
 */
public abstract class ConnectorTestContext {
  /** Creates the factory under test, normally {@code new MyConnectorFactory()}. */
  public abstract ConnectorFactory createFactory();

  /** The columns of the test source or sink. */
  public abstract Schema schema();

  /**
   * The {@code WITH} options (without {@code connector}) that point the connector at this context's
   * external data. Validated by the suite against the factory's option specs, as the engine does.
   */
  public abstract Map<String, String> options();

  /** The rows the suites write; by default {@link TestData#rows} for {@link #schema()}. */
  public List<Row> testRows() {
    return TestData.rows(schema(), 120);
  }

  /**
   * Option sets that must be rejected, each with the option the error must name. Empty by default,
   * which skips the bad-configuration case.
   */
  public List<InvalidOptionsCase> invalidOptionCases() {
    return List.of();
  }

  /**
   * How long the suites wait, after {@code close()}, for the threads the connector started to end and
   * its file descriptors to be closed (the {@code closeReleasesThreadsAndFileDescriptors} cases).
   * Default 10 seconds.
   */
  public Duration releaseTimeout() {
    return Duration.ofSeconds(10);
  }

  /** Name of the SQL object handed to the connector in its {@link dev.laminar.sdk.connector.ConnectorContext}. */
  public String objectName() {
    return "tck_object";
  }

  /**
   * Releases what the context created; called by the suite after each test. Files under the suite's
   * temporary folder are deleted anyway. (Not {@link AutoCloseable}, so that subclasses do not
   * inherit javac's warning about a {@code close() throws Exception}.)
   */
  public void close() throws Exception {}
}
