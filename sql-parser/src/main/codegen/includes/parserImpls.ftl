<#--
  Laminar's additions to Calcite's SQL grammar (included into Parser.jj by FMPP).

  Statements:
    CREATE [OR REPLACE] SOURCE [IF NOT EXISTS] name ( col type [NOT NULL] [, ...] [, WATERMARK FOR col AS expr] ) [WITH (...)]
    CREATE [OR REPLACE] SINK   [IF NOT EXISTS] name FROM stream [WITH (...)]
    CREATE [OR REPLACE] SINK   [IF NOT EXISTS] name [WITH (...)] AS query [emit]
    CREATE [OR REPLACE] STREAM [IF NOT EXISTS] name AS query [emit]
    DROP (SOURCE | SINK | STREAM) [IF EXISTS] name [CASCADE]
    SHOW (SOURCES | SINKS | STREAMS | CONNECTORS)
    DESCRIBE ...          (every DESCRIBE form, see LaminarDescribe)
    EXPLAIN ...           (every EXPLAIN form, see LaminarExplain)
  emit:
    EMIT ON WINDOW CLOSE | EMIT ON UPDATE | EMIT CHANGES | EMIT FINAL | EMIT EVERY interval_literal
  Types:
    STRING (= VARCHAR), BYTES (= VARBINARY), in addition to Calcite's.
-->

/** Parses an optional IF NOT EXISTS; "if" alone stays usable as a name. */
boolean LaminarIfNotExists() :
{
}
{
    LOOKAHEAD(3) <IF> <NOT> <EXISTS> { return true; }
|
    { return false; }
}

/** Parses an optional IF EXISTS; "if" alone stays usable as a name. */
boolean LaminarIfExists() :
{
}
{
    LOOKAHEAD(2) <IF> <EXISTS> { return true; }
|
    { return false; }
}

/** Parses WITH ( 'key' = 'value' [, ...] ); duplicate keys are a parse error. */
SqlNodeList LaminarWithOptions() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    final SqlNodeList optionList;
}
{
    <WITH> { s = span(); }
    <LPAREN>
    [
        LaminarAddOption(list)
        ( <COMMA> LaminarAddOption(list) )*
    ]
    <RPAREN> {
        optionList = new SqlNodeList(list, s.end(this));
        SqlOption.toMap(optionList); // rejects duplicate keys, with the duplicate's position
        return optionList;
    }
}

/** Parses one 'key' = 'value' option. */
void LaminarAddOption(List<SqlNode> list) :
{
    final String key;
    final SqlParserPos keyPos;
    final String value;
}
{
    key = SimpleStringLiteral() { keyPos = getPos(); }
    <EQ>
    value = SimpleStringLiteral() {
        list.add(
            new SqlOption(keyPos.plus(getPos()),
                SqlLiteral.createCharString(key, keyPos),
                SqlLiteral.createCharString(value, getPos())));
    }
}

/**
 * Parses the optional clauses that follow a query: an EMIT mode and/or ALLOW LATENESS interval and
 * LATE DATA TO stream (at least one of them).
 */
SqlEmit LaminarEmit() :
{
    Span s = null;
    EmitMode mode = null;
    SqlLiteral interval = null;
    SqlLiteral lateness = null;
    SqlIdentifier lateTarget = null;
}
{
    (
        <EMIT> { s = span(); }
        (
            LOOKAHEAD(2)
            <ON> <WINDOW> <CLOSE> { mode = EmitMode.ON_WINDOW_CLOSE; }
        |
            <ON> <UPDATE> { mode = EmitMode.ON_UPDATE; }
        |
            <CHANGES> { mode = EmitMode.CHANGES; }
        |
            <FINAL> { mode = EmitMode.FINAL; }
        |
            <EVERY> interval = IntervalLiteral() { mode = EmitMode.EVERY; }
        )
        [ <ALLOW> <LATENESS> lateness = IntervalLiteral() ]
        [ <LATE> <DATA> <TO> lateTarget = SimpleIdentifier() ]
    |
        <ALLOW> { s = span(); } <LATENESS> lateness = IntervalLiteral()
        [ <LATE> <DATA> <TO> lateTarget = SimpleIdentifier() ]
    |
        <LATE> { s = span(); } <DATA> <TO> lateTarget = SimpleIdentifier()
    )
    {
        return new SqlEmit(s.end(this), mode, (SqlIntervalLiteral) interval, (SqlIntervalLiteral) lateness, lateTarget);
    }
}

