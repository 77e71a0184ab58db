package dev.laminar.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotChainTest {
  @TempDir
  Path dir;

  @Test
  void compactionIsDueByCountOrBytesAndKeepsLaterDeltas() {
    SnapshotChain chain = new SnapshotChain(3, 0.5);
    assertThatThrownBy(() -> chain.addIncremental("d1", 1)).hasMessageContaining("needs a full one");
    chain.addFull("f1", 1000);
    chain.addIncremental("d1", 100);
    chain.addIncremental("d2", 100);
    chain.addIncremental("d3", 100);
    assertThat(chain.needsCompaction()).isFalse();
    chain.addIncremental("d4", 100);
    assertThat(chain.needsCompaction()).as("more than 3 deltas").isTrue();
    List<String> merged = chain.files();
    chain.addIncremental("d5", 10); // taken while compaction ran
    chain.compacted(merged.size(), "f2", 1100);
    assertThat(chain.files()).containsExactly("f2", "d5");
    assertThat(chain.needsCompaction()).isFalse();
    chain.addIncremental("d6", 600);
    assertThat(chain.needsCompaction()).as("deltas over half the full snapshot's bytes").isTrue();
  }

  @Test
  void compactedChainRestoresTheSameState() throws Exception {
    try (Arena arena = Arena.ofConfined();
        OffHeapStateStore store = new OffHeapStateStore(dir.resolve("work"), 8, 8, false, 16)) {
      MemorySegment k = arena.allocate(8);
      MemorySegment v = arena.allocate(8);
      SnapshotChain chain = new SnapshotChain(1, 10);
      for (int epoch = 1; epoch <= 4; epoch++) {
        for (long i = 0; i < 100; i++) {
          k.set(ValueLayout.JAVA_LONG, 0, i * epoch);
          v.set(ValueLayout.JAVA_LONG, 0, epoch);
          store.put(k, v);
        }
        String name = "e" + epoch;
        try (SnapshotCapture c = chain.hasFull() ? store.captureIncremental() : store.captureFull()) {
          long bytes = c.writeTo(dir.resolve(name));
          if (chain.hasFull()) {
            chain.addIncremental(name, bytes);
          } else {
            chain.addFull(name, bytes);
          }
        }
        if (chain.needsCompaction()) {
          List<String> merged = chain.files();
          String out = "compacted-" + epoch;
          long bytes = SnapshotFiles.compact(merged.stream().map(dir::resolve).toList(), 8, 8, dir.resolve("scratch"),
              dir.resolve(out));
          chain.compacted(merged.size(), out, bytes);
        }
      }
      assertThat(chain.files()).hasSize(2);
      try (OffHeapStateStore restored = new OffHeapStateStore(dir.resolve("work"), 8, 8, false, 16)) {
        restored.restore(chain.files().stream().map(dir::resolve).toList());
        assertThat(restored.size()).isEqualTo(store.size());
        store.forEach((key, value) -> {
          MemorySegment out = arena.allocate(8);
          assertThat(restored.get(key, out)).isTrue();
          assertThat(out.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(value.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        });
      }
    }
  }
}
