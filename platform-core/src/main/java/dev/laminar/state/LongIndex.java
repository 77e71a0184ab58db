package dev.laminar.state;

import java.util.Arrays;

/**
 * The ordered secondary index of an indexed {@link OffHeapStateStore}: for each distinct index
 * component (a {@code long}), the head slot of an intrusive doubly-linked list through the table's
 * slots, plus the distinct components in a sorted array for range scans.
 *
 * <p>Point lookup of a component is an open-addressing probe; a range scan is a binary search plus
 * the entries visited. Adding a new distinct component shifts the sorted array (O(distinct)): cheap
 * for window ends (few open at a time) and amortised over the many entries that share a component.
 * Primitive arrays only: nothing is allocated per entry.
 */
final class LongIndex {
  private long[] keys;
  private int[] heads;
  private boolean[] used;
  private int mask;
  private int count;
  private long[] sorted = new long[16];

  LongIndex() {
    allocate(64);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    heads = new int[capacity];
    used = new boolean[capacity];
    mask = capacity - 1;
  }

  int distinct() {
    return count;
  }

  /** Head slot of component {@code v}'s list, or -1. */
  int head(long v) {
    for (int i = mix(v) & mask; used[i]; i = (i + 1) & mask) {
      if (keys[i] == v) {
        return heads[i];
      }
    }
    return -1;
  }

  /** Sets the head of {@code v}'s list, adding {@code v} when new. */
  void setHead(long v, int slot) {
    int i = mix(v) & mask;
    for (; used[i]; i = (i + 1) & mask) {
      if (keys[i] == v) {
        heads[i] = slot;
        return;
      }
    }
    if ((count + 1) * 2 > keys.length) {
      grow();
      setHead(v, slot);
      return;
    }
    used[i] = true;
    keys[i] = v;
    heads[i] = slot;
    int at = Arrays.binarySearch(sorted, 0, count, v);
    at = -at - 1;
    if (count == sorted.length) {
      sorted = Arrays.copyOf(sorted, count * 2);
    }
    System.arraycopy(sorted, at, sorted, at + 1, count - at);
    sorted[at] = v;
    count++;
  }

  /** Removes component {@code v} (its list became empty). */
  void remove(long v) {
    int i = mix(v) & mask;
    while (keys[i] != v || !used[i]) {
      i = (i + 1) & mask;
    }
    used[i] = false;
    // backward-shift deletion keeps probe chains intact without tombstones
    for (int j = (i + 1) & mask; used[j]; j = (j + 1) & mask) {
      int home = mix(keys[j]) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j];
        heads[i] = heads[j];
        used[i] = true;
        used[j] = false;
        i = j;
      }
    }
    int at = Arrays.binarySearch(sorted, 0, count, v);
    System.arraycopy(sorted, at + 1, sorted, at, count - at - 1);
    count--;
  }

  /** Position in the sorted components of the first component ≥ {@code v}. */
  int lowerBound(long v) {
    int at = Arrays.binarySearch(sorted, 0, count, v);
    return at >= 0 ? at : -at - 1;
  }

  long sortedAt(int i) {
    return sorted[i];
  }

  void clear() {
    Arrays.fill(used, false);
    count = 0;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldHeads = heads;
    boolean[] oldUsed = used;
    allocate(oldKeys.length * 2);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldUsed[i]) {
        int j = mix(oldKeys[i]) & mask;
        while (used[j]) {
          j = (j + 1) & mask;
        }
        used[j] = true;
        keys[j] = oldKeys[i];
        heads[j] = oldHeads[i];
      }
    }
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
