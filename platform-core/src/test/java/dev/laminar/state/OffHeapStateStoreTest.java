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
}