/** Parses a column declaration: name type [NOT NULL | NULL]. */
SqlColumnDeclaration LaminarColumn() :
{
    final SqlIdentifier name;
    SqlDataTypeSpec type;
    boolean nullable = true;
    final SqlIdentifier function;
}
{
    name = SimpleIdentifier()
    (
        <AS> function = SimpleIdentifier() <LPAREN> <RPAREN> {
            if (!function.getSimple().equalsIgnoreCase("PROCTIME")) {
                throw dev.laminar.sql.parser.ddl.DdlErrors.error(function.getParserPosition(),
                    "a computed column can only be AS PROCTIME() (processing time), not " + function.getSimple() + "()");
            }
            type = new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP, 3, getPos()), getPos());
            return new SqlColumnDeclaration(Span.of(name).end(this), name, type, false, true);
        }
    |
        type = DataType()
        [
            <NOT> <NULL> { nullable = false; }
        |
            <NULL> { nullable = true; }
        ]
        {
            return new SqlColumnDeclaration(Span.of(name).end(this), name, type, nullable);
        }
    )
}

/** Parses WATERMARK FOR column AS expression. */
SqlWatermark LaminarWatermark() :
{
    final Span s;
    final SqlIdentifier column;
    final SqlNode expression;
}
{
    <WATERMARK> { s = span(); }
    <FOR> column = SimpleIdentifier()
    <AS> expression = Expression(ExprContext.ACCEPT_NON_QUERY) {
        return new SqlWatermark(s.end(this), column, expression);
    }
}

/**
 * Parses one element of a CREATE SOURCE column list (a column or the watermark), adds columns to
 * the list and returns the watermark declared so far.
 */
SqlWatermark LaminarSourceElement(List<SqlNode> columns, SqlWatermark watermark) :
{
    final SqlWatermark w;
    final SqlColumnDeclaration c;
}
{
    (
        // "watermark" may also be a column name: only WATERMARK FOR starts a watermark.
        LOOKAHEAD(2)
        w = LaminarWatermark() {
            if (watermark != null) {
                throw dev.laminar.sql.parser.ddl.DdlErrors.error(w.getParserPosition(),
                    "A source may declare only one WATERMARK");
            }
            return w;
        }
    |
        c = LaminarColumn() {
            columns.add(c);
            return watermark;
        }
    )
}

/** Parses CREATE SOURCE after "CREATE [OR REPLACE]". */
SqlCreate LaminarCreateSource(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final Span elements;
    final List<SqlNode> columns = new ArrayList<SqlNode>();
    SqlWatermark watermark = null;
    SqlNodeList optionList = SqlNodeList.EMPTY;
}
{
    <SOURCE> ifNotExists = LaminarIfNotExists()
    name = CompoundTableIdentifier()
    <LPAREN> { elements = span(); }
    watermark = LaminarSourceElement(columns, watermark)
    (
        <COMMA> watermark = LaminarSourceElement(columns, watermark)
    )*
    <RPAREN> {
        if (columns.isEmpty()) {
            throw dev.laminar.sql.parser.ddl.DdlErrors.error(elements.end(this),
                "A source must declare at least one column");
        }
    }
    [ optionList = LaminarWithOptions() ]
    {
        return new SqlCreateSource(s.end(this), replace, ifNotExists, name,
            new SqlNodeList(columns, elements.end(this)), watermark, optionList);
    }
}

/** Parses CREATE SINK after "CREATE [OR REPLACE]". */
SqlCreate LaminarCreateSink(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    SqlIdentifier from = null;
    SqlNode query = null;
    SqlNodeList optionList = SqlNodeList.EMPTY;
    SqlEmit emit = null;
}
{
    <SINK> ifNotExists = LaminarIfNotExists()
    name = CompoundTableIdentifier()
    (
        <FROM> from = CompoundTableIdentifier()
        [ optionList = LaminarWithOptions() ]
    |
        [ optionList = LaminarWithOptions() ]
        <AS> query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
        [ emit = LaminarEmit() ]
    )
    {
        return new SqlCreateSink(s.end(this), replace, ifNotExists, name, from, query,
            optionList, emit);
    }
}

