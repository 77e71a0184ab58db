package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import java.util.regex.Pattern;

/**
 * {@code s LIKE pattern [ESCAPE e]} and {@code s SIMILAR TO pattern [ESCAPE e]}: case-sensitive,
 * matching the whole string. NULL if any operand is NULL. The pattern is translated to a Java regex
 * once per distinct pattern value (usually once: patterns are mostly literals).
 */
public final class LikeExpr extends Expr {
  private final boolean similar;
  private final Expr value;
  private final Expr pattern;
  private final Expr escape;
  private String lastPattern;
  private String lastEscape;
  private Pattern compiled;

  /** {@code escape} may be null (no escape character). */
  public LikeExpr(boolean similar, Expr value, Expr pattern, Expr escape) {
    super(DataType.BOOLEAN);
    this.similar = similar;
    this.value = value;
    this.pattern = pattern;
    this.escape = escape;
    if (pattern instanceof LiteralExpr p && !p.isNull(null, 0) && (escape == null || escape instanceof LiteralExpr e && !e.isNull(null, 0))) {
      compile((String) p.evalObject(null, 0), escape == null ? null : (String) escape.evalObject(null, 0)); // bad literal: planning error
    }
  }

  /** For the code generator. */
  public Expr value() {
    return value;
  }

  /**
   * For the code generator: the pattern compiled once when it and the escape (if any) are non-NULL
   * literals, else null (it is computed per row).
   */
  public Pattern literalPattern() {
    if (pattern instanceof LiteralExpr p && !p.isNull(null, 0) && (escape == null || escape instanceof LiteralExpr e && !e.isNull(null, 0))) {
      return Pattern.compile(toRegex((String) p.evalObject(null, 0), escape == null ? null : (String) escape.evalObject(null, 0), similar),
          Pattern.DOTALL);
    }
    return null;
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return value.isNull(b, row) || pattern.isNull(b, row) || (escape != null && escape.isNull(b, row));
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    Pattern p = compile((String) pattern.evalObject(b, row), escape == null ? null : (String) escape.evalObject(b, row));
    return p.matcher((String) value.evalObject(b, row)).matches() ? 1 : 0;
  }

  private Pattern compile(String p, String esc) {
    if (!p.equals(lastPattern) || !java.util.Objects.equals(esc, lastEscape)) {
      compiled = Pattern.compile(toRegex(p, esc, similar), Pattern.DOTALL);
      lastPattern = p;
      lastEscape = esc;
    }
    return compiled;
  }

  /** The Java regex of a LIKE or SIMILAR TO pattern. */
  static String toRegex(String p, String esc, boolean similar) {
    if (esc != null && esc.length() != 1) {
      throw new IllegalArgumentException("ESCAPE must be one character, was '" + esc + "'");
    }
    char e = esc == null ? 0 : esc.charAt(0);
    StringBuilder sb = new StringBuilder();
    boolean inClass = false; // SIMILAR TO: inside [...] characters keep their regex meaning
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (similar && inClass && c != '\\') {
        sb.append(c);
        inClass = c != ']';
      } else if (esc != null && c == e) {
        if (i + 1 == p.length()) {
          throw new IllegalArgumentException("pattern '" + p + "' ends with the escape character");
        }
        char next = p.charAt(++i);
        if (!similar && next != '%' && next != '_' && next != e) {
          throw new IllegalArgumentException("invalid escape sequence '" + c + next + "' in pattern '" + p + "'");
        }
        sb.append(Pattern.quote(String.valueOf(next)));
      } else if (c == '%') {
        sb.append(".*");
      } else if (c == '_') {
        sb.append('.');
      } else if (similar && "|*+?{}()[".indexOf(c) >= 0) {
        sb.append(c); // SIMILAR TO keeps regular-expression operators
        inClass = c == '[';
      } else if (Character.isLetterOrDigit(c)) {
        sb.append(c);
      } else {
        sb.append('\\').append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "(" + value + (similar ? " SIMILAR TO " : " LIKE ") + pattern + (escape == null ? "" : " ESCAPE " + escape) + ")";
  }
}
