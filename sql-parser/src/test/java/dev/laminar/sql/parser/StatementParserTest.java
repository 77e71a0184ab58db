package dev.laminar.sql.parser;

import static dev.laminar.sql.parser.ParserTestSupport.assertRoundTrip;
import static dev.laminar.sql.parser.ParserTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.calcite.sql.SqlDescribeSchema;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlSelect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.laminar.sql.parser.ddl.ObjectKind;
import dev.laminar.sql.parser.ddl.SqlCreateSink;
import dev.laminar.sql.parser.ddl.SqlCreateStream;
import dev.laminar.sql.parser.ddl.SqlDescribeObject;
import dev.laminar.sql.parser.ddl.SqlDropObject;
import dev.laminar.sql.parser.ddl.SqlExplainStatement;
import dev.laminar.sql.parser.ddl.SqlShowObjects;

/** DROP, SHOW, DESCRIBE and EXPLAIN. */
class StatementParserTest {

  @ParameterizedTest
  @CsvSource({
      "DROP SOURCE trades,                    SOURCE, trades, false, false",
      "drop sink if exists console,           SINK,   console,   true,  false",
      "DROP STREAM IF EXISTS ohlc CASCADE,    STREAM, ohlc,   true,  true",
      "DROP STREAM ohlc cascade,              STREAM, ohlc,   false, true",
      "DROP SOURCE if,                        SOURCE, if,     false, false"})
  void dropObject(String sql, ObjectKind kind, String name, boolean ifExists, boolean cascade) {
    final SqlDropObject drop = parse(sql, SqlDropObject.class);
    assertThat(drop.kind()).isEqualTo(kind);
    assertThat(drop.name().getSimple()).isEqualTo(name);
    assertThat(drop.ifExists()).isEqualTo(ifExists);
    assertThat(drop.cascade()).isEqualTo(cascade);
    assertRoundTrip(sql);
  }

  @ParameterizedTest
  @CsvSource({
      "SHOW SOURCES,    SOURCE",
      "show sinks,      SINK",
      "SHOW STREAMS,    STREAM",
      "Show Connectors, CONNECTOR"})
  void showObjects(String sql, ObjectKind kind) {
    assertThat(parse(sql, SqlShowObjects.class).kind()).isEqualTo(kind);
    assertThat(assertRoundTrip(sql)).isEqualTo("SHOW " + kind.pluralKeyword());
  }

  @ParameterizedTest
  @CsvSource({
      "DESCRIBE SOURCE trades,   SOURCE,    trades",
      "describe sink console,    SINK,      console",
      "DESCRIBE STREAM ohlc,     STREAM,    ohlc",
      "DESCRIBE CONNECTOR kafka, CONNECTOR, kafka",
      "DESCRIBE SOURCE source,   SOURCE,    source"})
  void describeWithKind(String sql, ObjectKind kind, String name) {
    final SqlDescribeObject describe = parse(sql, SqlDescribeObject.class);
    assertThat(describe.kind()).isEqualTo(kind);
    assertThat(describe.name().getSimple()).isEqualTo(name);
    assertRoundTrip(sql);
  }

  @Test
  void describeWithoutKindYieldsDescribeObjectWithNullKind() {
    for (String sql : new String[] {"DESCRIBE trades", "DESCRIBE source", "DESCRIBE sink",
        "DESCRIBE schema", "DESCRIBE statement"}) {
      final SqlDescribeObject describe = parse(sql, SqlDescribeObject.class);
      assertThat(describe.kind()).isNull();
      assertThat(describe.name().getSimple()).isEqualTo(sql.substring("DESCRIBE ".length()));
      assertRoundTrip(sql);
    }
    assertThat(parse("DESCRIBE cat.trades", SqlDescribeObject.class).name().names)
        .containsExactly("cat", "trades");
  }

