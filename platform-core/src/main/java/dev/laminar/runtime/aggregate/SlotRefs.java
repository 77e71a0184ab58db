package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The references the slots of a store-backed window operator hold on the dictionary their object values live in
 * ({@link SlotObjects}): one per non-null object word of each slot written. The operator retains a slot's
 * references when it writes the slot and releases them when it overwrites or drops it, so that a value leaves
 * the dictionary when the last state holding it goes (and a restore counts them again). With an all-primitive
 * state ({@link #any()} false) every call is skipped. Reactor thread only; allocates nothing.
 */
final class SlotRefs {
  private final int[] words;
  private final StringKeyDictionary dictionary;
  private final long[] saved;

  /** @param dictionary where the object values live (null when the state has none) */
  SlotRefs(GroupAccumulatorFactory aggregates, StringKeyDictionary dictionary) {
    this.words = aggregates.slotObjectWords();
    if (words.length > 0 && dictionary == null) {
      throw new IllegalArgumentException("aggregate states with object values need a dictionary");
    }
    this.dictionary = dictionary;
    this.saved = new long[words.length];
  }

  /** Whether the slots hold object values (else nothing here does anything). */
  boolean any() {
    return words.length > 0;
  }

  /** The slot at {@code at} of {@code m} was written: its values gain a reference each. */
  void retain(MemorySegment m, long at) {
    for (int w : words) {
      long id = m.get(JAVA_LONG_UNALIGNED, at + w);
      if (id != 0) {
        dictionary.retain(id - 1);
      }
    }
  }

  /** The slot at {@code at} of {@code m} is dropped: its values lose a reference each. */
  void release(MemorySegment m, long at) {
    for (int w : words) {
      long id = m.get(JAVA_LONG_UNALIGNED, at + w);
      if (id != 0) {
        dictionary.release(id - 1);
      }
    }
  }

  /** Stores {@code state} over the slot at {@code at} of {@code m}, moving the slot's references from its old values to its new ones. */
  void overwrite(SlotAccumulator state, MemorySegment m, long at) {
    if (words.length == 0) {
      state.store(m, at);
      return;
    }
    for (int i = 0; i < words.length; i++) {
      saved[i] = m.get(JAVA_LONG_UNALIGNED, at + words[i]);
    }
    state.store(m, at);
    for (int i = 0; i < words.length; i++) { // a value kept keeps its reference: only the words that changed move
      long now = m.get(JAVA_LONG_UNALIGNED, at + words[i]);
      if (now != saved[i]) {
        if (now != 0) {
          dictionary.retain(now - 1);
        }
        if (saved[i] != 0) {
          dictionary.release(saved[i] - 1);
        }
      }
    }
  }
}
