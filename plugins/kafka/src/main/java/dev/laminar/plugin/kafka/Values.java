package dev.laminar.plugin.kafka;

import dev.laminar.sdk.row.RowKind;
import dev.laminar.sdk.row.RowWriter;
import dev.laminar.sdk.type.DataType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;

/**
 * Text forms of column values, shared by the CSV and JSON formats: parsing into a {@link RowWriter}
 * and formatting for the sink. A value that cannot be parsed throws {@link IllegalArgumentException}
 * whose message is the reason, for the caller to report as a bad record (a copy of the file connector's Values: plugins cannot share code outside the SDK).
 */
final class Values {
  /** How the sink writes TIMESTAMP: ISO-8601 local date-time with milliseconds. */
  static final DateTimeFormatter TIMESTAMP_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);

  private Values() {}

  /** Parses {@code text} as a value of {@code type} and sets it on column {@code column}. */
  static void parseInto(RowWriter out, int column, DataType type, String text) {
    String t = type.kind() == dev.laminar.sdk.type.TypeKind.VARCHAR ? text : text.strip();
    try {
      switch (type.kind()) {
        case BOOLEAN -> out.setBoolean(column, parseBoolean(t));
        case INT -> out.setInt(column, Integer.parseInt(t));
        case BIGINT -> out.setLong(column, Long.parseLong(t));
        case DOUBLE -> out.setDouble(column, Double.parseDouble(t));
        case DECIMAL -> out.setDecimal(column, fit(new BigDecimal(t), type));
        case VARCHAR -> out.setString(column, t);
        case TIMESTAMP -> out.setTimestampMillis(column, parseTimestamp(t));
        case BYTES -> out.setBytes(column, Base64.getDecoder().decode(t));
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("cannot parse '" + abbreviate(text) + "' as " + type);
    } catch (IllegalArgumentException e) {
      // Base64 and our own checks; keep their reason
      throw new IllegalArgumentException("cannot parse '" + abbreviate(text) + "' as " + type + ": " + e.getMessage());
    }
  }

  static boolean parseBoolean(String t) {
    if (t.equalsIgnoreCase("true") || t.equals("1")) {
      return true;
    }
    if (t.equalsIgnoreCase("false") || t.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException("expected true or false");
  }

  /** {@code value} at the type's scale (HALF_UP), or an exception when its integer part does not fit. */
  static BigDecimal fit(BigDecimal value, DataType type) {
    BigDecimal scaled = value.setScale(type.scale(), RoundingMode.HALF_UP);
    if (scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
      throw new IllegalArgumentException("more than " + (type.precision() - type.scale()) + " digits before the point");
    }
    return scaled;
  }

  /**
   * Epoch milliseconds of a TIMESTAMP written as epoch milliseconds ({@code 1767225600123}), ISO-8601
   * local date-time with {@code T} or a space ({@code 2026-01-01T00:00:00.123},
   * {@code 2026-01-01 00:00:00.123}), a date ({@code 2026-01-01}), or a date-time with offset
   * ({@code 2026-01-01T00:00:00Z}, converted to UTC). Digits beyond milliseconds are dropped.
   */
  static long parseTimestamp(String t) {
    if (isInteger(t)) {
      return Long.parseLong(t);
    }
    String iso = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
    try {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException notLocal) {
      try {
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
      } catch (DateTimeParseException notOffset) {
        return LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
      }
    }
  }

  /** The sink's text for a TIMESTAMP value. */
  static String formatTimestamp(long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
        (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
    return TIMESTAMP_FORMAT.format(t);
  }

  /** Parses a row kind written by the sink ({@code +I}, {@code -U}, {@code +U}, {@code -D}) or its enum name. */
  static RowKind parseRowKind(String text) {
    String t = text.strip();
    for (RowKind kind : RowKind.values()) {
      if (kind.shortName().equals(t) || kind.name().equalsIgnoreCase(t)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("row kind '" + abbreviate(text) + "' is none of +I, -U, +U, -D");
  }

  private static boolean isInteger(String t) {
    int start = t.startsWith("-") ? 1 : 0;
    if (t.length() == start) {
      return false;
    }
    for (int i = start; i < t.length(); i++) {
      if (t.charAt(i) < '0' || t.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
