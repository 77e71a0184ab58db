package dev.laminar.state;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot files one operator's state restores from — a full snapshot, then the incremental ones
 * taken after it — and the policy for compacting them. A checkpoint's manifest records
 * {@link #files()}; when {@link #needsCompaction()} says so, the checkpoint writer runs
 * {@link SnapshotFiles#compact} on a background thread and records the result with
 * {@link #compacted}. Deltas taken meanwhile are kept after the new full file.
 *
 * <p>Compaction is due when the chain holds more than {@code maxIncrementals} deltas or their bytes
 * exceed {@code maxIncrementalRatio} × the full snapshot's: restore time grows with both. Not
 * thread-safe: one checkpoint writer owns it.
 */
public final class SnapshotChain {
  private record Entry(String file, long bytes) {}

  private final int maxIncrementals;
  private final double maxIncrementalRatio;
  private Entry full;
  private final List<Entry> incrementals = new ArrayList<>();

  public SnapshotChain(int maxIncrementals, double maxIncrementalRatio) {
    if (maxIncrementals < 0) {
      throw new IllegalArgumentException("maxIncrementals must be >= 0: " + maxIncrementals);
    }
    if (!(maxIncrementalRatio > 0)) {
      throw new IllegalArgumentException("maxIncrementalRatio must be > 0: " + maxIncrementalRatio);
    }
    this.maxIncrementals = maxIncrementals;
    this.maxIncrementalRatio = maxIncrementalRatio;
  }

  /** A full snapshot was written: the chain restarts from it. */
  public void addFull(String file, long bytes) {
    full = new Entry(requireNonNull(file, "file is null"), bytes);
    incrementals.clear();
  }

  /** An incremental snapshot was written after the chain's last file. */
  public void addIncremental(String file, long bytes) {
    if (full == null) {
      throw new IllegalStateException("an incremental snapshot needs a full one before it");
    }
    incrementals.add(new Entry(requireNonNull(file, "file is null"), bytes));
  }

  /** Whether the next capture may be incremental (there is a full snapshot to build on). */
  public boolean hasFull() {
    return full != null;
  }

  /** The files to restore from, in order (what the manifest records). */
  public List<String> files() {
    List<String> files = new ArrayList<>(incrementals.size() + 1);
    if (full != null) {
      files.add(full.file);
    }
    for (Entry e : incrementals) {
      files.add(e.file);
    }
    return files;
  }

  public boolean needsCompaction() {
    if (incrementals.isEmpty()) {
      return false;
    }
    long deltaBytes = 0;
    for (Entry e : incrementals) {
      deltaBytes += e.bytes;
    }
    return incrementals.size() > maxIncrementals || deltaBytes > maxIncrementalRatio * full.bytes;
  }

  /**
   * {@code file} is the compaction of the first {@code mergedFiles} files of {@link #files()} (taken
   * before compaction started): it replaces them; later deltas stay after it.
   */
  public void compacted(int mergedFiles, String file, long bytes) {
    if (mergedFiles < 1 || mergedFiles > incrementals.size() + 1) {
      throw new IllegalArgumentException("mergedFiles " + mergedFiles + " is not a prefix of a chain of "
          + (incrementals.size() + 1));
    }
    full = new Entry(requireNonNull(file, "file is null"), bytes);
    incrementals.subList(0, mergedFiles - 1).clear();
  }
}
