package dev.laminar.sql.parser;

import static dev.laminar.sql.parser.ParserTestSupport.assertRoundTrip;
import static dev.laminar.sql.parser.ParserTestSupport.parse;
import static dev.laminar.sql.parser.ParserTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.junit.jupiter.api.Test;

import dev.laminar.sql.parser.ddl.ObjectKind;
import dev.laminar.sql.parser.ddl.SqlColumnDeclaration;
import dev.laminar.sql.parser.ddl.SqlCreateSink;
import dev.laminar.sql.parser.ddl.SqlCreateSource;
import dev.laminar.sql.parser.ddl.SqlCreateStream;
import dev.laminar.sql.parser.ddl.SqlDropObject;
import dev.laminar.sql.parser.ddl.SqlShowObjects;
import dev.laminar.sql.parser.impl.LaminarSqlParserImpl;

/** The entry point: configuration, scripts, errors, keywords as identifiers, plain queries. */
class LaminarSqlParserTest {

  private static final String OHLC = """
      SELECT symbol, window_start, window_end, FIRST_VALUE(price) AS open, MAX(price), MIN(price),
        LAST_VALUE(price), SUM(qty)
      FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
      GROUP BY symbol, window_start, window_end""";

  @Test
  void configUsesLaminarParserAndDocumentedLex() {
    final SqlParser.Config config = LaminarSqlParser.config();
    assertThat(config.parserFactory()).isSameAs(LaminarSqlParserImpl.FACTORY);
    assertThat(config.quoting()).isEqualTo(Quoting.DOUBLE_QUOTE);
    assertThat(config.unquotedCasing()).isEqualTo(Casing.UNCHANGED);
    assertThat(config.quotedCasing()).isEqualTo(Casing.UNCHANGED);
    assertThat(config.caseSensitive()).isFalse();
    assertThat(config.conformance()).isEqualTo(SqlConformanceEnum.DEFAULT);
  }

  @Test
  void identifiersKeepTheirCase() {
    final SqlCreateSource source =
        parse("create SOURCE MyTrades (\"Quoted Col\" int, plainCol int)", SqlCreateSource.class);
    assertThat(source.name().getSimple()).isEqualTo("MyTrades");
    assertThat(source.columnList()).extracting(c -> c.name().getSimple())
        .containsExactly("Quoted Col", "plainCol");
  }

  @Test
  void tumbleWithFirstAndLastValueWithoutOver() {
    final SqlSelect select = parse(OHLC, SqlSelect.class);
    final List<SqlNode> items = select.getSelectList().getList();
    assertThat(items).hasSize(8);

    final SqlCall open = (SqlCall) items.get(3);
    assertThat(open.getKind()).isEqualTo(SqlKind.AS);
    // The parser leaves functions unresolved (kind OTHER_FUNCTION); the validator resolves
    // FIRST_VALUE etc. What matters here: a plain call, no OVER.
    final SqlCall firstValue = open.operand(0);
    assertThat(firstValue.getOperator().getName()).isEqualTo("FIRST_VALUE");
    assertThat(firstValue.getOperandList()).singleElement()
        .satisfies(arg -> assertThat(((SqlIdentifier) arg).getSimple()).isEqualTo("price"));
    assertThat(((SqlIdentifier) open.operand(1)).getSimple()).isEqualTo("open");
    assertThat(((SqlCall) items.get(6)).getOperator().getName()).isEqualTo("LAST_VALUE");
    assertThat(((SqlCall) items.get(4)).getOperator().getName()).isEqualTo("MAX");
    assertThat(((SqlCall) items.get(7)).getOperator().getName()).isEqualTo("SUM");
    for (SqlNode item : items) {
      assertThat(sql(item)).doesNotContain("OVER");
    }

    final SqlBasicCall table = (SqlBasicCall) select.getFrom();
    assertThat(table.getKind()).isEqualTo(SqlKind.COLLECTION_TABLE);
    final SqlCall tumble = table.operand(0);
    assertThat(tumble.getOperator().getName()).isEqualTo("TUMBLE");
    assertThat(tumble.getOperandList()).hasSize(3);
    assertThat(((SqlCall) tumble.operand(1)).getOperator().getName()).isEqualTo("DESCRIPTOR");
    assertThat(tumble.getOperandList().get(2)).isInstanceOf(SqlIntervalLiteral.class);
    assertThat(select.getGroup()).hasSize(3);

    assertRoundTrip(OHLC);
  }

