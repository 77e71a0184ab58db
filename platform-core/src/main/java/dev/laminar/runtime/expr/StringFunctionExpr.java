package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import java.util.regex.Pattern;

/**
 * String functions over VARCHAR arguments: SUBSTRING, TRIM (BOTH/LEADING/TRAILING a set of
 * characters), POSITION, REPLACE, INITCAP, n-ary CONCAT and REGEXP_REPLACE. NULL in any argument
 * gives NULL. Positions count UTF-16 code units from 1, as CHAR_LENGTH does.
 */
public final class StringFunctionExpr extends Expr {
  /** The function. */
  public enum Fn { SUBSTRING, TRIM_BOTH, TRIM_LEADING, TRIM_TRAILING, POSITION, REPLACE, INITCAP, CONCAT, REGEXP_REPLACE }

  private final Fn fn;
  private final Expr[] args;
  /** REGEXP_REPLACE: the last pattern compiled (the pattern is usually a literal). */
  private String lastRegex;
  private Pattern lastPattern;

  public StringFunctionExpr(Fn fn, DataType type, Expr... args) {
    super(type);
    this.fn = fn;
    this.args = args.clone();
    if (fn == Fn.REGEXP_REPLACE && args[1] instanceof LiteralExpr lit && !lit.isNull(null, 0)) {
      pattern((String) lit.evalObject(null, 0)); // an invalid literal pattern fails at planning time
    }
  }

  /** For the code generator. */
  public Fn fn() {
    return fn;
  }

  /** For the code generator. */
  public Expr[] args() {
    return args.clone();
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    for (Expr a : args) {
      if (a.isNull(b, row)) {
        return true;
      }
    }
    return false;
  }

  private String str(int i, ColumnarBatch b, int row) {
    return (String) args[i].evalObject(b, row);
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    if (fn != Fn.POSITION) {
      throw new UnsupportedOperationException(fn + " has no long value");
    }
    return position(str(0, b, row), str(1, b, row), args.length > 2 ? args[2].evalLong(b, row) : 1);
  }

  /** POSITION(needle IN haystack FROM from): 1-based, 0 when absent or {@code from} is out of range. */
  public static long position(String needle, String haystack, long from) {
    if (from < 1 || from > haystack.length() + 1L) {
      return 0;
    }
    return haystack.indexOf(needle, (int) from - 1) + 1;
  }

  /** REPLACE(s, from, to): every occurrence; an empty {@code from} leaves {@code s} as it is. */
  public static String replace(String s, String from, String to) {
    return from.isEmpty() ? s : s.replace(from, to);
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    return switch (fn) {
      case SUBSTRING -> substring(str(0, b, row), args[1].evalLong(b, row), args.length > 2 ? args[2].evalLong(b, row) : Long.MAX_VALUE);
      case TRIM_BOTH -> trim(str(1, b, row), str(0, b, row), true, true);
      case TRIM_LEADING -> trim(str(1, b, row), str(0, b, row), true, false);
      case TRIM_TRAILING -> trim(str(1, b, row), str(0, b, row), false, true);
      case REPLACE -> replace(str(0, b, row), str(1, b, row), str(2, b, row));
      case INITCAP -> initcap(str(0, b, row));
      case CONCAT -> {
        StringBuilder sb = new StringBuilder();
        for (Expr a : args) {
          sb.append((String) a.evalObject(b, row));
        }
        yield sb.toString();
      }
      case REGEXP_REPLACE -> pattern(str(1, b, row)).matcher(str(0, b, row)).replaceAll(str(2, b, row));
      case POSITION -> throw new UnsupportedOperationException("POSITION is an integer");
    };
  }

  /** For the code generator: REGEXP_REPLACE's pattern compiled once when it is a non-NULL literal, else null. */
  public Pattern literalPattern() {
    return fn == Fn.REGEXP_REPLACE && args[1] instanceof LiteralExpr lit && !lit.isNull(null, 0)
        ? Pattern.compile((String) lit.evalObject(null, 0)) : null;
  }

  private Pattern pattern(String regex) {
    if (!regex.equals(lastRegex)) {
      lastPattern = Pattern.compile(regex);
      lastRegex = regex;
    }
    return lastPattern;
  }

  /** SQL SUBSTRING: characters at 1-based positions [start, start + length) that exist. */
  public static String substring(String s, long start, long length) {
    if (length < 0) {
      throw new IllegalArgumentException("SUBSTRING with negative length " + length);
    }
    long end = length == Long.MAX_VALUE || start > Long.MAX_VALUE - length ? Long.MAX_VALUE : start + length;
    long from = Math.max(start, 1);
    long to = Math.min(end, s.length() + 1L);
    return to <= from ? "" : s.substring((int) from - 1, (int) to - 1);
  }

  /** Removes every character contained in {@code chars} from the chosen ends. */
  public static String trim(String s, String chars, boolean leading, boolean trailing) {
    int from = 0;
    int to = s.length();
    while (leading && from < to && chars.indexOf(s.charAt(from)) >= 0) {
      from++;
    }
    while (trailing && to > from && chars.indexOf(s.charAt(to - 1)) >= 0) {
      to--;
    }
    return s.substring(from, to);
  }

  /** First letter of every word upper case, the rest lower case; words are runs of letters and digits. */
  public static String initcap(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean wordStart = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        sb.append(wordStart ? Character.toUpperCase(c) : Character.toLowerCase(c));
        wordStart = false;
      } else {
        sb.append(c);
        wordStart = true;
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(fn.name()).append('(');
    for (int i = 0; i < args.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(args[i]);
    }
    return sb.append(')').toString();
  }
}
