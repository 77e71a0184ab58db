package dev.laminar.bench;

import dev.laminar.state.OffHeapStateStore;
import dev.laminar.state.SnapshotCapture;
import dev.laminar.state.SnapshotFiles;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * State snapshot cost for {@code --keys} entries (16-byte keys, 16-byte values, indexed) in the off-heap
 * store: a full snapshot, then an incremental one after {@code --changed-percent} of the keys changed.
 * For each: the owner's stall (capture = copy at the barrier), the background write (incl. fsync), and the
 * file size; then restore from the full file alone and from full + incremental, and compaction of that
 * chain into one full file. Round 1 is a warm-up; rounds 2..{@code --rounds} are printed.
 *
 * <p>Run: {@code java -cp bench/target/laminar-bench.jar dev.laminar.bench.SnapshotHarness --dir /path/on/disk}
 */
public final class SnapshotHarness {
  private SnapshotHarness() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(WalHarness.arg(args, "--dir", "bench/target/snapshot-bench"));
    int keys = Integer.parseInt(WalHarness.arg(args, "--keys", "1000000"));
    double changed = Double.parseDouble(WalHarness.arg(args, "--changed-percent", "1"));
    int rounds = Integer.parseInt(WalHarness.arg(args, "--rounds", "4"));
    for (int round = 1; round <= rounds; round++) {
      WalHarness.delete(root);
      Files.createDirectories(root);
      run(root, keys, changed, round);
    }
    WalHarness.delete(root);
  }

  private static void run(Path root, int keys, double changedPercent, int round) throws Exception {
    Path full = root.resolve("full.snap");
    Path delta = root.resolve("delta.snap");
    try (Arena arena = Arena.ofConfined();
        OffHeapStateStore store = new OffHeapStateStore(root.resolve("work"), 16, 16, true, keys)) {
      MemorySegment key = arena.allocate(16, 8);
      MemorySegment value = arena.allocate(16, 8);
      for (long i = 0; i < keys; i++) {
        put(store, key, value, i, 0, i);
      }
      long t0 = System.nanoTime();
      SnapshotCapture fullCapture = store.captureFull();
      long t1 = System.nanoTime();
      long fullBytes = fullCapture.writeTo(full);
      long t2 = System.nanoTime();
      fullCapture.close();

      SplittableRandom random = new SplittableRandom(round);
      int changes = (int) (keys * changedPercent / 100);
      for (int c = 0; c < changes; c++) {
        put(store, key, value, random.nextInt(keys), 8, c);
      }
      long t3 = System.nanoTime();
      SnapshotCapture deltaCapture = store.captureIncremental();
      long t4 = System.nanoTime();
      long deltaBytes = deltaCapture.writeTo(delta);
      long t5 = System.nanoTime();
      long deltaEntries = deltaCapture.upserts();
      deltaCapture.close();

      long t6;
      long t7;
      long t8;
      try (OffHeapStateStore restored = new OffHeapStateStore(root.resolve("work"), 16, 16, true, keys)) {
        t6 = System.nanoTime();
        restored.restore(List.of(full));
        t7 = System.nanoTime();
        restored.restore(List.of(full, delta));
        t8 = System.nanoTime();
      }
      long t9 = System.nanoTime();
      long compactedBytes = SnapshotFiles.compact(List.of(full, delta), 16, 16, root.resolve("scratch"), root.resolve("compacted.snap"));
      long t10 = System.nanoTime();
      if (round > 1) {
        System.out.printf("{\"round\":%d,\"keys\":%d,\"changed\":%d,"
                + "\"full\":{\"bytes\":%d,\"capture_ms\":%.1f,\"write_ms\":%.1f},"
                + "\"incremental\":{\"entries\":%d,\"bytes\":%d,\"capture_ms\":%.2f,\"write_ms\":%.1f,\"size_vs_full\":%.4f},"
                + "\"restore_ms\":{\"full\":%.1f,\"full_plus_incremental\":%.1f},\"compact_ms\":%.1f,\"compacted_bytes\":%d}%n",
            round, keys, changes, fullBytes, ms(t1 - t0), ms(t2 - t1), deltaEntries, deltaBytes, ms(t4 - t3),
            ms(t5 - t4), deltaBytes / (double) fullBytes, ms(t7 - t6), ms(t8 - t7), ms(t10 - t9), compactedBytes);
      }
    }
  }

  /** Key i = (window end among 64, i); sets the long at {@code valueOffset} of the value to {@code v}. */
  private static void put(OffHeapStateStore store, MemorySegment key, MemorySegment value, long i, long valueOffset, long v) {
    key.set(ValueLayout.JAVA_LONG, 0, 1_000 * (i % 64));
    key.set(ValueLayout.JAVA_LONG, 8, i);
    value.set(ValueLayout.JAVA_LONG, valueOffset, v);
    store.put(key, value);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
