package dev.laminar.state;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * Keyed operator state of one reactor's shard: a map from fixed-size keys to fixed-size values
 * (accumulators) or to variable-size values (strings, session lists, join buffers).
 *
 * <p><b>Keys.</b> {@link #keyBytes()} bytes, a multiple of 8. When the store is <i>indexed</i>, the
 * first 8 bytes of the key, read as a little-endian {@code long} (the <i>index component</i>: a
 * window end, or a group key's id), are kept in an ordered secondary index, so
 * {@link #forEachInRange} visits "all windows ending ≤ watermark" or "all entries of key K" in time
 * proportional to what it visits (plus a binary search), not to the size of the store.
 *
 * <p><b>Threads.</b> One owner thread (the reactor) calls everything except the methods of the
 * returned {@link SnapshotCapture}, which may run on any thread. {@link #get} and {@link #put} of
 * fixed-size entries allocate nothing. No locks.
 *
 * <p><b>Snapshots.</b> The store tracks which keys changed since the last capture. At a checkpoint
 * barrier the owner calls {@link #captureIncremental()} (copies only the changed entries and the
 * removed keys: O(changes), plus a scan of a bitmap of one bit per slot) or {@link #captureFull()}
 * (copies every entry; {@link OffHeapStateStore} as one bulk copy of its table, a table image); the copy
 * is written to a file on a background thread, so the owner is stalled only for the copy, never for I/O.
 * {@link #restore} applies a full snapshot and then the incremental ones after it, in order (a table
 * image of a matching layout region by region, anything else entry by entry); {@link SnapshotFiles#compact}
 * merges such a chain into one full snapshot off the owner thread. Every implementation restores every
 * implementation's snapshots ({@link SnapshotFormat}).
 */
public interface StateStore extends AutoCloseable {
  /** Value size marker for stores of variable-size values. */
  int VARIABLE = -1;

  int keyBytes();

  /** Fixed value size, or {@link #VARIABLE}. */
  int valueBytes();

  /** Whether {@link #forEachInRange} is available. */
  boolean indexed();

  /** Number of entries. */
  long size();

  /**
   * Copies the value of {@code key} into {@code valueOut} and returns true, or returns false when
   * absent. Fixed-size values: copies {@link #valueBytes()} bytes. Variable-size values: copies
   * {@code min(length, valueOut.byteSize())} bytes; use {@link #valueLength} first.
   */
  boolean get(MemorySegment key, MemorySegment valueOut);

  /** Length of the value of {@code key}, or -1 when absent. */
  int valueLength(MemorySegment key);

  /**
   * Inserts or replaces. Fixed-size values: the first {@link #valueBytes()} bytes of {@code value};
   * variable-size values: all of {@code value}.
   */
  void put(MemorySegment key, MemorySegment value);

  /** Removes {@code key}; returns whether it was present. */
  boolean remove(MemorySegment key);

  /**
   * Visits every entry whose index component is in {@code [from, to]}, ascending by index component
   * (entries with equal components in no defined order). The visitor must not modify the store; collect
   * keys and remove them afterwards.
   */
  void forEachInRange(long from, long to, EntryVisitor visitor);

  /** Every entry, in no defined order. Not for the hot path. The visitor must not modify the store. */
  void forEach(EntryVisitor visitor);

  /** Owner: copies the changes since the previous capture (or restore) and resets change tracking. */
  SnapshotCapture captureIncremental();

  /** Owner: copies every entry (or the memory holding them) and resets change tracking. */
  SnapshotCapture captureFull();

  /**
   * Owner: replaces the contents with the state in {@code chain} — a full snapshot followed by the
   * incremental snapshots taken after it, oldest first. Change tracking starts empty.
   */
  void restore(List<Path> chain) throws IOException;

  @Override
  void close();

  /** Receives one entry; the segments are views valid only during the call. */
  @FunctionalInterface
  interface EntryVisitor {
    void accept(MemorySegment key, MemorySegment value);
  }
}
