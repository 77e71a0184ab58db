package dev.laminar.sdk.function;

import dev.laminar.sdk.annotation.Evolving;
import dev.laminar.sdk.type.DataType;
import java.util.List;

/**
 * A scalar SQL function contributed by a plugin: one value in, one value out, per row.
 *
 * <p>Threads: an instance may be called from several reactor threads at once; keep it stateless or
 * thread-confined. {@link #evaluate} runs on the hot path: it must not block and should not allocate
 * for primitive results beyond the boxed return value.
 */
@Evolving
public interface ScalarFunction {
  /** SQL name (case-insensitive). */
  String name();

  /**
   * The result type for the given argument types, or throw {@link IllegalArgumentException} with a
   * message naming the expected signature. Called at planning time.
   */
  DataType resultType(List<DataType> argumentTypes);

  /** Computes the result; {@code null} means SQL NULL. */
  Object evaluate(Arguments arguments);

  /** False when the same arguments may give different results (the planner then does not fold it). */
  default boolean isDeterministic() {
    return true;
  }
}
