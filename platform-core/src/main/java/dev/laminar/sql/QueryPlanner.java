package dev.laminar.sql;

import dev.laminar.api.SqlSyntaxException;
import dev.laminar.runtime.aggregate.AggregateKind;
import dev.laminar.runtime.aggregate.AggregateSpec;
import dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.KeySource;
import dev.laminar.runtime.expr.Expr;
import dev.laminar.runtime.expr.InputRefExpr;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sql.plan.CalcNode;
import dev.laminar.sql.plan.PaneWindowAggregateNode;
import dev.laminar.sql.plan.SessionWindowAggregateNode;
import dev.laminar.sql.plan.PlanNode;
import dev.laminar.sql.plan.PlanNode.WindowColumns;
import dev.laminar.sql.plan.ScanNode;
import dev.laminar.sql.plan.TumbleNode;
import dev.laminar.sql.plan.WindowAggregateNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableFunctionScan;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Validates a query with Calcite against the catalog's sources and streams, converts it to a
 * logical plan, and translates that into a {@link PlanNode} tree the runtime can deploy.
 * Constructs the runtime cannot run yet are rejected here with a message that says so — never run
 * as something else.
 */
public final class QueryPlanner {
  /** What the planner needs to know about a readable object. */
  public record Table(String name, Schema schema, int rowtimeColumn, boolean changelog, List<String> lookupKey) {
    public Table(String name, Schema schema, int rowtimeColumn) {
      this(name, schema, rowtimeColumn, false, null);
    }

    public Table(String name, Schema schema, int rowtimeColumn, boolean changelog) {
      this(name, schema, rowtimeColumn, changelog, null);
    }

    /** A lookup table: read only through lookup joins, by the key columns {@code lookupKey}. */
    public boolean isLookup() {
      return lookupKey != null;
    }
  }

  /**
   * A catalog object as Calcite sees it. Every object with an event-time column can be read as a
   * versioned table ({@code FOR SYSTEM_TIME AS OF}): a row is the version of its key from its event
   * time on, until the next version or a deletion.
   */
  private static final class VersionedTable extends AbstractTable implements org.apache.calcite.schema.TemporalTable {
    private final Table table;

    VersionedTable(Table table) {
      this.table = table;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
      return TypeMapping.toRowType(table.schema(), f);
    }

    @Override
    public String getSysStartFieldName() {
      return table.rowtimeColumn() >= 0 ? table.schema().column(table.rowtimeColumn()).name() : table.schema().column(0).name();
    }

    @Override
    public String getSysEndFieldName() {
      return getSysStartFieldName();
    }
  }

  /** A planned query: the physical plan and Calcite's logical plan (for EXPLAIN). */
  public record PlannedQuery(PlanNode plan, String logicalPlan, java.util.Set<String> functionOrigins) {
    /** Whether the query calls a function of {@code origin} ("plugin ID VERSION"). */
    public boolean usesFunctionsOf(String origin) {
      return functionOrigins.contains(origin);
    }
  }

  /** SESSION key columns (DESCRIPTOR) by the node below the SESSION call, for the aggregate's check. */
  private final java.util.Map<PlanNode, List<Integer>> sessionKeysOf = new java.util.IdentityHashMap<>();

  /** NEAREST / tolerance of the current query's ASOF joins, in the order the translation meets them. */
  private java.util.ArrayDeque<JoinPlanner.AsofExtra> asofExtras = new java.util.ArrayDeque<>();

  /** Origins of the plugin/application functions met while translating the current query. */
  private final java.util.Set<String> functionOrigins = new java.util.HashSet<>();

