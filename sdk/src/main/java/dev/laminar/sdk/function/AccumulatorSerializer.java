package dev.laminar.sdk.function;

import dev.laminar.sdk.annotation.Evolving;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes and reads the accumulators of an {@link AggregateFunction}, so that the engine can keep them in its state
 * store and in checkpoints ({@link AggregateFunction#accumulatorSerializer()}).
 *
 * <p>Contract (checked by the TCK's aggregate suite): an accumulator read back from what {@link #write} wrote
 * gives the same result, and goes on to the same results after the same further {@code add} and {@code merge}
 * calls, as the accumulator written. The encoding is the function's own; keep it readable by later versions of the
 * plugin (a checkpoint may be restored after an upgrade), for instance with a leading version byte.
 *
 * <p>Threads: called on the thread that owns the accumulator (at a checkpoint, at a restore, or when the engine
 * copies a result it emitted); keep the serializer stateless.
 *
 * @param <A> the accumulator type
 */
@Evolving
public interface AccumulatorSerializer<A> {
  /** Writes {@code accumulator}. */
  void write(A accumulator, DataOutput out) throws IOException;

  /** Reads an accumulator written by {@link #write}. */
  A read(DataInput in) throws IOException;
}
