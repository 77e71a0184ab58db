package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.connector.ConnectorFactory;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.sink.SinkCapability;
import dev.laminar.sdk.sink.SinkConnector;
import dev.laminar.sdk.sink.SinkWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every sink connector passes, as far as its declared {@link SinkCapability}s promise.
 * Extend it with a class that implements {@link #createContext}:
 *
 * <pre>{@code
 * class MySinkTest extends SinkConnectorTestSuite {
 *   @Override
 *   protected SinkTestContext createContext(Path workDir) {
 *     return new MySinkContext(workDir);
 *   }
 * }
 * }</pre>
 *
 * <p>The suite drives the writer as the engine does — {@code open}, {@code write} batches,
 * {@code preCommit(epoch)}, {@code commit(epoch, handle)} or {@code abort}, {@code close} — from one
 * thread, and compares {@link SinkTestContext#readBack()} with what was written. Cases for a
 * capability the sink does not declare are skipped (aborted) with the reason.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class SinkConnectorTestSuite {
  private SinkTestContext context;
  private ConnectorFactory factory;

  /**
   * Creates the context for one test: called before each test with a fresh temporary folder the
   * context may use for its external system. The suite closes the context after the test.
   */
  protected abstract SinkTestContext createContext(Path workDir) throws Exception;

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
  protected final SinkTestContext context() {
    return context;
  }

  @Test
  public void factoryDeclaresSinkAndItsOptions() {
    FactoryChecks.assertDeclares(factory, ConnectorKind.SINK, context);
  }

  /** Batches written, pre-committed and committed as epoch 1 are all read back. */
  @Test
  public void writesEverything() throws Exception {
    List<Row> rows = context.testRows();
    SinkConnector sink = createSink();
    try {
      SinkWriter writer = sink.createWriter();
      Throwable failure = null;
      try {
        writer.open();
        write(writer, rows);
        byte[] handle = preCommit(writer, 1);
        writer.commit(1, handle);
      } catch (Throwable t) {
        failure = t;
        throw t;
      } finally {
        SourceReaderDriver.closeAll(List.of(writer), failure);
      }
    } finally {
      sink.close();
    }
    assertReadBack("rows read back after commit", rows);
  }

  /** Committing the same epoch twice on one writer publishes its rows once. */
  @Test
  public void commitReplayIsIdempotent() throws Exception {
    List<Row> rows = context.testRows();
    SinkConnector sink = createSink();
    try {
      requireReplaySafety(sink.capabilities());
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        write(writer, rows);
        byte[] handle = preCommit(writer, 1);
        writer.commit(1, handle);
        writer.commit(1, handle);
      } finally {
        writer.close();
      }
    } finally {
      sink.close();
    }
    assertReadBack("rows read back after committing epoch 1 twice", rows);
  }

  /** After a restart, the engine replays the commit of the last checkpointed epoch with a new writer: no duplicates. */
  @Test
  public void commitReplayAfterRestartIsIdempotent() throws Exception {
    List<Row> rows = context.testRows();
    byte[] handle;
    SinkConnector sink = createSink();
    try {
      requireReplaySafety(sink.capabilities());
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        write(writer, rows);
        handle = preCommit(writer, 1);
        writer.commit(1, handle);
      } finally {
        writer.close();
      }
    } finally {
      sink.close();
    }
    SinkConnector restarted = createSink();
    try {
      SinkWriter writer = restarted.createWriter();
      try {
        writer.open();
        writer.commit(1, handle);
      } finally {
        writer.close();
      }
    } finally {
      restarted.close();
    }
    assertReadBack("rows read back after replaying the commit of epoch 1 with a new writer", rows);
  }

  /** For an IDEMPOTENT sink, writing every row again in a second epoch changes nothing. */
  @Test
  public void rewritingRowsIsIdempotent() throws Exception {
    List<Row> rows = context.testRows();
    SinkConnector sink = createSink();
    try {
      if (!sink.capabilities().contains(SinkCapability.IDEMPOTENT)) {
        Assumptions.abort("sink does not declare IDEMPOTENT");
      }
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        for (long epoch = 1; epoch <= 2; epoch++) {
          write(writer, rows);
          writer.commit(epoch, preCommit(writer, epoch));
        }
      } finally {
        writer.close();
      }
    } finally {
      sink.close();
    }
    assertReadBack("rows read back after writing them twice", rows);
  }

  /**
   * For a TWO_PHASE_COMMIT sink: the process dies between {@code preCommit(1)} and {@code commit(1)}
   * (the writer is abandoned, never closed); after the restart the engine re-drives {@code commit(1)}
   * with the stored handle through a writer of a new sink instance. The epoch's rows become visible
   * exactly once, and a late {@code close()} of the abandoned writer publishes nothing more.
   *
   * <p>The engine's part — recording the epoch as committed-in-progress durably and re-driving the
   * commit after a real process restart — is tested with the engine; this case simulates the restart in
   * one JVM so it runs against every TWO_PHASE_COMMIT sink now. A sink that keeps pre-committed data only
   * in the writer object fails it.
   */
  @Test
  public void preCommittedEpochIsCommittedByANewWriterAfterACrash() throws Exception {
    List<Row> rows = context.testRows();
    withAbandonedWriter(abandoned -> {
      write(abandoned, rows);
      byte[] handle = preCommit(abandoned, 1);
      assertThat(context.readBack()).as("rows visible after preCommit(1), before any commit").isEmpty();
      withNewWriter(writer -> writer.commit(1, handle.clone()));
      assertReadBack("rows read back after a new writer re-drove commit(1) of the crashed one", rows);
      withNewWriter(writer -> writer.commit(1, handle.clone()));
      assertReadBack("rows read back after commit(1) was re-driven a second time", rows);
    });
    assertReadBack("rows read back after the crashed writer was closed late", rows);
  }

  /**
   * For a TWO_PHASE_COMMIT sink: the process dies after {@code preCommit(1)} but before the checkpoint
   * holding epoch 1 is durable, so after the restart the engine calls {@code abort(1)} (presumed abort)
   * through a writer of a new sink instance, which then writes and commits epoch 2. Only epoch 2's rows
   * are visible. Simulated in one JVM, like {@link #preCommittedEpochIsCommittedByANewWriterAfterACrash()}.
   */
  @Test
  public void preCommittedEpochIsAbortedByANewWriterAfterACrash() throws Exception {
    List<Row> rows = context.testRows();
    List<Row> lost = rows.subList(0, rows.size() / 2);
    List<Row> next = rows.subList(rows.size() / 2, rows.size());
    withAbandonedWriter(abandoned -> {
      write(abandoned, lost);
      byte[] handle = preCommit(abandoned, 1);
      withNewWriter(writer -> {
        writer.abort(1, handle.clone());
        write(writer, next);
        writer.commit(2, preCommit(writer, 2));
      });
      assertReadBack("rows read back: epoch 1 pre-committed by a crashed writer and aborted by a new one, epoch 2 committed", next);
    });
    assertReadBack("rows read back after the crashed writer was closed late", next);
  }

  /**
   * After the writer and the sink are closed, every thread the sink started has ended and every file
   * descriptor it opened is closed (after a warm-up round, so classes loaded and JVM-wide resources opened
   * once do not count).
   */
  @Test
  public void closeReleasesThreadsAndFileDescriptors() throws Exception {
    List<Row> rows = context.testRows();
    ConnectorExercises.writeEverything(factory, context, rows, 1);
    ResourceSnapshot before = ResourceSnapshot.take();
    ConnectorExercises.writeEverything(factory, context, rows, 2);
    before.assertReleased("sink created, written to, committed and closed", context.releaseTimeout());
    if (!before.fileDescriptorsChecked()) {
      Assumptions.abort("threads are released; file descriptors cannot be counted on this platform");
    }
  }

  /** For a TWO_PHASE_COMMIT sink, rows are invisible after preCommit and visible after commit. */
  @Test
  public void preCommitKeepsRowsInvisibleUntilCommit() throws Exception {
    List<Row> rows = context.testRows();
    SinkConnector sink = createSink();
    try {
      requireTwoPhaseCommit(sink.capabilities());
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        write(writer, rows);
        byte[] handle = preCommit(writer, 1);
        assertThat(context.readBack()).as("rows visible after preCommit(1), before commit").isEmpty();
        writer.commit(1, handle);
        assertReadBack("rows read back after commit(1)", rows);
      } finally {
        writer.close();
      }
    } finally {
      sink.close();
    }
  }

  /** For a TWO_PHASE_COMMIT sink, an aborted epoch leaves nothing behind, and the next epoch commits normally. */
  @Test
  public void abortDiscards() throws Exception {
    List<Row> rows = context.testRows();
    List<Row> aborted = rows.subList(0, rows.size() / 2);
    List<Row> committed = rows.subList(rows.size() / 2, rows.size());
    SinkConnector sink = createSink();
    try {
      requireTwoPhaseCommit(sink.capabilities());
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        write(writer, aborted);
        byte[] first = preCommit(writer, 1);
        writer.abort(1, first);
        writer.abort(1, first);
        write(writer, committed);
        writer.commit(2, preCommit(writer, 2));
      } finally {
        writer.close();
      }
    } finally {
      sink.close();
    }
    assertReadBack("rows read back: epoch 1 aborted, epoch 2 committed", committed);
  }

  /**
   * For an AT_LEAST_ONCE sink, rows written before a successful preCommit survive a crash before
   * commit: they are read back while the writer is still open, and after it closes without commit.
   * (A sink that is also TWO_PHASE_COMMIT keeps them invisible until the engine replays the commit
   * after the restart, so for it the suite replays the commit with a new writer first.)
   */
  @Test
  public void atLeastOnceLosesNothing() throws Exception {
    List<Row> rows = context.testRows();
    byte[] handle;
    boolean twoPhase;
    SinkConnector sink = createSink();
    try {
      Set<SinkCapability> capabilities = sink.capabilities();
      if (!capabilities.contains(SinkCapability.AT_LEAST_ONCE)) {
        Assumptions.abort("sink does not declare AT_LEAST_ONCE");
      }
      twoPhase = capabilities.contains(SinkCapability.TWO_PHASE_COMMIT);
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        write(writer, rows);
        handle = preCommit(writer, 1);
        if (!twoPhase) {
          RowChecks.assertContainsAll("rows read back after preCommit(1), writer still open (a crash now)",
              context.readBack(), normalised(rows));
        }
      } finally {
        writer.close();
      }
    } finally {
      sink.close();
    }
    if (twoPhase) {
      SinkConnector restarted = createSink();
      try {
        SinkWriter writer = restarted.createWriter();
        try {
          writer.open();
          writer.commit(1, handle);
        } finally {
          writer.close();
        }
      } finally {
        restarted.close();
      }
    }
    RowChecks.assertContainsAll("rows read back after preCommit(1) and close without commit", context.readBack(),
        normalised(rows));
  }

  @Test
  public void badConfigurationFailsValidationNamingTheOption() throws Exception {
    FactoryChecks.assertRejected(factory, context, ConnectorFactory::createSink);
  }

  /** {@code close()} twice is harmless, after writing and on a writer that was never opened. */
  @Test
  public void closeIsIdempotent() throws Exception {
    List<Row> rows = context.testRows();
    SinkConnector sink = createSink();
    try {
      SinkWriter writer = sink.createWriter();
      writer.open();
      write(writer, rows.subList(0, Math.min(rows.size(), context.batchSize())));
      writer.close();
      writer.close();
    } finally {
      sink.close();
    }
    SinkConnector other = createSink();
    try {
      SinkWriter neverOpened = other.createWriter();
      neverOpened.close();
      neverOpened.close();
    } finally {
      other.close();
    }
  }

  /** Creates the sink the way the engine does: options validated first. */
  protected final SinkConnector createSink() throws Exception {
    return factory.createSink(TestConnectorContext.of(factory, context.objectName(), context.schema(), context.options()));
  }

  @FunctionalInterface
  private interface WriterAction {
    void run(SinkWriter writer) throws Exception;
  }

  /**
   * Runs {@code action} on the opened writer of a TWO_PHASE_COMMIT sink (skipping the test for other
   * sinks) that stands for a crashed process: nothing is closed until {@code action} has returned, and
   * then only to release resources, as the operating system would.
   */
  private void withAbandonedWriter(WriterAction action) throws Exception {
    SinkConnector crashed = createSink();
    List<AutoCloseable> closeLate = new ArrayList<>();
    Throwable failure = null;
    try {
      requireTwoPhaseCommit(crashed.capabilities());
      SinkWriter abandoned = crashed.createWriter();
      closeLate.add(abandoned);
      abandoned.open();
      action.run(abandoned);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      closeLate.add(crashed);
      SourceReaderDriver.closeAll(closeLate, failure);
    }
  }

  /** Runs {@code action} on the opened writer of a new sink instance, then closes both (as a restarted engine would). */
  private void withNewWriter(WriterAction action) throws Exception {
    SinkConnector sink = createSink();
    Throwable failure = null;
    try {
      SinkWriter writer = sink.createWriter();
      try {
        writer.open();
        action.run(writer);
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

  private void write(SinkWriter writer, List<Row> rows) throws Exception {
    for (ListRowBatch batch : ListRowBatch.batches(context.schema(), rows, context.batchSize())) {
      writer.write(batch);
    }
  }

  private static byte[] preCommit(SinkWriter writer, long epoch) throws Exception {
    byte[] handle = writer.preCommit(epoch);
    assertThat(handle).as("preCommit(%s) handle", epoch).isNotNull();
    return handle;
  }

  private void assertReadBack(String what, List<Row> expected) throws Exception {
    RowChecks.assertSameRows(what, context.readBack(), normalised(expected), context.orderPreserved());
  }

  /** {@code rows} with DECIMAL values at their column's scale, as a correct sink stores them. */
  private List<Row> normalised(List<Row> rows) {
    return new ListRowBatch(context.schema(), rows).rows();
  }

  private static void requireReplaySafety(Set<SinkCapability> capabilities) {
    if (!capabilities.contains(SinkCapability.TWO_PHASE_COMMIT) && !capabilities.contains(SinkCapability.IDEMPOTENT)) {
      Assumptions.abort("sink declares neither TWO_PHASE_COMMIT nor IDEMPOTENT: commit replay is not promised");
    }
  }

  private static void requireTwoPhaseCommit(Set<SinkCapability> capabilities) {
    if (!capabilities.contains(SinkCapability.TWO_PHASE_COMMIT)) {
      Assumptions.abort("sink does not declare TWO_PHASE_COMMIT");
    }
  }
}
