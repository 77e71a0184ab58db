package dev.laminar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laminar.durability.checkpoint.CheckpointManifest;
import dev.laminar.state.OffHeapStateStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction of a state store's snapshot chain on the background compactor: the checkpoints go on while it
 * runs, a later checkpoint's manifest picks the compacted file up, and the sweep never deletes a file a
 * compaction is reading or a retained manifest references.
 */
class StateSnapshotsCompactionTest {
  private static final String KEY = "sink/op#w";

  @Test
  void checkpointsDoNotWaitForACompactionAndALaterOnePicksItUp(@TempDir Path dir) throws Exception {
    Queue<Runnable> held = new ArrayDeque<>(); // the compactor: runs a task only when the test says so
    Path state = Files.createDirectories(dir.resolve("state"));
    StateSnapshots snapshots = new StateSnapshots(state, held::add);
    try (Arena arena = Arena.ofConfined();
        OffHeapStateStore store = new OffHeapStateStore(dir.resolve("scratch"), 8, 8, false, 16)) {
      MemorySegment key = arena.allocate(8);
      MemorySegment value = arena.allocate(8);
      List<CheckpointManifest.OperatorSnapshot> manifest = List.of();
      Set<String> retained = new HashSet<>(); // what the manifests (all kept here) reference
      int epoch = 0;
      for (int round = 0; round <= StateSnapshots.MAX_INCREMENTALS + 1; round++) {
        // 100,000 keys, then 1,000 changed per round (10 of them new): the deltas stay small next to the full file
        for (long k = round * 10; k < round * 10 + (round == 0 ? 100_000 : 1_000); k++) {
          key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
          value.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k * 100 + round);
          store.put(key, value);
        }
        epoch++;
        boolean full = round == 0;
        manifest = snapshots.write(epoch, List.of(new StateSnapshots.Capture(KEY, full ? store.captureFull() : store.captureIncremental(),
            full, 8, 8)), new long[1]);
        manifest.forEach(o -> retained.addAll(o.files()));
        snapshots.compactDue(epoch);
        snapshots.sweep(retained);
      }
      assertThat(held).as("a chain of %d deltas is due: its compaction was handed over, not run", StateSnapshots.MAX_INCREMENTALS + 1)
          .hasSize(1);
      List<String> before = manifest.getFirst().files();

      // a checkpoint while the compaction has not run: it completes, and its chain is the long one, extended
      epoch++;
      manifest = snapshots.write(epoch, List.of(new StateSnapshots.Capture(KEY, store.captureIncremental(), false, 8, 8)), new long[1]);
      assertThat(manifest.getFirst().files()).hasSize(before.size() + 1).startsWith(before.toArray(String[]::new));
      snapshots.compactDue(epoch);
      assertThat(held).as("one compaction per chain at a time").hasSize(1);

      held.poll().run(); // the compaction runs now, between two checkpoints
      snapshots.sweep(Set.of()); // even with no manifest retained, the inputs and the finished output stay
      for (String f : before) {
        assertThat(state.resolve(f)).exists();
      }
      String compacted = "c" + (epoch - 1) + "-sink_op_w-full.snap";
      assertThat(state.resolve(compacted)).exists();

      epoch++;
      manifest = snapshots.write(epoch, List.of(new StateSnapshots.Capture(KEY, store.captureIncremental(), false, 8, 8)), new long[1]);
      List<String> after = manifest.getFirst().files();
      assertThat(after).as("the compacted file replaces the files it merged; the deltas taken meanwhile follow")
          .hasSize(3).startsWith(compacted);
      assertThat(after.get(1)).startsWith("e" + (epoch - 1) + "-").endsWith("-delta.snap");

      // the new chain restores the store's exact contents
      try (OffHeapStateStore restored = new OffHeapStateStore(dir.resolve("scratch"), 8, 8, false, 16)) {
        restored.restore(after.stream().map(state::resolve).toList());
        assertThat(restored.size()).isEqualTo(store.size());
        MemorySegment out = arena.allocate(8);
        store.forEach((k, v) -> {
          assertThat(restored.get(k, out)).isTrue();
          assertThat(out.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(v.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        });
      }

      // once no retained manifest names the old files, the sweep deletes them, and only them
      snapshots.sweep(new HashSet<>(after));
      try (Stream<Path> files = Files.list(state)) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactlyInAnyOrderElementsOf(after);
      }
    }
  }

  @Test
  void aCompactionOfAChainRestartedMeanwhileIsDroppedAndSwept(@TempDir Path dir) throws Exception {
    Queue<Runnable> held = new ArrayDeque<>();
    Path state = Files.createDirectories(dir.resolve("state"));
    StateSnapshots snapshots = new StateSnapshots(state, held::add);
    try (Arena arena = Arena.ofConfined();
        OffHeapStateStore store = new OffHeapStateStore(dir.resolve("scratch"), 8, 8, false, 16)) {
      MemorySegment key = arena.allocate(8);
      int epoch = 0;
      List<CheckpointManifest.OperatorSnapshot> manifest = List.of();
      for (int round = 0; round <= StateSnapshots.MAX_INCREMENTALS + 1; round++) {
        for (long k = 0; k < 100; k++) {
          key.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
          store.put(key, key);
        }
        epoch++;
        manifest = snapshots.write(epoch, List.of(new StateSnapshots.Capture(KEY, round == 0 ? store.captureFull() : store.captureIncremental(),
            round == 0, 8, 8)), new long[1]);
        snapshots.compactDue(epoch);
      }
      assertThat(held).hasSize(1);
      snapshots.reset(); // a failed checkpoint: every chain restarts from a full capture
      held.poll().run();
      epoch++;
      manifest = snapshots.write(epoch, List.of(new StateSnapshots.Capture(KEY, store.captureFull(), true, 8, 8)), new long[1]);
      assertThat(manifest.getFirst().files()).as("the compaction of the old chain is not used").containsExactly("e" + epoch + "-sink_op_w-full.snap");
      snapshots.sweep(new HashSet<>(manifest.getFirst().files()));
      try (Stream<Path> files = Files.list(state)) {
        assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("e" + epoch + "-sink_op_w-full.snap");
      }
    }
  }
}
