package dev.laminar.runtime.expr;

import dev.laminar.runtime.ColumnarBatch;
import dev.laminar.sdk.type.DataType;
import dev.laminar.sdk.type.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * CAST between the SQL types. Numeric narrowing truncates towards zero like Java; a VARCHAR that
 * does not parse as the target type fails the row with a message quoting the value.
 */
public final class CastExpr extends Expr {
  private static final DateTimeFormatter TIMESTAMP_TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private final Expr input;
  private final TypeKind from;

  public CastExpr(Expr input, DataType target) {
    super(target);
    this.input = input;
    this.from = input.type().kind();
  }

  /** For the code generator. */
  public Expr input() {
    return input;
  }

  /** VARCHAR to BOOLEAN (1/0), INT, BIGINT or TIMESTAMP ({@code target}); unparsable text fails naming the value. */
  public static long parse(String s, DataType target) {
    String v = s.trim();
    try {
      return switch (target.kind()) {
        case BOOLEAN -> {
          if (v.equalsIgnoreCase("true")) {
            yield 1;
          }
          if (v.equalsIgnoreCase("false")) {
            yield 0;
          }
          throw new IllegalArgumentException(v);
        }
        case TIMESTAMP -> LocalDateTime.parse(v.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
        case INT -> Integer.parseInt(v);
        default -> Long.parseLong(v);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot cast '" + s + "' to " + target, e);
    }
  }

  /** VARCHAR to DOUBLE. */
  public static double parseDouble(String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot cast '" + s + "' to DOUBLE", e);
    }
  }

  /** VARCHAR to DECIMAL ({@code target}), before rescaling to its scale. */
  public static BigDecimal parseDecimal(String s, DataType target) {
    try {
      return new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot cast '" + s + "' to " + target, e);
    }
  }

  /** TIMESTAMP (epoch milliseconds, UTC) as text: {@code yyyy-MM-dd HH:mm:ss.SSS}. */
  public static String timestampText(long millis) {
    return TIMESTAMP_TEXT.format(LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), Math.floorMod(millis, 1000) * 1_000_000,
        ZoneOffset.UTC));
  }

  @Override
  public boolean isNull(ColumnarBatch b, int row) {
    return input.isNull(b, row);
  }

  @Override
  public long evalLong(ColumnarBatch b, int row) {
    return switch (from) {
      case BOOLEAN, INT, BIGINT, TIMESTAMP -> type.kind() == TypeKind.BOOLEAN ? (input.evalLong(b, row) != 0 ? 1 : 0)
          : type.kind() == TypeKind.INT ? (int) input.evalLong(b, row) : input.evalLong(b, row);
      case DOUBLE -> type.kind() == TypeKind.BOOLEAN ? (input.evalDouble(b, row) != 0 ? 1 : 0) : (long) input.evalDouble(b, row);
      case DECIMAL -> ((BigDecimal) input.evalObject(b, row)).longValue();
      case VARCHAR -> parse((String) input.evalObject(b, row), type);
      case BYTES -> throw new IllegalArgumentException("cannot cast BYTES to " + type);
    };
  }

  @Override
  public double evalDouble(ColumnarBatch b, int row) {
    if (from == TypeKind.VARCHAR) {
      return parseDouble((String) input.evalObject(b, row));
    }
    return input.evalAsDouble(b, row);
  }

  @Override
  public Object evalObject(ColumnarBatch b, int row) {
    if (type.kind() == TypeKind.DECIMAL) {
      BigDecimal d = from == TypeKind.VARCHAR ? parseDecimal((String) input.evalObject(b, row), type) : input.evalAsDecimal(b, row);
      return d.setScale(type.scale(), RoundingMode.HALF_UP);
    }
    if (type.kind() == TypeKind.VARCHAR) {
      return switch (from) {
        case BOOLEAN -> input.evalLong(b, row) != 0 ? "true" : "false";
        case INT, BIGINT -> Long.toString(input.evalLong(b, row));
        case DOUBLE -> Double.toString(input.evalDouble(b, row));
        case DECIMAL -> ((BigDecimal) input.evalObject(b, row)).toPlainString();
        case TIMESTAMP -> timestampText(input.evalLong(b, row));
        case VARCHAR -> input.evalObject(b, row);
        case BYTES -> new String((byte[]) input.evalObject(b, row), java.nio.charset.StandardCharsets.UTF_8);
      };
    }
    if (type.kind() == TypeKind.BYTES && from == TypeKind.VARCHAR) {
      return ((String) input.evalObject(b, row)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    return input.evalObject(b, row);
  }

  @Override
  public String toString() {
    return "CAST(" + input + " AS " + type + ")";
  }
}
