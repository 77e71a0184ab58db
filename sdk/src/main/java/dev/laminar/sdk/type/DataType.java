package dev.laminar.sdk.type;

import dev.laminar.sdk.annotation.Stable;
import java.util.Objects;

/**
 * A logical data type: a {@link TypeKind} plus precision and scale where the kind has them.
 * Instances are immutable value objects; compare with {@link #equals}.
 *
 * <p>How values are held in a batch (see {@link dev.laminar.sdk.row.RowBatch}):
 * BOOLEAN, INT, BIGINT and TIMESTAMP (epoch millis) as primitives; DOUBLE as a double;
 * DECIMAL with precision &le; {@value #MAX_COMPACT_DECIMAL_PRECISION} as an unscaled long, larger
 * as {@link java.math.BigDecimal}; VARCHAR as {@link String}; BYTES as {@code byte[]}.
 */
@Stable
public final class DataType {
  /** Largest DECIMAL precision whose values fit an unscaled {@code long}. */
  public static final int MAX_COMPACT_DECIMAL_PRECISION = 18;
  /** Largest DECIMAL precision accepted. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  public static final DataType BOOLEAN = new DataType(TypeKind.BOOLEAN, -1, -1);
  public static final DataType INT = new DataType(TypeKind.INT, -1, -1);
  public static final DataType BIGINT = new DataType(TypeKind.BIGINT, -1, -1);
  public static final DataType DOUBLE = new DataType(TypeKind.DOUBLE, -1, -1);
  public static final DataType VARCHAR = new DataType(TypeKind.VARCHAR, -1, -1);
  public static final DataType TIMESTAMP = new DataType(TypeKind.TIMESTAMP, 3, -1);
  public static final DataType BYTES = new DataType(TypeKind.BYTES, -1, -1);

  private final TypeKind kind;
  private final int precision;
  private final int scale;

  private DataType(TypeKind kind, int precision, int scale) {
    this.kind = kind;
    this.precision = precision;
    this.scale = scale;
  }

  /** DECIMAL(precision, scale); precision 1..38, scale 0..precision. */
  public static DataType decimal(int precision, int scale) {
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
      throw new IllegalArgumentException("DECIMAL precision must be 1.." + MAX_DECIMAL_PRECISION + ", was " + precision);
    }
    if (scale < 0 || scale > precision) {
      throw new IllegalArgumentException("DECIMAL scale must be 0.." + precision + ", was " + scale);
    }
    return new DataType(TypeKind.DECIMAL, precision, scale);
  }

  /** The type for a kind without parameters; DECIMAL is refused (it needs {@link #decimal}). */
  public static DataType of(TypeKind kind) {
    return switch (Objects.requireNonNull(kind, "kind is null")) {
      case BOOLEAN -> BOOLEAN;
      case INT -> INT;
      case BIGINT -> BIGINT;
      case DOUBLE -> DOUBLE;
      case VARCHAR -> VARCHAR;
      case TIMESTAMP -> TIMESTAMP;
      case BYTES -> BYTES;
      case DECIMAL -> throw new IllegalArgumentException("DECIMAL needs precision and scale: use DataType.decimal(p, s)");
    };
  }

  public TypeKind kind() {
    return kind;
  }

  /** Precision of DECIMAL (digits) or TIMESTAMP (fractional second digits, always 3); -1 otherwise. */
  public int precision() {
    return precision;
  }

  /** Scale of DECIMAL; -1 otherwise. */
  public int scale() {
    return scale;
  }

  /** True for DECIMAL types whose values are held as unscaled longs. */
  public boolean isCompactDecimal() {
    return kind == TypeKind.DECIMAL && precision <= MAX_COMPACT_DECIMAL_PRECISION;
  }

  /** True when values of this type live in a {@code long} slot of a batch. */
  public boolean isLongBacked() {
    return switch (kind) {
      case BOOLEAN, INT, BIGINT, TIMESTAMP -> true;
      case DECIMAL -> isCompactDecimal();
      default -> false;
    };
  }

  public boolean isNumeric() {
    return kind == TypeKind.INT || kind == TypeKind.BIGINT || kind == TypeKind.DOUBLE || kind == TypeKind.DECIMAL;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataType t && t.kind == kind && t.precision == precision && t.scale == scale;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, precision, scale);
  }

  /** SQL spelling, e.g. {@code DECIMAL(10, 2)} or {@code TIMESTAMP(3)}. */
  @Override
  public String toString() {
    return switch (kind) {
      case DECIMAL -> "DECIMAL(" + precision + ", " + scale + ")";
      case TIMESTAMP -> "TIMESTAMP(3)";
      default -> kind.name();
    };
  }
}
