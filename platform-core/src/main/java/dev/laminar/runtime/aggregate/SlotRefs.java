package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The references the slots of a store-backed window operator hold on the dictionary their object values live in
 * ({@link SlotObjects}): one per non-null object word of each slot written. The operator retains a slot's
 * references when it writes the slot and releases them when it overwrites or drops it, so that a value leaves
 * the dictionary when the last state holding it goes (and a restore counts them again). The distinct-count sets
 * a slot owns ({@link SlotSets}) go the same way: dropped with the slot; a copy of a slot ({@link #detach}) owns none.
 * With an all-primitive state ({@link #any()} false) every call is skipped. Reactor thread only; allocates nothing.
 */
final class SlotRefs {
  private final int[] words;
  private final StringKeyDictionary dictionary;
  private final long[] saved;
  private final long[] savedSets;
  /** Offset and call of each set word (the kind left out). */
  private final int[] setWords;
  private final SlotSets sets;

  /**
   * @param dictionary where the object values live (null when the state has none)
   * @param sets where the slots' distinct-count sets live (null when the state has none)
   */
  SlotRefs(GroupAccumulatorFactory aggregates, StringKeyDictionary dictionary, SlotSets sets) {
    this.words = aggregates.slotObjectWords();
    if (words.length > 0 && dictionary == null) {
      throw new IllegalArgumentException("aggregate states with object values need a dictionary");
    }
    int[] triples = aggregates.slotSetWords();
    if (triples.length > 0 && sets == null) {
      throw new IllegalArgumentException("aggregate states with distinct counts need their sets");
    }
    this.setWords = new int[triples.length / 3 * 2];
    for (int k = 0, j = 0; k < triples.length; k += 3, j += 2) {
      setWords[j] = triples[k];
      setWords[j + 1] = triples[k + 1];
    }
    this.dictionary = dictionary;
    this.sets = sets;
    this.saved = new long[words.length];
    this.savedSets = new long[setWords.length / 2];
  }

  /** Where the slots' sets live (null when they have none). */
  SlotSets sets() {
    return sets;
  }

  /** Whether the slots hold object values or sets (else nothing here does anything). */
  boolean any() {
    return words.length > 0 || setWords.length > 0;
  }

  /**
   * The slot at {@code at} of {@code m} was written as a copy of a live one (a result remembered): it shares none of
   * the live slot's sets (a distinct count's handle becomes 0, a plugin accumulator a copy of its own).
   */
  void detach(MemorySegment m, long at) {
    for (int k = 0; k < setWords.length; k += 2) {
      m.set(JAVA_LONG_UNALIGNED, at + setWords[k], sets.copyForRemembered(setWords[k + 1], m.get(JAVA_LONG_UNALIGNED, at + setWords[k])));
    }
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

  /** The slot at {@code at} of {@code m} is dropped: its values lose a reference each, and its sets go. */
  void release(MemorySegment m, long at) {
    for (int w : words) {
      long id = m.get(JAVA_LONG_UNALIGNED, at + w);
      if (id != 0) {
        dictionary.release(id - 1);
      }
    }
    for (int k = 0; k < setWords.length; k += 2) {
      long handle = m.get(JAVA_LONG_UNALIGNED, at + setWords[k]);
      if (handle != 0) {
        sets.drop(setWords[k + 1], handle);
      }
    }
  }

  /** Stores {@code state} over the slot at {@code at} of {@code m}, moving the slot's references from its old values to its new ones. */
  void overwrite(SlotAccumulator state, MemorySegment m, long at) {
    if (words.length == 0 && setWords.length == 0) {
      state.store(m, at);
      return;
    }
    for (int i = 0; i < words.length; i++) {
      saved[i] = m.get(JAVA_LONG_UNALIGNED, at + words[i]);
    }
    for (int k = 0; k < setWords.length; k += 2) {
      savedSets[k / 2] = m.get(JAVA_LONG_UNALIGNED, at + setWords[k]);
    }
    state.store(m, at);
    for (int k = 0; k < setWords.length; k += 2) { // a set replaced (a remembered copy's own) goes; one kept stays the slot's
      long before = savedSets[k / 2];
      if (before != 0 && before != m.get(JAVA_LONG_UNALIGNED, at + setWords[k])) {
        sets.drop(setWords[k + 1], before);
      }
    }
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
