package dev.laminar.engine;

import dev.laminar.api.LaminarException;
import dev.laminar.api.StatementResult;
import dev.laminar.api.SqlSyntaxException;
import dev.laminar.plugin.ConnectorRegistry;
import dev.laminar.sdk.connector.ConnectorKind;
import dev.laminar.sdk.connector.InvalidOptionException;
import dev.laminar.sdk.connector.OptionSpec;
import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import dev.laminar.sdk.type.TypeKind;
import dev.laminar.sql.QueryPlanner.PlannedQuery;
import dev.laminar.sql.SqlPlanningException;
import dev.laminar.sql.TypeMapping;
import dev.laminar.sql.parser.LaminarSqlParser;
import dev.laminar.sql.parser.ddl.EmitMode;
import dev.laminar.sql.parser.ddl.ObjectKind;
import dev.laminar.sql.parser.ddl.SqlColumnDeclaration;
import dev.laminar.sql.parser.ddl.SqlCreateSink;
import dev.laminar.sql.parser.ddl.SqlCreateSource;
import dev.laminar.sql.parser.ddl.SqlCreateStream;
import dev.laminar.sql.parser.ddl.SqlDescribeObject;
import dev.laminar.sql.parser.ddl.SqlDropObject;
import dev.laminar.sql.parser.ddl.SqlEmit;
import dev.laminar.sql.parser.ddl.SqlExplainStatement;
import dev.laminar.sql.parser.ddl.SqlOption;
import dev.laminar.sql.parser.ddl.SqlPluginCommand;
import dev.laminar.sql.parser.ddl.SqlShowObjects;
import dev.laminar.sql.parser.ddl.SqlWatermark;
import dev.laminar.sql.plan.WindowAggregateNode;
import dev.laminar.sql.plan.PlanNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;

/** Parses statements and carries them out against an {@link Engine}. */
public final class StatementExecutor {
  private final Engine engine;

  public StatementExecutor(Engine engine) {
    this.engine = engine;
  }

