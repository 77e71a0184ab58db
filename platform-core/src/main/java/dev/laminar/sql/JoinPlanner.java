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
    RexNode condition = correlatedToJoined(correlated.getCondition(), leftWidth);
    PlanNode semi = interval(negated ? IntervalJoinOperator.Kind.ANTI : IntervalJoinOperator.Kind.SEMI, left, right, condition, left.schema());
    return rest.isEmpty() ? semi : applyRest.apply(semi);
  }

  /** What an ASOF join's MATCH_CONDITION said beyond Calcite's single comparison: NEAREST and a tolerance. */
  record AsofExtra(boolean nearest, long toleranceMillis) {}

  private static final String ASOF_FORMS = "MATCH_CONDITION takes t.ts >= q.ts (backward), t.ts > q.ts, t.ts <= q.ts (forward), "
      + "t.ts < q.ts or NEAREST(t.ts, q.ts), optionally AND t.ts - q.ts <= INTERVAL '5' SECOND (a tolerance)";

  /**
   * Rewrites each ASOF join's MATCH_CONDITION into the single comparison Calcite validates, and returns
   * what was taken out (NEAREST, a tolerance) for each ASOF join in pre-order — the order in which
   * {@link #asof} meets them.
   */
  static java.util.ArrayDeque<AsofExtra> rewriteAsof(org.apache.calcite.sql.SqlNode query) {
    java.util.ArrayDeque<AsofExtra> extras = new java.util.ArrayDeque<>();
    if (query == null) {
      return extras;
    }
    query.accept(new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
      @Override
      public Void visit(org.apache.calcite.sql.SqlCall call) {
        if (call instanceof org.apache.calcite.sql.SqlAsofJoin join) {
          extras.add(rewrite(join));
        }
        return super.visit(call);
      }
    });
    return extras;
  }

  private static AsofExtra rewrite(org.apache.calcite.sql.SqlAsofJoin join) {
    List<org.apache.calcite.sql.SqlNode> terms = new ArrayList<>();
    flattenAnd(join.getMatchCondition(), terms);
    org.apache.calcite.sql.SqlCall comparison = null;
    boolean nearest = false;
    long tolerance = Long.MAX_VALUE;
    for (org.apache.calcite.sql.SqlNode t : terms) {
      if (!(t instanceof org.apache.calcite.sql.SqlCall c)) {
        throw at(t, ASOF_FORMS);
      }
      String op = c.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
      if (op.equals("NEAREST") && comparison == null && c.operandCount() == 2) {
        nearest = true;
        comparison = org.apache.calcite.sql.fun.SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(c.getParserPosition(), c.operand(0),
            c.operand(1));
      } else if ((op.equals("<=") || op.equals("<")) && c.operand(0) instanceof org.apache.calcite.sql.SqlCall minus
          && minus.getKind() == SqlKind.MINUS && c.operand(1) instanceof org.apache.calcite.sql.SqlIntervalLiteral interval) {
        long millis = org.apache.calcite.sql.parser.SqlParserUtil.intervalToMillis(
            (org.apache.calcite.sql.SqlIntervalLiteral.IntervalValue) interval.getValue());
        tolerance = Math.min(tolerance, op.equals("<") ? millis - 1 : millis);
        if (tolerance < 0) {
          throw at(t, "the ASOF tolerance must not be negative");
        }
      } else if (comparison == null && (op.equals(">=") || op.equals(">") || op.equals("<=") || op.equals("<"))) {
        comparison = c;
      } else {
        throw at(t, ASOF_FORMS);
      }
    }
    if (comparison == null) {
      throw at(join.getMatchCondition(), ASOF_FORMS);
    }
    join.setOperand(6, comparison);
    return new AsofExtra(nearest, tolerance);
  }

  private static void flattenAnd(org.apache.calcite.sql.SqlNode n, List<org.apache.calcite.sql.SqlNode> out) {
    if (n instanceof org.apache.calcite.sql.SqlCall c && c.getKind() == SqlKind.AND) {
      for (org.apache.calcite.sql.SqlNode o : c.getOperandList()) {
        flattenAnd(o, out);
      }
    } else {
      out.add(n);
    }
  }

  private static dev.laminar.api.SqlSyntaxException at(org.apache.calcite.sql.SqlNode n, String message) {
    org.apache.calcite.sql.parser.SqlParserPos pos = n.getParserPosition();
    return new dev.laminar.api.SqlSyntaxException(pos.getLineNum(), pos.getColumnNum(), message, null);
  }

  /** An ASOF join ({@code MATCH_CONDITION} already reduced to one comparison by {@link #rewriteAsof}). */
  PlanNode asof(org.apache.calcite.rel.logical.LogicalAsofJoin join, AsofExtra extra) {
    PlanNode left = translate.apply(join.getLeft());
    PlanNode right = translate.apply(join.getRight());
    for (PlanNode side : List.of(left, right)) {
      if (side.changelog()) {
        throw new SqlPlanningException("ASOF JOIN over the changelog '" + side.scan().streamName() + "' is not supported: use a temporal "
            + "join (JOIN v FOR SYSTEM_TIME AS OF s.ts AS v ON ...) to match a changelog's versions");
      }
      if (side.rowtimeColumn() < 0) {
        throw new SqlPlanningException("ASOF JOIN matches by event time and needs a watermark on both inputs, but '"
            + side.scan().streamName() + "' has none");
      }
    }
    int leftWidth = left.schema().size();
    if (!(join.getMatchCondition() instanceof RexCall m) || !(m.getOperands().get(0) instanceof RexInputRef a)
        || !(m.getOperands().get(1) instanceof RexInputRef b) || (a.getIndex() < leftWidth) == (b.getIndex() < leftWidth)) {
      throw new SqlPlanningException(ASOF_FORMS);
    }
    SqlKind op = a.getIndex() < leftWidth ? m.getKind() : m.getKind().reverse();
    int l = Math.min(a.getIndex(), b.getIndex());
    int r = Math.max(a.getIndex(), b.getIndex()) - leftWidth;
    if (l != left.rowtimeColumn() || r != right.rowtimeColumn()) {
      throw new SqlPlanningException("ASOF JOIN MATCH_CONDITION must compare the inputs' event-time columns ("
          + left.schema().column(left.rowtimeColumn()).name() + " and " + right.schema().column(right.rowtimeColumn()).name()
          + "), not " + left.schema().column(l).name() + " and " + right.schema().column(r).name());
    }
    dev.laminar.runtime.join.AsofJoinOperator.Direction direction = extra.nearest()
        ? dev.laminar.runtime.join.AsofJoinOperator.Direction.NEAREST
        : op == SqlKind.GREATER_THAN || op == SqlKind.GREATER_THAN_OR_EQUAL ? dev.laminar.runtime.join.AsofJoinOperator.Direction.BACKWARD
        : dev.laminar.runtime.join.AsofJoinOperator.Direction.FORWARD;
    boolean strict = !extra.nearest() && (op == SqlKind.GREATER_THAN || op == SqlKind.LESS_THAN);
    List<int[]> keys = equiKeys(join.getCondition(), leftWidth, left, right, "ASOF JOIN");
    boolean leftOuter = join.getJoinType() == JoinRelType.LEFT_ASOF;
    return new dev.laminar.sql.plan.AsofJoinNode(left, right, direction, strict, extra.toleranceMillis(), leftOuter, false, keys.get(0),
        keys.get(1), TypeMapping.toSchema(join.getRowType()), left.rowtimeColumn());
  }

  /**
   * {@code JOIN v FOR SYSTEM_TIME AS OF s.ts AS v ON s.k = v.k}: a temporal join. Calcite gives a
   * correlate whose right side is {@code Filter(ON, with the left's columns as correlation variables)}
   * over {@code Snapshot(period)} over the versioned input.
   */
  PlanNode correlate(org.apache.calcite.rel.logical.LogicalCorrelate correlate, QueryPlanner.Table lookupTable) {
    RelNode r = correlate.getRight();
    RexNode on = null;
    if (r instanceof LogicalFilter f) {
      on = f.getCondition();
      r = f.getInput();
    }
    if (!(r instanceof org.apache.calcite.rel.logical.LogicalSnapshot snapshot)) {
      throw new SqlPlanningException("correlated subqueries and lateral joins are not supported (EXISTS / NOT EXISTS with a time bound, "
          + "and JOIN ... FOR SYSTEM_TIME AS OF, are)");
    }
    if (correlate.getJoinType() != JoinRelType.INNER && correlate.getJoinType() != JoinRelType.LEFT) {
      throw new SqlPlanningException("a temporal join is INNER or LEFT, not " + correlate.getJoinType());
    }
    if (lookupTable != null) {
      PlanNode input = translate.apply(correlate.getLeft());
      return lookup(input, lookupTable, on == null ? null : correlatedToJoined(on, input.schema().size()), correlate.getJoinType(),
          correlate.getRowType());
    }
    PlanNode left = translate.apply(correlate.getLeft());
    PlanNode right = translate.apply(snapshot.getInput());
    if (left.changelog()) {
      throw new SqlPlanningException("a temporal join enriches an append-only stream, but '" + left.scan().streamName() + "' is a changelog");
    }
    int leftWidth = left.schema().size();
    if (!(snapshot.getPeriod() instanceof RexFieldAccess period) || !(period.getReferenceExpr() instanceof RexCorrelVariable)
        || period.getField().getIndex() != left.rowtimeColumn()) {
      throw new SqlPlanningException("FOR SYSTEM_TIME AS OF must name the event-time column of the stream being enriched"
          + (left.rowtimeColumn() >= 0 ? " ('" + left.schema().column(left.rowtimeColumn()).name() + "')" : " (it has none: declare a WATERMARK)"));
    }
    if (right.rowtimeColumn() < 0) {
      throw new SqlPlanningException("the versioned table '" + right.scan().streamName() + "' of a temporal join needs an event-time "
          + "column: its versions are valid from their event time");
    }
    if (on == null) {
      throw new SqlPlanningException("a temporal join needs ON with equalities on the versioned table's key");
    }
    RexNode condition = correlatedToJoined(on, leftWidth);
    List<int[]> keys = equiKeys(condition, leftWidth, left, right, "a temporal join's");
    if (keys.get(0).length == 0) {
      throw new SqlPlanningException("a temporal join needs ON with equalities on the versioned table's key");
    }
    return new dev.laminar.sql.plan.AsofJoinNode(left, right, dev.laminar.runtime.join.AsofJoinOperator.Direction.BACKWARD, false,
        Long.MAX_VALUE, correlate.getJoinType() == JoinRelType.LEFT, true, keys.get(0), keys.get(1),
        TypeMapping.toSchema(correlate.getRowType()), left.rowtimeColumn());
  }

  /** A correlated condition over the right input as a condition over the joined row (left columns, then right). */
  private static RexNode correlatedToJoined(RexNode on, int leftWidth) {
    return on.accept(new RexShuttle() {
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
  }

  /** A lookup join of {@code leftRel} with {@code table}: ON must equate a column of the stream with each key column of the table. */
  PlanNode lookup(RelNode leftRel, QueryPlanner.Table table, RexNode condition, JoinRelType type,
      org.apache.calcite.rel.type.RelDataType rowType) {
    return lookup(translate.apply(leftRel), table, condition, type, rowType);
  }

  private PlanNode lookup(PlanNode input, QueryPlanner.Table table, RexNode condition, JoinRelType type,
      org.apache.calcite.rel.type.RelDataType rowType) {
    if (type != JoinRelType.INNER && type != JoinRelType.LEFT) {
      throw new SqlPlanningException("a lookup join is INNER or LEFT (the stream on the left), not " + type);
    }
    if (input.changelog()) {
      throw new SqlPlanningException("a lookup join enriches an append-only stream, but '" + input.scan().streamName() + "' is a changelog");
    }
    int leftWidth = input.schema().size();
    String example = "ON s.col = " + table.name() + "." + String.join(" AND ...", table.lookupKey());
    if (condition == null) {
      throw new SqlPlanningException("a lookup join with '" + table.name() + "' needs ON with its key columns " + table.lookupKey() + ": " + example);
    }
    int[] keyColumns = new int[table.lookupKey().size()];
    java.util.Arrays.fill(keyColumns, -1);
    for (RexNode c : RelOptUtil.conjunctions(condition)) {
      if (c.getKind() == SqlKind.EQUALS && c instanceof RexCall eq && eq.getOperands().get(0) instanceof RexInputRef a
          && eq.getOperands().get(1) instanceof RexInputRef b && (a.getIndex() < leftWidth) != (b.getIndex() < leftWidth)) {
        RexInputRef l = a.getIndex() < leftWidth ? a : b;
        RexInputRef r = a.getIndex() < leftWidth ? b : a;
        String column = table.schema().column(r.getIndex() - leftWidth).name();
        int k = indexOfIgnoreCase(table.lookupKey(), column);
        if (k < 0) {
          throw new SqlPlanningException("lookup table '" + table.name() + "' is looked up by " + table.lookupKey() + ", not by '" + column + "'");
        }
        dev.laminar.sdk.type.DataType lt = TypeMapping.toDataType(l.getType(), "key");
        dev.laminar.sdk.type.DataType rt = TypeMapping.toDataType(r.getType(), "key");
        if (lt.kind() != rt.kind()) {
          throw new SqlPlanningException("lookup key " + column + " is " + rt + " but " + input.schema().column(l.getIndex()).name() + " is "
              + lt + ": CAST it in a projection first");
        }
        keyColumns[k] = l.getIndex();
      } else {
        throw new SqlPlanningException("a lookup join's ON takes only equalities of stream columns with the key columns "
            + table.lookupKey() + " of '" + table.name() + "'; filter the joined rows in WHERE instead");
      }
    }
    for (int k = 0; k < keyColumns.length; k++) {
      if (keyColumns[k] < 0) {
        throw new SqlPlanningException("a lookup join with '" + table.name() + "' must give every key column " + table.lookupKey()
            + "; '" + table.lookupKey().get(k) + "' is missing from ON");
      }
    }
    return new dev.laminar.sql.plan.LookupJoinNode(input, table.name(), type == JoinRelType.LEFT, keyColumns, table.schema(),
        TypeMapping.toSchema(rowType));
  }

  private static int indexOfIgnoreCase(List<String> names, String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Left and right key columns of a conjunction of equalities between the two inputs. */
  private static List<int[]> equiKeys(RexNode condition, int leftWidth, PlanNode left, PlanNode right, String what) {
    List<Integer> lk = new ArrayList<>();
    List<Integer> rk = new ArrayList<>();
    for (RexNode c : RelOptUtil.conjunctions(condition)) {
      if (c.isAlwaysTrue()) {
        continue;
      }
      if (c.getKind() == SqlKind.EQUALS && c instanceof RexCall eq && eq.getOperands().get(0) instanceof RexInputRef a
          && eq.getOperands().get(1) instanceof RexInputRef b && (a.getIndex() < leftWidth) != (b.getIndex() < leftWidth)) {
        RexInputRef l = a.getIndex() < leftWidth ? a : b;
        RexInputRef r = a.getIndex() < leftWidth ? b : a;
        checkKeyTypes(l, r, leftWidth, left, right);
        lk.add(l.getIndex());
        rk.add(r.getIndex() - leftWidth);
      } else {
        throw new SqlPlanningException(what + " ON takes only equalities between columns of the two inputs, not " + c);
      }
    }
    return List.of(lk.stream().mapToInt(Integer::intValue).toArray(), rk.stream().mapToInt(Integer::intValue).toArray());
  }

  private static void checkKeyTypes(RexInputRef l, RexInputRef r, int leftWidth, PlanNode left, PlanNode right) {
    dev.laminar.sdk.type.DataType lt = TypeMapping.toDataType(l.getType(), "key");
    dev.laminar.sdk.type.DataType rt = TypeMapping.toDataType(r.getType(), "key");
    if (!lt.equals(rt) && !(lt.isLongBacked() && rt.isLongBacked())) {
      throw new SqlPlanningException("join keys " + left.schema().column(l.getIndex()).name() + " (" + lt + ") and "
          + right.schema().column(r.getIndex() - leftWidth).name() + " (" + rt + ") have different types: CAST one side in a projection first");
    }
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
        checkKeyTypes(l, r, leftWidth, left, right);
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
