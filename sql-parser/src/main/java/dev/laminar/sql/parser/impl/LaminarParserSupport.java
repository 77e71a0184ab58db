package dev.laminar.sql.parser.impl;

/**
 * Lookahead predicates used by the generated {@link LaminarSqlParserImpl}. The build splices a call
 * to {@link #atEmitClause} into Calcite's table-alias rule so that {@code FROM t EMIT ON WINDOW
 * CLOSE} ends the query instead of aliasing {@code t} as {@code EMIT}, while EMIT stays a
 * non-reserved keyword (a column or alias named {@code emit} still works).
 */
public final class LaminarParserSupport {
  private LaminarParserSupport() {
  }

  /**
   * Whether the next tokens start an emit clause: {@code EMIT CHANGES | FINAL | EVERY},
   * {@code EMIT ON WINDOW | UPDATE}, {@code ALLOW LATENESS} or {@code LATE DATA TO}. ({@code EMIT ON <expr>} is a join condition after an alias
   * named emit; WINDOW and UPDATE are reserved, so they cannot start one.)
   */
  public static boolean atEmitClause(LaminarSqlParserImpl parser) {
    final int first = parser.getToken(1).kind;
    if (first == LaminarSqlParserImplConstants.LATE) {
      // LATE DATA TO name: an alias "late" is never followed by DATA TO
      return parser.getToken(2).kind == LaminarSqlParserImplConstants.DATA
          && parser.getToken(3).kind == LaminarSqlParserImplConstants.TO;
    }
    if (first == LaminarSqlParserImplConstants.ALLOW) {
      return parser.getToken(2).kind == LaminarSqlParserImplConstants.LATENESS;
    }
    if (first != LaminarSqlParserImplConstants.EMIT) {
      return false;
    }
    final int second = parser.getToken(2).kind;
    if (second == LaminarSqlParserImplConstants.CHANGES
        || second == LaminarSqlParserImplConstants.FINAL
        || second == LaminarSqlParserImplConstants.EVERY) {
      return true;
    }
    if (second == LaminarSqlParserImplConstants.ON) {
      final int third = parser.getToken(3).kind;
      return third == LaminarSqlParserImplConstants.WINDOW
          || third == LaminarSqlParserImplConstants.UPDATE;
    }
    return false;
  }
}
