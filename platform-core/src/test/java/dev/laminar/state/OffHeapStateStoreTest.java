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
}
