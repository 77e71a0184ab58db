package dev.laminar.sql;

import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.join.IntervalJoinOperator;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sql.plan.IntervalJoinNode;
import dev.laminar.sql.plan.PlanNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * Plans joins of two streams. A stream-stream join must be bounded in time — its condition equates
 * keys (optionally) and bounds the left input's event time against the right's from both sides
 * (e.g. {@code o.ts BETWEEN s.ts - INTERVAL '5' MINUTE AND s.ts}) — because otherwise its state grows
 * without end; an unbounded join is refused with a message that says how to bound it. {@code EXISTS}
 * and {@code NOT EXISTS} subqueries with such a bound become semi and anti joins. Nothing is ever run
 * as a different join than the one written.
 */
final class JoinPlanner {
  private final Function<RelNode, PlanNode> translate;
  private final RexBuilder rexBuilder;
  private final Set<String> functionOrigins;

  JoinPlanner(Function<RelNode, PlanNode> translate, RexBuilder rexBuilder, Set<String> functionOrigins) {
    this.translate = translate;
    this.rexBuilder = rexBuilder;
    this.functionOrigins = functionOrigins;
  }

  PlanNode join(LogicalJoin join) {
    IntervalJoinOperator.Kind kind = switch (join.getJoinType()) {
      case INNER -> IntervalJoinOperator.Kind.INNER;
      case LEFT -> IntervalJoinOperator.Kind.LEFT;
      case RIGHT -> IntervalJoinOperator.Kind.RIGHT;
      case FULL -> IntervalJoinOperator.Kind.FULL;
      case SEMI -> IntervalJoinOperator.Kind.SEMI;
      case ANTI -> IntervalJoinOperator.Kind.ANTI;
      default -> throw new SqlPlanningException(join.getJoinType() + " joins are not supported");
    };
    PlanNode left = translate.apply(join.getLeft());
    PlanNode right = translate.apply(join.getRight());
    return interval(kind, left, right, join.getCondition(), TypeMapping.toSchema(join.getRowType()));
  }

