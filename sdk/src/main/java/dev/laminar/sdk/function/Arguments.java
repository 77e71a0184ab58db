package dev.laminar.sdk.function;

import dev.laminar.sdk.annotation.Stable;

/**
 * Read access to the arguments of one function call. Reused by the engine between calls: read
 * values during the call, do not keep the object.
 */
@Stable
public interface Arguments {
  int size();

  boolean isNull(int index);

  boolean getBoolean(int index);

  /** INT, BIGINT and TIMESTAMP (epoch millis) arguments. */
  long getLong(int index);

  /** DOUBLE arguments, and any numeric argument widened to double. */
  double getDouble(int index);

  String getString(int index);

  /** Boxed value in the Java representation of {@link dev.laminar.sdk.row.RowBatch#getObject}. */
  Object get(int index);
}
