package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A snapshot as a list of deletes and upserts ({@link SnapshotFormat}, kinds full and incremental), built
 * in off-heap memory laid out as the file is: the writer only adds the checksum.
 */
final class EntryListCapture extends SnapshotCapture {
  private Arena arena;
  private MemorySegment buf;
  private long used;
  private long deletes;
  private long upserts;
  private final int kind;
  private final int keyBytes;
  private final int valueBytes;

  EntryListCapture(int kind, int keyBytes, int valueBytes, long initialBytes) {
    this.kind = kind;
    this.keyBytes = keyBytes;
    this.valueBytes = valueBytes;
    arena = Arena.ofShared();
    buf = arena.allocate(Math.max(SnapshotFormat.HEADER_BYTES + 64, initialBytes), 8);
    buf.set(JAVA_INT_UNALIGNED, 0, SnapshotFormat.MAGIC);
    buf.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VERSION, SnapshotFormat.VERSION);
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

  EntryListCapture finish() {
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

  @Override
  public long deletes() {
    return deletes;
  }

  @Override
  public long upserts() {
    return upserts;
  }

  @Override
  public long bytes() {
    return used + 4;
  }

  @Override
  public boolean full() {
    return kind == SnapshotFormat.FULL;
  }

  @Override
  void writeBody(FileChannel ch, CRC32C crc) throws IOException {
    for (long at = 0; at < used; at += Integer.MAX_VALUE - 8) { // a ByteBuffer view is at most 2 GiB
      writeChecked(ch, crc, buf.asSlice(at, Math.min(used - at, Integer.MAX_VALUE - 8)).asByteBuffer());
    }
  }

  @Override
  public void close() {
    if (arena != null) {
      arena.close();
      arena = null;
      buf = null;
    }
  }
}
