package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.sdk.type.Schema;

/** Reads a named source or stream; deploying a plan attaches its chain to that stream. */
public record ScanNode(String streamName, Schema schema, int rowtimeColumn, boolean changelog) implements PlanNode {
  public ScanNode(String streamName, Schema schema, int rowtimeColumn) {
    this(streamName, schema, rowtimeColumn, false);
  }

  @Override
  public WindowColumns window() {
    return null;
  }

  @Override
  public PlanNode input() {
    return null;
  }

  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    return downstream;
  }

  @Override
  public String describe() {
    return "Scan(" + streamName + (changelog ? ", changelog" : "") + ")";
  }
}