/** Parses CREATE STREAM after "CREATE [OR REPLACE]". */
SqlCreate LaminarCreateStream(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlNode query;
    SqlEmit emit = null;
    boolean materialized = false;
}
{
    ( <STREAM> | <MATERIALIZED> <VIEW> { materialized = true; } )
    ifNotExists = LaminarIfNotExists()
    name = CompoundTableIdentifier()
    <AS> query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    [ emit = LaminarEmit() ]
    {
        return new SqlCreateStream(s.end(this), replace, ifNotExists, name, query, emit, materialized);
    }
}

/** Parses CREATE LOOKUP TABLE after "CREATE [OR REPLACE]". */
SqlCreate LaminarCreateLookupTable(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final Span elements;
    final List<SqlNode> columns = new ArrayList<SqlNode>();
    SqlColumnDeclaration c;
    SqlNodeList optionList = SqlNodeList.EMPTY;
}
{
    <LOOKUP> <TABLE> ifNotExists = LaminarIfNotExists()
    name = CompoundTableIdentifier()
    <LPAREN> { elements = span(); }
    c = LaminarColumn() { columns.add(c); }
    (
        <COMMA> c = LaminarColumn() { columns.add(c); }
    )*
    <RPAREN>
    [ optionList = LaminarWithOptions() ]
    {
        return new SqlCreateLookupTable(s.end(this), replace, ifNotExists, name,
            new SqlNodeList(columns, elements.end(this)), optionList);
    }
}

/** Parses DROP SOURCE | SINK | STREAM after "DROP". */
SqlDrop LaminarDropObject(Span s, boolean replace) :
{
    final ObjectKind kind;
    final boolean ifExists;
    final SqlIdentifier name;
    boolean cascade = false;
}
{
    (
        <SOURCE> { kind = ObjectKind.SOURCE; }
    |
        <SINK> { kind = ObjectKind.SINK; }
    |
        <STREAM> { kind = ObjectKind.STREAM; }
    |
        [ <MATERIALIZED> ] <VIEW> { kind = ObjectKind.VIEW; }
    |
        <LOOKUP> <TABLE> { kind = ObjectKind.LOOKUP_TABLE; }
    )
    ifExists = LaminarIfExists()
    name = CompoundTableIdentifier()
    [ <CASCADE> { cascade = true; } ]
    {
        return new SqlDropObject(s.end(this), kind, ifExists, name, cascade);
    }
}

/** Parses SHOW SOURCES | SINKS | STREAMS | CONNECTORS. */
SqlNode LaminarShowObjects() :
{
    final Span s;
    final ObjectKind kind;
}
{
    <SHOW> { s = span(); }
    (
        <SOURCES> { kind = ObjectKind.SOURCE; }
    |
        <SINKS> { kind = ObjectKind.SINK; }
    |
        <STREAMS> { kind = ObjectKind.STREAM; }
    |
        <CONNECTORS> { kind = ObjectKind.CONNECTOR; }
    |
        <PLUGINS> { kind = ObjectKind.PLUGIN; }
    |
        <VIEWS> { kind = ObjectKind.VIEW; }
    |
        <LOOKUP> <TABLES> { kind = ObjectKind.LOOKUP_TABLE; }
    )
    {
        return new SqlShowObjects(s.end(this), kind);
    }
}

/** Parses CHECKPOINT. */
SqlNode LaminarCheckpoint() :
{
    final Span s;
}
{
    <CHECKPOINT> { s = span(); return new SqlCheckpoint(s.end(this)); }
}

/** Parses INSTALL PLUGIN 'zip' | UPDATE PLUGIN 'zip' | REMOVE PLUGIN id. */
SqlNode LaminarPluginCommand() :
{
    final Span s;
    final SqlPluginCommand.Action action;
    final SqlNode target;
}
{
    (
        <INSTALL> { s = span(); action = SqlPluginCommand.Action.INSTALL; } <PLUGIN> target = StringLiteral()
    |
        <UPDATE> { s = span(); action = SqlPluginCommand.Action.UPDATE; } <PLUGIN> target = StringLiteral()
    |
        <REMOVE> { s = span(); action = SqlPluginCommand.Action.REMOVE; } <PLUGIN> target = SimpleIdentifier()
    )
    {
        return new SqlPluginCommand(s.end(this), action, target);
    }
}

