package dev.laminar.sql.plan;

import dev.laminar.runtime.Operator;
import dev.laminar.runtime.codegen.CalcCompiler;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.operator.CalcOperator;
import dev.laminar.sdk.type.Schema;
import java.util.Arrays;

/** Filter (optional) and projection; compiled to bytecode unless {@code -Dlaminar.codegen=false}. */
public record CalcNode(PlanNode input, Expr condition, Expr[] projections, Schema schema, int rowtimeColumn,
    WindowColumns window) implements PlanNode {
  @Override
  public Operator instantiate(Operator downstream, int batchCapacity, PlanMetrics metrics) {
    return new CalcOperator(CalcCompiler.create(condition, projections), schema, batchCapacity, downstream);
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("Calc(");
    if (condition != null) {
      sb.append("where=").append(condition).append(", ");
    }
    String[] items = new String[projections.length];
    for (int i = 0; i < items.length; i++) {
      String name = schema.column(i).name();
      String e = projections[i].toString();
      items[i] = e.equals(name) ? e : e + " AS " + name;
    }
    return sb.append("select=[").append(String.join(", ", Arrays.asList(items))).append("], code=")
        .append(CalcCompiler.enabled() ? "compiled" : "interpreted").append(')').toString();
  }
}
