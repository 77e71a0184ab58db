package dev.laminar.runtime;

import dev.laminar.state.SnapshotCapture;
import dev.laminar.state.SnapshotFiles;
import dev.laminar.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test support: checkpoints of a {@link StoreBacked} operator taken as the checkpoint coordinator takes
 * them — the heap part, then each store captured into a file, in full the first time the store is seen and
 * incrementally afterwards — chains compacted on demand, and a restore of a fresh operator from the latest
 * checkpoint (heap part, then every store from its chain).
 */
public final class StoreChains {
  /** A store's files: a full snapshot, then deltas. */
  private static final class Chain {
    final List<Path> files = new ArrayList<>();
    int keyBytes;
    int valueBytes;
  }

  private final Path dir;
  private Map<String, Chain> chains = new HashMap<>();
  private byte[] heapPart;
  private int epoch;

  /** @param dir folder of the snapshot files */
  public StoreChains(Path dir) {
    this.dir = dir;
  }

  /** Takes a checkpoint of {@code op}; returns how many of its stores' chains now have deltas. */
  public int checkpoint(StoreBacked op) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    op.snapshot(new DataOutputStream(bytes));
    Map<String, Chain> next = new HashMap<>();
    int e = epoch++;
    for (Map.Entry<String, StateStore> store : op.stores().entrySet()) {
      Chain c = chains.get(store.getKey());
      boolean full = c == null;
      if (full) {
        c = new Chain();
        c.keyBytes = store.getValue().keyBytes();
        c.valueBytes = store.getValue().valueBytes();
      }
      Path file = dir.resolve("e" + e + "-" + store.getKey() + (full ? ".full" : ".delta"));
      try (SnapshotCapture capture = full ? store.getValue().captureFull() : store.getValue().captureIncremental()) {
        capture.writeTo(file);
      }
      c.files.add(file);
      next.put(store.getKey(), c);
    }
    chains = next;
    heapPart = bytes.toByteArray();
    return (int) chains.values().stream().filter(c -> c.files.size() > 1).count();
  }

  /** Whether a checkpoint has been taken. */
  public boolean any() {
    return heapPart != null;
  }

  /** Merges every chain with deltas into one full snapshot (as the background compactor does). */
  public void compact() throws IOException {
    for (Map.Entry<String, Chain> e : chains.entrySet()) {
      Chain c = e.getValue();
      if (c.files.size() > 1) {
        Path out = dir.resolve("c" + epoch + "-" + e.getKey() + ".full");
        SnapshotFiles.compact(c.files, c.keyBytes, c.valueBytes, dir, out);
        c.files.clear();
        c.files.add(out);
      }
    }
  }

  /** Puts the latest checkpoint into a freshly built {@code op}. */
  public void restore(StoreBacked op) throws IOException {
    op.restore(new DataInputStream(new ByteArrayInputStream(heapPart)));
    Map<String, List<Path>> paths = new HashMap<>();
    chains.forEach((name, c) -> paths.put(name, List.copyOf(c.files)));
    op.restoreStores(paths);
  }
}
