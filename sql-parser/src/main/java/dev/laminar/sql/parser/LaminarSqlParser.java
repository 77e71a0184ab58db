package dev.laminar.sql.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

import dev.laminar.sql.parser.impl.LaminarSqlParserImpl;

/**
 * Entry point of Laminar's SQL parser: Calcite's grammar plus Laminar's statements (see package
 * {@code dev.laminar.sql.parser.ddl}).
 *
 * <p>Lexical conventions ({@link #config()}): identifiers are quoted with double quotes; unquoted
 * and quoted identifiers keep their case ({@link Casing#UNCHANGED}) and name lookup is
 * case-insensitive ({@code caseSensitive = false}); keywords are case-insensitive; conformance is
 * {@link SqlConformanceEnum#DEFAULT}.
 */
public final class LaminarSqlParser {
  private static final SqlParser.Config CONFIG = SqlParser.config()
      .withParserFactory(LaminarSqlParserImpl.FACTORY)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.UNCHANGED)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false)
      .withConformance(SqlConformanceEnum.DEFAULT);

  private LaminarSqlParser() {
  }

  /** The Calcite parser configuration for Laminar SQL (also to hand to Calcite's planner). */
  public static SqlParser.Config config() {
    return CONFIG;
  }

  /**
   * Parses a script of statements separated by {@code ;} (a trailing {@code ;} is optional; an
   * empty script gives an empty list).
   *
   * @throws SqlParseException on a syntax error; its message contains "line L, column C"
   */
  public static List<SqlNode> parseStatements(String sql) throws SqlParseException {
    if (sql.isEmpty()) {
      // Calcite's parser factory sizes JavaCC's buffer to the text length; 0 would crash it.
      return List.of();
    }
    final SqlNodeList list = SqlParser.create(sql, CONFIG).parseStmtList();
    final List<SqlNode> statements = new ArrayList<>(list.size());
    for (SqlNode statement : list) {
      statements.add(statement);
    }
    return Collections.unmodifiableList(statements);
  }

  /**
   * Parses exactly one statement; a trailing {@code ;} is allowed.
   *
   * @throws SqlParseException on a syntax error, or when the text holds no or several statements
   */
  public static SqlNode parseStatement(String sql) throws SqlParseException {
    final List<SqlNode> statements = parseStatements(sql);
    if (statements.size() != 1) {
      final SqlParserPos pos = statements.isEmpty()
          ? new SqlParserPos(1, 1)
          : statements.get(1).getParserPosition();
      throw new SqlParseException(
          "Expected exactly one statement but found " + statements.size()
              + (statements.isEmpty() ? "" : " (the second starts at line " + pos.getLineNum()
                  + ", column " + pos.getColumnNum() + ")"),
          pos, null, null, null);
    }
    return statements.get(0);
  }

  /**
   * Turns a node back into SQL text that {@link #parseStatement} parses to an equal node
   * (identifiers double-quoted, keywords upper case).
   */
  public static String unparse(SqlNode node) {
    return node.toSqlString(CalciteSqlDialect.DEFAULT).getSql();
  }
}
