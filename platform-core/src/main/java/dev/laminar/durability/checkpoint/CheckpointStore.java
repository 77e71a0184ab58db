package dev.laminar.durability.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.laminar.durability.DurableFiles;
import dev.laminar.durability.checkpoint.CheckpointManifest.OperatorSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one database, under a root directory:
 *
 * <pre>
 * manifests/00000000000000000042.manifest   manifest of epoch 42 (ManifestCodec, CRC32C trailer)
 * manifests/00000000000000000042.committed  marker: every sink has committed epoch 42
 * state/...                                 snapshot files the manifests reference
 * </pre>
 *
 * <p><b>Protocol</b> (the coordinator, Ring 1): when every operator has snapshotted and every sink has
 * pre-committed epoch E, {@link #write} the manifest — its durability is the decision to commit E.
 * Then call {@code commit(E, handle)} on each sink, then {@link #markCommitted}. On recovery,
 * {@link #latest()} returns the newest readable manifest: if {@link LoadedCheckpoint#committed()} is
 * false, re-drive {@code commit} for its sinks; every pre-committed epoch greater than it is aborted
 * (presumed abort: it is "not in a manifest").
 *
 * <p>Retention keeps the newest {@code retain} manifests; snapshot files referenced only by dropped
 * manifests are deleted. Files not referenced by any manifest (a snapshot of an epoch still in
 * progress) are never touched. Methods may be called from any one thread at a time.
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final String MANIFEST = ".manifest";
  private static final String COMMITTED = ".committed";

  private final Path manifests;
  private final Path state;
  private final int retain;

  /** Opens (creating) the store at {@code root}, keeping the newest {@code retain} (≥ 1) checkpoints. */
  public CheckpointStore(Path root, int retain) throws IOException {
    requireNonNull(root, "root is null");
    if (retain < 1) {
      throw new IllegalArgumentException("retain must be >= 1: " + retain);
    }
    this.manifests = Files.createDirectories(root.resolve("manifests"));
    this.state = Files.createDirectories(root.resolve("state"));
    this.retain = retain;
    try (Stream<Path> files = Files.list(manifests)) { // temp files of writes a crash interrupted
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().endsWith(".tmp")) {
          Files.delete(p);
        }
      }
    }
  }

  /** Where operators write their snapshot files; manifests name them relative to it. */
  public Path stateDirectory() {
    return state;
  }

  /**
   * Writes the manifest of {@code manifest.epoch()} atomically and durably (temp file, fsync, rename,
   * fsync of the directory), then applies retention. When this returns, the epoch is decided: commit.
   */
  public void write(CheckpointManifest manifest) throws IOException {
    requireNonNull(manifest, "manifest is null");
    Path file = manifestPath(manifest.epoch());
    if (Files.exists(file)) {
      throw new IllegalStateException("checkpoint " + manifest.epoch() + " already exists in " + manifests);
    }
    DurableFiles.writeAtomically(file, ManifestCodec.encode(manifest));
    applyRetention();
  }

  /** Records durably that every sink has committed {@code epoch}. Idempotent. */
  public void markCommitted(long epoch) throws IOException {
    if (!Files.exists(manifestPath(epoch))) {
      throw new IllegalStateException("no manifest for epoch " + epoch + " in " + manifests);
    }
    Path marker = manifests.resolve(name(epoch, COMMITTED));
    if (!Files.exists(marker)) {
      DurableFiles.writeAtomically(marker, Long.toString(epoch).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  /** Whether {@link #markCommitted} completed for {@code epoch}. */
  public boolean isCommitted(long epoch) {
    return Files.exists(manifests.resolve(name(epoch, COMMITTED)));
  }

  /** Epochs that have a manifest file (readable or not), ascending. */
  public List<Long> epochs() throws IOException {
    return new ArrayList<>(manifestEpochs());
  }

  /**
   * The newest checkpoint whose manifest reads back intact. A corrupt or partial manifest is skipped
   * with a warning and its reason (listed in {@link LoadedCheckpoint#skipped()}); the previous one is
   * returned. Empty when there is none.
   */
  public Optional<LoadedCheckpoint> latest() throws IOException {
    return latest(m -> null);
  }

  /**
   * Checks a manifest's state files before its checkpoint is used: returns why they cannot be restored
   * from (a snapshot file missing or failing its checksum), or null when they can.
   */
  @FunctionalInterface
  public interface StateVerifier {
    String problem(CheckpointManifest manifest);
  }

  /**
   * {@link #latest()}, also skipping (with a warning and the reason) a checkpoint whose state files
   * {@code verifier} rejects: the previous one is used.
   */
  public Optional<LoadedCheckpoint> latest(StateVerifier verifier) throws IOException {
    List<LoadedCheckpoint.Skipped> skipped = new ArrayList<>();
    for (long epoch : manifestEpochs().descendingSet()) {
      try {
        CheckpointManifest m = read(epoch);
        String problem = verifier.problem(m);
        if (problem != null) {
          throw new CorruptManifestException(problem);
        }
        return Optional.of(new LoadedCheckpoint(m, isCommitted(epoch), List.copyOf(skipped)));
      } catch (CorruptManifestException e) {
        LOG.warn("checkpoint {} in {} skipped: {}; falling back to the previous one", epoch, manifests, e.getMessage());
        skipped.add(new LoadedCheckpoint.Skipped(epoch, e.getMessage()));
      }
    }
    return Optional.empty();
  }

  /** Reads the manifest of {@code epoch}, verifying it. */
  public CheckpointManifest read(long epoch) throws IOException, CorruptManifestException {
    byte[] data;
    try {
      data = Files.readAllBytes(manifestPath(epoch));
    } catch (NoSuchFileException e) {
      throw new CorruptManifestException("manifest file missing");
    }
    CheckpointManifest m = ManifestCodec.decode(data);
    if (m.epoch() != epoch) {
      throw new CorruptManifestException("file of epoch " + epoch + " holds epoch " + m.epoch());
    }
    return m;
  }

  private void applyRetention() throws IOException {
    TreeSet<Long> epochs = manifestEpochs();
    if (epochs.size() <= retain) {
      return;
    }
    List<Long> dropped = new ArrayList<>(epochs.headSet(epochs.last(), true)).subList(0, epochs.size() - retain);
    Set<String> kept = new HashSet<>();
    for (long e : epochs.tailSet(dropped.getLast(), false)) {
      referencedFiles(e, kept);
    }
    Set<String> candidates = new HashSet<>();
    for (long e : dropped) {
      referencedFiles(e, candidates);
    }
    candidates.removeAll(kept);
    for (String f : candidates) {
      Files.deleteIfExists(state.resolve(f));
    }
    for (long e : dropped) {
      Files.deleteIfExists(manifests.resolve(name(e, COMMITTED)));
      Files.deleteIfExists(manifestPath(e));
    }
    DurableFiles.syncDirectory(manifests);
  }

  /** State files (relative to {@link #stateDirectory()}) that some readable manifest references. */
  public Set<String> referencedStateFiles() throws IOException {
    Set<String> files = new HashSet<>();
    for (long e : manifestEpochs()) {
      referencedFiles(e, files);
    }
    return files;
  }

  private void referencedFiles(long epoch, Set<String> into) throws IOException {
    try {
      for (OperatorSnapshot o : read(epoch).operators()) {
        into.addAll(o.files());
      }
    } catch (CorruptManifestException unreadable) {
      // an unreadable manifest references nothing we can trust
    }
  }

  private TreeSet<Long> manifestEpochs() throws IOException {
    return new TreeSet<>(DurableFiles.numberedFiles(manifests, MANIFEST));
  }

  private Path manifestPath(long epoch) {
    return manifests.resolve(name(epoch, MANIFEST));
  }

  private static String name(long epoch, String suffix) {
    return DurableFiles.numberedName(epoch, suffix);
  }
}
