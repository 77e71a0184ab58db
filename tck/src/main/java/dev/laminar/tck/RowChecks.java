package dev.laminar.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.sdk.row.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Row comparisons shared by the suites, with failure messages that show the offending rows. */
final class RowChecks {
  private RowChecks() {}

  /** {@code actual} holds exactly the rows of {@code expected}, in the same order when {@code ordered}. */
  static void assertSameRows(String what, List<Row> actual, List<Row> expected, boolean ordered) {
    if (ordered) {
      assertThat(actual).as(what + " (in order)").containsExactlyElementsOf(expected);
    } else {
      assertThat(actual).as(what + " (as a multiset)").containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  /** Every row of {@code expected} occurs in {@code actual} at least as often as in {@code expected}. */
  static void assertContainsAll(String what, List<Row> actual, List<Row> expected) {
    Map<Row, Integer> have = counts(actual);
    for (Row row : expected) {
      int n = have.getOrDefault(row, 0);
      if (n == 0) {
        throw new AssertionError(what + ": row " + row + " is missing; got " + actual.size() + " rows: "
            + SourceReaderDriver.abbreviate(actual));
      }
      have.put(row, n - 1);
    }
  }

  /**
   * {@code part} is a subsequence of {@code whole}: its rows appear in {@code whole} in the same
   * relative order (how one split's rows relate to the rows the context wrote across all splits).
   */
  static void assertInOrderOf(String what, List<Row> part, List<Row> whole) {
    int at = 0;
    for (int i = 0; i < part.size(); i++) {
      Row row = part.get(i);
      while (at < whole.size() && !whole.get(at).equals(row)) {
        at++;
      }
      if (at == whole.size()) {
        throw new AssertionError(what + ": row " + i + " " + row + " is out of the order in which the rows were written"
            + " (or was never written)");
      }
      at++;
    }
  }

  /** True when no two rows are equal (an order check needs distinct rows). */
  static boolean distinct(List<Row> rows) {
    return counts(rows).size() == rows.size();
  }

  private static Map<Row, Integer> counts(List<Row> rows) {
    Map<Row, Integer> counts = new HashMap<>();
    for (Row row : rows) {
      counts.merge(row, 1, Integer::sum);
    }
    return counts;
  }
}
