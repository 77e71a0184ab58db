package dev.laminar.runtime.aggregate;

import dev.laminar.state.OffHeapStateStore;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * The off-heap stores of one windowed operator's windows (or panes), with the stores of emitted ones
 * kept cleared for the next: creating, mapping, unmapping and deleting a store's files per window cost
 * more than its rows on small windows (closing a shared arena is a handshake with every thread). Tables
 * over {@link #POOLED_TABLE_BYTES} are closed instead (zeroing them would cost more than a fresh sparse
 * mapping). Reactor thread only.
 */
final class StorePool {
  /** Largest table kept for reuse. */
  static final long POOLED_TABLE_BYTES = 16L << 20;

  private final Path scratch;
  private final int keyBytes;
  private final int valueBytes;
  private final int maxPooled;
  private final ArrayDeque<OffHeapStateStore> spare = new ArrayDeque<>();

  /**
   * @param scratch directory for the stores' memory-mapped files
   * @param maxPooled how many cleared stores are kept at most
   */
  StorePool(Path scratch, int keyBytes, int valueBytes, int maxPooled) {
    this.scratch = scratch;
    this.keyBytes = keyBytes;
    this.valueBytes = valueBytes;
    this.maxPooled = maxPooled;
  }

  /** A cleared store from the pool, else a new one sized for {@code expectedEntries}. */
  OffHeapStateStore take(long expectedEntries) {
    OffHeapStateStore reused = spare.pollFirst();
    return reused != null ? reused : new OffHeapStateStore(scratch, keyBytes, valueBytes, false, expectedEntries);
  }

  /** Hands back the store of an emitted (or dropped) window: cleared and kept, or closed. */
  void recycle(OffHeapStateStore store) {
    if (spare.size() < maxPooled && store.tableBytes() <= POOLED_TABLE_BYTES) {
      store.clear();
      spare.addLast(store);
    } else {
      store.close();
    }
  }

  /** Closes the kept stores. Idempotent. */
  void close() {
    for (OffHeapStateStore s : spare) {
      s.close();
    }
    spare.clear();
  }
}
