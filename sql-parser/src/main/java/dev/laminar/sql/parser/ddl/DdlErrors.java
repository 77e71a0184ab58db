package dev.laminar.sql.parser.ddl;

import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * Builds positioned errors for Laminar's statements. Thrown while parsing, Calcite's parser turns
 * them into a {@link org.apache.calcite.sql.parser.SqlParseException} at the same position.
 */
public final class DdlErrors {
  private DdlErrors() {
  }

  /**
   * Returns an exception for {@code message} at {@code pos}. The cause's message (what a
   * {@code SqlParseException} shows) ends with "at line L, column C" unless {@code pos} is
   * {@link SqlParserPos#ZERO}.
   */
  public static CalciteContextException error(SqlParserPos pos, String message) {
    final String located = pos.equals(SqlParserPos.ZERO)
        ? message
        : message + " at line " + pos.getLineNum() + ", column " + pos.getColumnNum();
    final String context = "From line " + pos.getLineNum() + ", column " + pos.getColumnNum()
        + " to line " + pos.getEndLineNum() + ", column " + pos.getEndColumnNum();
    return new CalciteContextException(context, new SqlValidatorException(located, null),
        pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum());
  }
}
