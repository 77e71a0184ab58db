package dev.laminar.differential;

import dev.laminar.sdk.row.Row;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One query of the catalogue: the statements that deploy it over source {@code s}, the stream whose
 * rows are compared, how they are compared, and the reference computation of the expected output.
 *
 * @param name what the query exercises; the test case's name
 * @param statements CREATE STREAM statements, in order; the last creates {@code output}
 * @param output the stream subscribed to
 * @param mode how actual and expected rows are compared
 * @param upsertKey for {@link Mode#CHANGELOG}: the output columns that identify a result row
 * @param prepare turns the generated stream into this query's input (e.g. one key only)
 * @param reference the expected rows and late-row counts per stream, from the input alone
 */
record QueryCase(String name, List<String> statements, String output, Mode mode, int[] upsertKey,
    UnaryOperator<List<StreamRow>> prepare, Function<List<StreamRow>, Expected> reference) {

  enum Mode {
    /** Row by row in arrival order (projections and filters of a single-split source). */
    ORDERED,
    /** As multisets (windows of one close time may be emitted in any order). */
    MULTISET,
    /** A changelog: the final state per upsert key after applying it, and each key's own sequence. */
    CHANGELOG,
    /** A changelog compared entry by entry, kinds included. */
    SEQUENCE,
    /**
     * A changelog whose rows change identity (sessions: -U with the old bounds, +U with the new):
     * the final multisets after applying it, and each key's own sequence.
     */
    RETRACTIONS
  }

  /** The expected output rows and {@code late_rows_dropped} of each stream. */
  record Expected(List<Row> rows, Map<String, Long> lateRows) {}

  @Override
  public String toString() {
    return name;
  }
}
