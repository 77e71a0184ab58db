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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Compaction runs on its own background thread ({@link #compactDue} only submits it), so a checkpoint
 * never waits for one: a compaction finished by the time of a later checkpoint's {@link #write} replaces
 * the head of its chain in that checkpoint's manifest, provided the chain still starts with the files it
 * merged (else its output is left to {@link #sweep}). Files a compaction reads or writes are never swept
 * while it runs; files a retained manifest references never are.
 */
final class StateSnapshots implements AutoCloseable {
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

  /** A compaction submitted for chain {@code key}: it merges {@code inputs} (the chain's files then) into {@code out}. */
  private record Compaction(String key, List<String> inputs, String out, CompletableFuture<Long> bytes) {}

  private final Path dir;
  private final Map<String, Chain> chains = new HashMap<>();
  private final Map<String, List<Path>> recovered = new HashMap<>();
  /** By chain key: at most one compaction per chain at a time; removed when its result is taken. */
  private final Map<String, Compaction> compactions = new HashMap<>();
  private final Executor compactor;
  private final ExecutorService ownCompactor;

  StateSnapshots(Path stateDirectory) {
    this.dir = stateDirectory;
    this.ownCompactor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "laminar-state-compactor");
      t.setDaemon(true);
      return t;
    });
    this.compactor = ownCompactor;
  }

  /** With the compactions run by {@code compactor} (tests hold them back to see a checkpoint not wait). */
  StateSnapshots(Path stateDirectory, Executor compactor) {
    this.dir = stateDirectory;
    this.ownCompactor = null;
    this.compactor = compactor;
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
    takeCompactions(epoch);
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
   * Checkpoint thread, after the manifest of {@code epoch} is durable: submits the compaction of each
   * chain that is due (and has none running) to the background compactor; returns without waiting. The
   * reactor is not involved: the compaction restores the chain's files into a scratch store.
   */
  void compactDue(long epoch) {
    for (Map.Entry<String, Chain> e : chains.entrySet()) {
      Chain c = e.getValue();
      if (!c.files.needsCompaction() || compactions.containsKey(e.getKey())) {
        continue;
      }
      List<String> files = c.files.files();
      String out = "c" + epoch + "-" + e.getKey().replaceAll("[^A-Za-z0-9_-]", "_") + "-full" + SUFFIX;
      List<Path> inputs = files.stream().map(dir::resolve).toList();
      int keyBytes = c.keyBytes;
      int valueBytes = c.valueBytes;
      CompletableFuture<Long> bytes = new CompletableFuture<>();
      compactions.put(e.getKey(), new Compaction(e.getKey(), files, out, bytes));
      try {
        compactor.execute(() -> {
          try {
            bytes.complete(SnapshotFiles.compact(inputs, keyBytes, valueBytes, ScratchSpace.folder(), dir.resolve(out)));
          } catch (Throwable t) {
            bytes.completeExceptionally(t);
          }
        });
      } catch (RejectedExecutionException closed) {
        compactions.remove(e.getKey());
      }
    }
  }

  /**
   * Checkpoint thread, before a checkpoint's chains are extended: each finished compaction replaces the
   * files it merged at the head of its chain, when the chain still starts with them (a chain restarted
   * from a new full snapshot, or dropped, leaves the output unreferenced: the sweep deletes it).
   */
  private void takeCompactions(long epoch) {
    for (java.util.Iterator<Compaction> it = compactions.values().iterator(); it.hasNext(); ) {
      Compaction done = it.next();
      if (!done.bytes.isDone()) {
        continue;
      }
      it.remove();
      long bytes;
      try {
        bytes = done.bytes.join();
      } catch (CompletionException | java.util.concurrent.CancellationException ex) {
        LOG.warn("checkpoint {}: cannot compact the state chain of {} ({} files); it stays as it is: {}", epoch, done.key,
            done.inputs.size(), (ex.getCause() != null ? ex.getCause() : ex).toString());
        continue;
      }
      Chain c = chains.get(done.key);
      List<String> now = c == null ? List.of() : c.files.files();
      if (now.size() >= done.inputs.size() && now.subList(0, done.inputs.size()).equals(done.inputs)) {
        c.files.compacted(done.inputs.size(), done.out, bytes);
      }
    }
  }

  /** Waits until every submitted compaction has finished (for tests and for close). */
  void awaitCompactions() {
    for (Compaction c : List.copyOf(compactions.values())) {
      try {
        c.bytes.join();
      } catch (CompletionException | java.util.concurrent.CancellationException ignored) {
        // reported when its result is taken
      }
    }
  }

  /** Stops the compactor: a compaction running is interrupted (its output is a temp file, swept later) and waited for. */
  @Override
  public void close() {
    if (ownCompactor == null) {
      return;
    }
    ownCompactor.shutdownNow();
    try {
      if (!ownCompactor.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("the state compactor did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    for (Compaction c : compactions.values()) { // running or finished but not taken yet: its inputs and output stay
      keep.addAll(c.inputs);
      keep.add(c.out);
      keep.add(c.out + ".tmp");
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        // temp files: of writes a crash or an interrupted compaction left (captures are written under the same lock)
        if ((name.endsWith(SUFFIX) || name.endsWith(SUFFIX + ".tmp")) && !keep.contains(name)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot sweep unreferenced state files in {}: {}", dir, e.toString());
    }
  }
}
