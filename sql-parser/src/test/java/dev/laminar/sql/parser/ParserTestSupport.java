package dev.laminar.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;

/** Shared helpers for the parser tests. */
final class ParserTestSupport {
  private ParserTestSupport() {
  }

  static SqlNode parse(String sql) {
    try {
      return LaminarSqlParser.parseStatement(sql);
    } catch (SqlParseException e) {
      return fail("Could not parse: " + sql + "\n" + e.getMessage(), e);
    }
  }

  static <T extends SqlNode> T parse(String sql, Class<T> type) {
    final SqlNode node = parse(sql);
    assertThat(node).isInstanceOf(type);
    return type.cast(node);
  }

  /** SQL text of a node (identifiers double-quoted). */
  static String sql(SqlNode node) {
    return node.toSqlString(CalciteSqlDialect.DEFAULT).getSql();
  }

  /**
   * Asserts that parse -> unparse -> parse gives an equal tree with the same SQL text, and that
   * {@code SqlNode.clone} (which goes through the operator's createCall) preserves the node.
   * Returns the unparsed text.
   */
  static String assertRoundTrip(String sql) {
    final SqlNode first = parse(sql);
    final String unparsed = LaminarSqlParser.unparse(first);
    final SqlNode second = parse(unparsed);
    assertThat(second.getClass()).isEqualTo(first.getClass());
    assertThat(LaminarSqlParser.unparse(second)).isEqualTo(unparsed);
    assertThat(second.equalsDeep(first, Litmus.IGNORE))
        .as("equalsDeep after round trip of %s%nunparsed: %s", sql, unparsed)
        .isTrue();
    final SqlNode clone = first.clone(first.getParserPosition());
    assertThat(clone.getClass()).isEqualTo(first.getClass());
    assertThat(LaminarSqlParser.unparse(clone)).isEqualTo(unparsed);
    return unparsed;
  }
}
