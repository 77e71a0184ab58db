package dev.laminar.state;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A full snapshot of an {@link OffHeapStateStore} as a table image ({@link SnapshotFormat}, kind image).
 * On the owner: one bulk copy of the table (and of the value log, for variable-size values) and the
 * index's few (component, head) pairs — memcpy, no per-entry work. On the writer: the occupancy bitmap,
 * the occupied slots packed (empty ones left out), the checksum and the I/O.
 */
final class TableImageCapture extends SnapshotCapture {
  /** Slots are packed into a buffer of this size before each write. */
  private static final int STAGING_BYTES = 4 << 20;

  private CaptureBuffers.Buffer tableBuffer;
  private CaptureBuffers.Buffer logBuffer;
  private MemorySegment table;
  private MemorySegment log;
  private final int keyBytes;
  private final int valueBytes;
  private final long capacity;
  private final int slotBytes;
  private final int valueOffset;
  private final boolean indexed;
  private final long seed;
  private final long live;
  private final long tombstones;
  private final long logGarbage;
  private final long[] components;
  private final int[] heads;

  /** Owner: copies {@code table} and the first {@code logBytes} of {@code valueLog} (null for fixed-size values). */
  TableImageCapture(OffHeapStateStore.Layout layout, MemorySegment table, long capacity, long seed, long live, long tombstones,
      MemorySegment valueLog, long logBytes, long logGarbage, long[] components, int[] heads) {
    this.keyBytes = layout.keyBytes();
    this.valueBytes = layout.valueBytes();
    this.slotBytes = layout.slotBytes();
    this.valueOffset = layout.valueOffset();
    this.indexed = layout.indexed();
    this.capacity = capacity;
    this.seed = seed;
    this.live = live;
    this.tombstones = tombstones;
    this.logGarbage = logGarbage;
    this.components = components;
    this.heads = heads;
    tableBuffer = CaptureBuffers.acquire(capacity * slotBytes); // warm memory when prepared: the copy runs at memcpy speed
    this.table = tableBuffer.segment().asSlice(0, capacity * slotBytes);
    MemorySegment.copy(table, 0, this.table, 0, capacity * slotBytes);
    if (logBytes > 0) {
      logBuffer = CaptureBuffers.acquire(logBytes);
      this.log = logBuffer.segment().asSlice(0, logBytes);
      MemorySegment.copy(valueLog, 0, this.log, 0, logBytes);
    } else {
      this.log = MemorySegment.NULL;
    }
  }

  @Override
  public long deletes() {
    return 0;
  }

  @Override
  public long upserts() {
    return live;
  }

  @Override
  public boolean full() {
    return true;
  }

  @Override
  public long bytes() {
    return SnapshotFormat.HEADER_BYTES + SnapshotFormat.IMAGE_HEADER_BYTES + SnapshotFormat.bitmapBytes(capacity)
        + (live + tombstones) * slotBytes + log.byteSize() + components.length * 16L + 4;
  }

  @Override
  void writeBody(FileChannel ch, CRC32C crc) throws IOException {
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment header = scratch.allocate(SnapshotFormat.HEADER_BYTES + SnapshotFormat.IMAGE_HEADER_BYTES, 8);
      header.set(JAVA_INT_UNALIGNED, 0, SnapshotFormat.MAGIC);
      header.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VERSION, SnapshotFormat.VERSION);
      header.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KIND, SnapshotFormat.IMAGE);
      header.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_KEY_BYTES, keyBytes);
      header.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VALUE_BYTES, valueBytes);
      header.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_UPSERTS, live);
      header.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_CAPACITY, capacity);
      header.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_SLOT_BYTES, slotBytes);
      header.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_VALUE_OFFSET, valueOffset);
      header.set(JAVA_INT_UNALIGNED, SnapshotFormat.OFF_INDEXED, indexed ? 1 : 0);
      header.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_SEED, seed);
      header.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_TOMBSTONES, tombstones);
      header.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_LOG_BYTES, log.byteSize());
      header.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_LOG_GARBAGE, logGarbage);
      header.set(JAVA_LONG_UNALIGNED, SnapshotFormat.OFF_INDEX_COMPONENTS, components.length);
      writeChecked(ch, crc, header.asByteBuffer());

      MemorySegment bitmap = scratch.allocate(SnapshotFormat.bitmapBytes(capacity), 8);
      for (long s = 0; s < capacity; s++) {
        if (table.get(JAVA_LONG_UNALIGNED, s * slotBytes) != SnapshotFormat.EMPTY) {
          long at = (s >>> 6) << 3;
          bitmap.set(JAVA_LONG_UNALIGNED, at, bitmap.get(JAVA_LONG_UNALIGNED, at) | (1L << s));
        }
      }
      writeChecked(ch, crc, bitmap.asByteBuffer());

      MemorySegment staging = scratch.allocate(Math.max(STAGING_BYTES - STAGING_BYTES % slotBytes, slotBytes), 8);
      long used = 0;
      for (long s = 0; s < capacity; ) {
        if (table.get(JAVA_LONG_UNALIGNED, s * slotBytes) == SnapshotFormat.EMPTY) {
          s++;
          continue;
        }
        long run = 1; // copy runs of occupied slots at once
        while (s + run < capacity && (used + (run + 1) * slotBytes) <= staging.byteSize()
            && table.get(JAVA_LONG_UNALIGNED, (s + run) * slotBytes) != SnapshotFormat.EMPTY) {
          run++;
        }
        if (used + run * slotBytes > staging.byteSize()) {
          writeChecked(ch, crc, staging.asSlice(0, used).asByteBuffer());
          used = 0;
          continue;
        }
        MemorySegment.copy(table, s * slotBytes, staging, used, run * slotBytes);
        used += run * slotBytes;
        s += run;
      }
      if (used > 0) {
        writeChecked(ch, crc, staging.asSlice(0, used).asByteBuffer());
      }

      for (long at = 0; at < log.byteSize(); at += Integer.MAX_VALUE - 8) { // a ByteBuffer view is at most 2 GiB
        writeChecked(ch, crc, log.asSlice(at, Math.min(log.byteSize() - at, Integer.MAX_VALUE - 8)).asByteBuffer());
      }
      MemorySegment index = scratch.allocate(Math.max(8, components.length * 16L), 8);
      for (int i = 0; i < components.length; i++) {
        index.set(JAVA_LONG_UNALIGNED, i * 16L, components[i]);
        index.set(JAVA_LONG_UNALIGNED, i * 16L + 8, heads[i]);
      }
      writeChecked(ch, crc, index.asSlice(0, components.length * 16L).asByteBuffer());
    }
  }

  @Override
  public void close() {
    if (tableBuffer != null) {
      CaptureBuffers.release(tableBuffer);
      tableBuffer = null;
      table = null;
      if (logBuffer != null) {
        CaptureBuffers.release(logBuffer);
        logBuffer = null;
      }
      log = null;
    }
  }
}
