package dev.laminar.differential;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.function.Supplier;

/**
 * SQL semantics for the reference side of the differential test, written from docs/SQL.md and the
 * SQL standard, sharing no code with the engine: three-valued logic, NULL-propagating functions,
 * half-away-from-zero rounding, UTC timestamps as {@link LocalDateTime}.
 */
final class Sql {
  private Sql() {}

  /** {@code f()} unless an argument is NULL (a strict function). */
  static <R> R strict(Object a, Supplier<R> f) {
    return a == null ? null : f.get();
  }

  static <R> R strict(Object a, Object b, Supplier<R> f) {
    return a == null || b == null ? null : f.get();
  }

  static <R> R strict(Object a, Object b, Object c, Supplier<R> f) {
    return a == null || b == null || c == null ? null : f.get();
  }

  // ---- three-valued logic ----

  static Boolean and(Boolean a, Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
      return false;
    }
    return a == null || b == null ? null : true;
  }

  static Boolean or(Boolean a, Boolean b) {
    if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
      return true;
    }
    return a == null || b == null ? null : false;
  }

  static Boolean not(Boolean a) {
    return a == null ? null : !a;
  }

  /** WHERE, HAVING, FILTER and CASE WHEN take a condition only when it is TRUE. */
  static boolean isTrue(Boolean b) {
    return Boolean.TRUE.equals(b);
  }

  /** Compares numbers of any type exactly, strings by code point, timestamps by time. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return decimal(x).compareTo(decimal(y));
    }
    return ((Comparable) a).compareTo(b);
  }

  private static BigDecimal decimal(Number n) {
    return n instanceof BigDecimal bd ? bd : n instanceof Double d ? new BigDecimal(d) : BigDecimal.valueOf(n.longValue());
  }

  static Boolean eq(Object a, Object b) {
    return strict(a, b, () -> compare(a, b) == 0);
  }

  static Boolean ne(Object a, Object b) {
    return strict(a, b, () -> compare(a, b) != 0);
  }

  static Boolean lt(Object a, Object b) {
    return strict(a, b, () -> compare(a, b) < 0);
  }

  static Boolean le(Object a, Object b) {
    return strict(a, b, () -> compare(a, b) <= 0);
  }

  static Boolean gt(Object a, Object b) {
    return strict(a, b, () -> compare(a, b) > 0);
  }

  static Boolean ge(Object a, Object b) {
    return strict(a, b, () -> compare(a, b) >= 0);
  }

  static Boolean between(Object x, Object low, Object high) {
    return and(ge(x, low), le(x, high));
  }

  /** {@code x IN (values)}: TRUE on a match, else NULL when x is NULL, else FALSE. */
  static Boolean in(Object x, Object... values) {
    Boolean result = false;
    for (Object v : values) {
      result = or(result, eq(x, v));
    }
    return result;
  }

  @SafeVarargs
  static <T> T coalesce(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  static <T> T nullif(T a, T b) {
    return a != null && b != null && compare(a, b) == 0 ? null : a;
  }

  // ---- strings ----

  /** {@code SUBSTRING(s FROM from FOR len)}: characters at positions [from, from + len) that exist (1-based). */
  static String substring(String s, int from, int len) {
    if (s == null) {
      return null;
    }
    int begin = Math.max(from, 1);
    int end = Math.min(from + len, s.length() + 1);
    return end <= begin ? "" : s.substring(begin - 1, end - 1);
  }

  /** {@code TRIM([BOTH|LEADING|TRAILING] chars FROM s)}: removes any of {@code chars}. */
  static String trim(String s, String chars, boolean leading, boolean trailing) {
    if (s == null) {
      return null;
    }
    int begin = 0;
    int end = s.length();
    while (leading && begin < end && chars.indexOf(s.charAt(begin)) >= 0) {
      begin++;
    }
    while (trailing && end > begin && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(begin, end);
  }

  static String concat(String a, String b) {
    return strict(a, b, () -> a + b);
  }

  // ---- numbers ----

  /** ROUND(x, digits) of a DOUBLE: half away from zero on the exact binary value. */
  static Double round(Double x, int digits) {
    return strict(x, () -> new BigDecimal(x).setScale(digits, RoundingMode.HALF_UP).doubleValue());
  }

  /** ROUND(x, digits) of a DECIMAL keeps the argument's scale. */
  static BigDecimal round(BigDecimal x, int digits) {
    return strict(x, () -> x.setScale(digits, RoundingMode.HALF_UP).setScale(x.scale(), RoundingMode.UNNECESSARY));
  }

  static Long round(Long x, int negativeDigits) {
    return strict(x, () -> BigDecimal.valueOf(x).setScale(negativeDigits, RoundingMode.HALF_UP).longValueExact());
  }

  // ---- timestamps (UTC, no time zone) ----

  static LocalDateTime time(long millis) {
    return StreamRow.time(millis);
  }

  /** EXTRACT(unit FROM ts) as BIGINT: DOW 1 = Sunday .. 7, WEEK the ISO week, MILLISECOND = s * 1000 + ms, EPOCH floors. */
  static long extract(String unit, long millis) {
    LocalDateTime t = time(millis);
    return switch (unit) {
      case "YEAR" -> t.getYear();
      case "QUARTER" -> (t.getMonthValue() + 2) / 3;
      case "MONTH" -> t.getMonthValue();
      case "WEEK" -> t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      case "DAY" -> t.getDayOfMonth();
      case "DOW" -> t.getDayOfWeek() == DayOfWeek.SUNDAY ? 1 : t.getDayOfWeek().getValue() + 1;
      case "DOY" -> t.getDayOfYear();
      case "HOUR" -> t.getHour();
      case "MINUTE" -> t.getMinute();
      case "SECOND" -> t.getSecond();
      case "MILLISECOND" -> t.getSecond() * 1000L + t.getNano() / 1_000_000;
      case "EPOCH" -> Math.floorDiv(millis, 1000);
      default -> throw new IllegalArgumentException(unit);
    };
  }

  static LocalDateTime floor(long millis, ChronoUnit unit) {
    return time(millis).truncatedTo(unit);
  }

  static LocalDateTime ceil(long millis, ChronoUnit unit) {
    LocalDateTime down = floor(millis, unit);
    return down.equals(time(millis)) ? down : down.plus(1, unit);
  }
}
