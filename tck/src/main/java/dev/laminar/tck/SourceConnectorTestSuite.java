package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.source.PollStatus;
import dev.laminar.sdk.source.SourceConnector;
import dev.laminar.sdk.source.SourceReader;
import dev.laminar.sdk.source.SourceSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every source connector passes. Extend it with a class that implements
 * {@link #createContext}; every test then runs against your connector:
 *
 * <pre>{@code
 * class MySourceTest extends SourceConnectorTestSuite {
 *   @Override
 *   protected SourceTestContext createContext(Path workDir) {
 *     return new MySourceContext(workDir);
 *   }
 * }
 * }</pre>
 *
 * <p>The suite calls the connector as the engine does: options validated against the factory's specs
 * first; every reader method from one thread; {@code restore} before {@code open}; no poll after
 * FINISHED. A case the connector cannot support is skipped (aborted) with the reason, never failed.
 * Each test runs in its own thread with a time limit, so a reader that blocks fails the test.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class SourceConnectorTestSuite {
  private SourceTestContext context;
  private ConnectorFactory factory;

  /**
   * Creates the context for one test: called before each test with a fresh temporary folder the
   * context may use for its external data. The suite closes the context after the test.
   */
  protected abstract SourceTestContext createContext(Path workDir) throws Exception;

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
  protected final SourceTestContext context() {
    return context;
  }

  @Test
  public void factoryDeclaresSourceAndItsOptions() {
    FactoryChecks.assertDeclares(factory, ConnectorKind.SOURCE, context);
  }

  /** Reads every split to its end; the rows equal what was written, in order per split where order is defined. */
  @Test
  public void readsEverythingWritten() throws Exception {
    List<Row> written = context.testRows();
    context.writeTestData(written);
    SourceConnector source = createSource();
    try {
      assertThat(source.isBounded()).as("isBounded()").isEqualTo(context.isBounded());
      List<SourceSplit> splits = source.discoverSplits();
      assertThat(splits).as("discoverSplits() with %s rows written", written.size()).isNotEmpty();
      assertThat(splits.stream().map(SourceSplit::id).toList()).as("split ids").doesNotHaveDuplicates();
      assertThat(source.discoverSplits()).as("discoverSplits() called again (stable order and ids)").isEqualTo(splits);

      Map<String, List<Row>> bySplit = context.driver().readSplits(source, splits, context.isBounded(), written.size());

      RowChecks.assertSameRows("rows read from all splits", flatten(bySplit), written, false);
      if (context.orderWithinSplitDefined() && RowChecks.distinct(written)) {
        bySplit.forEach((id, rows) -> RowChecks.assertInOrderOf("rows of split " + id, rows, written));
      }
    } finally {
      source.close();
    }
  }

  /**
   * Reads each split in segments, each by a new reader restored from the previous reader's
   * {@code position()}: taken before any poll, after some rows, and before the first poll after a
   * restore (a checkpoint may come first). Together the segments equal one uninterrupted read.
   */
  @Test
  public void resumesFromMidStreamPositionWithoutLossOrDuplicates() throws Exception {
    if (!context.replaysFromPosition()) {
      Assumptions.abort("the source cannot re-read from a position (SourceTestContext.replaysFromPosition() is false)");
    }
    List<Row> written = context.testRows();
    context.writeTestData(written);
    SourceConnector source = createSource();
    try {
      List<SourceSplit> splits = source.discoverSplits();
      Map<String, List<Row>> reference = context.driver().readSplits(source, splits, context.isBounded(), written.size());
      List<Row> union = new ArrayList<>();
      int resumed = 0;
      for (SourceSplit split : splits) {
        List<Row> expected = reference.get(split.id());
        if (expected.size() < 2) {
          union.addAll(expected);
          continue;
        }
        List<Row> segments = readInSegments(source, split, expected.size());
        RowChecks.assertSameRows("split " + split.id() + " read by four readers, each restored from the previous one's position()",
            segments, expected, context.orderWithinSplitDefined());
        union.addAll(segments);
        resumed++;
      }
      if (resumed == 0) {
        Assumptions.abort("no split holds two or more rows: the test data is too small to resume mid-stream");
      }
      RowChecks.assertSameRows("rows of all splits after resuming", union, written, false);
    } finally {
      source.close();
    }
  }

  /**
   * Positions taken from readers of all splits open at once (each split read to a different point) are
   * restored into readers of a new source instance, created from a fresh {@code discoverSplits()} in
   * reverse order, as after a restart whose split assignment differs: each split resumes at its own
   * position, with no row lost or read twice. Skipped for a single split.
   */
  @Test
  public void restoresIntoADifferentSplitAssignment() throws Exception {
    if (!context.replaysFromPosition()) {
      Assumptions.abort("the source cannot re-read from a position (SourceTestContext.replaysFromPosition() is false)");
    }
    List<Row> written = context.testRows();
    context.writeTestData(written);
    SourceReaderDriver driver = context.driver();
    Map<String, List<Row>> reference;
    Map<String, List<Row>> beforeCheckpoint = new LinkedHashMap<>();
    Map<String, byte[]> positions = new HashMap<>();
    SourceConnector first = createSource();
    try {
      List<SourceSplit> splits = first.discoverSplits();
      if (splits.size() < 2) {
        Assumptions.abort("the source has " + splits.size() + " split(s) for the test data; a different split assignment needs two or more");
      }
      reference = driver.readSplits(first, splits, context.isBounded(), written.size());
      readSharesAndTakePositions(first, splits, reference, beforeCheckpoint, positions);
    } finally {
      first.close();
    }
    SourceConnector second = createSource();
    try {
      List<SourceSplit> reassigned = new ArrayList<>(second.discoverSplits());
      assertThat(reassigned.stream().map(SourceSplit::id).toList()).as("split ids discovered by a new source instance")
          .containsExactlyInAnyOrderElementsOf(reference.keySet());
      Collections.reverse(reassigned);
      int remaining = written.size() - beforeCheckpoint.values().stream().mapToInt(List::size).sum();
      Map<String, List<Row>> afterRestore = driver.readSplitsFrom(second, reassigned, positions, context.isBounded(), remaining);
      List<Row> union = new ArrayList<>();
      for (Map.Entry<String, List<Row>> e : reference.entrySet()) {
        List<Row> resumed = new ArrayList<>(beforeCheckpoint.get(e.getKey()));
        resumed.addAll(afterRestore.get(e.getKey()));
        RowChecks.assertSameRows("split " + e.getKey() + ": rows read before its position was taken, then by a reader of a new"
            + " source instance restored from it (readers created in reverse split order)", resumed, e.getValue(),
            context.orderWithinSplitDefined());
        union.addAll(resumed);
      }
      RowChecks.assertSameRows("rows of all splits across the restart", union, written, false);
    } finally {
      second.close();
    }
  }

  /**
   * With policy {@code skip}, undecodable records are passed over and every good row arrives; with
   * policy {@code fail}, reading fails with an exception whose message says what is wrong (and where,
   * when the context names a fragment). Skipped when the context declares no bad-record input.
   */
  @Test
  public void badRecordsFollowTheConfiguredPolicy() throws Exception {
    BadRecordInput bad = context.badRecordInput();
    if (bad == null) {
      Assumptions.abort("the context declares no bad-record input (SourceTestContext.badRecordInput() is null)");
    }
    List<Row> good = context.testRows();
    bad.writeTestDataWithBadRecords(good);

    SourceConnector skipping = createSource(bad.options(BadRecordPolicy.SKIP));
    try {
      Map<String, List<Row>> bySplit = context.driver().readSplits(skipping, skipping.discoverSplits(), context.isBounded(), good.size());
      RowChecks.assertSameRows("rows read with the skip policy: every good row, no bad one", flatten(bySplit), good, false);
      if (context.orderWithinSplitDefined() && RowChecks.distinct(good)) {
        bySplit.forEach((id, rows) -> RowChecks.assertInOrderOf("rows of split " + id + " with the skip policy", rows, good));
      }
    } finally {
      skipping.close();
    }

    SourceConnector failing = createSource(bad.options(BadRecordPolicy.FAIL));
    Exception thrown = null;
    try {
      context.driver().readSplits(failing, failing.discoverSplits(), context.isBounded(), good.size());
    } catch (Exception e) {
      thrown = e;
    } finally {
      failing.close();
    }
    assertThat(thrown).as("reading input with bad records under the fail policy must fail with an exception from poll"
        + " (it read on as if they were not there)").isNotNull();
    assertThat(thrown.getMessage()).as("message of %s (it must say what is wrong with the record)", thrown).isNotBlank();
    if (bad.expectedMessageFragment() != null) {
      assertThat(thrown.getMessage()).as("message of the bad-record failure").contains(bad.expectedMessageFragment());
    }
  }

  @Test
  public void badConfigurationFailsValidationNamingTheOption() throws Exception {
    FactoryChecks.assertRejected(factory, context, ConnectorFactory::createSource);
  }

  /** On empty input a reader returns no rows and reaches FINISHED (bounded) or IDLE (unbounded) within a bounded number of polls. */
  @Test
  public void idleOrEmptyInputReturnsIdleOrFinished() throws Exception {
    context.writeTestData(List.of());
    SourceConnector source = createSource();
    try {
      SourceReaderDriver driver = context.driver().withMaxPolls(1_000);
      for (SourceSplit split : source.discoverSplits()) {
        withReader(source, split, null, reader -> {
          if (context.isBounded()) {
            List<Row> rows = driver.readUntilFinished(reader).rows();
            assertThat(rows).as("rows of split %s on empty input", split.id()).isEmpty();
          } else {
            assertIdleWithoutRows(driver, split, reader);
          }
          return null;
        });
      }
    } finally {
      source.close();
    }
  }

  /** {@code close()} twice is harmless, after reading and on a reader that was never opened. */
  @Test
  public void closeIsIdempotent() throws Exception {
    context.writeTestData(context.testRows());
    SourceConnector source = createSource();
    try {
      List<SourceSplit> splits = source.discoverSplits();
      if (splits.isEmpty()) {
        Assumptions.abort("the source has no split to read");
      }
      SourceReader reader = source.createReader(splits.get(0));
      reader.open();
      context.driver().pollOnce(reader, new CollectingBatchWriter(context.schema(), 8), new ArrayList<>());
      reader.close();
      reader.close();

      SourceReader neverOpened = source.createReader(splits.get(0));
      neverOpened.close();
      neverOpened.close();
    } finally {
      source.close();
    }
  }

  /**
   * After {@code close()} of every reader and of the source, every thread the source started has ended
   * and every file descriptor it opened is closed. A warm-up round runs first, so classes loaded and
   * JVM-wide resources opened once (jar files) do not count; a thread a connector starts once per JVM
   * and keeps is caught by {@link PluginLifecycleTestSuite} instead, as it pins the plugin's class loader.
   */
  @Test
  public void closeReleasesThreadsAndFileDescriptors() throws Exception {
    List<Row> written = context.testRows();
    context.writeTestData(written);
    int expected = context.replaysFromPosition() ? written.size() : 0;
    ConnectorExercises.readEverything(factory, context, written.size());
    ResourceSnapshot before = ResourceSnapshot.take();
    ConnectorExercises.readEverything(factory, context, expected);
    before.assertReleased("source created, every split read and closed", context.releaseTimeout());
    if (!before.fileDescriptorsChecked()) {
      Assumptions.abort("threads are released; file descriptors cannot be counted on this platform");
    }
  }

  /** Creates the source the way the engine does: options validated first. */
  protected final SourceConnector createSource() throws Exception {
    return createSource(context.options());
  }

  private SourceConnector createSource(Map<String, String> options) {
    return factory.createSource(TestConnectorContext.of(factory, context.objectName(), context.schema(), options));
  }

  /** Opens readers for all splits at once, reads a different share of each, and keeps each reader's rows and position. */
  private void readSharesAndTakePositions(SourceConnector source, List<SourceSplit> splits, Map<String, List<Row>> reference,
      Map<String, List<Row>> rowsRead, Map<String, byte[]> positions) throws Exception {
    SourceReaderDriver driver = context.driver();
    List<SourceReader> readers = new ArrayList<>();
    Throwable failure = null;
    try {
      for (SourceSplit split : splits) {
        readers.add(source.createReader(split));
      }
      for (SourceReader reader : readers) {
        reader.open();
      }
      for (int i = 0; i < splits.size(); i++) {
        String id = splits.get(i).id();
        int share = reference.get(id).size() * (i + 1) / (splits.size() + 1);
        rowsRead.put(id, share == 0 ? List.of() : driver.readRows(readers.get(i), share).rows());
        positions.put(id, position(readers.get(i), splits.get(i)));
      }
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      SourceReaderDriver.closeAll(readers, failure);
    }
  }

  private List<Row> readInSegments(SourceConnector source, SourceSplit split, int total) throws Exception {
    SourceReaderDriver driver = context.driver();
    int first = Math.max(1, total / 3);
    int second = (total - first) / 2;
    int rest = total - first - second;
    List<Row> out = new ArrayList<>();
    byte[] start = withReader(source, split, null, reader -> position(reader, split));
    byte[] afterFirst = withReader(source, split, start, reader -> {
      out.addAll(driver.readRows(reader, first).rows());
      return position(reader, split);
    });
    byte[] restoredUnpolled = withReader(source, split, afterFirst, reader -> position(reader, split));
    byte[] afterSecond = withReader(source, split, restoredUnpolled, reader -> {
      out.addAll(driver.readRows(reader, second).rows());
      return position(reader, split);
    });
    withReader(source, split, afterSecond, reader -> {
      if (context.isBounded()) {
        out.addAll(driver.readUntilFinished(reader).rows());
      } else {
        out.addAll(driver.readRows(reader, rest).rows());
        out.addAll(driver.pollBriefly(reader, 20, 2).rows());
      }
      return null;
    });
    return out;
  }

  private static void assertIdleWithoutRows(SourceReaderDriver driver, SourceSplit split, SourceReader reader) throws Exception {
    List<Row> rows = new ArrayList<>();
    CollectingBatchWriter batch = new CollectingBatchWriter(driver.schema(), driver.batchCapacity());
    for (int polls = 1; polls <= driver.maxPolls(); polls++) {
      PollStatus status = driver.pollOnce(reader, batch, rows);
      if (status != PollStatus.MORE_AVAILABLE) {
        assertThat(rows).as("rows of split %s on empty input", split.id()).isEmpty();
        return;
      }
    }
    throw new AssertionError("split " + split.id() + " returned MORE_AVAILABLE for " + driver.maxPolls()
        + " polls on empty input; it must return IDLE (or FINISHED) when nothing is available. Rows: "
        + SourceReaderDriver.abbreviate(rows));
  }

  @FunctionalInterface
  private interface ReaderAction<T> {
    T apply(SourceReader reader) throws Exception;
  }

  /** Creates a reader, restores {@code position} (unless null), opens it, runs {@code action}, closes it. */
  private <T> T withReader(SourceConnector source, SourceSplit split, byte[] position, ReaderAction<T> action) throws Exception {
    SourceReader reader = source.createReader(split);
    Throwable failure = null;
    try {
      if (position != null) {
        reader.restore(position.clone());
      }
      reader.open();
      return action.apply(reader);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      SourceReaderDriver.closeAll(List.of(reader), failure);
    }
  }

  private static byte[] position(SourceReader reader, SourceSplit split) {
    byte[] position = reader.position();
    assertThat(position).as("position() of split %s", split.id()).isNotNull();
    return position;
  }

  private static List<Row> flatten(Map<String, List<Row>> bySplit) {
    List<Row> all = new ArrayList<>();
    bySplit.values().forEach(all::addAll);
    return all;
  }
}
