package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Restores an {@link OffHeapStateStore} from a table image ({@link SnapshotFormat}) of the same layout in
 * one sequential read: the occupied slots are copied to their positions in runs (no hashing, no probing),
 * the value log is read straight into the store's mapped log, and the CRC32C is computed on the way.
 */
final class TableImageReader {
  private static final int STAGING_BYTES = 8 << 20;
  private static final int CHUNK = 1 << 30;

  private TableImageReader() {}

  /** Whether {@code file} is a table image that a store of {@code layout} can take slot for slot. */
  static boolean matches(Path file, OffHeapStateStore.Layout layout) throws IOException {
    MemorySegment h = SnapshotFiles.header(file, SnapshotFormat.HEADER_BYTES + SnapshotFormat.IMAGE_HEADER_BYTES);
    if (h == null || h.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KIND) != SnapshotFormat.IMAGE) {
      return false;
    }
    return h.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KEY_BYTES) == layout.keyBytes()
        && h.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VALUE_BYTES) == layout.valueBytes()
        && h.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_SLOT_BYTES) == layout.slotBytes()
        && h.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VALUE_OFFSET) == layout.valueOffset()
        && (h.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_INDEXED) != 0) == layout.indexed();
  }

  /** Replaces {@code store}'s contents with the image in {@code file} (of a matching layout). */
  static void load(Path file, OffHeapStateStore store) throws IOException {
    try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      CRC32C crc = new CRC32C();
      MemorySegment h = arena.allocate(SnapshotFormat.HEADER_BYTES + SnapshotFormat.IMAGE_HEADER_BYTES, 8);
      read(file, ch, h, crc);
      SnapshotFiles.checkVersion(file, h);
      long capacity = h.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_CAPACITY);
      int slotBytes = h.get(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_SLOT_BYTES);
      long live = h.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_UPSERTS);
      long tombstones = h.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_TOMBSTONES);
      long logBytes = h.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_LOG_BYTES);
      long components = h.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_INDEX_COMPONENTS);
      long occupied = live + tombstones;
      if (capacity < 16 || Long.bitCount(capacity) != 1 || capacity > Integer.MAX_VALUE || live < 0 || tombstones < 0
          || occupied > capacity || logBytes < 0 || components < 0 || components > live) {
        throw new IOException("state snapshot " + file + " has an impossible table image header");
      }
      long expected = h.byteSize() + SnapshotFormat.bitmapBytes(capacity) + occupied * slotBytes + logBytes + components * 16 + 4;
      if (ch.size() != expected) {
        throw new IOException("state snapshot " + file + " is " + ch.size() + " bytes; its header announces " + expected);
      }
      MemorySegment bitmap = arena.allocate(SnapshotFormat.bitmapBytes(capacity), 8);
      read(file, ch, bitmap, crc);
      long bits = 0;
      for (long at = 0; at < bitmap.byteSize(); at += 8) {
        bits += Long.bitCount(bitmap.get(JAVA_LONG_UNALIGNED, at));
      }
      if (bits != occupied || (capacity < 64 && (bitmap.get(JAVA_LONG_UNALIGNED, 0) >>> capacity) != 0)) {
        throw new IOException("state snapshot " + file + " fails its checksum (its slot bitmap does not match its header)");
      }
      store.beginImage(capacity, h.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_SEED), live, tombstones, logBytes,
          h.get(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_LOG_GARBAGE));
      scatterSlots(file, ch, crc, arena, bitmap, occupied, slotBytes, store.table());
      if (logBytes > 0) {
        read(file, ch, store.valueLogSegment().asSlice(0, logBytes), crc);
      }
      MemorySegment index = arena.allocate(Math.max(8, components * 16), 8).asSlice(0, components * 16);
      read(file, ch, index, crc);
      ByteBuffer trailer = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (trailer.hasRemaining()) {
        if (ch.read(trailer) < 0) {
          throw new IOException("state snapshot " + file + " is truncated");
        }
      }
      if (trailer.getInt(0) != (int) crc.getValue()) {
        throw new IOException("state snapshot " + file + " fails its checksum");
      }
      for (long i = 0; i < components; i++) { // trusted only now that the checksum holds
        long head = index.get(JAVA_LONG_UNALIGNED, i * 16 + 8);
        if (head < 0 || head >= capacity) {
          throw new IOException("state snapshot " + file + " has an index head outside its table: " + head);
        }
        store.restoreIndexHead(index.get(JAVA_LONG_UNALIGNED, i * 16), (int) head);
      }
    }
  }

  /** Reads the packed slots in chunks and copies each run of consecutive occupied slots to its place in {@code table}. */
  private static void scatterSlots(Path file, FileChannel ch, CRC32C crc, Arena arena, MemorySegment bitmap, long occupied,
      int slotBytes, MemorySegment table) throws IOException {
    long stagingSlots = Math.max(1, STAGING_BYTES / slotBytes);
    MemorySegment staging = arena.allocate(stagingSlots * slotBytes, 8);
    long s = 0;
    for (long remaining = occupied; remaining > 0; ) {
      long n = Math.min(remaining, stagingSlots);
      read(file, ch, staging.asSlice(0, n * slotBytes), crc);
      long off = 0;
      for (long left = n; left > 0; ) {
        s = nextSet(bitmap, s);
        long run = 1;
        while (run < left && isSet(bitmap, s + run)) {
          run++;
        }
        MemorySegment.copy(staging, off, table, s * slotBytes, run * slotBytes);
        off += run * slotBytes;
        left -= run;
        s += run;
      }
      remaining -= n;
    }
  }

  private static boolean isSet(MemorySegment bitmap, long s) {
    return (bitmap.get(JAVA_LONG_UNALIGNED, (s >>> 6) << 3) & (1L << s)) != 0;
  }

  /** The first set bit at or after {@code s} (one exists: the bits were counted). */
  private static long nextSet(MemorySegment bitmap, long s) {
    long w = s >>> 6;
    long word = bitmap.get(JAVA_LONG_UNALIGNED, w << 3) & (-1L << s);
    while (word == 0) {
      word = bitmap.get(JAVA_LONG_UNALIGNED, ++w << 3);
    }
    return (w << 6) + Long.numberOfTrailingZeros(word);
  }

  /** Fills {@code into} from the channel (in chunks of at most 1 GiB) and adds it to {@code crc}. */
  private static void read(Path file, FileChannel ch, MemorySegment into, CRC32C crc) throws IOException {
    for (long at = 0; at < into.byteSize(); at += CHUNK) {
      MemorySegment part = into.asSlice(at, Math.min(CHUNK, into.byteSize() - at));
      ByteBuffer b = part.asByteBuffer();
      while (b.hasRemaining()) {
        if (ch.read(b) < 0) {
          throw new IOException("state snapshot " + file + " is truncated");
        }
      }
      crc.update(part.asByteBuffer());
    }
  }
}
