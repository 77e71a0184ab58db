package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.Schema;
import dev.laminar.tck.ConnectorExercises.LookupFailedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every lookup table passes ({@link LookupTable}): one result entry per key, in key order,
 * empty for a miss; NULL column values returned as NULL; a key with a NULL component matches nothing;
 * safe under concurrent lookups; an unreachable store fails the stage instead of hanging it. Extend it
 * with a class that implements {@link #createContext}:
 *
 * <pre>{@code
 * class MyLookupTest extends LookupTableTestSuite {
 *   @Override
 *   protected LookupTestContext createContext(Path workDir) {
 *     return new MyLookupContext(workDir);
 *   }
 * }
 * }</pre>
 *
 * <p>Expected results are computed by the suite from the rows it wrote (a brute-force index with SQL
 * equality); rows for one key are compared as multisets, since a store need not keep their order. Every
 * wait for a stage is bounded by {@link LookupTestContext#lookupTimeout()}. Key batches are random with
 * the context's {@link LookupTestContext#seed() seed}, which failure messages print.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class LookupTableTestSuite {
  private static final int THREADS = 8;
  private static final int LOOKUPS_PER_THREAD = 25;

  private LookupTestContext context;
  private ConnectorFactory factory;

  /**
   * Creates the context for one test: called before each test with a fresh temporary folder the
   * context may use for its external store. The suite closes the context after the test.
   */
  protected abstract LookupTestContext createContext(Path workDir) throws Exception;

  @BeforeEach
  final void createTestContext(@TempDir Path workDir) throws Exception {
    context = createContext(workDir);
    factory = context.createFactory();
  }

  @AfterEach
  final void closeTestContext() throws Exception {
    if (context != null) {
      context.close();
    }
  }

  /** The context of the running test. */
  protected final LookupTestContext context() {
    return context;
  }

  @Test
  public void factoryDeclaresLookupAndItsOptions() {
    FactoryChecks.assertDeclares(factory, ConnectorKind.LOOKUP, context);
  }

  /** {@code keySchema()} lists the context's key columns (names and types of the table's columns); {@code rowSchema()} is the table's schema. */
  @Test
  public void declaresKeyAndRowSchemas() throws Exception {
    LookupExpectations expected = writeTestData();
    withTable(table -> {
      assertSameColumns("keySchema()", table.keySchema(), expected.keySchema());
      assertSameColumns("rowSchema()", table.rowSchema(), context.schema());
    });
  }

  /** Every written row is found by its key; each key returns exactly the rows written with it (NULLs included). */
  @Test
  public void findsEveryRowByItsKey() throws Exception {
    LookupExpectations expected = writeTestData();
    List<Row> keys = expected.hitKeys();
    if (keys.isEmpty()) {
      Assumptions.abort("no written row has a key without NULL: nothing to find");
    }
    withTable(table -> {
      for (int from = 0; from < keys.size(); from += 16) {
        List<Row> batch = keys.subList(from, Math.min(keys.size(), from + 16));
        assertResults("batch of hit keys starting at key " + from, batch, lookup(table, batch), expected);
      }
    });
  }

  /** A key that matches nothing gives an empty list (not null, not an exception), alone and next to hits. */
  @Test
  public void missingKeyGivesAnEmptyList() throws Exception {
    LookupExpectations expected = writeTestData();
    List<Row> misses = expected.missingKeys();
    if (misses.isEmpty()) {
      Assumptions.abort("every value of the key type occurs in the test data: no key can miss");
    }
    withTable(table -> {
      assertResults("lookup of a single missing key", misses.subList(0, 1), lookup(table, misses.subList(0, 1)), expected);
      List<Row> mixed = new ArrayList<>(misses);
      mixed.addAll(1, expected.hitKeys().subList(0, Math.min(3, expected.hitKeys().size())));
      assertResults("lookup of missing keys between hits", mixed, lookup(table, mixed), expected);
    });
  }

  /** Columns that are NULL in the store come back as NULL (not as 0, false or the empty string). */
  @Test
  public void nullValuesOfMatchedRowsComeBackAsNull() throws Exception {
    LookupExpectations expected = writeTestData();
    List<Row> keys = new ArrayList<>();
    for (Row key : expected.hitKeys()) {
      if (expected.expected(key).stream().anyMatch(LookupExpectations::hasNull)) {
        keys.add(key);
      }
    }
    if (keys.isEmpty()) {
      Assumptions.abort("no matched row of the test data has a NULL column (are all non-key columns NOT NULL?)");
    }
    withTable(table -> assertResults("lookup of keys whose rows hold NULLs", keys, lookup(table, keys), expected));
  }

  /**
   * A key with a NULL component matches nothing (SQL: NULL = NULL is not true), including rows stored
   * with NULL in that key column.
   */
  @Test
  public void keyWithANullComponentMatchesNothing() throws Exception {
    LookupExpectations expected = writeTestData();
    List<Row> keys = new ArrayList<>(expected.writtenKeysWithNull());
    for (Row hit : expected.hitKeys().subList(0, Math.min(4, expected.hitKeys().size()))) {
      for (int k = 0; k < expected.keyArity(); k++) {
        Object[] values = hit.values();
        values[k] = null;
        keys.add(Row.of(values));
      }
    }
    if (keys.isEmpty()) {
      Assumptions.abort("no key to derive a NULL key from");
    }
    withTable(table -> {
      List<List<Row>> results = lookup(table, keys);
      assertResultShape("lookup of keys with a NULL component", keys, results);
      for (int i = 0; i < keys.size(); i++) {
        assertThat(results.get(i)).as("rows for key %s (it has a NULL component, so it matches nothing)", keys.get(i)).isEmpty();
      }
    });
  }

  /**
   * A batch of hits, misses, NULL keys and duplicates in random order gives one entry per key, in key
   * order — a duplicate key gets its own (equal) entry.
   */
  @Test
  public void batchedLookupGivesOneEntryPerKeyInKeyOrder() throws Exception {
    LookupExpectations expected = writeTestData();
    withTable(table -> {
      Random random = new Random(context.seed());
      for (int round = 0; round < 10; round++) {
        List<Row> keys = randomKeys(random, expected, 1 + random.nextInt(40));
        assertResults("seed " + context.seed() + ", batch " + round + " of " + keys.size() + " keys", keys, lookup(table, keys), expected);
      }
    });
  }

  /** Lookups from several threads at once on one table each get their own, correct results. */
  @Test
  public void concurrentLookupsFromSeveralThreadsGetTheirOwnResults() throws Exception {
    LookupExpectations expected = writeTestData();
    withTable(table -> {
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Future<?>> done = new ArrayList<>();
      try {
        for (int t = 0; t < THREADS; t++) {
          long seed = context.seed() + t;
          done.add(threads.submit(() -> {
            Random random = new Random(seed);
            start.await();
            for (int n = 0; n < LOOKUPS_PER_THREAD; n++) {
              List<Row> keys = randomKeys(random, expected, 1 + random.nextInt(12));
              try {
                assertResults("concurrent lookup " + n + " of thread seeded " + seed, keys, lookup(table, keys), expected);
              } catch (Throwable e) {
                failures.add(e);
                return null;
              }
            }
            return null;
          }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(context.lookupTimeout().toNanos() * LOOKUPS_PER_THREAD, TimeUnit.NANOSECONDS);
        }
      } finally {
        threads.shutdownNow();
        threads.awaitTermination(context.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
      if (!failures.isEmpty()) {
        AssertionError error = new AssertionError(failures.size() + " of " + THREADS + " threads got wrong results from concurrent lookups"
            + " (seed " + context.seed() + "); first: " + failures.peek().getMessage(), failures.peek());
        failures.stream().skip(1).forEach(error::addSuppressed);
        throw error;
      }
    });
  }

  /**
   * With the store unreachable, a lookup's stage completes exceptionally within the lookup timeout (it
   * neither hangs nor throws from {@code lookup} itself); once the store is back, lookups succeed again.
   * Skipped unless the context overrides {@link LookupTestContext#takeDown()}.
   */
  @Test
  public void unreachableStoreFailsTheStageInsteadOfHanging() throws Exception {
    LookupExpectations expected = writeTestData();
    List<Row> keys = expected.hitKeys().subList(0, Math.min(3, expected.hitKeys().size()));
    withTable(table -> {
      assertResults("lookup before the store is taken down", keys, lookup(table, keys), expected);
      try {
        context.takeDown();
        CompletionStage<List<List<Row>>> stage;
        try {
          stage = table.lookup(keys);
        } catch (RuntimeException e) {
          throw new AssertionError("lookup threw " + e + " while the store was down; it must return a stage and complete it"
              + " exceptionally (the engine applies its retry policy to failed stages)", e);
        }
        try {
          List<List<Row>> result = ConnectorExercises.await(stage, context.lookupTimeout(), "lookup while the store is down");
          throw new AssertionError("lookup while the store is down completed normally with " + result
              + "; it must complete exceptionally");
        } catch (LookupFailedException expectedFailure) {
          assertThat(expectedFailure.getCause()).as("exception of the failed stage").isNotNull();
        }
      } finally {
        context.bringUp();
      }
      assertRecovers(table, keys, expected);
    });
  }

  @Test
  public void badConfigurationFailsValidationNamingTheOption() throws Exception {
    FactoryChecks.assertRejected(factory, context, ConnectorFactory::createLookupTable);
  }

  /** {@code close()} twice is harmless, after lookups and on a table that was never opened. */
  @Test
  public void closeIsIdempotent() throws Exception {
    LookupExpectations expected = writeTestData();
    LookupTable table = createTable();
    table.open();
    lookup(table, expected.hitKeys().subList(0, Math.min(2, expected.hitKeys().size())));
    table.close();
    table.close();
    LookupTable neverOpened = createTable();
    neverOpened.close();
    neverOpened.close();
  }

  /**
   * After {@code close()}, every thread the table started has ended and every file descriptor it opened
   * is closed (a warm-up round first, so that classes loaded and JVM-wide resources opened once do not count).
   */
  @Test
  public void closeReleasesThreadsAndFileDescriptors() throws Exception {
    LookupExpectations expected = writeTestData();
    List<Row> keys = new ArrayList<>(expected.hitKeys());
    keys.addAll(expected.missingKeys());
    ConnectorExercises.lookUp(factory, context, keys);
    ResourceSnapshot before = ResourceSnapshot.take();
    ConnectorExercises.lookUp(factory, context, keys);
    before.assertReleased("lookup table opened, used for " + keys.size() + " keys and closed", context.releaseTimeout());
    if (!before.fileDescriptorsChecked()) {
      Assumptions.abort("threads are released; file descriptors cannot be counted on this platform");
    }
  }

  /** Creates the lookup table the way the engine does: options validated first. */
  protected final LookupTable createTable() {
    return factory.createLookupTable(TestConnectorContext.of(factory, context.objectName(), context.schema(), context.options()));
  }

  private LookupExpectations writeTestData() throws Exception {
    List<Row> rows = context.testRows();
    context.writeTestData(rows);
    return new LookupExpectations(context.schema(), context.keyColumns(), rows);
  }

  @FunctionalInterface
  private interface TableAction {
    void run(LookupTable table) throws Exception;
  }

  private void withTable(TableAction action) throws Exception {
    LookupTable table = createTable();
    Throwable failure = null;
    try {
      table.open();
      action.run(table);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      SourceReaderDriver.closeAll(List.of(table), failure);
    }
  }

  private List<List<Row>> lookup(LookupTable table, List<Row> keys) throws Exception {
    try {
      return ConnectorExercises.await(table.lookup(List.copyOf(keys)), context.lookupTimeout(), "lookup of " + keys.size() + " keys");
    } catch (LookupFailedException e) {
      throw new AssertionError(e.getMessage() + "; keys: " + keys, e.getCause());
    }
  }

  private void assertRecovers(LookupTable table, List<Row> keys, LookupExpectations expected) throws Exception {
    long deadline = System.nanoTime() + context.lookupTimeout().toNanos();
    while (true) {
      try {
        List<List<Row>> results = ConnectorExercises.await(table.lookup(keys), context.lookupTimeout(), "lookup after the store is back");
        assertResults("lookup after the store is back", keys, results, expected);
        return;
      } catch (LookupFailedException | RuntimeException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("lookups still fail " + context.lookupTimeout() + " after the store is back: " + e, e);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // poll again: the table may reconnect in the background
      }
    }
  }

  private static List<Row> randomKeys(Random random, LookupExpectations expected, int count) {
    List<Row> hits = expected.hitKeys();
    List<Row> misses = expected.missingKeys();
    List<Row> nulls = expected.writtenKeysWithNull();
    List<Row> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int kind = random.nextInt(10);
      if (kind < 6 && !hits.isEmpty()) {
        keys.add(hits.get(random.nextInt(hits.size())));
      } else if (kind < 8 && !misses.isEmpty()) {
        keys.add(misses.get(random.nextInt(misses.size())));
      } else if (kind < 9 && !nulls.isEmpty()) {
        keys.add(nulls.get(random.nextInt(nulls.size())));
      } else if (!keys.isEmpty()) {
        keys.add(keys.get(random.nextInt(keys.size()))); // a duplicate within the batch
      } else if (!hits.isEmpty()) {
        keys.add(hits.get(0));
      }
    }
    Collections.shuffle(keys, random);
    return keys;
  }

  private void assertResults(String what, List<Row> keys, List<List<Row>> results, LookupExpectations expected) {
    assertResultShape(what, keys, results);
    for (int i = 0; i < keys.size(); i++) {
      Row key = keys.get(i);
      List<Row> actual;
      try {
        actual = new ListRowBatch(context.schema(), results.get(i)).rows();
      } catch (IllegalArgumentException e) {
        throw new AssertionError(what + ": entry " + i + " (key " + key + ") holds a row that does not fit the table's schema: "
            + e.getMessage(), e);
      }
      RowChecks.assertSameRows(what + ": rows for key " + i + " " + key, actual, expected.expected(key), false);
    }
  }

  private static void assertResultShape(String what, List<Row> keys, List<List<Row>> results) {
    assertThat(results).as("%s: the result list", what).isNotNull();
    assertThat(results).as("%s: one entry per key (%s keys, duplicates included) — entries", what, keys.size())
        .hasSize(keys.size());
    for (int i = 0; i < results.size(); i++) {
      assertThat(results.get(i)).as("%s: entry %s (key %s) must be a list, empty for a miss", what, i, keys.get(i)).isNotNull();
    }
  }

  private static void assertSameColumns(String what, Schema actual, Schema expected) {
    assertThat(actual).as(what).isNotNull();
    List<String> actualColumns = new ArrayList<>();
    for (Column c : actual.columns()) {
      actualColumns.add(c.name().toLowerCase(Locale.ROOT) + " " + c.type());
    }
    List<String> expectedColumns = new ArrayList<>();
    for (Column c : expected.columns()) {
      expectedColumns.add(c.name().toLowerCase(Locale.ROOT) + " " + c.type());
    }
    assertThat(actualColumns).as("%s: column names and types", what).containsExactlyElementsOf(expectedColumns);
  }
}
