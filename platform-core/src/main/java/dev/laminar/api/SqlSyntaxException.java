package dev.laminar.api;

/**
 * A statement failed to parse or validate. The message starts with {@code line L, column C:} and
 * says what was found and what was expected; {@link #line()} and {@link #column()} give the position.
 */
public final class SqlSyntaxException extends LaminarException {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final int column;

  public SqlSyntaxException(int line, int column, String message, Throwable cause) {
    super("line " + line + ", column " + column + ": " + message, cause);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
