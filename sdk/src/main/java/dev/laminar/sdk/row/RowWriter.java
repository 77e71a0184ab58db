package dev.laminar.sdk.row;

import dev.laminar.sdk.annotation.Stable;
import java.math.BigDecimal;

/**
 * Typed setters for the columns of the row being written. Columns are addressed by their index in
 * the schema. A column not set in a row is NULL. Setters never allocate for primitive types; for
 * VARCHAR and BYTES the reference is kept as given (do not mutate a {@code byte[]} after passing it).
 *
 * <p>Calling a setter whose type does not match the column's type throws {@link IllegalArgumentException}
 * naming the column; the exceptions are the widening conveniences documented on each method.
 */
@Stable
public interface RowWriter {
  void setNull(int column);

  void setBoolean(int column, boolean value);

  /** For INT columns; also accepted by BIGINT columns. */
  void setInt(int column, int value);

  /** For BIGINT columns; also accepted by INT columns when the value fits. */
  void setLong(int column, long value);

  /** For DOUBLE columns. */
  void setDouble(int column, double value);

  /** For compact DECIMAL columns (precision &le; 18): the unscaled value at the column's scale. */
  void setDecimalUnscaled(int column, long unscaledValue);

  /** For DECIMAL columns of any precision; rescaled (HALF_UP) to the column's scale. Allocates for compact decimals only if rescaling is needed. */
  void setDecimal(int column, BigDecimal value);

  /** For VARCHAR columns; {@code null} sets NULL. */
  void setString(int column, String value);

  /** For BYTES columns; {@code null} sets NULL. */
  void setBytes(int column, byte[] value);

  /** For TIMESTAMP columns: milliseconds since 1970-01-01T00:00:00 (no time zone). */
  void setTimestampMillis(int column, long epochMillis);

  /** Sets a boxed value of the column's Java representation (slow path; allocates for primitives). */
  void setObject(int column, Object value);
}
