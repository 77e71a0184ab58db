package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@link StateStore} against a TreeMap model under random operations, snapshots and restores. */
abstract class StateStoreContractTest {
  @TempDir
  Path dir;

  final Arena arena = Arena.ofConfined();
  final List<StateStore> opened = new ArrayList<>();

  /** Creates the store under test: 16-byte keys whose first long is the index component. */
  abstract StateStore create(Path workDir, int valueBytes);

  StateStore open(int valueBytes) {
    StateStore s = create(dir.resolve("work"), valueBytes);
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(StateStore::close);
    arena.close();
  }

  /** Model key: (component, id). */
  record K(long component, long id) implements Comparable<K> {
    @Override
    public int compareTo(K o) {
      int c = Long.compare(component, o.component);
      return c != 0 ? c : Long.compare(id, o.id);
    }
  }

  MemorySegment keySegment(K k) {
    MemorySegment m = arena.allocate(16);
    m.set(JAVA_LONG_UNALIGNED, 0, k.component);
    m.set(JAVA_LONG_UNALIGNED, 8, k.id);
    return m;
  }

  private static K modelKey(MemorySegment key) {
    return new K(key.get(JAVA_LONG_UNALIGNED, 0), key.get(JAVA_LONG_UNALIGNED, 8));
  }

  private static byte[] randomValue(Random r, int valueBytes) {
    byte[] v = new byte[valueBytes == StateStore.VARIABLE ? r.nextInt(200) : valueBytes];
    r.nextBytes(v);
    return v;
  }

  private void assertMatches(StateStore store, TreeMap<K, byte[]> model, String when) {
    assertThat(store.size()).as("size %s", when).isEqualTo(model.size());
    Map<K, byte[]> seen = new HashMap<>();
    store.forEach((k, v) -> seen.put(modelKey(k), v.toArray(JAVA_BYTE)));
    assertThat(seen.keySet()).as("keys %s", when).isEqualTo(model.keySet());
    model.forEach((k, v) -> {
      assertThat(seen.get(k)).as("value of %s %s", k, when).isEqualTo(v);
      MemorySegment out = arena.allocate(Math.max(1, v.length));
      assertThat(store.valueLength(keySegment(k))).isEqualTo(v.length);
      assertThat(store.get(keySegment(k), out)).isTrue();
      assertThat(Arrays.copyOf(out.toArray(JAVA_BYTE), v.length)).as("get %s %s", k, when).isEqualTo(v);
    });
  }

  private void assertRange(StateStore store, TreeMap<K, byte[]> model, long from, long to, String when) {
    List<K> expected = new ArrayList<>(model.subMap(new K(from, Long.MIN_VALUE), true, new K(to, Long.MAX_VALUE), true).keySet());
    List<K> actual = new ArrayList<>();
    store.forEachInRange(from, to, (k, v) -> {
      actual.add(modelKey(k));
      assertThat(v.toArray(JAVA_BYTE)).isEqualTo(model.get(modelKey(k)));
    });
    for (int i = 1; i < actual.size(); i++) {
      assertThat(actual.get(i).component).as("ascending components %s", when).isGreaterThanOrEqualTo(actual.get(i - 1).component);
    }
    actual.sort(null);
    assertThat(actual).as("entries with component in [%d, %d] %s", from, to, when).isEqualTo(expected);
  }