  /**
   * {@code left WHERE [NOT] EXISTS (SELECT ... FROM right WHERE <correlated condition>)}: a semi (anti)
   * join, when the condition bounds the times; returns null when {@code filter} has no such subquery.
   */
  PlanNode existsFilter(LogicalFilter filter, Function<PlanNode, PlanNode> applyRest) {
    List<RexNode> conjuncts = RelOptUtil.conjunctions(filter.getCondition());
    RexSubQuery exists = null;
    boolean negated = false;
    List<RexNode> rest = new ArrayList<>();
    for (RexNode c : conjuncts) {
      RexSubQuery sq = c instanceof RexSubQuery s && s.getKind() == SqlKind.EXISTS ? s
          : c.getKind() == SqlKind.NOT && ((RexCall) c).getOperands().get(0) instanceof RexSubQuery s && s.getKind() == SqlKind.EXISTS ? s : null;
      if (sq != null && exists == null) {
        exists = sq;
        negated = c.getKind() == SqlKind.NOT;
      } else {
        rest.add(c);
      }
    }
    if (exists == null) {
      return null;
    }
    for (RexNode c : rest) {
      if (RexUtil.SubQueryFinder.find(c) != null) {
        throw new SqlPlanningException("only one EXISTS / NOT EXISTS per WHERE is supported, as a top-level AND term");
      }
    }
    PlanNode left = translate.apply(filter.getInput());
    RelNode sub = exists.rel;
    while (sub instanceof LogicalProject p) {
      sub = p.getInput();
    }
    if (!(sub instanceof LogicalFilter correlated) || correlated.getVariablesSet().isEmpty() && !hasCorrelation(correlated.getCondition())) {
      throw new SqlPlanningException((negated ? "NOT EXISTS" : "EXISTS") + " needs a subquery of the form (SELECT ... FROM stream "
          + "WHERE <key equalities and a time bound on the outer row>), e.g. WHERE EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id "
          + "AND p.ts BETWEEN o.ts AND o.ts + INTERVAL '1' HOUR)");
    }
    PlanNode right = translate.apply(correlated.getInput());
    int leftWidth = left.schema().size();
    RexNode condition = correlated.getCondition().accept(new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        return new RexInputRef(ref.getIndex() + leftWidth, ref.getType());
      }

      @Override
      public RexNode visitFieldAccess(RexFieldAccess access) {
        if (access.getReferenceExpr() instanceof RexCorrelVariable) {
          return new RexInputRef(access.getField().getIndex(), access.getType());
        }
        return super.visitFieldAccess(access);
      }
    });
    PlanNode semi = interval(negated ? IntervalJoinOperator.Kind.ANTI : IntervalJoinOperator.Kind.SEMI, left, right, condition, left.schema());
    return rest.isEmpty() ? semi : applyRest.apply(semi);
  }

  private static boolean hasCorrelation(RexNode condition) {
    return RexUtil.containsCorrelation(condition);
  }

  /** The filter conjuncts besides the EXISTS (applied to the semi/anti join's output). */
  static RexNode withoutExists(LogicalFilter filter, RexBuilder rexBuilder) {
    List<RexNode> rest = new ArrayList<>();
    for (RexNode c : RelOptUtil.conjunctions(filter.getCondition())) {
      boolean isExists = c instanceof RexSubQuery s && s.getKind() == SqlKind.EXISTS
          || c.getKind() == SqlKind.NOT && ((RexCall) c).getOperands().get(0) instanceof RexSubQuery s2 && s2.getKind() == SqlKind.EXISTS;
      if (!isExists) {
        rest.add(c);
      }
    }
    return RexUtil.composeConjunction(rexBuilder, rest);
  }

  private PlanNode interval(IntervalJoinOperator.Kind kind, PlanNode left, PlanNode right, RexNode condition, Schema outputSchema) {
    String what = kind == IntervalJoinOperator.Kind.SEMI ? "EXISTS" : kind == IntervalJoinOperator.Kind.ANTI ? "NOT EXISTS" : "a join of two streams";
    for (PlanNode side : List.of(left, right)) {
      if (side.changelog()) {
        throw new SqlPlanningException(what + " over the changelog '" + side.scan().streamName() + "' is not supported: join an "
            + "append-only stream, or use a temporal join (JOIN v FOR SYSTEM_TIME AS OF s.ts AS v ON ...) to look up a changelog's "
            + "version as of each row");
      }
      if (side.rowtimeColumn() < 0) {
        throw new SqlPlanningException(what + " needs an event-time column with a watermark on both inputs, but '"
            + side.scan().streamName() + "' has none");
      }
    }
    int leftWidth = left.schema().size();
    int leftTime = left.rowtimeColumn();
    int rightTime = leftWidth + right.rowtimeColumn();
    List<Integer> leftKeys = new ArrayList<>();
    List<Integer> rightKeys = new ArrayList<>();
    long lower = Long.MIN_VALUE;
    long upper = Long.MAX_VALUE;
    List<RexNode> residual = new ArrayList<>();
    for (RexNode c : RelOptUtil.conjunctions(condition)) {
      if (c.getKind() == SqlKind.EQUALS && c instanceof RexCall eq && eq.getOperands().get(0) instanceof RexInputRef a
          && eq.getOperands().get(1) instanceof RexInputRef b && (a.getIndex() < leftWidth) != (b.getIndex() < leftWidth)) {
        RexInputRef l = a.getIndex() < leftWidth ? a : b;
        RexInputRef r = a.getIndex() < leftWidth ? b : a;
        if (!TypeMapping.toDataType(l.getType(), "key").equals(TypeMapping.toDataType(r.getType(), "key"))
            && !(TypeMapping.toDataType(l.getType(), "key").isLongBacked() && TypeMapping.toDataType(r.getType(), "key").isLongBacked())) {
          throw new SqlPlanningException("join keys " + left.schema().column(l.getIndex()).name() + " ("
              + TypeMapping.toDataType(l.getType(), "key") + ") and " + right.schema().column(r.getIndex() - leftWidth).name() + " ("
              + TypeMapping.toDataType(r.getType(), "key") + ") have different types: CAST one side in a projection first");
        }
        leftKeys.add(l.getIndex());
        rightKeys.add(r.getIndex() - leftWidth);
        continue;
      }
      long[] bound = timeBound(c, leftTime, rightTime);
      if (bound != null) {
        lower = Math.max(lower, bound[0]);
        upper = Math.min(upper, bound[1]);
        continue;
      }
      residual.add(c);
    }
    if (lower == Long.MIN_VALUE || upper == Long.MAX_VALUE) {
      String l = left.schema().column(leftTime).name();
      String r = right.schema().column(right.rowtimeColumn()).name();
      throw new SqlPlanningException(what + " must bound the event times from both sides, or its state grows without end: add e.g. "
          + l + " BETWEEN " + r + " - INTERVAL '10' SECOND AND " + r + " + INTERVAL '10' SECOND to the "
          + (kind == IntervalJoinOperator.Kind.SEMI || kind == IntervalJoinOperator.Kind.ANTI ? "subquery's WHERE" : "ON condition")
          + " (both are the inputs' event-time columns)");
    }
    if (lower > upper) {
      throw new SqlPlanningException("the time bound of " + what + " is empty (lower " + lower + " ms > upper " + upper + " ms): no row can match");
    }
    Schema joinedSchema = kind == IntervalJoinOperator.Kind.SEMI || kind == IntervalJoinOperator.Kind.ANTI
        ? Schema.of(concat(left.schema(), right.schema())) : outputSchema;
    Expr residualExpr = null;
    if (!residual.isEmpty()) {
      residualExpr = new ExprTranslator(joinedSchema, rexBuilder, functionOrigins).translate(RexUtil.composeConjunction(rexBuilder, residual));
    }
    int rowtime = switch (kind) {
      case RIGHT -> leftWidth + right.rowtimeColumn();
      case FULL -> -1;
      default -> leftTime;
    };
    return new IntervalJoinNode(left, right, kind, leftKeys.stream().mapToInt(Integer::intValue).toArray(),
        rightKeys.stream().mapToInt(Integer::intValue).toArray(), lower, upper, residualExpr, joinedSchema, outputSchema, rowtime);
  }

  private static List<dev.laminar.sdk.type.Column> concat(Schema a, Schema b) {
    List<dev.laminar.sdk.type.Column> cols = new ArrayList<>(a.columns());
    java.util.Set<String> names = new java.util.HashSet<>();
    a.columns().forEach(c -> names.add(c.name().toLowerCase(java.util.Locale.ROOT)));
    for (dev.laminar.sdk.type.Column c : b.columns()) {
      String name = c.name();
      for (int i = 0; !names.add(name.toLowerCase(java.util.Locale.ROOT)); i++) {
        name = c.name() + i; // Calcite's convention for a join's duplicate names (k, k0)
      }
      cols.add(new dev.laminar.sdk.type.Column(name, c.type(), true));
    }
    return cols;
  }

  /**
   * {@code [lower, upper]} on {@code left.time - right.time} that comparison {@code c} states, or null
   * when it is not a comparison of the two event-time columns (each optionally plus or minus an interval).
   */
  static long[] timeBound(RexNode c, int leftTime, int rightTime) {
    SqlKind k = c.getKind();
    if (!(c instanceof RexCall call) || !(k == SqlKind.GREATER_THAN || k == SqlKind.GREATER_THAN_OR_EQUAL || k == SqlKind.LESS_THAN
        || k == SqlKind.LESS_THAN_OR_EQUAL)) {
      return null;
    }
    long[] a = linear(call.getOperands().get(0));
    long[] b = linear(call.getOperands().get(1));
    if (a == null || b == null) {
      return null;
    }
    // a.ref + a.c  OP  b.ref + b.c
    long constant;
    SqlKind op = k;
    if (a[0] == leftTime && b[0] == rightTime) {
      constant = b[1] - a[1]; // l - r OP b.c - a.c
    } else if (a[0] == rightTime && b[0] == leftTime) {
      constant = a[1] - b[1]; // r + a.c OP l + b.c  <=>  l - r (reversed OP) a.c - b.c
      op = op.reverse();
    } else {
      return null;
    }
    return switch (op) {
      case GREATER_THAN_OR_EQUAL -> new long[] {constant, Long.MAX_VALUE};
      case GREATER_THAN -> new long[] {constant + 1, Long.MAX_VALUE};
      case LESS_THAN_OR_EQUAL -> new long[] {Long.MIN_VALUE, constant};
      default -> new long[] {Long.MIN_VALUE, constant - 1};
    };
  }

  /** {@code {column, millis}} for {@code column}, {@code column + interval} or {@code column - interval}; else null. */
  private static long[] linear(RexNode e) {
    if (e instanceof RexInputRef ref) {
      return new long[] {ref.getIndex(), 0};
    }
    if (e instanceof RexCall call && (e.getKind() == SqlKind.PLUS || e.getKind() == SqlKind.MINUS) && call.getOperands().size() == 2) {
      RexNode x = call.getOperands().get(0);
      RexNode y = call.getOperands().get(1);
      if (x instanceof RexInputRef ref && y instanceof RexLiteral lit && interval(lit) != null) {
        long v = interval(lit);
        return new long[] {ref.getIndex(), e.getKind() == SqlKind.PLUS ? v : -v};
      }
      if (e.getKind() == SqlKind.PLUS && y instanceof RexInputRef ref && x instanceof RexLiteral lit && interval(lit) != null) {
        return new long[] {ref.getIndex(), interval(lit)};
      }
    }
    return null;
  }

  private static Long interval(RexLiteral lit) {
    if (!org.apache.calcite.sql.type.SqlTypeName.DAY_INTERVAL_TYPES.contains(lit.getType().getSqlTypeName())) {
      return null;
    }
    return lit.getValueAs(Long.class);
  }
}
