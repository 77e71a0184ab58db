package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/** Reading snapshot files back, and merging a chain of them into one full snapshot. */
public final class SnapshotFiles {
  private SnapshotFiles() {}

  /**
   * Checks that {@code file} is a whole snapshot file: present, long enough, magic and version known,
   * checksum intact. Throws an IOException naming the file and what is wrong. Any thread.
   */
  public static void verify(Path file) throws IOException {
    try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      check(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("state snapshot " + file + " is missing", e);
    }
  }

  private static void check(Path file, MemorySegment seg) throws IOException {
    long size = seg.byteSize();
    if (size < SnapshotFormat.HEADER_BYTES + 4) {
      throw new IOException("state snapshot " + file + " is too short (" + size + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(seg.asSlice(0, size - 4).asByteBuffer());
    if ((int) crc.getValue() != seg.get(JAVA_INT_UNALIGNED, size - 4)) {
      throw new IOException("state snapshot " + file + " fails its checksum");
    }
    if (seg.get(JAVA_INT_UNALIGNED, 0) != SnapshotFormat.MAGIC || seg.get(JAVA_INT_UNALIGNED, 4) != SnapshotFormat.VERSION) {
      throw new IOException("state snapshot " + file + " has an unknown magic or version");
    }
  }

  /** The number of upserts the header of snapshot file {@code file} announces (not verified: for sizing). */
  static long upserts(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(SnapshotFormat.HEADER_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && ch.read(header) >= 0) {
        // reads the header
      }
      return header.hasRemaining() ? 0 : Math.max(0, header.getLong((int) SnapshotFormat.OFF_UPSERTS));
    }
  }

  /** Applies the snapshot in {@code file} to {@code store} (deletes, then upserts), after checking it. */
  static void apply(Path file, StateStore store) throws IOException {
    try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < SnapshotFormat.HEADER_BYTES + 4) {
        throw new IOException("state snapshot " + file + " is too short (" + size + " bytes)");
      }
      MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      check(file, seg);
      int keyBytes = seg.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KEY_BYTES);
      int valueBytes = seg.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VALUE_BYTES);
      if (keyBytes != store.keyBytes() || valueBytes != store.valueBytes()) {
        throw new IOException("state snapshot " + file + " holds " + keyBytes + "-byte keys and "
            + (valueBytes < 0 ? "variable" : valueBytes + "-byte") + " values; the store expects " + store.keyBytes()
            + " and " + (store.valueBytes() < 0 ? "variable" : store.valueBytes()));
      }
      long at = SnapshotFormat.HEADER_BYTES;
      for (long d = seg.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_DELETES); d > 0; d--) {
        store.remove(seg.asSlice(at, keyBytes));
        at += keyBytes;
      }
      for (long u = seg.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_UPSERTS); u > 0; u--) {
        MemorySegment key = seg.asSlice(at, keyBytes);
        at += keyBytes;
        int length = valueBytes;
        if (valueBytes == StateStore.VARIABLE) {
          length = seg.get(JAVA_INT_UNALIGNED, at);
          at += 4;
        }
        store.put(key, seg.asSlice(at, length));
        at += length;
      }
    }
  }

  /**
   * Merges {@code chain} (a full snapshot, then incremental ones) into one full snapshot at {@code out},
   * using a scratch off-heap store under {@code scratchDir}. Runs on any thread — the live store is not
   * touched — so the owner never pays for compaction. Returns the size of {@code out}.
   */
  public static long compact(List<Path> chain, int keyBytes, int valueBytes, Path scratchDir, Path out)
      throws IOException {
    try (OffHeapStateStore scratch = new OffHeapStateStore(scratchDir, keyBytes, valueBytes, false, 1024)) {
      scratch.restore(chain);
      try (SnapshotCapture full = scratch.captureFull()) {
        return full.writeTo(out);
      }
    }
  }
}
