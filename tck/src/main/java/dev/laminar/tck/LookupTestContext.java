package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What {@link LookupTableTestSuite} needs from a lookup connector's author: the factory, the columns of
 * the lookup table ({@link #schema()}), the options (from {@link ConnectorTestContext}), which columns
 * form the key, and a way to put rows into the external store the table reads.
 *
 * <p>Each test calls {@link #writeTestData} exactly once, before creating the lookup table, with
 * {@link #testRows()}.
 */
public abstract class LookupTestContext extends ConnectorTestContext {
  /**
   * Writes {@code rows} (of {@link #schema()}, values in the Java representation of
   * {@link dev.laminar.sdk.row.RowBatch#getObject}) into the external store, so that the table configured
   * by {@link #options()} finds exactly them. Several rows may share a key; rows whose key has a NULL
   * component are stored too (a lookup never returns them).
   */
  public abstract void writeTestData(List<Row> rows) throws Exception;

  /**
   * The names of the key columns, in the order of the values of a lookup key; the table's
   * {@code keySchema()} must list exactly these columns of {@link #schema()}. The options must configure
   * the table with this key.
   */
  public abstract List<String> keyColumns();

  /**
   * Makes the external store unreachable (stop the container, close the port, revoke access) so the
   * next lookup must fail. The default aborts the outage case: override it together with
   * {@link #bringUp()} when the test can take the store down.
   */
  public void takeDown() throws Exception {
    Assumptions.abort("the context cannot take the external store down (override LookupTestContext.takeDown() and bringUp())");
  }

  /** Makes the store reachable again after {@link #takeDown()}; called even when the outage case fails. */
  public void bringUp() throws Exception {}

  /**
   * The longest the suite waits for a lookup's stage to complete, normally or exceptionally (also while
   * the store is down: a lookup must fail, not hang). Default 30 seconds.
   */
  public Duration lookupTimeout() {
    return Duration.ofSeconds(30);
  }

  /** Seed of the random key batches (printed in failure messages); property {@code laminar.tck.seed} overrides it. */
  public long seed() {
    return Long.getLong("laminar.tck.seed", 20_260_101L);
  }
}