  @Test
  void calciteDescribeFormsKeepCalciteNodes() {
    final SqlDescribeTable withColumn = parse("DESCRIBE trades price", SqlDescribeTable.class);
    assertThat(withColumn.getTable().getSimple()).isEqualTo("trades");
    assertThat(withColumn.getColumn().getSimple()).isEqualTo("price");
    assertThat(parse("DESCRIBE TABLE trades", SqlDescribeTable.class).getColumn()).isNull();
    assertThat(parse("DESCRIBE SCHEMA s", SqlDescribeSchema.class).getSchema().getSimple())
        .isEqualTo("s");
    assertThat(parse("DESCRIBE DATABASE d", SqlDescribeSchema.class)).isNotNull();
    assertThat(parse("DESCRIBE SELECT a FROM t", SqlExplain.class).getExplicandum())
        .isInstanceOf(SqlSelect.class);
    assertThat(parse("DESCRIBE STATEMENT SELECT a FROM t", SqlExplain.class)).isNotNull();
  }

  @Test
  void bareExplainYieldsExplainStatement() {
    final SqlExplainStatement query =
        parse("EXPLAIN SELECT a FROM t WHERE b > 1", SqlExplainStatement.class);
    assertThat(query.explained()).isInstanceOf(SqlSelect.class);

    final SqlExplainStatement stream = parse(
        "EXPLAIN CREATE STREAM s AS SELECT a FROM t GROUP BY a EMIT ON WINDOW CLOSE",
        SqlExplainStatement.class);
    assertThat(stream.explained()).isInstanceOf(SqlCreateStream.class);
    assertThat(((SqlCreateStream) stream.explained()).emit()).isNotNull();

    final SqlExplainStatement sink = parse(
        "EXPLAIN CREATE SINK k WITH ('connector' = 'stdout') AS SELECT a FROM t",
        SqlExplainStatement.class);
    assertThat(sink.explained()).isInstanceOf(SqlCreateSink.class);

    assertThat(parse("EXPLAIN INSERT INTO t SELECT a FROM s", SqlExplainStatement.class)
        .explained()).isInstanceOf(SqlInsert.class);

    assertThat(assertRoundTrip("EXPLAIN SELECT a FROM t")).startsWith("EXPLAIN SELECT");
    assertRoundTrip("EXPLAIN CREATE STREAM s AS SELECT a FROM t EMIT CHANGES");
  }

  @Test
  void explainPlanForStillYieldsCalciteExplain() {
    final SqlExplain explain = parse("EXPLAIN PLAN FOR SELECT a FROM t", SqlExplain.class);
    assertThat(explain.getExplicandum()).isInstanceOf(SqlSelect.class);
    assertThat(parse("EXPLAIN PLAN WITHOUT IMPLEMENTATION FOR SELECT a FROM t", SqlExplain.class)
        .getDepth()).isEqualTo(SqlExplain.Depth.LOGICAL);
  }

  @Test
  void pluginStatementsCarryActionAndTarget() {
    final dev.laminar.sql.parser.ddl.SqlPluginCommand install =
        parse("INSTALL PLUGIN '/tmp/x-1.0.zip'", dev.laminar.sql.parser.ddl.SqlPluginCommand.class);
    assertThat(install.action()).isEqualTo(dev.laminar.sql.parser.ddl.SqlPluginCommand.Action.INSTALL);
    assertThat(install.targetText()).isEqualTo("/tmp/x-1.0.zip");
    assertThat(parse("update plugin 'y.zip'", dev.laminar.sql.parser.ddl.SqlPluginCommand.class).action())
        .isEqualTo(dev.laminar.sql.parser.ddl.SqlPluginCommand.Action.UPDATE);
    final dev.laminar.sql.parser.ddl.SqlPluginCommand remove =
        parse("REMOVE PLUGIN kafka", dev.laminar.sql.parser.ddl.SqlPluginCommand.class);
    assertThat(remove.targetText()).isEqualTo("kafka");
    assertThat(parse("SHOW PLUGINS", SqlShowObjects.class).kind())
        .isEqualTo(dev.laminar.sql.parser.ddl.ObjectKind.PLUGIN);
    assertRoundTrip("INSTALL PLUGIN 'a.zip'");
    assertRoundTrip("REMOVE PLUGIN kafka");
    // the new keywords stay usable as names
    assertThat(parse("SELECT plugin, install, remove FROM plugins")).isInstanceOf(SqlSelect.class);
  }

