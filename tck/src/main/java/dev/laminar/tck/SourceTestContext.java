package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import java.util.List;

/**
 * What {@link SourceConnectorTestSuite} needs from a source connector's author: the connector's
 * factory, schema and options (from {@link ConnectorTestContext}), and a way to put rows into the
 * external system the source reads.
 *
 * <p>Each test calls {@link #writeTestData} exactly once, before creating the source, with
 * {@link #testRows()} or with an empty list — except the bad-record case, which calls
 * {@link BadRecordInput#writeTestDataWithBadRecords} instead.
 */
public abstract class SourceTestContext extends ConnectorTestContext {
  /**
   * Writes {@code rows} into the external system so that the source configured by {@link #options()}
   * reads exactly them (the values in the Java representation of
   * {@link dev.laminar.sdk.row.RowBatch#getObject}). A context may spread them over several splits
   * (files, partitions), but must keep the given relative order within each split when
   * {@link #orderWithinSplitDefined()} is true. An empty list means: an empty input the source can
   * still be pointed at (for example an empty file or topic).
   */
  public abstract void writeTestData(List<Row> rows) throws Exception;

  /**
   * Whether a reader restored from a position re-reads the source from there. False for sources
   * whose data is gone once read (an in-memory hand-off, a socket): the resume cases are then
   * skipped, and such a source cannot give exactly-once after a restart.
   */
  public boolean replaysFromPosition() {
    return true;
  }

  /** Whether the source under test is bounded: its readers return FINISHED at the end of the data. */
  public abstract boolean isBounded();

  /**
   * Input with undecodable records and the options selecting each bad-record policy, or {@code null}
   * (the default) when the source has no bad-record policy: the bad-record case is then skipped.
   */
  public BadRecordInput badRecordInput() {
    return null;
  }

  /**
   * True when a split returns its rows in the order they were written (files, Kafka partitions);
   * then the suites check order per split, otherwise only as multisets. Default true.
   */
  public boolean orderWithinSplitDefined() {
    return true;
  }

  /** The driver the suite reads with; override to change batch capacity or poll and time limits. */
  public SourceReaderDriver driver() {
    return new SourceReaderDriver(schema());
  }
}
