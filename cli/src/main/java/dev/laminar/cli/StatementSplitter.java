package dev.laminar.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at top-level semicolons, skipping those inside quoted strings
 * ({@code '...'}), quoted identifiers ({@code "..."}, {@code `...`}), line comments ({@code --}) and
 * block comments. Lets the shell know when a statement is complete and lets {@code run} execute a
 * file statement by statement while reporting positions relative to the file.
 */
final class StatementSplitter {
  private StatementSplitter() {}

  /**
   * A statement, without its terminating semicolon.
   *
   * @param text the statement's text, from just after the previous semicolon (comments included)
   * @param line line (1-based) where {@code text} starts in the input
   * @param column column (1-based) where {@code text} starts
   * @param tokenLine line of the statement's first token (past whitespace and comments)
   * @param tokenColumn column of the statement's first token
   */
  record Statement(String text, int line, int column, int tokenLine, int tokenColumn) {
    /** The input position of {@code (relLine, relColumn)}, a position within {@link #text}. */
    int[] toInput(int relLine, int relColumn) {
      return relLine <= 1 ? new int[] {line, column + relColumn - 1} : new int[] {line + relLine - 1, relColumn};
    }
  }

  /**
   * The split of a text.
   *
   * @param statements complete statements (terminated by a semicolon) that contain a token
   * @param remainder text after the last semicolon
   * @param rest the remainder as a statement, or null when it holds no token (only blanks and comments)
   */
  record Result(List<Statement> statements, String remainder, Statement rest) {}

  private enum State { CODE, STRING, DQUOTE, BACKTICK, LINE_COMMENT, BLOCK_COMMENT }

  static Result split(CharSequence sql) {
    List<Statement> statements = new ArrayList<>();
    State state = State.CODE;
    int start = 0;
    int startLine = 1;
    int startColumn = 1;
    int tokenLine = -1;
    int tokenColumn = -1;
    int line = 1;
    int column = 1;
    int n = sql.length();
    for (int i = 0; i < n; i++) {
      char c = sql.charAt(i);
      char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
      switch (state) {
        case CODE -> {
          if (c == '-' && next == '-') {
            state = State.LINE_COMMENT;
          } else if (c == '/' && next == '*') {
            state = State.BLOCK_COMMENT;
            i++;
            column++;
          } else if (c == ';') {
            if (tokenLine > 0) {
              statements.add(new Statement(sql.subSequence(start, i).toString(), startLine, startColumn, tokenLine, tokenColumn));
            }
            start = i + 1;
            startLine = line;
            startColumn = column + 1;
            tokenLine = -1;
          } else if (!Character.isWhitespace(c)) {
            if (tokenLine < 0) {
              tokenLine = line;
              tokenColumn = column;
            }
            if (c == '\'') {
              state = State.STRING;
            } else if (c == '"') {
              state = State.DQUOTE;
            } else if (c == '`') {
              state = State.BACKTICK;
            }
          }
        }
        case STRING -> state = c == '\'' ? State.CODE : state;
        case DQUOTE -> state = c == '"' ? State.CODE : state;
        case BACKTICK -> state = c == '`' ? State.CODE : state;
        case LINE_COMMENT -> state = c == '\n' ? State.CODE : state;
        case BLOCK_COMMENT -> {
          if (c == '*' && next == '/') {
            state = State.CODE;
            i++;
            column++;
          }
        }
      }
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    String remainder = sql.subSequence(start, n).toString();
    Statement rest = tokenLine > 0 ? new Statement(remainder, startLine, startColumn, tokenLine, tokenColumn) : null;
    return new Result(List.copyOf(statements), remainder, rest);
  }
}