  @Test
  void newKeywordsAreUsableAsIdentifiers() {
    final SqlCreateSource source = parse("""
        CREATE SOURCE source (
          source INT, sink INT, sinks INT, sources INT, streams INT, watermark BIGINT,
          emit INT, close DOUBLE, connector STRING, connectors INT, changes INT,
          string STRING, bytes BYTES, if INT, final INT, cascade INT,
          WATERMARK FOR watermark AS watermark
        )""", SqlCreateSource.class);
    assertThat(source.name().getSimple()).isEqualTo("source");
    assertThat(source.columnList()).extracting(c -> c.name().getSimple()).containsExactly(
        "source", "sink", "sinks", "sources", "streams", "watermark", "emit", "close",
        "connector", "connectors", "changes", "string", "bytes", "if", "final", "cascade");
    assertThat(source.watermark().column().getSimple()).isEqualTo("watermark");
    assertRoundTrip("CREATE SOURCE source (source INT, sink INT, watermark BIGINT, "
        + "WATERMARK FOR watermark AS watermark)");

    final SqlSelect select = parse("""
        SELECT source, sink, watermark, emit, close, connector, connectors, sources, sinks,
          streams, changes, string, bytes, if, final
        FROM t
        WHERE emit > 1 AND close < 2""", SqlSelect.class);
    assertThat(select.getSelectList()).hasSize(15);
    assertThat(select.getWhere()).isNotNull();

    assertThat(parse("CREATE SINK sink FROM source", SqlCreateSink.class).from().getSimple())
        .isEqualTo("source");
    assertThat(parse("DROP SINK sink", SqlDropObject.class).name().getSimple()).isEqualTo("sink");
    assertThat(parse("CREATE SOURCE if (a INT)", SqlCreateSource.class).name().getSimple())
        .isEqualTo("if");
    assertThat(parse("CREATE STREAM emit AS SELECT emit FROM watermark", SqlCreateStream.class)
        .name().getSimple()).isEqualTo("emit");
  }

