package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.sdk.type.Schema;

/**
 * A lookup join: each row of {@code input} is enriched with the rows the lookup table {@code table}
 * holds for its key ({@code keyColumns}: the input column for each key column of the table, in the
 * table's key order). Deployed by the engine, which owns the table's connector.
 */
public record LookupJoinNode(PlanNode input, String table, boolean leftOuter, int[] keyColumns, Schema lookupSchema, Schema schema)
    implements PlanNode {
  @Override
  public int rowtimeColumn() {
    return input.rowtimeColumn();
  }

  @Override
  public WindowColumns window() {
    return null;
  }

  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    throw new UnsupportedOperationException("a lookup join is deployed by the engine, which owns the lookup table");
  }

  @Override
  public String describe() {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < keyColumns.length; i++) {
      keys.append(i > 0 ? ", " : "").append(input.schema().column(keyColumns[i]).name());
    }
    return "LookupJoin(" + (leftOuter ? "LEFT" : "INNER") + ", table=" + table + ", keys=[" + keys + "])";
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
