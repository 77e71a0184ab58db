package dev.laminar.tck;

import dev.laminar.sdk.row.Row;
import dev.laminar.sdk.type.Column;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic test rows for any schema. Row {@code i} is a function of {@code i} alone, so a
 * failure is reproducible from the row index in its message.
 *
 * <p>The first column whose type can hold distinct values (anything but BOOLEAN) is the <em>key</em>:
 * never NULL and different in every row, which makes the rows distinct and lets the suites check
 * order. The other columns carry values that break naive connectors: strings with the delimiter,
 * quotes, line breaks, non-ASCII text, leading and trailing spaces and the empty string; negative
 * numbers; timestamps before 1970; NULL in every nullable non-key column now and then.
 */
public final class TestData {
  private static final String[] AWKWARD_STRINGS = {
    "plain", "comma, separated", "a \"quoted\" word", "line\nbreak", "unicode \u00fc \u20ac \u65e5\u672c",
    "", " padded ", "tab\there", "semi;colon", "back\\slash"
  };
  private static final LocalDateTime BASE_TIME = LocalDateTime.of(2026, 1, 1, 0, 0);

  private TestData() {}

  /** {@code count} rows for {@code schema}: see the class comment. */
  public static List<Row> rows(Schema schema, int count) {
    int key = keyColumn(schema);
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Object[] values = new Object[schema.size()];
      for (int c = 0; c < values.length; c++) {
        Column column = schema.column(c);
        boolean isKey = c == key;
        values[c] = !isKey && column.nullable() && (i + c) % 11 == 5 ? null : value(column.type(), i, isKey);
      }
      rows.add(Row.of(values));
    }
    return rows;
  }

  /** Index of the key column (see the class comment), or -1 when every column is BOOLEAN. */
  public static int keyColumn(Schema schema) {
    for (int c = 0; c < schema.size(); c++) {
      if (schema.column(c).type().kind() != dev.laminar.sdk.type.TypeKind.BOOLEAN) {
        return c;
      }
    }
    return -1;
  }

  /** The value of a column of {@code type} in row {@code i}; key values are distinct for distinct {@code i}. */
  public static Object value(DataType type, int i, boolean key) {
    return switch (type.kind()) {
      case BOOLEAN -> i % 3 != 0;
      case INT -> key ? i : i * 37 - 500;
      case BIGINT -> key ? (long) i : (i % 4 - 2) * 3_000_000_000L + i;
      case DOUBLE -> key ? i + 0.5 : (i - 20) * 0.25;
      case DECIMAL -> decimal(type, i, key);
      case VARCHAR -> key ? "key-" + i : AWKWARD_STRINGS[i % AWKWARD_STRINGS.length] + (i % 10 == 5 ? "" : " #" + i);
      case TIMESTAMP -> key || i % 13 != 0
          ? BASE_TIME.plusSeconds(i * 61L).plusNanos((i * 7L % 1000) * 1_000_000L)
          : LocalDateTime.of(1969, 12, 31, 23, 59, 59).minusSeconds(i).plusNanos(999_000_000L);
      case BYTES -> new byte[] {(byte) i, (byte) (i >>> 8), 0, (byte) -1, (byte) (i * 31)};
    };
  }

  private static BigDecimal decimal(DataType type, int i, boolean key) {
    int digits = Math.min(type.precision(), 9);
    long bound = (long) Math.pow(10, digits);
    long unscaled = key ? i % bound : ((i * 7919L) % bound) * (i % 2 == 0 ? 1 : -1);
    return new BigDecimal(BigInteger.valueOf(unscaled), type.scale());
  }
}
