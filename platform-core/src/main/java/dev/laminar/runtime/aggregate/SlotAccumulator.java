package dev.laminar.runtime.aggregate;

import java.lang.foreign.MemorySegment;

/**
 * A group state of fixed size — every field a primitive, or an object value kept as its id in a bound
 * {@link SlotObjects} — so that it can live in a fixed-size slot of a
 * state store ({@code dev.laminar.state.OffHeapStateStore}) instead of on the heap. The window
 * operators keep one instance as a cursor: {@link #load} the slot of the row's group, {@code add},
 * {@link #store} it back — no object per group, nothing allocated per row.
 *
 * <p>The layout is the generated class's own ({@link GroupAccumulatorFactory#slotBytes()} bytes, longs
 * and doubles first at 8-byte offsets, then the booleans as bits of 8-byte words); an all-zero slot is the state of a
 * group that has seen no row. Reactor thread only.
 */
public interface SlotAccumulator extends GroupAccumulator {
  /** Replaces this state with the one at {@code offset} of {@code slot}. */
  void load(MemorySegment slot, long offset);

  /**
   * Writes this state to {@code offset} of {@code slot}; object values go in as ids of the bound
   * {@link SlotObjects} (added there when new, with no reference counted: the caller counts them).
   */
  void store(MemorySegment slot, long offset);

  /** The table object values are kept in as ids: needed before {@link #load} or {@link #store} when the state has any. */
  void bind(SlotObjects objects);

  /** Where the state's distinct-count sets live ({@link GroupAccumulatorFactory#slotSetWords()}): needed before a row or merge when it has any. */
  default void bindSets(SlotSets sets) {}

  /**
   * Drops the sets this state created without being stored into a slot that owns them (a result merged from panes
   * for a moment) and forgets their handles. Nothing for states without sets.
   */
  default void releaseSets() {}
}