  @Test
  void latenessClausesFollowTheEmitClauseOrStandAlone() {
    final dev.laminar.sql.parser.ddl.SqlCreateStream both = parse("CREATE STREAM s AS SELECT a FROM t "
        + "EMIT ON WINDOW CLOSE ALLOW LATENESS INTERVAL '5' SECOND LATE DATA TO late_rows",
        dev.laminar.sql.parser.ddl.SqlCreateStream.class);
    assertThat(both.emit().mode()).isEqualTo(dev.laminar.sql.parser.ddl.EmitMode.ON_WINDOW_CLOSE);
    assertThat(both.emit().allowedLateness()).isNotNull();
    assertThat(both.emit().lateDataTarget().getSimple()).isEqualTo("late_rows");
    final dev.laminar.sql.parser.ddl.SqlCreateStream alone = parse(
        "CREATE STREAM s AS SELECT a FROM t ALLOW LATENESS INTERVAL '1' MINUTE", dev.laminar.sql.parser.ddl.SqlCreateStream.class);
    assertThat(alone.emit().mode()).isNull();
    assertThat(alone.emit().lateDataTarget()).isNull();
    final dev.laminar.sql.parser.ddl.SqlCreateStream target = parse(
        "CREATE STREAM s AS SELECT a FROM t LATE DATA TO side", dev.laminar.sql.parser.ddl.SqlCreateStream.class);
    assertThat(target.emit().allowedLateness()).isNull();
    assertRoundTrip("CREATE STREAM s AS SELECT a FROM t EMIT CHANGES ALLOW LATENESS INTERVAL '5' SECOND LATE DATA TO x");
    assertRoundTrip("CREATE STREAM s AS SELECT a FROM t LATE DATA TO x");
    assertThat(parse("SELECT late, lateness, data FROM t")).isInstanceOf(SqlSelect.class);
  }

  @Test
  void materializedViewsAreStreamsWithAFlag() {
    final dev.laminar.sql.parser.ddl.SqlCreateStream view = parse(
        "CREATE MATERIALIZED VIEW IF NOT EXISTS bars AS SELECT a FROM t EMIT ON WINDOW CLOSE",
        dev.laminar.sql.parser.ddl.SqlCreateStream.class);
    assertThat(view.materialized()).isTrue();
    assertThat(view.ifNotExists()).isTrue();
    assertThat(parse("CREATE STREAM s AS SELECT a FROM t", dev.laminar.sql.parser.ddl.SqlCreateStream.class).materialized()).isFalse();
    assertThat(parse("DROP MATERIALIZED VIEW IF EXISTS bars CASCADE", SqlDropObject.class).kind())
        .isEqualTo(dev.laminar.sql.parser.ddl.ObjectKind.VIEW);
    assertThat(parse("DROP VIEW bars", SqlDropObject.class).kind()).isEqualTo(dev.laminar.sql.parser.ddl.ObjectKind.VIEW);
    assertThat(parse("SHOW VIEWS", SqlShowObjects.class).kind()).isEqualTo(dev.laminar.sql.parser.ddl.ObjectKind.VIEW);
    assertRoundTrip("CREATE MATERIALIZED VIEW v AS SELECT a FROM t");
    assertThat(parse("SELECT materialized, views FROM t")).isInstanceOf(SqlSelect.class);
  }

  @Test
  void aProctimeColumnIsAComputedTimestamp() {
    final dev.laminar.sql.parser.ddl.SqlCreateSource source = parse(
        "CREATE SOURCE s (a INT, pt AS PROCTIME()) WITH ('connector' = 'memory')", dev.laminar.sql.parser.ddl.SqlCreateSource.class);
    assertThat(source.columnList().get(1).proctime()).isTrue();
    assertThat(source.columnList().get(1).nullable()).isFalse();
    assertThat(source.columnList().get(0).proctime()).isFalse();
    assertRoundTrip("CREATE SOURCE s (a INTEGER, pt AS PROCTIME()) WITH ('connector' = 'memory')");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.laminar.sql.parser.LaminarSqlParser.parseStatement(
        "CREATE SOURCE s (pt AS NOW()) WITH ('connector' = 'memory')"))
        .hasStackTraceContaining("a computed column can only be AS PROCTIME()");
  }
}
