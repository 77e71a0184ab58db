package dev.laminar.state;

/**
 * Layout of a state snapshot (the same in memory, while captured, and on disk), little-endian:
 *
 * <pre>
 * int magic "LMSS", int version, int kind (0 full, 1 incremental), int keyBytes, int valueBytes (-1 variable),
 * int reserved, long deletes, long upserts
 * deletes × key
 * upserts × (key, value)            fixed-size values
 * upserts × (key, int length, bytes) variable-size values
 * int CRC32C of everything before it (on disk only)
 * </pre>
 */
final class SnapshotFormat {
  static final int MAGIC = 0x4C4D5353;
  static final int VERSION = 1;
  static final int FULL = 0;
  static final int INCREMENTAL = 1;
  static final int HEADER_BYTES = 40;
  static final long OFF_KIND = 8;
  static final long OFF_KEY_BYTES = 12;
  static final long OFF_VALUE_BYTES = 16;
  static final long OFF_DELETES = 24;
  static final long OFF_UPSERTS = 32;

  private SnapshotFormat() {}
}
