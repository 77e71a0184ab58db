package dev.laminar.tck;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.lookup.LookupTable;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceSplit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One complete, short use of a source, sink or lookup table, as the engine would make it — create,
 * open, read / write / look up, close — for the cases that check what is left behind afterwards (the
 * suites' {@code closeReleasesThreadsAndFileDescriptors} and {@link PluginLifecycleTestSuite}). Every
 * method closes what it created, also when it fails.
 */
final class ConnectorExercises {
  private ConnectorExercises() {}

  /** Reads every split of a new source to its end (or to {@code expectedRows}, unbounded); the rows read. */
  static List<Row> readEverything(ConnectorFactory factory, SourceTestContext context, int expectedRows) throws Exception {
    SourceConnector source = factory.createSource(
        TestConnectorContext.of(factory, context.objectName(), context.schema(), context.options()));
    Throwable failure = null;
    try {
      List<SourceSplit> splits = source.discoverSplits();
      Map<String, List<Row>> bySplit = context.driver().readSplits(source, splits, context.isBounded(), expectedRows);
      if (!splits.isEmpty()) {
        source.createReader(splits.get(0)).close(); // a reader that is never opened must release as well
      }
      List<Row> rows = new ArrayList<>();
      bySplit.values().forEach(rows::addAll);
      return rows;
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      SourceReaderDriver.closeAll(List.of(source), failure);
    }
  }

  /** Writes {@code rows} with a new sink's writer as epoch {@code epoch}, pre-commits and commits it, closes. */
  static void writeEverything(ConnectorFactory factory, SinkTestContext context, List<Row> rows, long epoch) throws Exception {
    SinkConnector sink = factory.createSink(
        TestConnectorContext.of(factory, context.objectName(), context.schema(), context.options()));
    Throwable failure = null;
    try {
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        for (ListRowBatch batch : ListRowBatch.batches(context.schema(), rows, context.batchSize())) {
          writer.write(batch);
        }
        byte[] handle = writer.preCommit(epoch);
        writer.commit(epoch, handle == null ? new byte[0] : handle);
      } catch (Throwable t) {
        failure = t;
        throw t;
      } finally {
        SourceReaderDriver.closeAll(List.of(writer), failure);
      }
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      SourceReaderDriver.closeAll(List.of(sink), failure);
    }
  }

  /** Opens a new lookup table, looks {@code keys} up in one batch, closes it; the results, copied. */
  static List<List<Row>> lookUp(ConnectorFactory factory, LookupTestContext context, List<Row> keys) throws Exception {
    LookupTable table = factory.createLookupTable(
        TestConnectorContext.of(factory, context.objectName(), context.schema(), context.options()));
    Throwable failure = null;
    try {
      table.open();
      List<List<Row>> result = await(table.lookup(keys), context.lookupTimeout(), "lookup of " + keys.size() + " keys");
      List<List<Row>> copy = new ArrayList<>();
      for (List<Row> rows : result) {
        copy.add(rows == null ? null : List.copyOf(rows));
      }
      return copy;
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      SourceReaderDriver.closeAll(List.of(table), failure);
    }
  }

  /**
   * The value of {@code stage}, waiting at most {@code timeout}.
   *
   * @throws AssertionError when it does not complete in time, naming {@code what}
   * @throws LookupFailedException when it completes exceptionally, with the stage's exception as cause
   */
  static <T> T await(CompletionStage<T> stage, Duration timeout, String what) throws LookupFailedException, InterruptedException {
    if (stage == null) {
      throw new AssertionError(what + ": lookup returned null instead of a CompletionStage");
    }
    CompletableFuture<T> future = new CompletableFuture<>();
    stage.whenComplete((value, error) -> {
      if (error != null) {
        future.completeExceptionally(error);
      } else {
        future.complete(value);
      }
    });
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": the stage did not complete within " + timeout + " (a lookup must complete or fail, never hang)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
      throw new LookupFailedException(what + " completed exceptionally: " + cause, cause);
    }
  }

  /** A lookup's stage completed exceptionally. */
  static final class LookupFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    LookupFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