  /** Parses a script into statements with their SQL text. */
  public static List<SqlNode> parse(String sql) {
    try {
      return LaminarSqlParser.parseStatements(sql);
    } catch (SqlParseException e) {
      SqlParserPos pos = e.getPos();
      String message = e.getMessage();
      // Calcite's message already says "at line L, column C"; keep what was found and expected
      throw new SqlSyntaxException(pos == null ? 1 : pos.getLineNum(), pos == null ? 1 : pos.getColumnNum(),
          message == null ? "syntax error" : message.replaceFirst(" at line \\d+, column \\d+", "").replaceAll("\\s+", " ").trim(), e);
    } catch (CalciteContextException e) {
      throw new SqlSyntaxException(e.getPosLine(), e.getPosColumn(), e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
    }
  }

  /** Executes one parsed statement. */
  public StatementResult execute(SqlNode node) {
    try {
      return switch (node) {
        case SqlCreateSource s -> createSource(s);
        case SqlCreateStream s -> createStream(s);
        case SqlCreateSink s -> createSink(s);
        case dev.laminar.sql.parser.ddl.SqlCreateLookupTable s -> createLookupTable(s);
        case org.apache.calcite.sql.SqlInsert i -> insert(i);
        case SqlDropObject d -> drop(d);
        case SqlShowObjects s -> show(s);
        case SqlDescribeObject d -> describe(d);
        case SqlExplainStatement e -> explain(e.explained());
        case SqlExplain e -> explain(e.getExplicandum());
        case SqlPluginCommand p -> plugin(p);
        case dev.laminar.sql.parser.ddl.SqlCheckpoint c -> // a failure is the checkpoint's, not the statement's text: not a syntax error
            StatementResult.ok("Checkpoint " + engine.checkpoint() + " complete");
        default -> {
          if (node.getKind().belongsTo(SqlKind.QUERY)) {
            PlannedQuery q = engine.planner().plan(node, engine.readableTables());
            if (q.plan().scans().size() == 1 && engine.isView(q.plan().scan().streamName())) {
              yield StatementResult.rows(q.plan().schema(), engine.queryView(q)); // point query: current contents, once
            }
            yield StatementResult.stream(engine.query(q, null));
          }
          throw new SqlPlanningException("statement " + node.getKind() + " is not supported");
        }
      };
    } catch (CalciteContextException e) {
      throw new SqlSyntaxException(e.getPosLine(), e.getPosColumn(), e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ CREATE

  private static void rejectReplace(org.apache.calcite.sql.SqlCreate s) {
    if (s.getReplace()) {
      throw at(s.getParserPosition(), "CREATE OR REPLACE is not supported yet: DROP the object, then CREATE it", null);
    }
  }

  private StatementResult createSource(SqlCreateSource s) {
    rejectReplace(s);
    String name = s.name().getSimple();
    if (s.ifNotExists() && engine.exists(name)) {
      return StatementResult.ok("Source " + name + " already exists");
    }
    List<Column> columns = new ArrayList<>();
    String proctime = null;
    for (SqlColumnDeclaration c : s.columnList()) {
      if (c.proctime()) {
        if (proctime != null) {
          throw at(c.getParserPosition(), "a source has at most one AS PROCTIME() column ('" + proctime + "' is one)", null);
        }
        proctime = c.name().getSimple();
      }
      RelDataType t = engine.planner().deriveType(c.type());
      DataType type;
      try {
        type = TypeMapping.toDataType(t, "column '" + c.name().getSimple() + "'");
      } catch (SqlPlanningException e) {
        throw at(c.getParserPosition(), e.getMessage(), e);
      }
      columns.add(new Column(c.name().getSimple(), type, c.nullable()));
    }
    Schema schema;
    try {
      schema = Schema.of(columns);
    } catch (IllegalArgumentException e) {
      throw at(s.columns().getParserPosition(), e.getMessage(), e);
    }
    String rowtime = proctime;
    long bound = 0;
    SqlWatermark wm = s.watermark();
    if (wm != null && proctime != null) {
      throw at(wm.getParserPosition(), "a source has either event time (WATERMARK FOR) or processing time (AS PROCTIME()), not both",
          null);
    }
    if (wm != null) {
      rowtime = wm.column().getSimple();
      int idx = schema.indexOf(rowtime);
      if (idx < 0) {
        throw at(wm.column().getParserPosition(), "WATERMARK FOR names column '" + rowtime + "', which is not declared", null);
      }
      if (schema.column(idx).type().kind() != TypeKind.TIMESTAMP) {
        throw at(wm.column().getParserPosition(), "WATERMARK column '" + rowtime + "' must be TIMESTAMP(3), not " + schema.column(idx).type(), null);
      }
      rowtime = schema.column(idx).name();
      bound = watermarkBound(wm, rowtime);
    }
    Map<String, String> options = new LinkedHashMap<>(s.optionMap());
    String connector = connectorOption(options, s.options(), "source", name, ConnectorKind.SOURCE);
    java.time.Duration idleTimeout = engineSourceOptions(options, s.options(), connector);
    try {
      engine.createSource(name, schema, rowtime, bound, idleTimeout, connector, options, LaminarSqlParser.unparse(s));
      if (proctime != null) {
        engine.markProcessingTime(name);
      }
    } catch (InvalidOptionException e) {
      throw at(positionOf(s.options(), e.option(), s.getParserPosition()), e.getMessage(), e);
    }
    return StatementResult.ok("Created source " + name);
  }

  private StatementResult createLookupTable(dev.laminar.sql.parser.ddl.SqlCreateLookupTable s) {
    rejectReplace(s);
    String name = s.name().getSimple();
    if (s.ifNotExists() && engine.exists(name)) {
      return StatementResult.ok("Lookup table " + name + " already exists");
    }
    List<Column> columns = new ArrayList<>();
    for (SqlColumnDeclaration c : s.columnList()) {
      if (c.proctime()) {
        throw at(c.getParserPosition(), "a lookup table has no time column (AS PROCTIME() belongs to sources)", null);
      }
      DataType type;
      try {
        type = TypeMapping.toDataType(engine.planner().deriveType(c.type()), "column '" + c.name().getSimple() + "'");
      } catch (SqlPlanningException e) {
        throw at(c.getParserPosition(), e.getMessage(), e);
      }
      columns.add(new Column(c.name().getSimple(), type, c.nullable()));
    }
    Schema schema;
    try {
      schema = Schema.of(columns);
    } catch (IllegalArgumentException e) {
      throw at(s.getParserPosition(), e.getMessage(), e);
    }
    Map<String, String> options = new LinkedHashMap<>(s.optionMap());
    String connector = connectorOption(options, s.options(), "lookup table", name, ConnectorKind.LOOKUP);
    try {
      engine.createLookupTable(name, schema, connector, options, LaminarSqlParser.unparse(s));
    } catch (InvalidOptionException e) {
      throw at(positionOf(s.options(), e.option(), s.getParserPosition()), e.getMessage(), e);
    }
    return StatementResult.ok("Created lookup table " + name);
  }

  /** {@code INSERT INTO lookup_table VALUES (...), ...}: literal rows into a memory lookup table. */
  private StatementResult insert(org.apache.calcite.sql.SqlInsert insert) {
    if (!(insert.getTargetTable() instanceof org.apache.calcite.sql.SqlIdentifier target)) {
      throw at(insert.getParserPosition(), "INSERT INTO takes a lookup table name", null);
    }
    if (insert.getTargetColumnList() != null && insert.getTargetColumnList().size() > 0) {
      throw at(insert.getTargetColumnList().getParserPosition(), "INSERT INTO a lookup table takes every column in order, without a column list",
          null);
    }
    if (!(insert.getSource() instanceof org.apache.calcite.sql.SqlCall values) || values.getKind() != SqlKind.VALUES) {
      throw at(insert.getSource().getParserPosition(), "INSERT INTO a lookup table takes VALUES (...), ... (literals)", null);
    }
    List<Row> rows = new ArrayList<>();
    for (SqlNode rowNode : values.getOperandList()) {
      List<SqlNode> cells = rowNode instanceof org.apache.calcite.sql.SqlCall row && row.getKind() == SqlKind.ROW ? row.getOperandList()
          : List.of(rowNode);
      Object[] v = new Object[cells.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = literal(cells.get(i));
      }
      rows.add(Row.of(v));
    }
    try {
      int n = engine.insertInto(target.getSimple(), rows);
      return StatementResult.ok("Inserted " + n + " row" + (n == 1 ? "" : "s") + " into " + target.getSimple());
    } catch (IllegalArgumentException | SqlPlanningException e) {
      throw at(insert.getParserPosition(), e.getMessage(), e);
    }
  }

  /** The Java value of a literal cell of VALUES (numbers, strings, booleans, NULL, TIMESTAMP '...', and negated numbers). */
  private static Object literal(SqlNode n) {
    if (n instanceof org.apache.calcite.sql.SqlUnknownLiteral unknown) {
      n = unknown.resolve(org.apache.calcite.sql.type.SqlTypeName.lookup(unknown.tag)); // TIMESTAMP '...' and friends
    }
    if (n instanceof org.apache.calcite.sql.SqlLiteral lit) {
      return switch (lit.getTypeName()) {
        case NULL -> null;
        case BOOLEAN -> lit.booleanValue();
        case DECIMAL, DOUBLE, INTEGER, BIGINT -> lit.getValueAs(java.math.BigDecimal.class);
        case CHAR, VARCHAR -> lit.getValueAs(String.class);
        case TIMESTAMP -> java.time.LocalDateTime.parse(lit.toValue().replace(' ', 'T'));
        default -> throw at(n.getParserPosition(), "unsupported literal in VALUES: " + n, null);
      };
    }
    if (n instanceof org.apache.calcite.sql.SqlCall c && c.getKind() == SqlKind.MINUS_PREFIX && literal(c.operand(0)) instanceof java.math.BigDecimal d) {
      return d.negate();
    }
    throw at(n.getParserPosition(), "VALUES of a lookup table takes literals, not " + n, null);
  }

  /** Options the engine itself takes in a source's WITH clause (removed before the connector validates the rest). */
  static final dev.laminar.sdk.connector.OptionSpec IDLE_TIMEOUT = dev.laminar.sdk.connector.OptionSpec
      .builder("watermark.idle-timeout", dev.laminar.sdk.connector.OptionType.DURATION)
      .description("a split that produces no rows for this long stops holding back the watermark; unset = never").build();

  private static java.time.Duration engineSourceOptions(Map<String, String> options, SqlNodeList nodes, String connector) {
    java.time.Duration idle = java.time.Duration.ZERO;
    for (String key : List.copyOf(options.keySet())) {
      if (!key.startsWith("watermark.")) {
        continue;
      }
      if (!IDLE_TIMEOUT.matches(key)) {
        throw at(positionOf(nodes, key, SqlParserPos.ZERO), "unknown engine option '" + key + "'; the engine's source options are: "
            + IDLE_TIMEOUT.name(), null);
      }
      try {
        idle = (java.time.Duration) IDLE_TIMEOUT.parse("engine", options.remove(key));
      } catch (InvalidOptionException e) {
        throw at(positionOf(nodes, key, SqlParserPos.ZERO), e.getMessage().replace("connector 'engine': ", ""), e);
      }
    }
    return idle;
  }

  private static long watermarkBound(SqlWatermark wm, String rowtime) {
    SqlNode e = wm.expression();
    if (e instanceof SqlIdentifier id && id.getSimple().equalsIgnoreCase(rowtime)) {
      return 0; // strictly ascending
    }
    if (e instanceof SqlBasicCall call && call.getKind() == SqlKind.MINUS && call.operand(0) instanceof SqlIdentifier id
        && id.getSimple().equalsIgnoreCase(rowtime) && call.operand(1) instanceof SqlIntervalLiteral interval) {
      SqlIntervalLiteral.IntervalValue v = interval.getValueAs(SqlIntervalLiteral.IntervalValue.class);
      if (v.getIntervalQualifier().isYearMonth()) {
        throw at(interval.getParserPosition(), "a watermark delay must be a day-time interval such as INTERVAL '5' SECOND", null);
      }
      long millis = SqlParserUtil.intervalToMillis(v);
      if (millis < 0) {
        throw at(interval.getParserPosition(), "a watermark delay cannot be negative", null);
      }
      return millis;
    }
    throw at(e.getParserPosition(), "WATERMARK FOR " + rowtime + " AS ... must be '" + rowtime + "' (ascending) or '" + rowtime
        + " - INTERVAL ...' (bounded out-of-orderness)", null);
  }

  private String connectorOption(Map<String, String> options, SqlNodeList optionNodes, String what, String name, ConnectorKind kind) {
    String connector = options.remove("connector");
    if (connector == null) {
      SqlParserPos pos = optionNodes == null ? SqlParserPos.ZERO : optionNodes.getParserPosition();
      throw at(pos, what + " '" + name + "' needs WITH ('connector' = '...'); " + what + " connectors: "
          + String.join(", ", engine.connectors().ids(kind)), null);
    }
    try {
      engine.connectors().resolve(connector, kind);
    } catch (IllegalArgumentException e) {
      throw at(positionOf(optionNodes, "connector", SqlParserPos.ZERO), e.getMessage(), e);
    }
    return connector;
  }

  private StatementResult createStream(SqlCreateStream s) {
    rejectReplace(s);
    String name = s.name().getSimple();
    if (s.ifNotExists() && engine.exists(name)) {
      return StatementResult.ok((s.materialized() ? "Materialized view " : "Stream ") + name + " already exists");
    }
    PlannedQuery q = withEmit(s.emit(), engine.planner().plan(s.query(), engine.readableTables()));
    engine.createStream(name, q, LaminarSqlParser.unparse(s), s.materialized());
    return StatementResult.ok((s.materialized() ? "Created materialized view " : "Created stream ") + name);
  }

  /**
   * Applies the EMIT clause to the windowed aggregate of the plan: ON WINDOW CLOSE and FINAL (the
   * same while there is no allowed lateness) emit once per window; ON UPDATE and CHANGES emit every
   * change. EVERY is refused until processing-time timers exist.
   */
  private static PlannedQuery withEmit(SqlEmit emit, PlannedQuery q) {
    if (emit == null) {
      return q;
    }
    String clause = emit.mode() != null ? "EMIT " + emit.mode().sql() : emit.allowedLateness() != null ? "ALLOW LATENESS" : "LATE DATA TO";
    if (!containsWindowAggregate(q.plan())) {
      throw at(emit.getParserPosition(), clause + " needs a windowed aggregation (GROUP BY window_start, window_end)", null);
    }
    dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit mode = emit.mode() == null
        ? dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE : switch (emit.mode()) {
          case ON_WINDOW_CLOSE, FINAL -> dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE;
          case ON_UPDATE -> dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_UPDATE;
          case CHANGES -> dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.CHANGES;
          case EVERY -> dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.EVERY;
        };
    long every = 0;
    if (emit.interval() != null) {
      SqlIntervalLiteral.IntervalValue v = emit.interval().getValueAs(SqlIntervalLiteral.IntervalValue.class);
      every = v.getIntervalQualifier().isYearMonth() ? -1 : SqlParserUtil.intervalToMillis(v);
      if (every <= 0) {
        throw at(emit.interval().getParserPosition(), "EMIT EVERY needs a positive day-time interval", null);
      }
    }
    long lateness = 0;
    if (emit.allowedLateness() != null) {
      SqlIntervalLiteral.IntervalValue v = emit.allowedLateness().getValueAs(SqlIntervalLiteral.IntervalValue.class);
      if (v.getIntervalQualifier().isYearMonth() || SqlParserUtil.intervalToMillis(v) < 0) {
        throw at(emit.allowedLateness().getParserPosition(), "ALLOW LATENESS needs a non-negative day-time interval", null);
      }
      lateness = SqlParserUtil.intervalToMillis(v);
    }
    if (emit.mode() == dev.laminar.sql.parser.ddl.EmitMode.FINAL && lateness > 0) {
      throw at(emit.getParserPosition(), "EMIT FINAL with ALLOW LATENESS (one result after the lateness) is not supported yet", null);
    }
    String lateTarget = emit.lateDataTarget() == null ? null : emit.lateDataTarget().getSimple();
    if (mode == dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit.ON_WINDOW_CLOSE && lateness == 0 && lateTarget == null) {
      return q;
    }
    PlanNode rewritten = applyEmit(q.plan(), mode, lateness, lateTarget, every, emit);
    return new PlannedQuery(rewritten, q.logicalPlan(), q.functionOrigins());
  }

  private static PlanNode applyEmit(PlanNode n, dev.laminar.runtime.aggregate.TumblingWindowAggregateOperator.Emit mode, long lateness,
      String lateTarget, long every, SqlEmit emit) {
    return switch (n) {
      case WindowAggregateNode w -> w.withEmit(mode, lateness, lateTarget, every);
      case dev.laminar.sql.plan.PaneWindowAggregateNode pw -> pw.withEmit(mode, lateness, lateTarget, every);
      case dev.laminar.sql.plan.SessionWindowAggregateNode sw -> sw.withEmit(mode, lateness, lateTarget, every);
      case dev.laminar.sql.plan.CalcNode c -> new dev.laminar.sql.plan.CalcNode(applyEmit(c.input(), mode, lateness, lateTarget, every, emit),
          c.condition(), c.projections(), c.schema(), c.rowtimeColumn(), c.window());
      default -> throw at(emit.getParserPosition(), "EMIT modes, ALLOW LATENESS and LATE DATA TO are supported on windowed aggregates "
          + "so far", null);
    };
  }

  private static boolean containsWindowAggregate(PlanNode plan) {
    for (PlanNode n : plan.nodes()) {
      if (n instanceof WindowAggregateNode || n instanceof dev.laminar.sql.plan.PaneWindowAggregateNode
          || n instanceof dev.laminar.sql.plan.SessionWindowAggregateNode) {
        return true;
      }
    }
    return false;
  }

  private StatementResult createSink(SqlCreateSink s) {
    rejectReplace(s);
    String name = s.name().getSimple();
    if (s.ifNotExists() && engine.exists(name)) {
      return StatementResult.ok("Sink " + name + " already exists");
    }
    Map<String, String> options = new LinkedHashMap<>(s.optionMap());
    String connector = connectorOption(options, s.options(), "sink", name, ConnectorKind.SINK);
    PlannedQuery q = null;
    String from = null;
    if (s.emit() != null && s.emit().lateDataTarget() != null) {
      // the side stream is a catalogue object of the statement that declares it; a sink has no stream to hang it on
      throw at(s.emit().lateDataTarget().getParserPosition(), "LATE DATA TO creates a side stream, which only CREATE STREAM ... AS "
          + "declares: create the aggregate as a stream with LATE DATA TO '" + s.emit().lateDataTarget().getSimple()
          + "', then CREATE SINK " + name + " FROM that stream", null);
    }
    if (s.query() != null) {
      q = withEmit(s.emit(), engine.planner().plan(s.query(), engine.readableTables()));
    } else {
      from = s.from().getSimple();
      if (engine.find(from) == null) {
        throw at(s.from().getParserPosition(), "no source or stream named '" + from + "'", null);
      }
    }
    try {
      engine.createSink(name, from, q, connector, options, LaminarSqlParser.unparse(s));
    } catch (InvalidOptionException e) {
      throw at(positionOf(s.options(), e.option(), s.getParserPosition()), e.getMessage(), e);
    }
    return StatementResult.ok("Created sink " + name);
  }

  // ------------------------------------------------------------------ DROP, SHOW, DESCRIBE, EXPLAIN

  private StatementResult drop(SqlDropObject d) {
    CatalogObject.Kind kind = CatalogObject.Kind.valueOf(d.kind().name());
    List<String> dropped = engine.drop(kind, d.name().getSimple(), d.ifExists(), d.cascade());
    if (dropped.isEmpty()) {
      return StatementResult.ok("No " + kind.displayName() + " named " + d.name().getSimple());
    }
    return StatementResult.ok("Dropped " + String.join(", ", dropped));
  }

  private StatementResult plugin(SqlPluginCommand p) {
    String target = p.targetText();
    try {
      return switch (p.action()) {
        case INSTALL -> StatementResult.ok("Installed plugin " + engine.installPlugin(target));
        case UPDATE -> StatementResult.ok("Updated plugin " + engine.updatePlugin(target));
        case REMOVE -> {
          engine.removePlugin(target);
          yield StatementResult.ok("Removed plugin " + target);
        }
      };
    } catch (LaminarException e) {
      throw at(p.getParserPosition(), e.getMessage(), e);
    }
  }

  private StatementResult show(SqlShowObjects s) {
    List<Row> rows = new ArrayList<>();
    if (s.kind() == ObjectKind.PLUGIN) {
      for (ConnectorRegistry.PluginInfo p : engine.plugins()) {
        rows.add(Row.of(p.id(), p.version(), p.state(), p.requires(), String.join(", ", p.connectors())));
      }
      return StatementResult.rows(Schema.builder().column("plugin", DataType.VARCHAR).column("version", DataType.VARCHAR)
          .column("state", DataType.VARCHAR).column("requires", DataType.VARCHAR).column("connectors", DataType.VARCHAR).build(), rows);
    }
    if (s.kind() == ObjectKind.CONNECTOR) {
      for (ConnectorRegistry.Entry e : engine.connectors().all()) {
        rows.add(Row.of(e.factory().id(), e.factory().provides().stream().map(Enum::name).sorted().toList().toString(),
            e.origin(), e.factory().description()));
      }
      return StatementResult.rows(Schema.builder().column("connector", DataType.VARCHAR).column("provides", DataType.VARCHAR)
          .column("origin", DataType.VARCHAR).column("description", DataType.VARCHAR).build(), rows);
    }
    CatalogObject.Kind kind = CatalogObject.Kind.valueOf(s.kind().name());
    for (CatalogObject o : engine.all()) {
      if (o.kind() != kind) {
        continue;
      }
      switch (o) {
        case SourceObject src -> rows.add(Row.of(src.name, src.connectorId, src.status(), src.rowsRead()));
        case StreamObject st -> rows.add(Row.of(st.name, st.status(), overShards(st.metrics, m -> m.lateRowsDropped().get()),
            String.join(", ", st.inputs()), overShards(st.metrics, m -> m.lateRowsAccepted().get()),
            overShards(st.metrics, m -> m.lateRowsRedirected().get())));
        case SinkObject sk -> rows.add(Row.of(sk.name, sk.connectorId, String.join(", ", sk.inputs), sk.status(), sk.runner.rowsHandled()));
        case LookupTableObject lt -> rows.add(Row.of(lt.name, lt.connectorId, String.join(", ", lt.keyColumns()), lt.status(),
            (long) lt.cacheRows, lt.onFailure.name().toLowerCase(Locale.ROOT)));
      }
    }
    if (kind == CatalogObject.Kind.VIEW) {
      rows.clear();
      for (CatalogObject o : engine.all()) {
        if (o instanceof StreamObject st && st.table != null) {
          rows.add(Row.of(st.name, st.status(), engine.viewSize(st.name), String.join(", ", st.inputs())));
        }
      }
    }
    Schema schema = switch (kind) {
      case VIEW -> Schema.builder().column("name", DataType.VARCHAR).column("status", DataType.VARCHAR)
          .column("rows", DataType.BIGINT).column("reads", DataType.VARCHAR).build();
      case SOURCE -> Schema.builder().column("name", DataType.VARCHAR).column("connector", DataType.VARCHAR)
          .column("status", DataType.VARCHAR).column("rows_read", DataType.BIGINT).build();
      case STREAM -> Schema.builder().column("name", DataType.VARCHAR).column("status", DataType.VARCHAR)
          .column("late_rows_dropped", DataType.BIGINT).column("reads", DataType.VARCHAR)
          .column("late_rows_accepted", DataType.BIGINT).column("late_rows_redirected", DataType.BIGINT).build();
      case SINK -> Schema.builder().column("name", DataType.VARCHAR).column("connector", DataType.VARCHAR)
          .column("reads", DataType.VARCHAR).column("status", DataType.VARCHAR).column("rows_written", DataType.BIGINT).build();
      case LOOKUP_TABLE -> Schema.builder().column("name", DataType.VARCHAR).column("connector", DataType.VARCHAR)
          .column("key", DataType.VARCHAR).column("status", DataType.VARCHAR).column("cache_rows", DataType.BIGINT)
          .column("on_failure", DataType.VARCHAR).build();
    };
    return StatementResult.rows(schema, rows);
  }

  private StatementResult describe(SqlDescribeObject d) {
    String name = d.name().getSimple();
    if (d.kind() == ObjectKind.CONNECTOR) {
      ConnectorRegistry.Entry e;
      try {
        e = engine.connectors().all().stream().filter(x -> x.factory().id().equalsIgnoreCase(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown connector '" + name + "'; known connectors: "
                + String.join(", ", engine.connectors().ids(null))));
      } catch (IllegalArgumentException ex) {
        throw at(d.name().getParserPosition(), ex.getMessage(), ex);
      }
      List<Row> rows = new ArrayList<>();
      for (OptionSpec o : e.factory().options()) {
        rows.add(Row.of(o.name() + (o.isPrefix() ? "*" : ""), o.type().name(), o.required(), o.defaultValue(), o.secret(),
            o.description() + (o.allowedValues().isEmpty() ? "" : " " + o.allowedValues())));
      }
      return StatementResult.rows(Schema.builder().column("option", DataType.VARCHAR).column("type", DataType.VARCHAR)
          .column("required", DataType.BOOLEAN).column("default", DataType.VARCHAR).column("secret", DataType.BOOLEAN)
          .column("description", DataType.VARCHAR).build(), rows);
    }
    CatalogObject o = engine.find(name);
    if (o == null || (d.kind() != null && !o.kind().name().equals(d.kind().name()))) {
      throw at(d.name().getParserPosition(), "no " + (d.kind() == null ? "source, stream, sink or lookup table" : d.kind().displayName())
          + " named '" + name + "'", null);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < o.schema.size(); i++) {
      Column c = o.schema.column(i);
      String extra = "";
      if (o instanceof SourceObject s && i == s.rowtimeColumn) {
        extra = "WATERMARK " + c.name() + (s.outOfOrdernessMillis > 0 ? " - " + s.outOfOrdernessMillis + " ms" : " (ascending)");
      }
      rows.add(Row.of(c.name(), c.type().toString(), c.nullable(), extra));
    }
    switch (o) {
      case SourceObject s -> rows.add(Row.of("(source)", "connector " + s.connectorId, null, s.status() + ", rows read " + s.rowsRead()
          + queueFigures(s)));
      case StreamObject s -> rows.add(Row.of("(stream)", "reads " + String.join(", ", s.inputs()), null, s.status() + ", late rows dropped "
          + overShards(s.metrics, m -> m.lateRowsDropped().get()) + ", accepted " + overShards(s.metrics, m -> m.lateRowsAccepted().get())
          + ", redirected " + overShards(s.metrics, m -> m.lateRowsRedirected().get()) + ", join state rows "
          + overShards(s.metrics, dev.laminar.sql.plan.PlanMetrics::stateRows) + ", lookup rows failed "
          + overShards(s.metrics, m -> m.lookupFailedRows().get())
          + (engine.shardMetrics(s) == null ? "" : "; " + engine.shardMetrics(s))));
      case SinkObject s -> rows.add(Row.of("(sink)", "connector " + s.connectorId + ", reads " + String.join(", ", s.inputs), null, s.status()
          + ", rows written " + s.runner.rowsHandled() + (s.failure() != null ? ", error: " + s.failure().getMessage() : "")
          + "; queue: " + s.edge.lanes().length + " lane(s), batches queued " + s.edge.depth() + ", reactors blocked "
          + s.edge.blockedNanos() / 1_000_000 + " ms" + (engine.shardMetrics(s) == null ? "" : "; " + engine.shardMetrics(s))));
      case LookupTableObject l -> rows.add(Row.of("(lookup table)", "connector " + l.connectorId + ", key " + l.keyColumns(), null,
          l.status() + ", cache " + l.cacheRows + " rows for " + l.cacheTtlMillis + " ms, " + l.maxRetries + " retries, on failure "
              + l.onFailure.name().toLowerCase(Locale.ROOT)));
    }
    return StatementResult.rows(Schema.builder().column("column", DataType.VARCHAR).column("type", DataType.VARCHAR)
        .column("nullable", DataType.BOOLEAN).column("extra", DataType.VARCHAR).build(), rows);
  }

  /** A figure of a plan's metrics summed with its shards' (a sharded stream's operators count in its shards' metrics). */
  private static long overShards(dev.laminar.sql.plan.PlanMetrics metrics, java.util.function.ToLongFunction<dev.laminar.sql.plan.PlanMetrics> figure) {
    long total = figure.applyAsLong(metrics);
    for (dev.laminar.sql.plan.PlanMetrics shard : metrics.shards()) {
      total += figure.applyAsLong(shard);
    }
    return total;
  }

  /** Per split of a started source (nothing before it starts): batches queued towards reactor 0 and the time the split waited for it. */
  private static String queueFigures(SourceObject s) {
    List<String> parts = new ArrayList<>();
    List<dev.laminar.runtime.Reactor.Channel> channels = List.copyOf(s.channels);
    List<dev.laminar.runtime.SourceRunner> runners = List.copyOf(s.runners);
    for (int i = 0; i < channels.size(); i++) {
      dev.laminar.runtime.SourceRunner r = i < runners.size() ? runners.get(i) : null;
      parts.add("split " + i + ": batches queued " + channels.get(i).depth() + ", blocked " + (r == null ? 0 : r.blockedNanos() / 1_000_000)
          + " ms");
    }
    return parts.isEmpty() ? "" : "; " + String.join("; ", parts);
  }

  private StatementResult explain(SqlNode explained) {
    SqlNode query = switch (explained) {
      case SqlCreateStream s -> s.query();
      case SqlCreateSink s when s.query() != null -> s.query();
      default -> explained;
    };
    if (!query.getKind().belongsTo(SqlKind.QUERY)) {
      throw at(explained.getParserPosition(), "EXPLAIN applies to a query, CREATE STREAM ... AS or CREATE SINK ... AS", null);
    }
    SqlEmit emit = switch (explained) {
      case SqlCreateStream s -> s.emit();
      case SqlCreateSink s -> s.emit();
      default -> null;
    };
    PlannedQuery q = withEmit(emit, engine.planner().plan(query, engine.readableTables()));
    List<Row> rows = new ArrayList<>();
    rows.add(Row.of("== Logical plan (Calcite) =="));
    for (String line : q.logicalPlan().split("\n")) {
      rows.add(Row.of(line));
    }
    rows.add(Row.of("== Physical plan =="));
    for (String line : q.plan().explain().split("\n")) {
      rows.add(Row.of(line));
    }
    return StatementResult.rows(Schema.builder().column("plan", DataType.VARCHAR).build(), rows);
  }

  // ------------------------------------------------------------------ errors with positions

  private static SqlParserPos positionOf(SqlNodeList options, String key, SqlParserPos fallback) {
    if (options != null && key != null) {
      for (SqlNode n : options) {
        if (n instanceof SqlOption o && o.keyString().equals(key)) {
          return o.getParserPosition();
        }
      }
    }
    return fallback;
  }

  private static LaminarException at(SqlParserPos pos, String message, Throwable cause) {
    return new SqlSyntaxException(Math.max(1, pos.getLineNum()), Math.max(1, pos.getColumnNum()), message, cause);
  }
}
