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

  StreamObject(String name, String ddl, PlannedQuery query) {
    super(name, query.plan().schema(), ddl);
    this.query = query;
    this.node = new StreamNode(name, query.plan().schema());
  }

  @Override
  Kind kind() {
    return Kind.STREAM;
  }

  @Override
  StreamNode node() {
    return node;
  }

  @Override
  int rowtimeColumn() {
    return query.plan().rowtimeColumn();
  }

  @Override
  List<String> inputs() {
    return List.of(query.plan().scan().streamName());
  }

  @Override
  String status() {
    return failure() != null ? "FAILED" : node.hasEnded() ? "FINISHED" : "RUNNING";
  }
}
