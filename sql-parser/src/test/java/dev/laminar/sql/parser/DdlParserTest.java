package dev.laminar.sql.parser;

import static dev.laminar.sql.parser.ParserTestSupport.assertRoundTrip;
import static dev.laminar.sql.parser.ParserTestSupport.parse;
import static dev.laminar.sql.parser.ParserTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.laminar.sql.parser.ddl.EmitMode;
import dev.laminar.sql.parser.ddl.SqlColumnDeclaration;
import dev.laminar.sql.parser.ddl.SqlCreateSink;
import dev.laminar.sql.parser.ddl.SqlCreateSource;
import dev.laminar.sql.parser.ddl.SqlCreateStream;
import dev.laminar.sql.parser.ddl.SqlEmit;
import dev.laminar.sql.parser.ddl.SqlOption;

/** CREATE SOURCE / SINK / STREAM and the EMIT clause. */
class DdlParserTest {

  private static final String FULL_SOURCE = """
      CREATE SOURCE IF NOT EXISTS trades (
        symbol VARCHAR NOT NULL,
        price DOUBLE,
        qty BIGINT,
        flag BOOLEAN,
        n INT,
        m INTEGER,
        amount DECIMAL(10, 2),
        name VARCHAR(20),
        note STRING,
        payload BYTES,
        raw VARBINARY,
        ts TIMESTAMP(3) NOT NULL,
        ts2 TIMESTAMP,
        WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
      ) WITH ('connector' = 'kafka', 'topic' = 'trades', 'format' = 'json')
      """;

  @Test
  void createSourceCarriesNameColumnsWatermarkAndOptions() {
    final SqlCreateSource source = parse(FULL_SOURCE, SqlCreateSource.class);

    assertThat(source.name().getSimple()).isEqualTo("trades");
    assertThat(source.ifNotExists()).isTrue();
    assertThat(source.getReplace()).isFalse();
    assertThat(source.getKind()).isEqualTo(SqlKind.OTHER_DDL);

    final List<SqlColumnDeclaration> columns = source.columnList();
    assertThat(columns).extracting(c -> c.name().getSimple()).containsExactly(
        "symbol", "price", "qty", "flag", "n", "m", "amount", "name", "note", "payload", "raw",
        "ts", "ts2");
    assertThat(columns).extracting(c -> sql(c.type())).containsExactly(
        "VARCHAR", "DOUBLE", "BIGINT", "BOOLEAN", "INTEGER", "INTEGER", "DECIMAL(10, 2)",
        "VARCHAR(20)", "VARCHAR", "VARBINARY", "VARBINARY", "TIMESTAMP(3)", "TIMESTAMP");
    assertThat(columns).extracting(SqlColumnDeclaration::nullable).containsExactly(
        false, true, true, true, true, true, true, true, true, true, true, false, true);
    assertThat(columns).extracting(c -> c.type().getNullable()).containsExactly(
        false, true, true, true, true, true, true, true, true, true, true, false, true);

    final int none = RelDataType.PRECISION_NOT_SPECIFIED;
    final int noScale = RelDataType.SCALE_NOT_SPECIFIED;
    assertBasicType(columns.get(6).type(), SqlTypeName.DECIMAL, 10, 2);
    assertBasicType(columns.get(7).type(), SqlTypeName.VARCHAR, 20, noScale);
    assertBasicType(columns.get(8).type(), SqlTypeName.VARCHAR, none, noScale); // STRING
    assertBasicType(columns.get(9).type(), SqlTypeName.VARBINARY, none, noScale); // BYTES
    assertBasicType(columns.get(11).type(), SqlTypeName.TIMESTAMP, 3, noScale);

    assertThat(source.watermark()).isNotNull();
    assertThat(source.watermark().column().getSimple()).isEqualTo("ts");
    assertThat(source.watermark().expression().getKind()).isEqualTo(SqlKind.MINUS);
    assertThat(sql(source.watermark().expression()))
        .isEqualTo("\"ts\" - INTERVAL '2' SECOND");

    assertThat(source.optionMap()).containsExactly(
        entry("connector", "kafka"), entry("topic", "trades"), entry("format", "json"));
    assertThat(source.options()).hasSize(3);
    final SqlOption first = (SqlOption) source.options().get(0);
    assertThat(first.keyString()).isEqualTo("connector");
    assertThat(first.valueString()).isEqualTo("kafka");
  }

