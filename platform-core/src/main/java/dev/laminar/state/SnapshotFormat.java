package dev.laminar.state;

/**
 * Layout of a state snapshot file, little-endian. Every kind starts with the same 40-byte header and
 * ends with a CRC32C of everything before it:
 *
 * <pre>
 * int magic "LMSS", int version, int kind, int keyBytes, int valueBytes (-1 variable), int reserved,
 * long deletes, long upserts
 * </pre>
 *
 * <p><b>Entry lists</b> (kind 0 full, kind 1 incremental; versions 1 and 2) — what a delta is, and what
 * {@link HeapStateStore} writes in full:
 *
 * <pre>
 * deletes × key
 * upserts × (key, value)            fixed-size values
 * upserts × (key, int length, bytes) variable-size values
 * </pre>
 *
 * <p><b>Table image</b> (kind 2, version 2) — an {@link OffHeapStateStore}'s full snapshot: its hash table
 * slot by slot, so a store of the same layout restores it by copying regions, without hashing or probing
 * an entry. {@code upserts} is the number of live entries; {@code deletes} is 0.
 *
 * <pre>
 * long capacity (slots, a power of two), int slotBytes, int valueOffset (in a slot), int indexed (0/1),
 * int reserved, long seed (the hash seed the ctrl words were computed with), long tombstones,
 * long valueLogBytes, long valueLogGarbage, long indexComponents       (64 bytes)
 * capacity / 64 × long: bit s set when slot s is not empty (live or tombstone)
 * one slot (slotBytes: ctrl, key, value or (offset, length), index links) per set bit, in slot order
 * valueLogBytes bytes: the value log the variable-size slots point into
 * indexComponents × (long component, long head slot)
 * </pre>
 *
 * Empty slots are left out (a table is 35–70 % full), the rest is copied as it lies in the table.
 * Version 1 files (entry lists only) are still read; an unknown version is refused with its number.
 */
final class SnapshotFormat {
  static final int MAGIC = 0x4C4D5353;
  static final int VERSION = 2;
  /** The oldest version still read: its entry lists are unchanged in version 2. */
  static final int OLDEST_READABLE = 1;
  static final int FULL = 0;
  static final int INCREMENTAL = 1;
  static final int IMAGE = 2;
  static final int HEADER_BYTES = 40;
  static final long OFF_VERSION = 4;
  static final long OFF_KIND = 8;
  static final long OFF_KEY_BYTES = 12;
  static final long OFF_VALUE_BYTES = 16;
  static final long OFF_DELETES = 24;
  static final long OFF_UPSERTS = 32;

  /** The table image's own header, after {@link #HEADER_BYTES}. */
  static final int IMAGE_HEADER_BYTES = 64;
  static final long OFF_CAPACITY = HEADER_BYTES;
  static final long OFF_SLOT_BYTES = HEADER_BYTES + 8;
  static final long OFF_VALUE_OFFSET = HEADER_BYTES + 12;
  static final long OFF_INDEXED = HEADER_BYTES + 16;
  static final long OFF_SEED = HEADER_BYTES + 24;
  static final long OFF_TOMBSTONES = HEADER_BYTES + 32;
  static final long OFF_LOG_BYTES = HEADER_BYTES + 40;
  static final long OFF_LOG_GARBAGE = HEADER_BYTES + 48;
  static final long OFF_INDEX_COMPONENTS = HEADER_BYTES + 56;

  /** Slot ctrl words (see {@link OffHeapStateStore}): 0 empty, 1 tombstone, else a live entry. */
  static final long EMPTY = 0;
  static final long TOMBSTONE = 1;

  private SnapshotFormat() {}

  /** Bytes of the occupancy bitmap of a table of {@code capacity} slots. */
  static long bitmapBytes(long capacity) {
    return Math.max(1, capacity >>> 6) * 8;
  }
}