  /** CASE/COALESCE over string literals of different lengths yields VARCHAR, not blank-padded CHAR (as in Flink). */
  private static final org.apache.calcite.rel.type.RelDataTypeSystem TYPE_SYSTEM = new org.apache.calcite.rel.type.RelDataTypeSystemImpl() {
    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
      return true;
    }
  };

  private final RelDataTypeFactory typeFactory = new JavaTypeFactoryImpl(TYPE_SYSTEM);
  private final dev.laminar.sql.function.FunctionRegistry functions;

  /** A planner whose queries can call the scalar functions {@code functions} holds when they are planned. */
  public QueryPlanner(dev.laminar.sql.function.FunctionRegistry functions) {
    this.functions = java.util.Objects.requireNonNull(functions, "functions is null");
  }

  /**
   * The window table functions, each adding window_time (window_end − 1 ms, TIMESTAMP(3)) after
   * Calcite's window_start and window_end, as Flink does; CUMULATE(TABLE t, DESCRIPTOR(ts), step,
   * size) has HOP's operand shape (Calcite has no CUMULATE).
   */
  static final List<org.apache.calcite.sql.SqlWindowTableFunction> WINDOW_FUNCTIONS = List.of(
      windowFunction("TUMBLE", new org.apache.calcite.sql.SqlTumbleTableFunction().getOperandTypeChecker()),
      windowFunction("HOP", new org.apache.calcite.sql.SqlHopTableFunction().getOperandTypeChecker()),
      windowFunction("SESSION", new org.apache.calcite.sql.SqlSessionTableFunction().getOperandTypeChecker()),
      windowFunction("CUMULATE", new org.apache.calcite.sql.SqlHopTableFunction().getOperandTypeChecker()));

  private static org.apache.calcite.sql.SqlWindowTableFunction windowFunction(String name,
      org.apache.calcite.sql.type.SqlOperandMetadata operands) {
    return new org.apache.calcite.sql.SqlWindowTableFunction(name, operands) {
      @Override
      public org.apache.calcite.sql.type.SqlReturnTypeInference getRowTypeInference() {
        return binding -> {
          RelDataType base = ARG0_TABLE_FUNCTION_WINDOWING.inferReturnType(binding);
          RelDataTypeFactory f = binding.getTypeFactory();
          return f.builder().addAll(base.getFieldList())
              .add("window_time", f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP, 3)).build();
        };
      }
    };
  }

  private org.apache.calcite.sql.SqlOperatorTable operatorTable() {
    org.apache.calcite.sql.SqlOperatorTable chained = org.apache.calcite.sql.util.SqlOperatorTables.chain(
        org.apache.calcite.sql.util.SqlOperatorTables.of(WINDOW_FUNCTIONS), LaminarOperatorTable.create(functions));
    java.util.Set<org.apache.calcite.sql.SqlOperator> replaced = java.util.Set.of(org.apache.calcite.sql.fun.SqlStdOperatorTable.TUMBLE,
        org.apache.calcite.sql.fun.SqlStdOperatorTable.HOP, org.apache.calcite.sql.fun.SqlStdOperatorTable.SESSION);
    // Calcite's own TUMBLE/HOP/SESSION would be found next to ours: hide them so each name resolves once
    return new org.apache.calcite.sql.SqlOperatorTable() {
      @Override
      public void lookupOperatorOverloads(org.apache.calcite.sql.SqlIdentifier opName, org.apache.calcite.sql.SqlFunctionCategory category,
          org.apache.calcite.sql.SqlSyntax syntax, List<org.apache.calcite.sql.SqlOperator> operatorList,
          org.apache.calcite.sql.validate.SqlNameMatcher nameMatcher) {
        List<org.apache.calcite.sql.SqlOperator> found = new ArrayList<>();
        chained.lookupOperatorOverloads(opName, category, syntax, found, nameMatcher);
        for (org.apache.calcite.sql.SqlOperator op : found) {
          if (!replaced.contains(op)) {
            operatorList.add(op);
          }
        }
      }

      @Override
      public List<org.apache.calcite.sql.SqlOperator> getOperatorList() {
        return chained.getOperatorList().stream().filter(op -> !replaced.contains(op)).toList();
      }
    };
  }

  /** The type a column declaration names (e.g. {@code DECIMAL(10, 2)}, {@code STRING}). */
  public RelDataType deriveType(org.apache.calcite.sql.SqlDataTypeSpec spec) {
    CalciteCatalogReader reader = new CalciteCatalogReader(CalciteSchema.createRootSchema(false, false), List.of(), typeFactory,
        new CalciteConnectionConfigImpl(new Properties()));
    SqlValidator validator = SqlValidatorUtil.newValidator(LaminarOperatorTable.create(), reader, typeFactory, SqlValidator.Config.DEFAULT);
    try {
      return spec.deriveType(validator);
    } catch (CalciteContextException e) {
      throw new SqlSyntaxException(e.getPosLine(), e.getPosColumn(), e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
    }
  }

  /** Plans {@code query} over {@code tables}. */
  public synchronized PlannedQuery plan(SqlNode query, List<Table> tables) {
    CalciteSchema root = CalciteSchema.createRootSchema(false, false);
    for (Table t : tables) {
      root.add(t.name(), new VersionedTable(t));
    }
    Properties props = new Properties();
    props.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    CalciteCatalogReader reader = new CalciteCatalogReader(root, List.of(), typeFactory, new CalciteConnectionConfigImpl(props));
    SqlValidator validator = SqlValidatorUtil.newValidator(operatorTable(), reader, typeFactory,
        SqlValidator.Config.DEFAULT.withIdentifierExpansion(true));
    asofExtras = JoinPlanner.rewriteAsof(query);
    SqlNode validated;
    try {
      validated = validator.validate(query);
    } catch (CalciteContextException e) {
      throw new SqlSyntaxException(e.getPosLine(), e.getPosColumn(), e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
    }
    RexBuilder rexBuilder = new RexBuilder(typeFactory);
    RelOptCluster cluster = RelOptCluster.create(new HepPlanner(new HepProgramBuilder().build()), rexBuilder);
    SqlToRelConverter converter = new SqlToRelConverter((rowType, queryString, schemaPath, viewPath) -> null, validator, reader,
        cluster, StandardConvertletTable.INSTANCE, SqlToRelConverter.config().withTrimUnusedFields(false).withExpand(false));
    RelRoot relRoot = converter.convertQuery(validated, false, true);
    RelNode rel = relRoot.project();
    String logical = RelOptUtil.toString(rel);
    functionOrigins.clear();
    sessionKeysOf.clear();
    PlanNode plan = translate(rel, tables, rexBuilder);
    requireAggregateOverPanes(plan);
    return new PlannedQuery(plan, logical, java.util.Set.copyOf(functionOrigins));
  }

  private PlanNode translate(RelNode rel, List<Table> tables, RexBuilder rexBuilder) {
    if (rel instanceof LogicalTableScan scan) {
      String name = scan.getTable().getQualifiedName().getLast();
      Table t = tables.stream().filter(x -> x.name().equalsIgnoreCase(name)).findFirst()
          .orElseThrow(() -> new SqlPlanningException("no source or stream named '" + name + "'"));
      if (t.isLookup()) {
        throw new SqlPlanningException("'" + t.name() + "' is a lookup table: it can only be joined to a stream, e.g. JOIN " + t.name()
            + " FOR SYSTEM_TIME AS OF s.proc_time AS l ON s.key = l." + t.lookupKey().get(0) + " (or a plain JOIN " + t.name() + " ON ...)");
      }
      return new ScanNode(t.name(), t.schema(), t.rowtimeColumn(), t.changelog());
    }
    if (rel instanceof org.apache.calcite.rel.logical.LogicalAsofJoin asof) {
      JoinPlanner.AsofExtra extra = asofExtras.poll();
      return joins(tables, rexBuilder).asof(asof, extra != null ? extra : new JoinPlanner.AsofExtra(false, Long.MAX_VALUE));
    }
    if (rel instanceof org.apache.calcite.rel.logical.LogicalCorrelate correlate) {
      return joins(tables, rexBuilder).correlate(correlate, lookupTable(correlate.getRight(), tables));
    }
    if (rel instanceof org.apache.calcite.rel.logical.LogicalJoin join) {
      Table lookup = lookupTable(join.getRight(), tables);
      if (lookup != null) {
        return joins(tables, rexBuilder).lookup(join.getLeft(), lookup, join.getCondition(), join.getJoinType(), join.getRowType());
      }
      if (lookupTable(join.getLeft(), tables) != null) {
        throw new SqlPlanningException("a lookup table goes on the right of its join: FROM stream s JOIN lookup_table l ON ...");
      }
      return joins(tables, rexBuilder).join(join);
    }
    if (rel instanceof LogicalFilter filter && org.apache.calcite.rex.RexUtil.SubQueryFinder.find(filter.getCondition()) != null) {
      PlanNode semi = joins(tables, rexBuilder).existsFilter(filter, j -> {
        ExprTranslator tx = new ExprTranslator(j.schema(), rexBuilder, functionOrigins);
        Expr condition = tx.translate(JoinPlanner.withoutExists(filter, rexBuilder));
        return new CalcNode(j, condition, identity(j.schema()), j.schema(), j.rowtimeColumn(), null);
      });
      if (semi == null) {
        throw new SqlPlanningException("subqueries in WHERE are supported only as EXISTS / NOT EXISTS with a time bound (semi and anti joins)");
      }
      return semi;
    }
    if (rel instanceof LogicalFilter filter) {
      PlanNode input = translate(filter.getInput(), tables, rexBuilder);
      ExprTranslator tx = new ExprTranslator(input.schema(), rexBuilder, functionOrigins);
      Expr condition = tx.translate(filter.getCondition());
      WindowColumns fw = input.window();
      if (fw != null && fw.shape() != null) {
        org.apache.calcite.util.ImmutableBitSet used = org.apache.calcite.plan.RelOptUtil.InputFinder.bits(filter.getCondition());
        if ((fw.startColumn() >= 0 && used.get(fw.startColumn())) || (fw.endColumn() >= 0 && used.get(fw.endColumn()))) {
          throw new SqlPlanningException("a WHERE on window_start/window_end of " + fw.shape()
              + " before the GROUP BY is not supported yet; filter the aggregated rows instead (HAVING or an outer query)");
        }
      }
      return new CalcNode(input, condition, identity(input.schema()), input.schema(), input.rowtimeColumn(), input.window());
    }
    if (rel instanceof LogicalProject project) {
      PlanNode input = translate(project.getInput(), tables, rexBuilder);
      ExprTranslator tx = new ExprTranslator(input.schema(), rexBuilder, functionOrigins);
      List<RexNode> exprs = project.getProjects();
      Expr[] projections = new Expr[exprs.size()];
      int rowtime = -1;
      int windowStart = -1;
      int windowEnd = -1;
      int windowTime = -1;
      WindowColumns w = input.window();
      for (int i = 0; i < projections.length; i++) {
        if (exprs.get(i) instanceof RexCall legacy && legacy.getOperator().getName().startsWith("$")
            && legacy.getOperator() instanceof org.apache.calcite.sql.SqlGroupedWindowFunction) {
          long size = legacyTumbleSize(legacy, input);
          projections[i] = new dev.laminar.runtime.expr.TumbleStartExpr(size);
          w = new WindowColumns(-1, -1, size);
          windowStart = i;
          continue;
        }
        projections[i] = tx.translate(exprs.get(i));
        if (exprs.get(i) instanceof RexInputRef ref) {
          if (ref.getIndex() == input.rowtimeColumn() && rowtime < 0) {
            rowtime = i;
          }
          if (w != null && ref.getIndex() == w.startColumn() && windowStart < 0) {
            windowStart = i;
          }
          if (w != null && ref.getIndex() == w.endColumn() && windowEnd < 0) {
            windowEnd = i;
          }
          if (w != null && w.timeColumn() >= 0 && ref.getIndex() == w.timeColumn() && windowTime < 0) {
            windowTime = i;
          }
        }
      }
      Schema schema = TypeMapping.toSchema(project.getRowType());
      if (schema.size() == input.schema().size() && isIdentity(exprs) && names(schema).equals(names(input.schema()))) {
        return input;
      }
      WindowColumns window = w == null || (windowStart < 0 && windowEnd < 0) ? null : w.moved(windowStart, windowEnd, windowTime);
      return new CalcNode(input, null, projections, schema, rowtime, window);
    }
    if (rel instanceof LogicalTableFunctionScan tvf) {
      return tumble(tvf, tables, rexBuilder);
    }
    if (rel instanceof LogicalAggregate agg) {
      return aggregate(agg, tables, rexBuilder);
    }
    throw new SqlPlanningException(describeUnsupported(rel));
  }

  private static Expr[] identity(Schema schema) {
    Expr[] identity = new Expr[schema.size()];
    for (int i = 0; i < identity.length; i++) {
      Column c = schema.column(i);
      identity[i] = new InputRefExpr(i, c.name(), c.type());
    }
    return identity;
  }

  /** The lookup table {@code rel} scans (possibly under a FOR SYSTEM_TIME AS OF snapshot and the ON filter), or null. */
  private static Table lookupTable(RelNode rel, List<Table> tables) {
    while (rel instanceof LogicalFilter || rel instanceof org.apache.calcite.rel.logical.LogicalSnapshot) {
      rel = rel.getInput(0);
    }
    if (rel instanceof LogicalProject p && lookupTable(p.getInput(), tables) instanceof Table t) {
      // Calcite casts the lookup side when ON compares columns of different types
      throw new SqlPlanningException("the ON condition compares a key column of lookup table '" + t.name() + "' with a stream column "
          + "of another type: CAST the stream's column to the key's type in a projection first");
    }
    if (rel instanceof LogicalTableScan scan) {
      String name = scan.getTable().getQualifiedName().getLast();
      return tables.stream().filter(t -> t.isLookup() && t.name().equalsIgnoreCase(name)).findFirst().orElse(null);
    }
    return null;
  }

  private JoinPlanner joins(List<Table> tables, RexBuilder rexBuilder) {
    return new JoinPlanner(r -> translate(r, tables, rexBuilder), rexBuilder, functionOrigins);
  }

  /**
   * Sessions are per GROUP BY key: the SESSION DESCRIPTOR keys must be grouped by (traced through
   * plain column projections between the SESSION call and the aggregate).
   */
  private void checkSessionKeys(PlanNode aggInput, List<Integer> groupKeys, KeySource[] sources) {
    PlanNode n = aggInput;
    while (n instanceof CalcNode) {
      n = n.input();
    }
    if (!(n instanceof TumbleNode session)) {
      return;
    }
    List<String> grouped = new ArrayList<>();
    for (int i = 0; i < groupKeys.size(); i++) {
      if (sources[i] == KeySource.COLUMN) {
        grouped.add(aggInput.schema().column(groupKeys.get(i)).name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    Schema below = session.input().schema();
    for (int k : sessionKeysOf.getOrDefault(session.input(), List.of())) {
      if (!grouped.contains(below.column(k).name().toLowerCase(java.util.Locale.ROOT))) {
        throw new SqlPlanningException("SESSION key '" + below.column(k).name() + "' must be in the GROUP BY");
      }
    }
  }

  /**
   * The legacy {@code GROUP BY TUMBLE(ts, size)}: checks {@code ts} is the event-time column and
   * returns the size; the grouped value is the window start, and TUMBLE_START / TUMBLE_END come out
   * of Calcite as expressions over it. HOP and SESSION in this form are refused.
   */
  private static long legacyTumbleSize(RexCall call, PlanNode input) {
    String fn = call.getOperator().getName().substring(1).toUpperCase(java.util.Locale.ROOT);
    if (!fn.equals("TUMBLE")) {
      throw new SqlPlanningException("GROUP BY " + fn + "(...) is not supported; use the table function: FROM TABLE(" + fn
          + "(TABLE t, DESCRIPTOR(ts), ...)) GROUP BY ..., window_start, window_end");
    }
    if (call.getOperands().size() != 2 || !(call.getOperands().get(0) instanceof RexInputRef ref)
        || !(call.getOperands().get(1) instanceof RexLiteral size)) {
      throw new SqlPlanningException("GROUP BY TUMBLE(time_column, INTERVAL ...) takes exactly a column and an interval");
    }
    if (input.rowtimeColumn() < 0 || ref.getIndex() != input.rowtimeColumn()) {
      throw new SqlPlanningException("GROUP BY TUMBLE(" + input.schema().column(ref.getIndex()).name()
          + ", ...) must use the event-time column" + (input.rowtimeColumn() < 0 ? " (the input has none: declare a WATERMARK)"
          : " '" + input.schema().column(input.rowtimeColumn()).name() + "'"));
    }
    Long millis = size.getValueAs(Long.class);
    if (millis == null || millis <= 0) {
      throw new SqlPlanningException("GROUP BY TUMBLE needs a positive size");
    }
    return millis;
  }

  /** HOP and CUMULATE rows carry panes, not windows: they may only feed a windowed aggregate. */
  private static void requireAggregateOverPanes(PlanNode plan) {
    requireAggregateOverPanes(plan, false);
  }

  private static void requireAggregateOverPanes(PlanNode n, boolean aggregated) {
    if (n instanceof PaneWindowAggregateNode || n instanceof SessionWindowAggregateNode) {
      aggregated = true;
    } else if (n instanceof TumbleNode t && t.shape() != null && !aggregated) {
      throw new SqlPlanningException(t.shape() + " without GROUP BY ..., window_start, window_end is not supported yet; "
          + "aggregate over the windows, or use TUMBLE");
    } else if (!(n instanceof CalcNode)) {
      aggregated = false;
    }
    for (PlanNode in : n.inputs()) {
      requireAggregateOverPanes(in, aggregated);
    }
  }

  private static boolean isIdentity(List<RexNode> exprs) {
    for (int i = 0; i < exprs.size(); i++) {
      if (!(exprs.get(i) instanceof RexInputRef ref) || ref.getIndex() != i) {
        return false;
      }
    }
    return true;
  }

  private static List<String> names(Schema s) {
    return s.columns().stream().map(Column::name).toList();
  }

  private static String describeUnsupported(RelNode rel) {
    String kind = rel.getRelTypeName().replace("Logical", "");
    return switch (kind) {
      case "Sort" -> "ORDER BY / LIMIT / OFFSET are not supported on unbounded streams";
      case "Correlate" -> "correlated subqueries and lateral joins are not supported (EXISTS / NOT EXISTS with a time bound are)";
      case "Union", "Intersect", "Minus" -> kind.toUpperCase(java.util.Locale.ROOT) + " is not supported yet";
      case "Values" -> "queries without a FROM source (VALUES) are not supported in streaming queries";
      case "Window" -> "OVER windows are not supported yet";
      default -> kind + " is not supported in streaming queries yet";
    };
  }

  private PlanNode tumble(LogicalTableFunctionScan tvf, List<Table> tables, RexBuilder rexBuilder) {
    RexCall call = (RexCall) tvf.getCall();
    String fn = call.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
    if (!fn.equals("TUMBLE") && !fn.equals("HOP") && !fn.equals("CUMULATE") && !fn.equals("SESSION")) {
      throw new SqlPlanningException("window table function " + fn + " is not supported yet (TUMBLE, HOP, CUMULATE and SESSION are)");
    }
    if (tvf.getInputs().size() != 1) {
      throw new SqlPlanningException(fn + " needs exactly one input table");
    }
    PlanNode input = translate(tvf.getInputs().get(0), tables, rexBuilder);
    if (input.changelog()) {
      throw new SqlPlanningException(fn + " over the changelog stream '" + input.scan().streamName()
          + "' is not supported yet: window an append-only stream (one emitted ON WINDOW CLOSE)");
    }
    int timeColumn = -1;
    List<Integer> sessionKeys = new ArrayList<>();
    List<Long> intervals = new ArrayList<>();
    for (RexNode op : call.getOperands()) {
      if (op instanceof RexCall c && c.getKind() == SqlKind.DESCRIPTOR && timeColumn >= 0) {
        for (RexNode k : c.getOperands()) {
          if (k instanceof RexInputRef ref) {
            sessionKeys.add(ref.getIndex());
          }
        }
      } else if (op instanceof RexCall c && c.getKind() == SqlKind.DESCRIPTOR) {
        RexNode d = c.getOperands().get(0);
        if (d instanceof RexInputRef ref) {
          timeColumn = ref.getIndex();
        } else {
          String name = d.toString();
          timeColumn = input.schema().indexOf(name.replace("`", "").replace("\"", ""));
        }
      } else if (op instanceof RexLiteral lit && lit.getType().getSqlTypeName().getFamily() != null
          && org.apache.calcite.sql.type.SqlTypeName.INTERVAL_TYPES.contains(lit.getType().getSqlTypeName())) {
        intervals.add(lit.getValueAs(Long.class));
      }
    }
    if (timeColumn < 0) {
      throw new SqlPlanningException(fn + " needs DESCRIPTOR(time_column)");
    }
    if (input.rowtimeColumn() < 0) {
      throw new SqlPlanningException(fn + " needs an event-time column with a watermark, but '" + input.scan().streamName()
          + "' has none: declare one with WATERMARK FOR <column> AS <column> - INTERVAL '...' in CREATE SOURCE");
    }
    if (timeColumn != input.rowtimeColumn()) {
      throw new SqlPlanningException(fn + " DESCRIPTOR(" + input.schema().column(timeColumn).name() + ") must name the event-time column '"
          + input.schema().column(input.rowtimeColumn()).name() + "' (the one with the WATERMARK)");
    }
    Schema schema = TypeMapping.toSchema(tvf.getRowType());
    if (fn.equals("SESSION")) {
      if (intervals.isEmpty() || intervals.get(0) <= 0) {
        throw new SqlPlanningException("SESSION needs a positive gap, e.g. SESSION(TABLE t, DESCRIPTOR(ts), DESCRIPTOR(key), "
            + "INTERVAL '30' SECOND)");
      }
      sessionKeysOf.put(input, sessionKeys);
      return new TumbleNode(input, intervals.get(0), 0, schema, input.rowtimeColumn(),
          dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape.SESSION, intervals.get(0));
    }
    if (!fn.equals("TUMBLE")) {
      String paneName = fn.equals("HOP") ? "slide" : "step";
      if (intervals.size() < 2 || intervals.get(0) <= 0 || intervals.get(1) <= 0) {
        throw new SqlPlanningException(fn + " needs a positive " + paneName + " and size, e.g. " + fn
            + "(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '10' SECOND)");
      }
      if (intervals.size() > 2 && intervals.get(2) != 0) {
        throw new SqlPlanningException(fn + " with an offset is not supported yet");
      }
      long pane = intervals.get(0);
      long size = intervals.get(1);
      if (size % pane != 0) {
        throw new SqlPlanningException(fn + " size (" + size + " ms) must be a multiple of its " + paneName + " (" + pane + " ms)");
      }
      return new TumbleNode(input, pane, 0, schema, input.rowtimeColumn(),
          fn.equals("HOP") ? dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape.HOP
              : dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape.CUMULATE, size);
    }
    if (intervals.isEmpty() || intervals.get(0) <= 0) {
      throw new SqlPlanningException("TUMBLE needs a positive size, e.g. INTERVAL '1' SECOND");
    }
    long offset = intervals.size() > 1 ? intervals.get(1) : 0;
    return new TumbleNode(input, intervals.get(0), offset, schema, input.rowtimeColumn());
  }

  private PlanNode aggregate(LogicalAggregate agg, List<Table> tables, RexBuilder rexBuilder) {
    if (agg.getGroupType() != org.apache.calcite.rel.core.Aggregate.Group.SIMPLE) {
      throw new SqlPlanningException("GROUPING SETS, ROLLUP and CUBE are not supported yet");
    }
    PlanNode input = translate(agg.getInput(), tables, rexBuilder);
    WindowColumns w = input.window();
    ImmutableBitSet groups = agg.getGroupSet();
    boolean hasWindow = w != null && (groups.get(Math.max(w.startColumn(), 0)) && w.startColumn() >= 0
        || w.endColumn() >= 0 && groups.get(w.endColumn()));
    if (!hasWindow) {
      throw new SqlPlanningException("GROUP BY without window_start and window_end of a window table function is a "
          + "continuous aggregation, which needs EMIT ON UPDATE or EMIT CHANGES (not supported yet); group by a window: "
          + "FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY ..., window_start, window_end");
    }
    List<Integer> keys = groups.asList();
    KeySource[] sources = new KeySource[keys.size()];
    int[] keyColumns = new int[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      int k = keys.get(i);
      keyColumns[i] = k;
      sources[i] = k == w.startColumn() ? KeySource.WINDOW_START : k == w.endColumn() ? KeySource.WINDOW_END
          : w.timeColumn() >= 0 && k == w.timeColumn() ? KeySource.WINDOW_TIME : KeySource.COLUMN;
    }
    int startColumn = w.startColumn() >= 0 ? w.startColumn() : -1;
    if (startColumn < 0) {
      throw new SqlPlanningException("GROUP BY over a window must include window_start");
    }
    List<AggregateCall> calls = agg.getAggCallList();
    AggregateSpec[] specs = new AggregateSpec[calls.size()];
    for (int i = 0; i < specs.length; i++) {
      specs[i] = aggregateSpec(calls.get(i), input.schema());
    }
    Schema schema = TypeMapping.toSchema(agg.getRowType());
    if (w.shape() == dev.laminar.runtime.aggregate.PaneWindowAggregateOperator.Shape.SESSION) {
      checkSessionKeys(input, keys, sources);
      return new SessionWindowAggregateNode(input, w.sizeMillis(), sources, keyColumns, specs, schema);
    }
    if (w.shape() != null) {
      return new PaneWindowAggregateNode(input, w.shape(), w.paneMillis(), w.sizeMillis(), sources, keyColumns, specs, schema);
    }
    return new WindowAggregateNode(input, w.sizeMillis(), startColumn, sources, keyColumns, specs, schema);
  }

  private AggregateSpec aggregateSpec(AggregateCall call, Schema input) {
    String name = call.getAggregation().getName().toUpperCase(java.util.Locale.ROOT);
    if (call.getAggregation() instanceof LaminarOperatorTable.PluginAggregateOperator p) {
      if (call.isDistinct()) {
        throw new SqlPlanningException(name + "(DISTINCT ...) is not supported for plugin aggregates yet");
      }
      int[] columns = call.getArgList().stream().mapToInt(Integer::intValue).toArray();
      DataType[] types = new DataType[columns.length];
      for (int i = 0; i < columns.length; i++) {
        types[i] = input.column(columns[i]).type();
      }
      functionOrigins.add(p.origin());
      DataType result = TypeMapping.toDataType(call.getType(), name);
      String text = name + "(" + String.join(", ", java.util.Arrays.stream(columns).mapToObj(c -> input.column(c).name()).toList()) + ")";
      return new AggregateSpec(AggregateKind.PLUGIN, columns.length > 0 ? columns[0] : -1, columns.length > 0 ? types[0] : null, result,
          text, call.filterArg, new dev.laminar.runtime.aggregate.PluginAggregate(p.function(), p.origin(), columns, types));
    }
    boolean distinct = call.isDistinct();
    if (distinct && !name.equals("COUNT") && !name.equals("MIN") && !name.equals("MAX")) {
      throw new SqlPlanningException(name + "(DISTINCT ...) is not supported yet (COUNT(DISTINCT ...) is)");
    }
    if (call.getArgList().size() > 1) {
      throw new SqlPlanningException(name + " with several arguments is not supported");
    }
    int arg = call.getArgList().isEmpty() ? -1 : call.getArgList().get(0);
    DataType argType = arg < 0 ? null : input.column(arg).type();
    AggregateKind kind = switch (name) {
      case "COUNT" -> arg < 0 ? AggregateKind.COUNT_STAR : distinct ? AggregateKind.COUNT_DISTINCT : AggregateKind.COUNT;
      case "APPROX_COUNT_DISTINCT" -> AggregateKind.APPROX_COUNT_DISTINCT;
      case "SUM", "$SUM0" -> AggregateKind.SUM;
      case "MIN" -> AggregateKind.MIN;
      case "MAX" -> AggregateKind.MAX;
      case "AVG" -> AggregateKind.AVG;
      case "FIRST_VALUE" -> AggregateKind.FIRST_VALUE;
      case "STDDEV_POP" -> AggregateKind.STDDEV_POP;
      case "STDDEV", "STDDEV_SAMP" -> AggregateKind.STDDEV_SAMP;
      case "VAR_POP" -> AggregateKind.VAR_POP;
      case "VARIANCE", "VAR_SAMP" -> AggregateKind.VAR_SAMP;
      case "LAST_VALUE" -> AggregateKind.LAST_VALUE;
      default -> throw new SqlPlanningException("aggregate function " + name + " is not supported yet "
          + "(supported: COUNT, COUNT(DISTINCT), APPROX_COUNT_DISTINCT, SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE, "
          + "STDDEV, STDDEV_POP, STDDEV_SAMP, VARIANCE, VAR_POP, VAR_SAMP)");
    };
    boolean numericOnly = kind == AggregateKind.SUM || kind == AggregateKind.AVG || kind == AggregateKind.STDDEV_POP
        || kind == AggregateKind.STDDEV_SAMP || kind == AggregateKind.VAR_POP || kind == AggregateKind.VAR_SAMP;
    if (numericOnly && argType != null && !argType.isNumeric()) {
      throw new SqlPlanningException(name + " needs a numeric argument, not " + argType);
    }
    DataType result = TypeMapping.toDataType(call.getType(), name);
    String text = name + "(" + (distinct ? "DISTINCT " : "") + (arg < 0 ? "*" : input.column(arg).name()) + ")"
        + (call.filterArg >= 0 ? " FILTER (WHERE " + input.column(call.filterArg).name() + ")" : "");
    return new AggregateSpec(kind, arg, argType, result, text, call.filterArg);
  }
}