  private static void assertBasicType(SqlDataTypeSpec type, SqlTypeName name, int precision,
      int scale) {
    assertThat(type.getTypeNameSpec()).isInstanceOf(SqlBasicTypeNameSpec.class);
    final SqlBasicTypeNameSpec spec = (SqlBasicTypeNameSpec) type.getTypeNameSpec();
    assertThat(SqlTypeName.get(spec.getTypeName().getSimple())).isEqualTo(name);
    assertThat(spec.getPrecision()).isEqualTo(precision);
    assertThat(spec.getScale()).isEqualTo(scale);
  }

  @Test
  void createSourceMinimal() {
    final SqlCreateSource source = parse("create source t (a int)", SqlCreateSource.class);
    assertThat(source.name().getSimple()).isEqualTo("t");
    assertThat(source.ifNotExists()).isFalse();
    assertThat(source.watermark()).isNull();
    assertThat(source.options()).isEmpty();
    assertThat(source.optionMap()).isEmpty();
    assertThat(source.columnList()).singleElement()
        .satisfies(c -> assertThat(sql(c.type())).isEqualTo("INTEGER"));
  }

  @Test
  void createSourceRoundTrips() {
    final String unparsed = assertRoundTrip(FULL_SOURCE);
    assertThat(unparsed)
        .startsWith("CREATE SOURCE IF NOT EXISTS \"trades\" (")
        .contains("\"symbol\" VARCHAR NOT NULL")
        .contains("WATERMARK FOR \"ts\" AS \"ts\" - INTERVAL '2' SECOND")
        .endsWith("WITH ('connector' = 'kafka', 'topic' = 'trades', 'format' = 'json')");
    assertRoundTrip("CREATE OR REPLACE SOURCE s.t (a INT)");
  }

