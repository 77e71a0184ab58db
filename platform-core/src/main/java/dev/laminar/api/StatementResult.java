package dev.laminar.api;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Schema;
import java.util.List;

/**
 * What a statement returned: a confirmation (DDL), a finite table (SHOW, DESCRIBE, EXPLAIN), or a
 * continuous query's {@link Subscription} (SELECT).
 *
 * @param kind which of the three
 * @param message a one-line confirmation such as {@code Created stream bars}
 * @param schema columns of {@code rows} or of the subscription; null for OK
 * @param rows the table for ROWS; empty otherwise
 * @param subscription for STREAM: the running query's rows; null otherwise
 */
public record StatementResult(Kind kind, String message, Schema schema, List<Row> rows, Subscription subscription) {
  /** The shape of a result. */
  public enum Kind { OK, ROWS, STREAM }

  public static StatementResult ok(String message) {
    return new StatementResult(Kind.OK, message, null, List.of(), null);
  }

  public static StatementResult rows(Schema schema, List<Row> rows) {
    return new StatementResult(Kind.ROWS, rows.size() + " row(s)", schema, List.copyOf(rows), null);
  }

  public static StatementResult stream(Subscription subscription) {
    return new StatementResult(Kind.STREAM, "continuous query", subscription.schema(), List.of(), subscription);
  }
}
