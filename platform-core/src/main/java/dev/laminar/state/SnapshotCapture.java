package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.laminar.durability.DurableFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A snapshot copied out of a {@link StateStore} at a barrier ({@link SnapshotFormat} in off-heap
 * memory). The owner thread builds it; afterwards it belongs to whoever writes it: {@link #writeTo}
 * may run on any thread (Ring 1), and {@link #close()} frees the memory.
 *
 * <p>Why a copy of the changed entries at the barrier rather than copy-on-write pages: the owner pays
 * O(changed entries) once, at the barrier, and nothing on later writes; copy-on-write would add a
 * check (and sometimes a page copy) to every {@code put} until the writer finishes, and a page-level
 * delta of a hash table is mostly unchanged bytes (one changed 32-byte entry dirties a 4 KiB page).
 * A full capture is O(entries) on the owner; keep it for the first checkpoint and let
 * {@link SnapshotFiles#compact} make later full snapshots in the background.
 */
public final class SnapshotCapture implements AutoCloseable {
  private Arena arena;
  private MemorySegment buf;
  private long used;
  private long deletes;
  private long upserts;
  private final int keyBytes;
  private final int valueBytes;

  SnapshotCapture(int kind, int keyBytes, int valueBytes, long initialBytes) {
    this.keyBytes = keyBytes;
    this.valueBytes = valueBytes;
    arena = Arena.ofShared();
    buf = arena.allocate(Math.max(SnapshotFormat.HEADER_BYTES + 64, initialBytes), 8);
    buf.set(JAVA_INT_UNALIGNED, 0, SnapshotFormat.MAGIC);
    buf.set(JAVA_INT_UNALIGNED, 4, SnapshotFormat.VERSION);
    buf.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KIND, kind);
    buf.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KEY_BYTES, keyBytes);
    buf.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VALUE_BYTES, valueBytes);
    used = SnapshotFormat.HEADER_BYTES;
  }

  /** Owner, while building: all deletes come before the first upsert. */
  void addDelete(MemorySegment src, long keyOffset) {
    ensure(keyBytes);
    MemorySegment.copy(src, keyOffset, buf, used, keyBytes);
    used += keyBytes;
    deletes++;
  }

  /** Owner, while building. {@code length} is ignored for fixed-size values. */
  void addUpsert(MemorySegment keySrc, long keyOffset, MemorySegment valueSrc, long valueOffset, int length) {
    int v = valueBytes == StateStore.VARIABLE ? 4 + length : valueBytes;
    ensure(keyBytes + (long) v);
    MemorySegment.copy(keySrc, keyOffset, buf, used, keyBytes);
    used += keyBytes;
    if (valueBytes == StateStore.VARIABLE) {
      buf.set(JAVA_INT_UNALIGNED, used, length);
      MemorySegment.copy(valueSrc, valueOffset, buf, used + 4, length);
    } else {
      MemorySegment.copy(valueSrc, valueOffset, buf, used, valueBytes);
    }
    used += v;
    upserts++;
  }

  SnapshotCapture finish() {
    buf.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_DELETES, deletes);
    buf.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_UPSERTS, upserts);
    return this;
  }

  private void ensure(long more) {
    if (used + more <= buf.byteSize()) {
      return;
    }
    long size = Math.max(buf.byteSize() * 2, used + more);
    Arena bigger = Arena.ofShared();
    MemorySegment next = bigger.allocate(size, 8);
    MemorySegment.copy(buf, 0, next, 0, used);
    arena.close();
    arena = bigger;
    buf = next;
  }

  /** Keys removed since the previous capture (0 for a full capture). */
  public long deletes() {
    return deletes;
  }

  /** Entries written (changed ones for an incremental capture, all for a full one). */
  public long upserts() {
    return upserts;
  }

  /** Bytes of the snapshot file this capture becomes. */
  public long bytes() {
    return used + 4;
  }

  /**
   * Writes the snapshot durably and atomically to {@code file} (temp file, fsync, rename, fsync of the
   * directory) and returns its size. Any thread; the store may keep changing meanwhile.
   */
  public long writeTo(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    MemorySegment content = buf.asSlice(0, used);
    CRC32C crc = new CRC32C();
    crc.update(content.asByteBuffer());
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer body = content.asByteBuffer();
      while (body.hasRemaining()) {
        ch.write(body);
      }
      ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());
      while (trailer.hasRemaining()) {
        ch.write(trailer);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DurableFiles.syncDirectory(file.toAbsolutePath().getParent());
    return used + 4;
  }

  /** Frees the copy. Idempotent. */
  @Override
  public void close() {
    if (arena != null) {
      arena.close();
      arena = null;
      buf = null;
    }
  }
}