  @Test
  void watermarkMayComeFirstButOnlyOnce() {
    final SqlCreateSource source = parse(
        "CREATE SOURCE t (WATERMARK FOR ts AS ts, ts TIMESTAMP(3))", SqlCreateSource.class);
    assertThat(source.watermark().column().getSimple()).isEqualTo("ts");
    assertThat(source.columnList()).hasSize(1);

    assertThatThrownBy(() -> LaminarSqlParser.parseStatement(
        "CREATE SOURCE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR ts AS ts)"))
        .isInstanceOf(SqlParseException.class)
        .hasMessageContaining("only one WATERMARK");
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement(
        "CREATE SOURCE t (WATERMARK FOR ts AS ts)"))
        .isInstanceOf(SqlParseException.class)
        .hasMessageContaining("at least one column");
  }

  @Test
  void duplicateOptionKeyIsAParseErrorNamingTheKey() {
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement(
        "CREATE SOURCE t (a INT) WITH ('k' = '1', 'topic' = 'x', 'topic' = 'y')"))
        .isInstanceOfSatisfying(SqlParseException.class, e -> {
          assertThat(e.getMessage())
              .contains("Duplicate option key 'topic'")
              .contains("line 1, column 57");
          assertThat(e.getPos().getLineNum()).isEqualTo(1);
          assertThat(e.getPos().getColumnNum()).isEqualTo(57);
        });
  }

  @Test
  void optionMapRejectsDuplicateKeysOfHandBuiltNodes() {
    final SqlParserPos pos = new SqlParserPos(3, 7);
    final SqlNodeList options = new SqlNodeList(List.of(
        option("a", "1", SqlParserPos.ZERO), option("a", "2", pos)), SqlParserPos.ZERO);
    final SqlCreateSink sink = new SqlCreateSink(SqlParserPos.ZERO, false, false,
        new SqlIdentifier("k", SqlParserPos.ZERO), new SqlIdentifier("s", SqlParserPos.ZERO),
        null, options, null);
    assertThatThrownBy(sink::optionMap)
        .isInstanceOfSatisfying(CalciteContextException.class, e -> {
          assertThat(e.getCause().getMessage()).contains("Duplicate option key 'a'");
          assertThat(e.getPosLine()).isEqualTo(3);
          assertThat(e.getPosColumn()).isEqualTo(7);
        });
  }

  private static SqlOption option(String key, String value, SqlParserPos pos) {
    return new SqlOption(pos, SqlLiteral.createCharString(key, pos),
        SqlLiteral.createCharString(value, pos));
  }

  @Test
  void createSinkFromStream() {
    final SqlCreateSink sink = parse(
        "CREATE SINK IF NOT EXISTS console FROM agg WITH ('connector' = 'stdout', 'format' = 'csv')",
        SqlCreateSink.class);
    assertThat(sink.name().getSimple()).isEqualTo("console");
    assertThat(sink.ifNotExists()).isTrue();
    assertThat(sink.from().getSimple()).isEqualTo("agg");
    assertThat(sink.query()).isNull();
    assertThat(sink.emit()).isNull();
    assertThat(sink.optionMap())
        .containsExactly(entry("connector", "stdout"), entry("format", "csv"));

    final SqlCreateSink bare = parse("CREATE SINK console FROM agg", SqlCreateSink.class);
    assertThat(bare.ifNotExists()).isFalse();
    assertThat(bare.options()).isEmpty();
  }

  @Test
  void createSinkAsQueryWithEmit() {
    final SqlCreateSink sink = parse("""
        CREATE SINK alerts WITH ('connector' = 'stdout')
        AS SELECT symbol, price FROM trades WHERE price > 100
        EMIT CHANGES""", SqlCreateSink.class);
    assertThat(sink.name().getSimple()).isEqualTo("alerts");
    assertThat(sink.from()).isNull();
    assertThat(sink.query()).isInstanceOf(SqlSelect.class);
    assertThat(((SqlSelect) sink.query()).getWhere()).isNotNull();
    assertThat(sink.emit().mode()).isEqualTo(EmitMode.CHANGES);
    assertThat(sink.optionMap()).containsExactly(entry("connector", "stdout"));

    final SqlCreateSink plain = parse("CREATE SINK k AS SELECT * FROM t", SqlCreateSink.class);
    assertThat(plain.emit()).isNull();
    assertThat(plain.options()).isEmpty();
  }

  @Test
  void createStream() {
    final SqlCreateStream stream = parse("""
        CREATE STREAM IF NOT EXISTS ohlc AS
        SELECT symbol, window_start, window_end, FIRST_VALUE(price) AS open, MAX(price) AS high
        FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
        GROUP BY symbol, window_start, window_end
        EMIT ON WINDOW CLOSE""", SqlCreateStream.class);
    assertThat(stream.name().getSimple()).isEqualTo("ohlc");
    assertThat(stream.ifNotExists()).isTrue();
    assertThat(stream.getReplace()).isFalse();
    assertThat(stream.query()).isInstanceOf(SqlSelect.class);
    assertThat(((SqlSelect) stream.query()).getGroup()).hasSize(3);
    assertThat(stream.emit().mode()).isEqualTo(EmitMode.ON_WINDOW_CLOSE);
    assertThat(stream.emit().interval()).isNull();

    final SqlCreateStream noEmit = parse(
        "create or replace stream s as select a from t order by a limit 3", SqlCreateStream.class);
    assertThat(noEmit.emit()).isNull();
    assertThat(noEmit.getReplace()).isTrue();
    assertThat(noEmit.ifNotExists()).isFalse();
    assertThat(noEmit.query()).isInstanceOf(SqlOrderBy.class);
  }

  @Test
  void everyEmitModeIsCarried() {
    assertThat(emitOf("EMIT ON WINDOW CLOSE").mode()).isEqualTo(EmitMode.ON_WINDOW_CLOSE);
    assertThat(emitOf("emit on update").mode()).isEqualTo(EmitMode.ON_UPDATE);
    assertThat(emitOf("EMIT CHANGES").mode()).isEqualTo(EmitMode.CHANGES);
    assertThat(emitOf("EMIT FINAL").mode()).isEqualTo(EmitMode.FINAL);
    final SqlEmit every = emitOf("EMIT EVERY INTERVAL '1' SECOND");
    assertThat(every.mode()).isEqualTo(EmitMode.EVERY);
    assertThat(sql(every.interval())).isEqualTo("INTERVAL '1' SECOND");
    for (String clause : List.of("EMIT ON WINDOW CLOSE", "EMIT ON UPDATE", "EMIT CHANGES",
        "EMIT FINAL", "EMIT EVERY INTERVAL '5' MINUTE")) {
      assertThat(assertRoundTrip("CREATE STREAM s AS SELECT a FROM t GROUP BY a " + clause))
          .endsWith(clause);
    }
  }

  private static SqlEmit emitOf(String clause) {
    return parse("CREATE STREAM s AS SELECT a FROM t GROUP BY a " + clause, SqlCreateStream.class)
        .emit();
  }

  /** EMIT right after a FROM item must end the query, not become the item's alias. */
  @ParameterizedTest
  @ValueSource(strings = {"EMIT CHANGES", "EMIT FINAL", "EMIT ON WINDOW CLOSE", "EMIT ON UPDATE",
      "EMIT EVERY INTERVAL '1' SECOND"})
  void emitAfterFromItemIsNotAnAlias(String clause) {
    final SqlCreateStream stream =
        parse("CREATE STREAM s AS SELECT * FROM trades " + clause, SqlCreateStream.class);
    assertThat(stream.emit()).isNotNull();
    final SqlNode from = ((SqlSelect) stream.query()).getFrom();
    assertThat(from).isInstanceOf(SqlIdentifier.class);
    assertThat(((SqlIdentifier) from).getSimple()).isEqualTo("trades");

    final SqlCreateSink sink = parse("CREATE SINK k AS SELECT * FROM TABLE(TUMBLE(TABLE trades, "
        + "DESCRIPTOR(ts), INTERVAL '1' SECOND)) " + clause, SqlCreateSink.class);
    assertThat(sink.emit()).isNotNull();
    assertThat(((SqlSelect) sink.query()).getFrom().getKind())
        .isEqualTo(SqlKind.COLLECTION_TABLE);
  }

  @Test
  void aliasNamedEmitStillWorks() {
    final SqlSelect join = parse(
        "SELECT emit.x FROM a JOIN b emit ON a.id = emit.id", SqlSelect.class);
    assertThat(sql(join.getFrom())).contains("AS \"emit\"");
    final SqlSelect plain = parse("SELECT emit.x FROM t emit", SqlSelect.class);
    assertThat(plain.getFrom().getKind()).isEqualTo(SqlKind.AS);
    final SqlCreateStream stream = parse(
        "CREATE STREAM s AS SELECT emit.x FROM t AS emit EMIT CHANGES", SqlCreateStream.class);
    assertThat(((SqlSelect) stream.query()).getFrom().getKind()).isEqualTo(SqlKind.AS);
    assertThat(stream.emit().mode()).isEqualTo(EmitMode.CHANGES);
  }

  @Test
  void createStatementsRoundTrip() {
    assertRoundTrip("CREATE SINK IF NOT EXISTS console FROM agg WITH ('connector' = 'stdout')");
    assertRoundTrip("CREATE SINK console FROM agg");
    assertRoundTrip("CREATE OR REPLACE SINK alerts WITH ('a' = 'b', 'c' = 'it''s') "
        + "AS SELECT symbol FROM trades WHERE price > 100 EMIT CHANGES");
    assertRoundTrip("CREATE STREAM s AS SELECT a FROM t");
    assertRoundTrip("CREATE STREAM IF NOT EXISTS s AS WITH x AS (SELECT a FROM t) "
        + "SELECT a FROM x UNION ALL SELECT a FROM y");
  }

  @Test
  void queryMustBeAQuery() {
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement("CREATE STREAM s AS 1 + 2"))
        .isInstanceOf(SqlParseException.class);
  }

  @org.junit.jupiter.api.Test
  void lookupTableStatementsParseAndRoundTrip() throws Exception {
    assertRoundTrip("CREATE LOOKUP TABLE rates (cur VARCHAR NOT NULL, rate DOUBLE) WITH ('connector' = 'memory', 'lookup.key' = 'cur')");
    assertRoundTrip("CREATE OR REPLACE LOOKUP TABLE IF NOT EXISTS s.rates (cur VARCHAR)");
    var create = (dev.laminar.sql.parser.ddl.SqlCreateLookupTable) LaminarSqlParser.parseStatement(
        "CREATE LOOKUP TABLE rates (cur STRING, rate DOUBLE) WITH ('connector' = 'memory')");
    org.assertj.core.api.Assertions.assertThat(create.columnList()).hasSize(2);
    org.assertj.core.api.Assertions.assertThat(create.optionMap()).containsEntry("connector", "memory");
    var drop = (dev.laminar.sql.parser.ddl.SqlDropObject) LaminarSqlParser.parseStatement("DROP LOOKUP TABLE IF EXISTS rates");
    org.assertj.core.api.Assertions.assertThat(drop.kind()).isEqualTo(dev.laminar.sql.parser.ddl.ObjectKind.LOOKUP_TABLE);
    var show = (dev.laminar.sql.parser.ddl.SqlShowObjects) LaminarSqlParser.parseStatement("SHOW LOOKUP TABLES");
    org.assertj.core.api.Assertions.assertThat(show.kind()).isEqualTo(dev.laminar.sql.parser.ddl.ObjectKind.LOOKUP_TABLE);
    org.assertj.core.api.Assertions.assertThat(LaminarSqlParser.unparse(show)).isEqualTo("SHOW LOOKUP TABLES");
  }

  @org.junit.jupiter.api.Test
  void checkpointStatement() throws Exception {
    org.assertj.core.api.Assertions.assertThat(LaminarSqlParser.parseStatement("CHECKPOINT"))
        .isInstanceOf(dev.laminar.sql.parser.ddl.SqlCheckpoint.class);
    assertRoundTrip("CHECKPOINT");
  }
}