  private void randomOpsSnapshotsAndRestore(int valueBytes, long seed) throws Exception {
    Random r = new Random(seed);
    StateStore store = open(valueBytes);
    TreeMap<K, byte[]> model = new TreeMap<>();
    List<Path> chain = new ArrayList<>();
    TreeMap<K, byte[]> modelAtLastSnapshot = null;
    int snapshots = 0;
    for (int op = 0; op < 20_000; op++) {
      K k = new K(r.nextInt(40), r.nextInt(200));
      int what = r.nextInt(100);
      if (what < 55) {
        byte[] v = randomValue(r, valueBytes);
        store.put(keySegment(k), MemorySegment.ofArray(v));
        model.put(k, v);
      } else if (what < 85) {
        assertThat(store.remove(keySegment(k))).as("seed %d op %d remove %s", seed, op, k).isEqualTo(model.remove(k) != null);
      } else if (what < 97) {
        byte[] v = model.get(k);
        MemorySegment out = arena.allocate(256);
        assertThat(store.get(keySegment(k), out)).as("seed %d op %d get %s", seed, op, k).isEqualTo(v != null);
      } else if (what < 99) {
        long from = r.nextInt(45) - 2;
        assertRange(store, model, from, from + r.nextInt(10), "seed " + seed + " op " + op);
      } else {
        boolean full = chain.isEmpty() || r.nextInt(5) == 0;
        if (full) {
          chain.clear();
        }
        Path file = dir.resolve("snap-" + seed + "-" + snapshots++);
        try (SnapshotCapture c = full ? store.captureFull() : store.captureIncremental()) {
          assertThat(c.writeTo(file)).isEqualTo(c.bytes());
        }
        chain.add(file);
        modelAtLastSnapshot = new TreeMap<>(model);
      }
    }
    assertMatches(store, model, "after random operations, seed " + seed);
    assertThat(modelAtLastSnapshot).as("seed %d took snapshots", seed).isNotNull();

    StateStore restored = open(valueBytes);
    restored.restore(chain);
    assertMatches(restored, modelAtLastSnapshot, "restored from " + chain.size() + " snapshot files, seed " + seed);
    assertRange(restored, modelAtLastSnapshot, 0, 20, "restored, seed " + seed);

    // changes after the restore are tracked from the restored state
    Path delta = dir.resolve("after-restore-" + seed);
    K extra = new K(3, 9999);
    byte[] v = randomValue(r, valueBytes);
    restored.put(keySegment(extra), MemorySegment.ofArray(v));
    K gone = modelAtLastSnapshot.firstKey();
    restored.remove(keySegment(gone));
    try (SnapshotCapture c = restored.captureIncremental()) {
      assertThat(c.upserts()).isEqualTo(1);
      assertThat(c.deletes()).isEqualTo(1);
      c.writeTo(delta);
    }
    List<Path> longer = new ArrayList<>(chain);
    longer.add(delta);
    TreeMap<K, byte[]> expected = new TreeMap<>(modelAtLastSnapshot);
    expected.put(extra, v);
    expected.remove(gone);

    Path compacted = dir.resolve("compacted-" + seed);
    SnapshotFiles.compact(longer, 16, valueBytes, dir.resolve("scratch"), compacted);
    StateStore fromCompacted = open(valueBytes);
    fromCompacted.restore(List.of(compacted));
    assertMatches(fromCompacted, expected, "restored from the compacted chain, seed " + seed);
  }

  @Test
  void fixedSizeValuesMatchAModelThroughSnapshotsAndRestore() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      randomOpsSnapshotsAndRestore(24, seed);
    }
  }

  @Test
  void variableSizeValuesMatchAModelThroughSnapshotsAndRestore() throws Exception {
    for (long seed = 11; seed <= 13; seed++) {
      randomOpsSnapshotsAndRestore(StateStore.VARIABLE, seed);
    }
  }

  @Test
  void incrementalSnapshotHoldsOnlyWhatChanged() throws Exception {
    StateStore store = open(16);
    MemorySegment v = arena.allocate(16);
    for (long i = 0; i < 10_000; i++) {
      store.put(keySegment(new K(i % 10, i)), v);
    }
    long fullBytes;
    try (SnapshotCapture full = store.captureFull()) {
      assertThat(full.upserts()).isEqualTo(10_000);
      fullBytes = full.bytes();
    }
    for (long i = 0; i < 100; i++) {
      store.put(keySegment(new K(i % 10, i * 7)), v);
    }
    store.remove(keySegment(new K(1, 1)));
    try (SnapshotCapture delta = store.captureIncremental()) {
      assertThat(delta.upserts()).isEqualTo(100);
      assertThat(delta.deletes()).isEqualTo(1);
      assertThat(delta.bytes()).isLessThan(fullBytes / 50);
    }
    try (SnapshotCapture none = store.captureIncremental()) {
      assertThat(none.upserts() + none.deletes()).isZero();
    }
  }

  @Test
  void rangeScanOfClosedWindowsThenRemovalLeavesTheRest() {
    StateStore store = open(8);
    MemorySegment v = arena.allocate(8);
    for (long end = 1000; end <= 10_000; end += 1000) {
      for (long key = 0; key < 50; key++) {
        store.put(keySegment(new K(end, key)), v);
      }
    }
    List<K> closed = new ArrayList<>();
    store.forEachInRange(Long.MIN_VALUE, 4500, (k, val) -> closed.add(modelKey(k)));
    assertThat(closed).hasSize(4 * 50);
    closed.forEach(k -> assertThat(store.remove(keySegment(k))).isTrue());
    List<K> rest = new ArrayList<>();
    store.forEachInRange(Long.MIN_VALUE, Long.MAX_VALUE, (k, val) -> rest.add(modelKey(k)));
    assertThat(rest).hasSize(6 * 50).allMatch(k -> k.component >= 5000);
    List<K> one = new ArrayList<>();
    store.forEachInRange(7000, 7000, (k, val) -> one.add(modelKey(k)));
    assertThat(one).hasSize(50).allMatch(k -> k.component == 7000);
  }
}
