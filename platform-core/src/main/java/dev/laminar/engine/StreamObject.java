package dev.laminar.engine;

import dev.laminar.runtime.StreamNode;
import dev.laminar.sql.QueryPlanner.PlannedQuery;
import dev.laminar.sql.plan.PlanMetrics;
import java.util.List;

/** A {@code CREATE STREAM ... AS SELECT}: a deployed query whose output others can read. */
final class StreamObject extends CatalogObject {
  final PlannedQuery query;
  final StreamNode node;
  final PlanMetrics metrics = new PlanMetrics();
  /** For a materialized view: its current contents (maintained on the reactor thread); null for a plain stream. */
  ViewTable table;
  /** For a LATE DATA TO side stream: the stream whose late rows it carries; null otherwise. */
  final String sideOf;
  private final int rowtime;

  StreamObject(String name, String ddl, PlannedQuery query) {
    super(name, query.plan().schema(), ddl);
    this.query = query;
    this.node = new StreamNode(name, query.plan().schema());
    this.sideOf = null;
    this.rowtime = query.plan().rowtimeColumn();
  }

  private StreamObject(String name, String sideOf, dev.laminar.sdk.type.Schema schema, int rowtime, PlannedQuery mainQuery) {
    super(name, schema, null); // recreated by its main stream's statement
    this.query = mainQuery;
    this.node = new StreamNode(name, schema);
    this.sideOf = sideOf;
    this.rowtime = rowtime;
  }

  /** Whether its rows form a changelog (a side stream is append-only). */
  boolean isChangelog() {
    return sideOf == null && query.plan().changelog();
  }

  /** The side stream receiving the rows of {@code main} later than its allowed lateness. */
  static StreamObject sideOutput(String name, String main, dev.laminar.sdk.type.Schema schema, int rowtime, PlannedQuery mainQuery) {
    return new StreamObject(name, main, schema, rowtime, mainQuery);
  }

  @Override
  Kind kind() {
    return table != null ? Kind.VIEW : Kind.STREAM;
  }

  @Override
  StreamNode node() {
    return node;
  }

  @Override
  int rowtimeColumn() {
    return rowtime;
  }

  @Override
  List<String> inputs() {
    return sideOf != null ? List.of(sideOf) : PlanMetrics.inputsOf(query.plan());
  }

  @Override
  String status() {
    return failure() != null ? "FAILED" : node.hasEnded() ? "FINISHED" : "RUNNING";
  }
}