  @Test
  void reservedWordsStayReservedButCanBeQuoted() {
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement("SELECT stream FROM t"))
        .isInstanceOf(SqlParseException.class);
    final SqlCreateSource source =
        parse("CREATE SOURCE t (\"stream\" INT, \"window\" INT)", SqlCreateSource.class);
    assertThat(source.columnList()).extracting(c -> c.name().getSimple())
        .containsExactly("stream", "window");
    assertRoundTrip("CREATE SOURCE t (\"stream\" INT, \"window\" INT)");
  }

  @Test
  void castToStringAndBytes() {
    final SqlSelect select = parse("SELECT CAST(a AS STRING), CAST(b AS BYTES) FROM t",
        SqlSelect.class);
    assertThat(sql(select.getSelectList().get(0))).isEqualTo("CAST(\"a\" AS VARCHAR)");
    assertThat(sql(select.getSelectList().get(1))).isEqualTo("CAST(\"b\" AS VARBINARY)");
  }

  @Test
  void scriptOfStatements() throws SqlParseException {
    final List<SqlNode> statements = LaminarSqlParser.parseStatements("""
        -- a Laminar script
        CREATE SOURCE trades (symbol STRING, price DOUBLE, ts TIMESTAMP(3),
          WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'datagen');
        CREATE STREAM agg AS
          SELECT symbol, MAX(price) AS high
          FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
          GROUP BY symbol, window_start, window_end
          EMIT ON WINDOW CLOSE;
        CREATE SINK console FROM agg WITH ('connector' = 'stdout');
        /* listing */
        SHOW STREAMS;
        DESCRIBE STREAM agg;
        EXPLAIN SELECT * FROM agg;
        SELECT * FROM agg;
        DROP SINK IF EXISTS console;
        """);
    assertThat(statements).extracting(Object::getClass).containsExactly(
        SqlCreateSource.class, SqlCreateStream.class, SqlCreateSink.class,
        SqlShowObjects.class, dev.laminar.sql.parser.ddl.SqlDescribeObject.class,
        dev.laminar.sql.parser.ddl.SqlExplainStatement.class, SqlSelect.class,
        SqlDropObject.class);
    assertThat(((SqlShowObjects) statements.get(3)).kind()).isEqualTo(ObjectKind.STREAM);
    assertThat(statements.get(1).getParserPosition().getLineNum()).isEqualTo(4);

    assertThat(LaminarSqlParser.parseStatements("")).isEmpty();
    assertThat(LaminarSqlParser.parseStatements("SHOW SOURCES")).hasSize(1);
  }

  @Test
  void parseStatementAllowsTrailingSemicolonButOnlyOneStatement() {
    assertThat(parse("SHOW SINKS;")).isInstanceOf(SqlShowObjects.class);
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement("SHOW SINKS;\nSHOW SOURCES"))
        .isInstanceOfSatisfying(SqlParseException.class, e -> {
          assertThat(e.getMessage()).contains("Expected exactly one statement but found 2")
              .contains("line 2, column 1");
          assertThat(e.getPos().getLineNum()).isEqualTo(2);
        });
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement("  "))
        .isInstanceOf(SqlParseException.class)
        .hasMessageContaining("found 0");
  }

  @Test
  void syntaxErrorOnSecondLineReportsLineAndColumn() {
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement(
        "CREATE SOURCE t (a INT)\nWITH ('k' = 'v' 'x' = 'y')"))
        .isInstanceOfSatisfying(SqlParseException.class, e -> {
          assertThat(e.getMessage())
              .contains("line 2, column 17")
              .contains("Was expecting");
          assertThat(e.getPos().getLineNum()).isEqualTo(2);
          assertThat(e.getPos().getColumnNum()).isEqualTo(17);
        });

    assertThatThrownBy(() -> LaminarSqlParser.parseStatements(
        "SHOW SOURCES;\nCREATE STREAM s AS\n  SELECT a FROM t EMIT ON WINDOW OPEN"))
        .isInstanceOfSatisfying(SqlParseException.class, e -> {
          assertThat(e.getMessage()).contains("line 3, column 34").contains("Was expecting");
          assertThat(e.getPos().getLineNum()).isEqualTo(3);
          assertThat(e.getPos().getColumnNum()).isEqualTo(34);
        });
  }

  @Test
  void optionWithoutValueReportsPosition() {
    assertThatThrownBy(() -> LaminarSqlParser.parseStatement(
        "CREATE SOURCE t (a INT) WITH ('k')"))
        .isInstanceOfSatisfying(SqlParseException.class, e -> {
          assertThat(e.getMessage())
              .contains("line 1, column 34")
              .contains("Was expecting")
              .contains("\"=\"");
          assertThat(e.getPos().getLineNum()).isEqualTo(1);
          assertThat(e.getPos().getColumnNum()).isEqualTo(34);
        });
  }

  @Test
  void columnDeclarationCarriesType() {
    final SqlColumnDeclaration column = parse("CREATE SOURCE t (a DECIMAL(5, 1) NOT NULL)",
        SqlCreateSource.class).columnList().get(0);
    assertThat(sql(column)).isEqualTo("\"a\" DECIMAL(5, 1) NOT NULL");
  }
}
