package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import java.util.List;
import java.util.Map;

/**
 * How a source's context provides input with undecodable records, for
 * {@link SourceConnectorTestSuite#badRecordsFollowTheConfiguredPolicy()}. Returned by
 * {@link SourceTestContext#badRecordInput()}.
 */
public interface BadRecordInput {
  /**
   * Writes {@code rows} into the external system as {@link SourceTestContext#writeTestData} would, with
   * at least one record between them that the source cannot decode (malformed text, a value of the wrong
   * type). Called once per test instead of {@code writeTestData}.
   */
  void writeTestDataWithBadRecords(List<Row> rows) throws Exception;

  /** The complete options (replacing {@link SourceTestContext#options()}) that select {@code policy}. */
  Map<String, String> options(BadRecordPolicy policy);

  /**
   * Text the exception's message must contain under {@link BadRecordPolicy#FAIL} (for example the file or
   * partition of the bad record), or {@code null} (the default) to require only a message that is not blank.
   */
  default String expectedMessageFragment() {
    return null;
  }
}
