package dev.laminar.sdk.row;

import dev.laminar.sdk.annotation.Stable;
import dev.laminar.sdk.type.Schema;
import java.math.BigDecimal;

/**
 * Read access to a batch of rows, addressed by row index (0..size-1) and column index. Sinks and
 * subscribers receive batches through this interface.
 *
 * <p>Lifetime: a batch is valid only during the call that passed it (the engine reuses it
 * afterwards). Copy what must outlive the call, e.g. with {@link #toRow(int)}.
 * Reading a NULL column through a primitive getter returns 0 / false; check {@link #isNull} first.
 */
@Stable
public interface RowBatch {
  Schema schema();

  int size();

  RowKind rowKind(int row);

  boolean isNull(int row, int column);

  boolean getBoolean(int row, int column);

  /** INT columns. */
  int getInt(int row, int column);

  /** INT, BIGINT and TIMESTAMP (epoch millis) columns. */
  long getLong(int row, int column);

  double getDouble(int row, int column);

  /** Compact DECIMAL columns: the unscaled value. */
  long getDecimalUnscaled(int row, int column);

  /** Any DECIMAL column (allocates for compact decimals). */
  BigDecimal getDecimal(int row, int column);

  String getString(int row, int column);

  byte[] getBytes(int row, int column);

  /** TIMESTAMP columns: epoch milliseconds. */
  default long getTimestampMillis(int row, int column) {
    return getLong(row, column);
  }

  /**
   * A boxed value in the column's Java representation: Boolean, Integer, Long, Double, BigDecimal,
   * String, byte[], or {@link java.time.LocalDateTime} for TIMESTAMP; {@code null} for NULL.
   */
  Object getObject(int row, int column);

  /** An immutable copy of one row. */
  default Row toRow(int row) {
    Object[] values = new Object[schema().size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = getObject(row, c);
    }
    return Row.ofKind(rowKind(row), values);
  }
}
