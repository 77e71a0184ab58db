package dev.laminar.runtime.aggregate;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.state.OffHeapStateStore;
import java.util.Arrays;

/**
 * The entries of a store whose values start with a first-seen ordinal, in that order: the off-heap
 * window operators emit groups in the order they first appeared, as the heap ones do (whose maps keep
 * insertion order), and a restored store has lost any physical order.
 */
final class SlotOrder {
  private SlotOrder() {}

  /**
   * Fills {@code order} (at least {@code store.size()} long) with {@code ordinal << 32 | slot} of every entry,
   * sorted by ordinal; returns how many. One scan of the table, one primitive sort, no allocation.
   */
  static int collect(OffHeapStateStore store, long[] order) {
    var table = store.table();
    int n = 0;
    for (long s = 0, cap = store.capacity(); s < cap; s++) {
      if (store.occupied(s)) {
        order[n++] = table.get(JAVA_LONG_UNALIGNED, store.valueOffset(s)) << 32 | s;
      }
    }
    Arrays.sort(order, 0, n);
    return n;
  }
}
