package dev.laminar.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OffHeapStateStoreTest extends StateStoreContractTest {
  @Override
  StateStore create(Path workDir, int valueBytes) {
    return new OffHeapStateStore(workDir, 16, valueBytes, true, 16);
  }

  @Test
  void growsAndKeepsTombstonesFromFillingTheTable() {
    OffHeapStateStore store = (OffHeapStateStore) open(8);
    MemorySegment v = arena.allocate(8);
    for (long i = 0; i < 100_000; i++) {
      store.put(keySegment(new K(i, i)), v);
      store.remove(keySegment(new K(i, i)));
    }
    assertThat(store.size()).isZero();
    assertThat(store.capacity()).as("churn of one key at a time does not grow the table").isLessThanOrEqualTo(64);
    for (long i = 0; i < 100_000; i++) {
      store.put(keySegment(new K(i % 7, i)), v);
    }
    assertThat(store.size()).isEqualTo(100_000);
    assertThat(store.capacity() * 0.7).isGreaterThanOrEqualTo(100_000);
  }

  @Test
  void entriesThatComeAndGoReuseTheirSlotsInsteadOfRehashing() {
    OffHeapStateStore store = (OffHeapStateStore) open(8);
    MemorySegment v = arena.allocate(8);
    for (long i = 0; i < 1_000; i++) { // a standing population: removals happen inside clusters too
      store.put(keySegment(new K(-1, i)), v);
    }
    int rehashesAfterFill = store.rehashes();
    long capacity = store.capacity();
    for (long i = 0; i < 200_000; i++) { // sessions opening and closing: at most 50 live besides the standing ones
      store.put(keySegment(new K(i, i)), v);
      if (i >= 50) {
        assertThat(store.remove(keySegment(new K(i - 50, i - 50)))).isTrue();
      }
    }
    assertThat(store.rehashes() - rehashesAfterFill)
        .as("200,000 inserts and removals in a table of %d slots: emptied and reused slots (14 rehashes), not a rehash per"
            + " fill of tombstones (110 when every removal left one)", capacity)
        .isLessThanOrEqualTo(30);
    assertThat(store.size()).isEqualTo(1_050);
    MemorySegment out = arena.allocate(8);
    for (long i = 0; i < 1_000; i++) {
      assertThat(store.get(keySegment(new K(-1, i)), out)).isTrue();
    }
    for (long i = 200_000 - 50; i < 200_000; i++) {
      assertThat(store.get(keySegment(new K(i, i)), out)).isTrue();
    }
    assertThat(store.get(keySegment(new K(200_000 - 51, 200_000 - 51)), out)).isFalse();
  }

  @Test
  void removalsWhoseSlotsAreEmptiedOrReusedStillReachTheNextDelta() throws Exception {
    OffHeapStateStore store = (OffHeapStateStore) open(8);
    MemorySegment v = arena.allocate(8);
    for (long i = 0; i < 500; i++) {
      v.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, i);
      store.put(keySegment(new K(i, 0)), v);
    }
    Path full = dir.resolve("reuse-full");
    try (SnapshotCapture c = store.captureFull()) {
      c.writeTo(full);
    }
    for (long i = 0; i < 500; i += 2) { // half of the snapshot's keys go, then new keys take emptied slots and tombstones
      assertThat(store.remove(keySegment(new K(i, 0)))).isTrue();
    }
    for (long i = 0; i < 300; i++) {
      v.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, -i);
      store.put(keySegment(new K(i, 1)), v);
    }
    Path delta = dir.resolve("reuse-delta");
    try (SnapshotCapture c = store.captureIncremental()) {
      assertThat(c.deletes()).as("every removed key of the snapshot once, wherever its slot went").isEqualTo(250);
      c.writeTo(delta);
    }
    OffHeapStateStore restored = (OffHeapStateStore) open(8);
    restored.restore(java.util.List.of(full, delta));
    assertThat(restored.size()).isEqualTo(550);
    MemorySegment out = arena.allocate(8);
    for (long i = 0; i < 500; i++) {
      boolean present = restored.get(keySegment(new K(i, 0)), out);
      assertThat(present).as("key %d of the full snapshot", i).isEqualTo(i % 2 == 1);
      if (present) {
        assertThat(out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(i);
      }
    }
    for (long i = 0; i < 300; i++) {
      assertThat(restored.get(keySegment(new K(i, 1)), out)).isTrue();
      assertThat(out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(-i);
    }
    store.close();
    restored.close();
  }

  @Test
  void aStoreNeverCapturedKeepsNoRemovedKeysWhileOneCapturedKeepsThemForItsNextDelta() {
    OffHeapStateStore store = (OffHeapStateStore) open(8);
    MemorySegment v = arena.allocate(8);
    for (long i = 0; i < 50_000; i++) { // churn: rehashes carry dirty tombstones along
      store.put(keySegment(new K(i, i)), v);
      store.remove(keySegment(new K(i, i)));
    }
    assertThat(store.pendingDeletes()).as("no data directory, no capture: nothing to delete from").isZero();
    store.put(keySegment(new K(-1, -1)), v);
    store.captureFull().close();
    for (long i = 0; i < 50_000; i++) {
      store.put(keySegment(new K(i, -i)), v);
      store.remove(keySegment(new K(i, -i)));
    }
    store.remove(keySegment(new K(-1, -1)));
    try (SnapshotCapture delta = store.captureIncremental()) {
      assertThat(delta.deletes()).as("the key of the full snapshot is deleted by the delta").isPositive();
    }
    assertThat(store.pendingDeletes()).as("a capture hands them over").isZero();
    store.close();
  }

  @Test
  void upsertSlotUpdatesInPlaceAndClearEmptiesForReuse() {
    OffHeapStateStore store = (OffHeapStateStore) open(16);
    MemorySegment out = arena.allocate(16);
    for (long round = 0; round < 3; round++) {
      for (long i = 0; i < 5_000; i++) { // grows (rehashes) while slots are written in place
        long slot = store.upsertSlot(keySegment(new K(i, round)));
        assertThat(store.inserted()).isTrue();
        long at = store.valueOffset(slot);
        assertThat(store.table().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at)).as("a new slot is zero").isZero();
        store.table().set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at, i * 3);
      }
      long again = store.upsertSlot(keySegment(new K(42, round)));
      assertThat(store.inserted()).isFalse();
      store.table().set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, store.valueOffset(again) + 8, -1);
      assertThat(store.get(keySegment(new K(42, round)), out)).isTrue();
      assertThat(out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(126);
      assertThat(out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8)).isEqualTo(-1);
      assertThat(store.size()).isEqualTo(5_000);
      try (SnapshotCapture c = store.captureIncremental()) {
        assertThat(c.upserts()).as("every upsertSlot marks its entry changed").isEqualTo(5_000);
      }
      long capacity = store.capacity();
      store.clear();
      assertThat(store.size()).isZero();
      assertThat(store.capacity()).as("clear keeps the table").isEqualTo(capacity);
      assertThat(store.get(keySegment(new K(42, round)), out)).isFalse();
      try (SnapshotCapture c = store.captureIncremental()) {
        assertThat(c.upserts() + c.deletes()).as("a cleared store tracks nothing").isZero();
      }
    }
  }

  @Test
  void heapAndOffHeapStoresRestoreEachOthersSnapshots() throws Exception {
    HeapStateStore heap = new HeapStateStore(16, StateStore.VARIABLE, true);
    StateStore offHeap = open(StateStore.VARIABLE);
    for (long i = 0; i < 500; i++) {
      byte[] v = ("value-" + i).getBytes();
      heap.put(keySegment(new K(i % 5, i)), MemorySegment.ofArray(v));
      offHeap.put(keySegment(new K(i % 5, i)), MemorySegment.ofArray(v));
    }
    heap.remove(keySegment(new K(0, 0)));
    offHeap.remove(keySegment(new K(0, 0)));
    Path fromHeap = dir.resolve("from-heap");
    Path fromOffHeap = dir.resolve("from-off-heap");
    try (SnapshotCapture a = heap.captureFull(); SnapshotCapture b = offHeap.captureFull()) {
      a.writeTo(fromHeap);
      b.writeTo(fromOffHeap);
    }
    StateStore offHeapRestored = open(StateStore.VARIABLE);
    offHeapRestored.restore(java.util.List.of(fromHeap));
    HeapStateStore heapRestored = new HeapStateStore(16, StateStore.VARIABLE, true);
    heapRestored.restore(java.util.List.of(fromOffHeap));
    for (StateStore s : java.util.List.of(offHeapRestored, heapRestored)) {
      assertThat(s.size()).isEqualTo(499);
      MemorySegment out = arena.allocate(32);
      assertThat(s.get(keySegment(new K(3, 123)), out)).isTrue();
      assertThat(new String(out.asSlice(0, s.valueLength(keySegment(new K(3, 123)))).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)))
          .isEqualTo("value-123");
      assertThat(s.get(keySegment(new K(0, 0)), out)).isFalse();
    }
  }

  /** 20,000 entries over 7 index components, every third removed (tombstones), variable-size values. */
  private OffHeapStateStore filled(boolean indexed) {
    OffHeapStateStore store = new OffHeapStateStore(dir.resolve("filled"), 16, StateStore.VARIABLE, indexed, 16);
    opened.add(store);
    for (long i = 0; i < 20_000; i++) {
      store.put(keySegment(new K(i % 7, i)), MemorySegment.ofArray(("v" + i).getBytes()));
    }
    for (long i = 0; i < 20_000; i += 3) {
      store.remove(keySegment(new K(i % 7, i)));
    }
    for (long i = 1; i < 20_000; i += 30) { // replaced values leave garbage in the value log
      store.put(keySegment(new K(i % 7, i)), MemorySegment.ofArray(("w" + i).getBytes()));
    }
    return store;
  }

  private static String expected(long i) {
    return i % 3 == 0 ? null : (i % 30 == 1 ? "w" : "v") + i;
  }

  private void assertFilledContents(StateStore s, String what) {
    assertThat(s.size()).as(what).isEqualTo(20_000 - 6_667);
    MemorySegment out = arena.allocate(16);
    for (long i = 0; i < 20_000; i++) {
      MemorySegment key = keySegment(new K(i % 7, i));
      String want = expected(i);
      assertThat(s.get(key, out)).as("%s: key %d present", what, i).isEqualTo(want != null);
      if (want != null) {
        assertThat(new String(out.asSlice(0, s.valueLength(key)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))).as(what).isEqualTo(want);
      }
    }
    if (s.indexed()) {
      long[] inRange = new long[1];
      s.forEachInRange(2, 3, (k, v) -> inRange[0]++);
      long want = java.util.stream.LongStream.range(0, 20_000).filter(i -> i % 7 == 2 || i % 7 == 3).filter(i -> i % 3 != 0).count();
      assertThat(inRange[0]).as("%s: entries of index components 2..3", what).isEqualTo(want);
    }
  }

  @Test
  void fullSnapshotIsATableImageRestoredSlotForSlotOrEntryByEntryIntoAnotherLayout() throws Exception {
    OffHeapStateStore source = filled(true);
    Path image = dir.resolve("image.snap");
    try (SnapshotCapture c = source.captureFull()) {
      assertThat(c.full()).isTrue();
      assertThat(c.upserts()).isEqualTo(source.size());
      assertThat(c.writeTo(image)).isEqualTo(java.nio.file.Files.size(image));
    }
    assertThat(SnapshotFiles.header(image, SnapshotFormat.HEADER_BYTES).get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED,
        SnapshotFormat.OFF_KIND)).as("an off-heap store's full snapshot is a table image").isEqualTo(SnapshotFormat.IMAGE);
    SnapshotFiles.verify(image);

    OffHeapStateStore same = new OffHeapStateStore(dir.resolve("same"), 16, StateStore.VARIABLE, true, 16);
    opened.add(same);
    same.restore(java.util.List.of(image));
    assertThat(same.capacity()).as("the image's table, slot for slot").isEqualTo(source.capacity());
    assertFilledContents(same, "same layout (bulk)");
    // the restored table goes on working: inserts, removals and a delta on top of it
    same.put(keySegment(new K(2, 99_999)), MemorySegment.ofArray("new".getBytes()));
    same.remove(keySegment(new K(1, 1)));
    Path delta = dir.resolve("delta.snap");
    try (SnapshotCapture c = same.captureIncremental()) {
      assertThat(c.upserts()).isEqualTo(1);
      assertThat(c.deletes()).isEqualTo(1);
      c.writeTo(delta);
    }
    Path compacted = dir.resolve("compacted.snap");
    SnapshotFiles.compact(java.util.List.of(image, delta), 16, StateStore.VARIABLE, dir.resolve("scratch"), compacted);
    assertThat(SnapshotFiles.header(compacted, SnapshotFormat.HEADER_BYTES + SnapshotFormat.IMAGE_HEADER_BYTES)
        .get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, SnapshotFormat.OFF_INDEXED))
        .as("a compaction keeps the chain's layout, so the live store restores it slot for slot").isEqualTo(1);
    OffHeapStateStore fromCompacted = new OffHeapStateStore(dir.resolve("compacted"), 16, StateStore.VARIABLE, true, 16);
    opened.add(fromCompacted);
    fromCompacted.restore(java.util.List.of(compacted));
    assertThat(fromCompacted.capacity()).isEqualTo(source.capacity());
    assertThat(fromCompacted.size()).isEqualTo(same.size());
    assertThat(fromCompacted.valueLength(keySegment(new K(2, 99_999)))).isEqualTo(3);
    for (StateStore other : java.util.List.<StateStore>of(new OffHeapStateStore(dir.resolve("other"), 16, StateStore.VARIABLE, false, 16),
        new HeapStateStore(16, StateStore.VARIABLE, true))) {
      opened.add(other);
      other.restore(java.util.List.of(image));
      assertFilledContents(other, "another layout (" + other.getClass().getSimpleName() + ", entry by entry)");
      other.restore(java.util.List.of(image, delta));
      assertThat(other.size()).isEqualTo(20_000 - 6_667);
      assertThat(other.valueLength(keySegment(new K(2, 99_999)))).isEqualTo(3);
      assertThat(other.valueLength(keySegment(new K(1, 1)))).isEqualTo(-1);
    }
  }

  @Test
  void aCorruptImageOrAnUnknownVersionIsRefusedNamingTheFile() throws Exception {
    OffHeapStateStore source = filled(true);
    Path image = dir.resolve("image.snap");
    try (SnapshotCapture c = source.captureFull()) {
      c.writeTo(image);
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(image);
    byte[] corrupt = bytes.clone();
    corrupt[bytes.length / 2] ^= 0x5A; // in the slots
    Path bad = dir.resolve("corrupt.snap");
    java.nio.file.Files.write(bad, corrupt);
    OffHeapStateStore target = new OffHeapStateStore(dir.resolve("target"), 16, StateStore.VARIABLE, true, 16);
    opened.add(target);
    target.put(keySegment(new K(1, 1)), MemorySegment.ofArray("x".getBytes()));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.restore(java.util.List.of(bad)))
        .isInstanceOf(java.io.IOException.class).hasMessageContaining(bad.toString()).hasMessageContaining("fails its checksum");
    assertThat(target.size()).as("a failed restore leaves the store empty, not half restored").isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SnapshotFiles.verify(bad)).hasMessageContaining("fails its checksum");

    byte[] future = bytes.clone();
    java.nio.ByteBuffer.wrap(future).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) SnapshotFormat.OFF_VERSION, 9);
    Path newer = dir.resolve("newer.snap");
    java.nio.file.Files.write(newer, future);
    for (ThrowingRunnable r : java.util.List.<ThrowingRunnable>of(() -> SnapshotFiles.verify(newer),
        () -> target.restore(java.util.List.of(newer)), () -> new HeapStateStore(16, StateStore.VARIABLE, true).restore(java.util.List.of(newer)))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(r::run).isInstanceOf(java.io.IOException.class)
          .hasMessageContaining(newer.toString()).hasMessageContaining("format version 9; this build reads versions 1 to 2");
    }
    target.restore(java.util.List.of(image)); // the intact file still restores into the same store
    assertFilledContents(target, "after failed restores");
  }

  @Test
  void versionOneEntryListsAreStillRead() throws Exception {
    HeapStateStore heap = new HeapStateStore(16, 8, false);
    for (long i = 0; i < 100; i++) {
      heap.put(keySegment(new K(i, i)), MemorySegment.ofArray(new long[] {i * 10}));
    }
    Path v2 = dir.resolve("v2.snap");
    try (SnapshotCapture c = heap.captureFull()) {
      c.writeTo(v2);
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(v2);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt((int) SnapshotFormat.OFF_VERSION, 1); // the entry list of version 1 is the same; only the number differs
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    b.putInt(bytes.length - 4, (int) crc.getValue());
    Path v1 = dir.resolve("v1.snap");
    java.nio.file.Files.write(v1, bytes);
    StateStore restored = open(8);
    restored.restore(java.util.List.of(v1));
    assertThat(restored.size()).isEqualTo(100);
    MemorySegment out = arena.allocate(8);
    assertThat(restored.get(keySegment(new K(42, 42)), out)).isTrue();
    assertThat(out.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0)).isEqualTo(420);
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
