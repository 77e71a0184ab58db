package dev.laminar.durability.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laminar.durability.checkpoint.CheckpointManifest.OperatorSnapshot;
import dev.laminar.durability.checkpoint.CheckpointManifest.SinkPreCommit;
import dev.laminar.durability.checkpoint.CheckpointManifest.SourcePosition;
import dev.laminar.durability.checkpoint.CheckpointManifest.Watermark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir
  Path root;

  private static CheckpointManifest manifest(long epoch, String... files) {
    return new CheckpointManifest(epoch, 1_700_000_000_000L + epoch, 4096 * epoch,
        List.of(new SourcePosition("trades", "partition-0", new byte[] {1, 2, (byte) epoch}),
            new SourcePosition("trades", "partition-1", new byte[0])),
        List.of(new OperatorSnapshot("agg#1", List.of(files))),
        List.of(new Watermark("trades", 123_000 + epoch)),
        List.of(new SinkPreCommit("out", ("txn-" + epoch).getBytes())));
  }

  private Path manifestFile(long epoch) {
    return root.resolve("manifests").resolve(String.format("%020d.manifest", epoch));
  }

  @Test
  void manifestRoundTripsWithEveryField() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 3);
    CheckpointManifest m = manifest(7, "base-1", "delta-2");
    store.write(m);
    assertThat(store.read(7)).isEqualTo(m);
    LoadedCheckpoint latest = store.latest().orElseThrow();
    assertThat(latest.manifest()).isEqualTo(m);
    assertThat(latest.committed()).as("no commit marker yet: re-drive sink commits").isFalse();
    assertThat(latest.skipped()).isEmpty();
    assertThat(Files.list(root.resolve("manifests")).filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
  }

  @Test
  void committedMarkerTellsRedriveFromDone() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 3);
    store.write(manifest(1));
    store.markCommitted(1);
    store.write(manifest(2));
    assertThat(new CheckpointStore(root, 3).latest().orElseThrow().committed()).as("epoch 2 decided, not committed").isFalse();
    store.markCommitted(2);
    store.markCommitted(2);
    LoadedCheckpoint reopened = new CheckpointStore(root, 3).latest().orElseThrow();
    assertThat(reopened.epoch()).isEqualTo(2);
    assertThat(reopened.committed()).isTrue();
    assertThatThrownBy(() -> store.markCommitted(3)).hasMessageContaining("no manifest for epoch 3");
  }

  @Test
  void corruptNewestManifestIsSkippedForThePreviousOneWithAReason() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 5);
    Random random = new Random(11);
    for (int round = 0; round < 30; round++) {
      long good = 2L * round + 1;
      long bad = good + 1;
      store.write(manifest(good));
      store.write(manifest(bad));
      byte[] bytes = Files.readAllBytes(manifestFile(bad));
      int at = random.nextInt(bytes.length);
      bytes[at] ^= (byte) (1 << random.nextInt(8));
      Files.write(manifestFile(bad), bytes);
      LoadedCheckpoint latest = store.latest().orElseThrow();
      assertThat(latest.epoch()).as("round %d: bit flipped at byte %d of %d", round, at, bytes.length).isEqualTo(good);
      assertThat(latest.manifest()).isEqualTo(manifest(good));
      assertThat(latest.skipped()).hasSize(1);
      assertThat(latest.skipped().getFirst().epoch()).isEqualTo(bad);
      assertThat(latest.skipped().getFirst().reason()).isNotBlank();
    }
  }

  @Test
  void partialManifestIsSkipped() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 5);
    store.write(manifest(1));
    store.write(manifest(2));
    byte[] full = Files.readAllBytes(manifestFile(2));
    for (int length : new int[] {0, 3, 11, full.length / 2, full.length - 1}) {
      Files.write(manifestFile(2), Arrays.copyOf(full, length));
      LoadedCheckpoint latest = store.latest().orElseThrow();
      assertThat(latest.epoch()).as("manifest 2 cut to %d bytes", length).isEqualTo(1);
      assertThat(latest.skipped().getFirst().reason()).containsAnyOf("partial", "short");
    }
  }

  @Test
  void interruptedWriteLeavesOnlyATempFileThatIsIgnoredAndCleaned() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 5);
    store.write(manifest(1));
    byte[] half = Arrays.copyOf(ManifestCodec.encode(manifest(2)), 20);
    Path tmp = root.resolve("manifests").resolve(String.format("%020d.manifest.tmp", 2));
    Files.write(tmp, half); // the crash came before the rename
    assertThat(store.latest().orElseThrow().epoch()).isEqualTo(1);
    assertThat(store.epochs()).containsExactly(1L);
    new CheckpointStore(root, 5);
    assertThat(tmp).doesNotExist();
  }

  @Test
  void retentionKeepsTheNewestKAndTheStateFilesTheyReference() throws Exception {
    CheckpointStore store = new CheckpointStore(root, 2);
    Path state = store.stateDirectory();
    for (String f : List.of("base-1", "delta-2", "delta-3", "base-4", "in-progress-5")) {
      Files.writeString(state.resolve(f), f);
    }
    store.write(manifest(1, "base-1"));
    store.write(manifest(2, "base-1", "delta-2"));
    store.markCommitted(2);
    store.write(manifest(3, "base-1", "delta-2", "delta-3"));
    assertThat(store.epochs()).containsExactly(2L, 3L);
    assertThat(state.resolve("base-1")).as("still referenced by epochs 2 and 3").exists();
    store.write(manifest(4, "base-4"));
    assertThat(store.epochs()).containsExactly(3L, 4L);
    assertThat(state.resolve("delta-2")).exists();
    store.write(manifest(5, "base-4"));
    assertThat(store.epochs()).containsExactly(4L, 5L);
    assertThat(state.resolve("base-1")).doesNotExist();
    assertThat(state.resolve("delta-2")).doesNotExist();
    assertThat(state.resolve("delta-3")).doesNotExist();
    assertThat(state.resolve("base-4")).exists();
    assertThat(state.resolve("in-progress-5")).as("referenced by no manifest: a snapshot in progress").exists();
    assertThat(store.isCommitted(2)).isFalse();
  }

  @Test
  void emptyStoreHasNoLatest() throws Exception {
    assertThat(new CheckpointStore(root, 1).latest()).isEmpty();
  }
}
