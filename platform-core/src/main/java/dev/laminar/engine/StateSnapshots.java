package dev.laminar.engine;

import dev.laminar.durability.checkpoint.CheckpointManifest;
import dev.laminar.runtime.StoreBacked;
import dev.laminar.state.ScratchSpace;
import dev.laminar.state.SnapshotCapture;
import dev.laminar.state.SnapshotChain;
import dev.laminar.state.SnapshotFiles;
import dev.laminar.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot chains of the operators' state stores ({@link StoreBacked}) across checkpoints: which
 * capture a store gets at a barrier (full when its chain is new, else incremental), writing the
 * captures, the manifest entries (one per store: {@code owner/operator#store} and its chain, a full
 * file then deltas), compaction of long chains into one full file, and the chains a recovered
 * checkpoint restores from. Used by {@link CheckpointCoordinator} only, under its lock; {@link #capture}
 * runs on the reactor while the checkpoint thread waits for it.
 */
final class StateSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(StateSnapshots.class);
  /** A chain is compacted past this many deltas ... */
  static final int MAX_INCREMENTALS = 8;
  /** ... or when its deltas add up to more than this fraction of its full file. */
  static final double MAX_INCREMENTAL_RATIO = 0.5;
  static final String SUFFIX = ".snap";

  private static final class Chain {
    final SnapshotChain files = new SnapshotChain(MAX_INCREMENTALS, MAX_INCREMENTAL_RATIO);
    int keyBytes;
    int valueBytes;
  }

  /** One store's copy taken at the barrier, to be written off the reactor. */
  record Capture(String key, SnapshotCapture capture, boolean full, int keyBytes, int valueBytes) {}

  private final Path dir;
  private final Map<String, Chain> chains = new HashMap<>();
  private final Map<String, List<Path>> recovered = new HashMap<>();

  StateSnapshots(Path stateDirectory) {
    this.dir = stateDirectory;
  }

  /** Whether a manifest entry names a state store's chain (else an operator's heap snapshot). */
  static boolean isChain(String operatorEntry) {
    return operatorEntry.indexOf('#') >= 0;
  }

  /** Why the chains of {@code m} cannot be restored (a file missing or corrupt), or null. */
  String problem(CheckpointManifest m) {
    for (CheckpointManifest.OperatorSnapshot o : m.operators()) {
      for (String f : o.files()) {
        Path p = dir.resolve(f);
        try {
          if (f.endsWith(SUFFIX)) {
            SnapshotFiles.verify(p);
          } else if (!Files.exists(p)) {
            return "state file " + p + " of " + o.operator() + " is missing";
          }
        } catch (IOException e) {
          return e.getMessage() + " (state of " + o.operator() + ")";
        }
      }
    }
    return null;
  }

  /** Recovery: the recovered checkpoint's chains are where the stores restore from, and what the next captures build on. */
  void recovered(CheckpointManifest m) throws IOException {
    for (CheckpointManifest.OperatorSnapshot o : m.operators()) {
      if (!isChain(o.operator())) {
        continue;
      }
      List<Path> paths = new ArrayList<>();
      Chain c = new Chain();
      for (int i = 0; i < o.files().size(); i++) {
        Path p = dir.resolve(o.files().get(i));
        paths.add(p);
        if (i == 0) {
          c.files.addFull(o.files().get(i), Files.size(p));
        } else {
          c.files.addIncremental(o.files().get(i), Files.size(p));
        }
      }
      recovered.put(o.operator().toLowerCase(Locale.ROOT), List.copyOf(paths));
      chains.put(o.operator(), c);
    }
  }

  /** The recovered chains of operator {@code id} of {@code owner}, by store name (empty when none). */
  Map<String, List<Path>> recoveredChains(String owner, String id) {
    String prefix = (owner + "/" + id + "#").toLowerCase(Locale.ROOT);
    Map<String, List<Path>> out = new HashMap<>();
    recovered.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  /** Reactor thread, at the barrier: copies each store of {@code op} (incrementally when its chain has a full file). */
  void capture(String operatorKey, StoreBacked op, List<Capture> into) {
    for (Map.Entry<String, StateStore> e : op.stores().entrySet()) {
      String key = operatorKey + "#" + e.getKey();
      StateStore store = e.getValue();
      Chain c = chains.get(key);
      boolean full = c == null || !c.files.hasFull();
      into.add(new Capture(key, full ? store.captureFull() : store.captureIncremental(), full, store.keyBytes(), store.valueBytes()));
    }
  }

  /**
   * Checkpoint thread: writes the captures of {@code epoch} (durably, atomically), extends the chains and
   * returns their manifest entries; chains of stores that no longer exist are dropped. Frees the captures.
   */
  List<CheckpointManifest.OperatorSnapshot> write(long epoch, List<Capture> captures, long[] bytesOut) throws IOException {
    Map<String, Chain> next = new HashMap<>();
    List<CheckpointManifest.OperatorSnapshot> entries = new ArrayList<>();
    try {
      for (Capture c : captures) {
        String file = "e" + epoch + "-" + c.key.replaceAll("[^A-Za-z0-9_-]", "_") + (c.full ? "-full" : "-delta") + SUFFIX;
        long bytes = c.capture.writeTo(dir.resolve(file));
        bytesOut[0] += bytes;
        Chain chain = c.full ? new Chain() : chains.get(c.key);
        if (c.full) {
          chain.files.addFull(file, bytes);
        } else {
          chain.files.addIncremental(file, bytes);
        }
        chain.keyBytes = c.keyBytes;
        chain.valueBytes = c.valueBytes;
        next.put(c.key, chain);
        entries.add(new CheckpointManifest.OperatorSnapshot(c.key, chain.files.files()));
      }
    } finally {
      for (Capture c : captures) {
        c.capture.close();
      }
    }
    chains.clear();
    chains.putAll(next);
    return entries;
  }

  /** Frees captures of a checkpoint that failed before {@link #write}. */
  static void discard(List<Capture> captures) {
    for (Capture c : captures) {
      c.capture.close();
    }
  }

  /**
   * A checkpoint failed after the stores were captured: their change tracking restarted, so a delta
   * would miss those changes. Every store's next capture is full.
   */
  void reset() {
    chains.clear();
  }

  /** Bytes of every file the chains reference. */
  long chainBytes() {
    long total = 0;
    for (Chain c : chains.values()) {
      for (String f : c.files.files()) {
        try {
          total += Files.size(dir.resolve(f));
        } catch (IOException e) {
          LOG.debug("cannot size {}", f, e);
        }
      }
    }
    return total;
  }

  /**
   * Checkpoint thread, after the manifest of {@code epoch} is durable: merges each chain that is due
   * into one full file (the reactor is not involved); the next manifest references it. A failure is
   * logged and the chain kept.
   */
  void compactDue(long epoch) {
    for (Map.Entry<String, Chain> e : chains.entrySet()) {
      Chain c = e.getValue();
      if (!c.files.needsCompaction()) {
        continue;
      }
      List<String> files = c.files.files();
      String out = "c" + epoch + "-" + e.getKey().replaceAll("[^A-Za-z0-9_-]", "_") + "-full" + SUFFIX;
      try {
        long bytes = SnapshotFiles.compact(files.stream().map(dir::resolve).toList(), c.keyBytes, c.valueBytes, ScratchSpace.folder(),
            dir.resolve(out));
        c.files.compacted(files.size(), out, bytes);
      } catch (IOException | RuntimeException ex) {
        LOG.warn("checkpoint {}: cannot compact the state chain of {} ({} files); it stays as it is: {}", epoch, e.getKey(), files.size(),
            ex.toString());
      }
    }
  }

  /**
   * Deletes snapshot files that neither a retained manifest ({@code referenced}) nor a current chain
   * names: captures of checkpoints that failed, compactions of stores dropped before the next
   * checkpoint. Only under the coordinator's lock, when no checkpoint is being written.
   */
  void sweep(Set<String> referenced) {
    Set<String> keep = new java.util.HashSet<>(referenced);
    for (Chain c : chains.values()) {
      keep.addAll(c.files.files());
    }
    recovered.values().forEach(paths -> paths.forEach(p -> keep.add(p.getFileName().toString())));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(SUFFIX) && !keep.contains(name)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot sweep unreferenced state files in {}: {}", dir, e.toString());
    }
  }
}
