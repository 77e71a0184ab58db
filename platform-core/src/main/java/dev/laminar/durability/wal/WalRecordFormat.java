package dev.laminar.durability.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one record, little-endian:
 *
 * <pre>
 * int  length   payload bytes (0 .. MAX_PAYLOAD)
 * int  crc      CRC32C over length, lsn and payload
 * long lsn      the record's log sequence number = its byte position in the whole log
 * byte[length]  payload
 * </pre>
 *
 * The LSN is the byte position (as in PostgreSQL), so LSNs increase monotonically, a reader seeks to
 * an LSN without an index, and a frame copied to a wrong place (or a stale tail) fails the check.
 * The CRC covers the length so a flipped length bit is caught even when the wrong extent happens to
 * fit in the file.
 */
final class WalRecordFormat {
  static final int HEADER_BYTES = 16;
  static final int MAX_PAYLOAD = 256 << 20;

  private WalRecordFormat() {}

  /**
   * Writes the frame header for a payload already at {@code buf[at + HEADER_BYTES ..]}, computing the
   * CRC through {@code view}, a duplicate of {@code buf} kept by the caller so that no buffer object is
   * allocated per record.
   */
  static void sealFrame(ByteBuffer buf, ByteBuffer view, int at, int length, long lsn, CRC32C crc) {
    buf.putInt(at, length);
    buf.putLong(at + 8, lsn);
    buf.putInt(at + 4, crc(view, at, length, crc));
  }

  private static int crc(ByteBuffer view, int at, int length, CRC32C crc) {
    crc.reset();
    view.limit(at + 4).position(at);
    crc.update(view);
    view.limit(at + HEADER_BYTES + length).position(at + 8);
    crc.update(view);
    return (int) crc.getValue();
  }

  /**
   * Validates the frame at {@code buf.position()} (buffer little-endian, limit = end of readable data;
   * {@code view} a duplicate of it for the CRC).
   * Returns the payload length when the frame is whole, has LSN {@code expectedLsn} and a matching
   * CRC; otherwise -1 (torn, corrupt or not a frame).
   */
  static int check(ByteBuffer buf, ByteBuffer view, long expectedLsn, CRC32C crc) {
    int at = buf.position();
    if (buf.limit() - at < HEADER_BYTES) {
      return -1;
    }
    int length = buf.getInt(at);
    if (length < 0 || length > MAX_PAYLOAD || buf.limit() - at - HEADER_BYTES < length) {
      return -1;
    }
    if (buf.getLong(at + 8) != expectedLsn) {
      return -1;
    }
    return crc(view, at, length, crc) == buf.getInt(at + 4) ? length : -1;
  }

  /** Bytes a record of {@code payload} bytes takes in a segment. */
  static int frameBytes(int payload) {
    return HEADER_BYTES + payload;
  }
}