/** Parses the object kind keyword of DESCRIBE. */
ObjectKind LaminarDescribeKind() :
{
}
{
    <SOURCE> { return ObjectKind.SOURCE; }
|
    <SINK> { return ObjectKind.SINK; }
|
    <STREAM> { return ObjectKind.STREAM; }
|
    <LOOKUP> <TABLE> { return ObjectKind.LOOKUP_TABLE; }
|
    <CONNECTOR> { return ObjectKind.CONNECTOR; }
}

/**
 * Parses every DESCRIBE statement (it replaces Calcite's SqlDescribe, which is never reached):
 *   DESCRIBE (SOURCE | SINK | STREAM | CONNECTOR) name -> SqlDescribeObject(kind, name)
 *   DESCRIBE name                                      -> SqlDescribeObject(null, name)
 *   DESCRIBE [TABLE] name column, DESCRIBE TABLE name  -> Calcite's SqlDescribeTable
 *   DESCRIBE (DATABASE | CATALOG | SCHEMA) name        -> Calcite's SqlDescribeSchema
 *   DESCRIBE [STATEMENT] query                         -> Calcite's SqlExplain
 */
SqlNode LaminarDescribe() :
{
    final Span s;
    final ObjectKind kind;
    final SqlIdentifier name;
    final SqlIdentifier id;
    SqlIdentifier column = null;
    final SqlNode stmt;
}
{
    <DESCRIBE> { s = span(); }
    (
        LOOKAHEAD(2)
        kind = LaminarDescribeKind()
        name = CompoundTableIdentifier() {
            return new SqlDescribeObject(s.end(this), kind, name);
        }
    |
        LOOKAHEAD(2)
        ( <DATABASE> | <CATALOG> | <SCHEMA> )
        id = CompoundIdentifier() {
            return new SqlDescribeSchema(s.end(id), id);
        }
    |
        LOOKAHEAD(1)
        <TABLE> name = CompoundIdentifier()
        [ column = SimpleIdentifier() ]
        {
            return new SqlDescribeTable(s.end(this), name, column);
        }
    |
        LOOKAHEAD(2)
        <STATEMENT> stmt = SqlQueryOrDml() {
            return new SqlExplain(s.end(stmt), stmt,
                SqlExplainLevel.EXPPLAN_ATTRIBUTES.symbol(SqlParserPos.ZERO),
                SqlExplain.Depth.PHYSICAL.symbol(SqlParserPos.ZERO),
                SqlExplainFormat.TEXT.symbol(SqlParserPos.ZERO),
                nDynamicParams);
        }
    |
        LOOKAHEAD(1)
        name = CompoundTableIdentifier()
        [ column = SimpleIdentifier() ]
        {
            if (column != null) {
                return new SqlDescribeTable(s.end(this), name, column);
            }
            return new SqlDescribeObject(s.end(this), null, name);
        }
    |
        stmt = SqlQueryOrDml() {
            return new SqlExplain(s.end(stmt), stmt,
                SqlExplainLevel.EXPPLAN_ATTRIBUTES.symbol(SqlParserPos.ZERO),
                SqlExplain.Depth.PHYSICAL.symbol(SqlParserPos.ZERO),
                SqlExplainFormat.TEXT.symbol(SqlParserPos.ZERO),
                nDynamicParams);
        }
    )
}

/**
 * Parses every EXPLAIN statement (it replaces Calcite's SqlExplain production at statement level):
 *   EXPLAIN PLAN [...] FOR query_or_dml  -> Calcite's SqlExplain (unchanged)
 *   EXPLAIN query_or_dml                 -> SqlExplainStatement
 *   EXPLAIN CREATE ...                   -> SqlExplainStatement (CREATE STREAM / SINK / SOURCE)
 */
SqlNode LaminarExplain() :
{
    final Span s;
    final SqlNode stmt;
}
{
    (
        LOOKAHEAD(2)
        stmt = SqlExplain() { return stmt; }
    |
        <EXPLAIN> { s = span(); }
        (
            stmt = SqlCreate()
        |
            stmt = SqlQueryOrDml()
        )
        {
            return new SqlExplainStatement(s.end(this), stmt);
        }
    )
}

/** Parses Laminar's extra type names: STRING (= VARCHAR) and BYTES (= VARBINARY). */
SqlTypeNameSpec LaminarTypeName() :
{
}
{
    <STRING> { return new SqlBasicTypeNameSpec(SqlTypeName.VARCHAR, getPos()); }
|
    <BYTES> { return new SqlBasicTypeNameSpec(SqlTypeName.VARBINARY, getPos()); }
}
