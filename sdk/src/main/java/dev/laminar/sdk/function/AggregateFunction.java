package dev.laminar.sdk.function;

import dev.laminar.sdk.annotation.Evolving;
import dev.laminar.sdk.type.DataType;
import java.util.List;

/**
 * A user-defined aggregate: an accumulator per group and window, updated per row.
 *
 * <p>Algebra the engine relies on (checked by the TCK's aggregate suite): {@code merge} of the
 * accumulators of two halves of the input equals the accumulator of the whole; {@code retract(r)}
 * after {@code add(r)} restores the previous result.
 *
 * <p>Threads: one accumulator is only touched by one thread at a time; the function object itself
 * may be shared by several reactors, so keep it stateless.
 *
 * @param <A> the accumulator type
 */
@Evolving
public interface AggregateFunction<A> {
  /** SQL name (case-insensitive). */
  String name();

  /** The result type for the given argument types; throw {@link IllegalArgumentException} if unsupported. */
  DataType resultType(List<DataType> argumentTypes);

  /** A fresh, empty accumulator. */
  A createAccumulator();

  /** Adds one row's arguments. */
  void add(A accumulator, Arguments arguments);

  /** Whether {@link #retract} is implemented (changelog input needs it). */
  default boolean supportsRetract() {
    return false;
  }

  /** Removes one row's arguments previously added. */
  default void retract(A accumulator, Arguments arguments) {
    throw new UnsupportedOperationException(name() + " does not support retraction");
  }

  /** Folds {@code other} into {@code target}. */
  void merge(A target, A other);

  /**
   * How the engine writes this function's accumulators to its state store and checkpoints, or null (the default) when
   * they cannot be: a windowed aggregate calling the function then keeps its accumulators as heap objects, and no
   * checkpoint covers it, so a sink fed by it cannot be declared exactly-once or at-least-once.
   */
  default AccumulatorSerializer<A> accumulatorSerializer() {
    return null;
  }

  /** The current result; {@code null} means SQL NULL. */
  Object result(A accumulator);
}
