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
    checkVersion(file, seg); // first: another version may checksum differently, and its number is the clearer error
    CRC32C crc = new CRC32C();
    for (long at = 0; at < size - 4; at += 1L << 30) { // a ByteBuffer view is at most 2 GiB
      crc.update(seg.asSlice(at, Math.min(1L << 30, size - 4 - at)).asByteBuffer());
    }
    if ((int) crc.getValue() != seg.get(JAVA_INT_UNALIGNED, size - 4)) {
      throw new IOException("state snapshot " + file + " fails its checksum");
    }
  }

  /** Throws when the header at the start of {@code seg} is not a snapshot of a version this build reads. */
  static void checkVersion(Path file, MemorySegment seg) throws IOException {
    if (seg.get(JAVA_INT_UNALIGNED, 0) != SnapshotFormat.MAGIC) {
      throw new IOException("state snapshot " + file + " is not a state snapshot (magic " + Integer.toHexString(seg.get(JAVA_INT_UNALIGNED, 0))
          + ")");
    }
    int version = seg.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VERSION);
    if (version < SnapshotFormat.OLDEST_READABLE || version > SnapshotFormat.VERSION) {
      throw new IOException("state snapshot " + file + " has format version " + version + "; this build reads versions "
          + SnapshotFormat.OLDEST_READABLE + " to " + SnapshotFormat.VERSION);
    }
    int kind = seg.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KIND);
    if (kind != SnapshotFormat.FULL && kind != SnapshotFormat.INCREMENTAL && !(kind == SnapshotFormat.IMAGE && version >= 2)) {
      throw new IOException("state snapshot " + file + " has an unknown kind " + kind + " for format version " + version);
    }
  }

  /** The first {@code bytes} of {@code file} (little-endian), or null when it is shorter. */
  static MemorySegment header(Path file, int bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && ch.read(header) >= 0) {
        // reads the header
      }
      return header.hasRemaining() ? null : MemorySegment.ofBuffer(header.flip());
    }
  }

  /** The number of upserts the header of snapshot file {@code file} announces (not verified: for sizing). */
  static long upserts(Path file) throws IOException {
    MemorySegment header = header(file, SnapshotFormat.HEADER_BYTES);
    return header == null ? 0 : Math.max(0, header.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_UPSERTS));
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
      if (seg.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KIND) == SnapshotFormat.IMAGE) {
        applyImage(file, seg, store);
        return;
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
   * Puts every live entry of the table image {@code seg} into {@code store}, one by one: for a store
   * whose layout differs from the image's (a {@link HeapStateStore}, another index setting).
   */
  private static void applyImage(Path file, MemorySegment seg, StateStore store) throws IOException {
    long capacity = seg.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_CAPACITY);
    int slotBytes = seg.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_SLOT_BYTES);
    int valueOffset = seg.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VALUE_OFFSET);
    long occupied = seg.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_UPSERTS) + seg.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_TOMBSTONES);
    long logBytes = seg.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_LOG_BYTES);
    long slots = SnapshotFormat.HEADER_BYTES + SnapshotFormat.IMAGE_HEADER_BYTES + SnapshotFormat.bitmapBytes(capacity);
    long log = slots + occupied * slotBytes;
    if (capacity < 16 || occupied < 0 || slotBytes < 8 + store.keyBytes() || log + logBytes > seg.byteSize() - 4) {
      throw new IOException("state snapshot " + file + " has an impossible table image header");
    }
    int keyBytes = store.keyBytes();
    int valueBytes = store.valueBytes();
    for (long i = 0; i < occupied; i++) {
      long base = slots + i * slotBytes;
      if (seg.get(JAVA_LONG_UNALIGNED, base) == SnapshotFormat.TOMBSTONE) {
        continue;
      }
      MemorySegment key = seg.asSlice(base + 8, keyBytes);
      if (valueBytes == StateStore.VARIABLE) {
        store.put(key, seg.asSlice(log + seg.get(JAVA_LONG_UNALIGNED, base + valueOffset), seg.get(JAVA_INT_UNALIGNED, base + valueOffset + 8)));
      } else {
        store.put(key, seg.asSlice(base + valueOffset, valueBytes));
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
    // the layout of the chain's table image, so that it restores slot for slot and the output restores
    // slot for slot into the live store (an index setting of its own would make both entry by entry)
    MemorySegment head = chain.isEmpty() ? null : header(chain.getFirst(), SnapshotFormat.HEADER_BYTES + SnapshotFormat.IMAGE_HEADER_BYTES);
    boolean indexed = head != null && head.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KIND) == SnapshotFormat.IMAGE
        && head.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_INDEXED) != 0;
    try (OffHeapStateStore scratch = new OffHeapStateStore(scratchDir, keyBytes, valueBytes, indexed, 1024)) {
      scratch.restore(chain);
      try (SnapshotCapture full = scratch.captureFull()) {
        return full.writeTo(out);
      }
    }
  }
}
