package dev.laminar.runtime.aggregate;

/**
 * Where a {@link SlotAccumulator} keeps the object values of its state (strings, byte arrays, wide decimals: a
 * MIN/MAX or FIRST/LAST_VALUE of such a column, a wide DECIMAL sum) while the state lives in a fixed-size slot:
 * each value is one 8-byte word in the slot, its id here plus one (0 is NULL). The owner counts the references
 * (a slot written holds one per object word; {@link SlotRefs}). Reactor thread only.
 */
public interface SlotObjects {
  /** The id of {@code value}, adding it (with no reference yet) when it is new. */
  long id(Object value);

  /** The value of {@code id}. */
  Object value(long id);
}
